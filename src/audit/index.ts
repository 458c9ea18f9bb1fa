/** Look-ahead audit: perturb the future, assert the past is unchanged. */
export { perturbFuture, perturbModes, hashUniform, garbageValue } from './perturb.ts';
export type { PerturbMode } from './perturb.ts';
export { checkPointInTime, assertPointInTime, panelUpToObservation } from './point-in-time.ts';
export type { PointInTimeOptions, PointInTimeReport, PointInTimeViolation } from './point-in-time.ts';
export { firstDifference } from './compare.ts';
export type { Difference } from './compare.ts';
export { auditBacktest, backtestObservation, checkCutoffs, defaultCutoffs } from './backtest-audit.ts';
export type { AuditMode, BacktestAuditOptions, BacktestAuditReport, BacktestAuditViolation } from './backtest-audit.ts';
export { auditStudy, describeViolation } from './study-audit.ts';
export type { StudyAuditInput, StudyAuditReport, StrategyAudit } from './study-audit.ts';
export { perturbRecords, visibleDate } from './records.ts';
