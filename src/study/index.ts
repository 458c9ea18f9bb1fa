/** study: runs a validated study file end to end and writes its run folder. */
export { runStudy, runStudyFile, loadStudySteps } from './run-study.ts';
export type { RunStudyOptions, RunResult } from './run-study.ts';
export { deriveSeed } from './context.ts';
export type { StudyStep, RunContext, StudyState, StudyProgressEvent, PanelLike, ArtefactSink } from './context.ts';
export { failedTuneTrial, runTuneTrial, tuneStudy, tuneStudyFile, validationFolds } from './tune-study.ts';
export {
  failedSweepTrial,
  gridPoints,
  parseGridAxis,
  runSweepTrial,
  sweepCsv,
  sweepStudy,
  sweepStudyFile,
  SWEEP_METRICS,
} from './sweep.ts';
export type { GridAxis, SweepOptions, SweepResult, SweepTrialPayload, SweepTrialResult } from './sweep.ts';
export { localExecutor } from './trials.ts';
export type { QueuedTrial, RemoteExecutorFactory, TrialExecutor } from './trials.ts';
export type { TuneOptions, TuneResult, TuneTrial, TuneTrialOutcome, TuneTrialPayload } from './tune-study.ts';
export { summarizeMarket } from './steps/market-summary.ts';
export type { AssetSummary } from './steps/market-summary.ts';
export { runStudySeeds, runStudyFileSeeds, aggregateSeeds, meanSe } from './multi-seed.ts';
export type { SeedsResult, SeedsRow, MeanSe } from './multi-seed.ts';
export { loadUnpreparedMarket } from './doors.ts';
export { liveProgressWriter, LIVE_PROGRESS_FILE } from './live-progress.ts';
export type { LiveProgress } from './live-progress.ts';
