/**
 * tuning: search spaces as data, samplers (grid, random, TPE), an ask/tell optimiser and the probability of backtest
 * overfitting (CSCV). Pure: no I/O; every random number comes from a seeded core RNG.
 */
export { spaceProblems, validateSpace, intValues, inSpace } from './space.ts';
export type { Choice, FloatParam, IntParam, CategoricalParam, ParamSpec, SearchSpace, Params } from './space.ts';
export type { Direction, TrialState, Trial } from './trial.ts';
export { sampleUniform, randomPoint } from './uniform.ts';
export { createSampler, gridSampler, randomSampler, tpeSampler, gridAxis, gridSize } from './samplers.ts';
export type { Sampler, SamplerSpec, GridOptions } from './samplers.ts';
export { tpeDefaults, gammaCount, splitTrials, tpeSample, paramEstimator } from './tpe.ts';
export { numericScale } from './scale.ts';
export type { TpeOptions, ParamEstimator } from './tpe.ts';
export { observationWeights, neighbourBandwidths, numericParzen, logPdfNumeric, categoricalParzen } from './parzen.ts';
export type { NumericParzen, ParzenOptions } from './parzen.ts';
export { createStudy } from './study.ts';
export type { StudyOptions, TuningStudy, Objective } from './study.ts';
export { paramSpecSchema, tuneSectionSchema } from './tune-schema.ts';
export type { TuneSection, TuneSectionInput } from './tune-schema.ts';
export { probabilityOfBacktestOverfitting, forEachCombination } from './pbo.ts';
export type { PboOptions, PboResult } from './pbo.ts';
