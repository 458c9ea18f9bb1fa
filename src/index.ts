/**
 * Keel's library API. Each pipeline stage is available as a namespace (its folder's public door), in pipeline
 * order; the handful of entry points most programs start from are also exported at the top level.
 *
 *   import { runStudy, synthesizeMarket, data, allocation } from 'keel';
 *   const market = synthesizeMarket({ seed: 7, years: 5 });
 *   const r = await runStudy({ name: 'demo', data: { source: 'synthetic' } }, { outDir: 'runs' });
 */
export * as core from './core/index.ts';
export * as data from './data/index.ts';
export * as synth from './synth/index.ts';
export * as io from './io/index.ts';
export * as features from './features/index.ts';
export * as models from './models/index.ts';
export * as risk from './risk/index.ts';
export * as allocation from './allocation/index.ts';
export * as metrics from './metrics/index.ts';
export * as backtest from './backtest/index.ts';
export * as agents from './agents/index.ts';
export * as strategies from './strategies/index.ts';
export * as audit from './audit/index.ts';
export * as tuning from './tuning/index.ts';
export * as report from './report/index.ts';
export * as execution from './execution/index.ts';
export * as config from './config/index.ts';
export * as study from './study/index.ts';
export * as trading from './trading/index.ts';

// Entry points.
export { KeelError, isKeelError, Matrix, createRng } from './core/index.ts';
export { Panel } from './data/index.ts';
export type { IsoDate, AssetMeta } from './data/index.ts';
export { synthesizeMarket } from './synth/index.ts';
export { loadPrices } from './io/index.ts';
export { runBacktest } from './backtest/index.ts';
export { parseStudyText, validateStudy, studyJsonSchema, StudyError } from './config/index.ts';
export type { Study, StudyInput } from './config/index.ts';
export { runStudy, runStudyFile } from './study/index.ts';
export type { RunResult, RunStudyOptions, StudyStep } from './study/index.ts';
