/** Features: point-in-time transformers, records joins, sentiment, scalers, targets and the feature-matrix builder. */
export type { Feature, FeatureBlock, FeatureInput } from './feature.ts';
export { defineFeature, perAsset, perAssetMulti } from './feature.ts';
export type { FundamentalReport, Headline, MacroObservation, PitRecords } from './records.ts';
export { firstIndexOnOrAfter } from './records.ts';
export * as indicators from './indicators.ts';
export {
  atrFeature,
  bollingerFeature,
  crossSectionalRank,
  laggedReturns,
  macdFeature,
  momentum,
  movingAverages,
  rankFractions,
  rsiFeature,
  volatility,
  volumeZFeature,
} from './technical.ts';
export { fundamentalsFeature, macroFeature, sentimentFeature } from './record-features.ts';
export { macroSurpriseFeature } from './macro-surprise.ts';
export type { MacroSurpriseParams } from './macro-surprise.ts';
export { marketRegimeFeature } from './market-regime.ts';
export { assetCategoryFeature } from './asset-category.ts';
export type { AssetCategoryKey } from './asset-category.ts';
export type { MarketRegimeParams } from './market-regime.ts';
export { scoreText, tokenize } from './sentiment.ts';
export { featureKinds, createFeatures } from './kinds.ts';
export type { FeatureKind, FeatureKindName, FeatureSpec } from './kinds.ts';
export { fitScaler, makeScaler, scalerKindNames, scalerSchema } from './scalers.ts';
export type { FittedScaler, ScalerKind } from './scalers.ts';
export {
  createTarget,
  direction,
  excessReturn,
  forwardReturn,
  percentileRanks,
  rankTarget,
  targetSchema,
  tripleBarrier,
} from './targets.ts';
export { crossSectionalNormalize, crossSectionalKinds, crossSectionalSchema } from './cross-section.ts';
export type { CrossSectionalKind } from './cross-section.ts';
export type { TargetSeries, TargetSpec } from './targets.ts';
export { buildDataset, computeFeatures, decisionIndexOf, predictionRows, trainingSet } from './dataset.ts';
export type { FeatureDataset, FeatureMatrix, PredictionRows, TrainingWindow } from './dataset.ts';
export { averageUniqueness, timeDecay, uniquenessWeights } from './sample-weights.ts';
export type { UniquenessOptions } from './sample-weights.ts';
export { checkFeaturePointInTime } from './point-in-time.ts';
export type { FeatureAuditOptions } from './point-in-time.ts';
