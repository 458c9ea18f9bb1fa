/**
 * The stages of `ml-forecast`, each a door that tuning, RL agents' strategies and explanations call directly:
 *   dataset    features, targets and the point-in-time training rows of a refit date (dataset.ts)
 *   selection  the inner purged k-fold over a refit's rows that chooses hyper-parameters (selection.ts)
 *   forecast   fit at a refit date → ForecastModel; predict a decision's forecasts (forecast.ts)
 *   portfolio  forecasts + risk → weights, incl. the volatility-target cash rule (portfolio.ts, cash.ts, signals.ts)
 * `mlForecast` (../ml-forecast.ts) composes them into a walk-forward strategy; `observe` (observer.ts) is the
 * per-decision hook. They live in strategies/ because forecast and portfolio need backtest (purged folds, periods
 * per year), risk and allocation, and strategies is the first stage right of all of them that is not a new
 * stage's own (explain, monitor, agents consume the values — FittedModel, Float64Array rows — not this code).
 */
export { mlFeatureSet, refitDataset, decisionFeatures, marketWideColumns, normaliseAcrossAssets } from './dataset.ts';
export type { MlFeatureSet, DatasetSpec, RefitData, RefitOutcome } from './dataset.ts';
export { chooseModel, selectCandidate, gridCandidates, meanGroupIc, selectionSchema } from './selection.ts';
export type { ModelChoiceSpec, SelectionDiagnostics, SelectionSpec, Selection, CandidateScore } from './selection.ts';
export { fitForecastModel, predictForecasts } from './forecast.ts';
export type { ForecastModel, ForecastSpec, Forecasts, Calibration } from './forecast.ts';
export { riskModel, constructPortfolio, warmUpPortfolio, sectorIndex } from './portfolio.ts';
export { tiltedEqualWeight, cappedProportional, forecastScores } from './tilt.ts';
export { activePortfolio } from './active.ts';
export type { ActivePortfolio } from './active.ts';
export type { ConstructedPortfolio, PortfolioSpec } from './portfolio.ts';
export { efficientRiskAllowingCash, allowingCashShadowPrices } from './cash.ts';
export type { TargetedAllocation } from './cash.ts';
export {
  thresholdSignals,
  volatilityBandSignal,
  signalsToWeights,
  topK,
  cappedForecastProportional,
  capVolatility,
  portfolioVol,
} from './signals.ts';
export type { Signal } from './signals.ts';
export {
  mlForecastSchema,
  DEFAULT_ML_FEATURES,
  requiredHistory,
  checkMlForecastInput,
  validateParams,
  sampleWeightsSchema,
  resolveSampleWeights,
  sampleWeightsProblem,
} from './params.ts';
export type {
  MlForecastParams,
  MlForecastEnv,
  MlDiagnostics,
  TrainingCurveData,
  SampleWeightsSpec,
  SampleWeightsDiagnostics,
} from './params.ts';
export type { MlDecisionRecord, MlDecisionObserver, MlObservation } from './observer.ts';
