/** core: numeric foundations shared by every stage (no I/O). */
export { Matrix } from './matrix.ts';
export { cholesky, choleskySolve, solve, inverse, inverseSPD, symEig, nearestPSD } from './linalg.ts';
export type { SymmetricEigen, PsdRepair } from './linalg.ts';
export { sum, mean, variance, std, dot, finiteValues, correlation, olsFit } from './stats.ts';
export { createRng, multivariateNormal } from './rng.ts';
export type { Rng } from './rng.ts';
export { EPS } from './tolerances.ts';
export {
  KeelError,
  ExitCode,
  usageError,
  configError,
  dataError,
  numericError,
  ioError,
  isKeelError,
} from './errors.ts';
export type { KeelErrorKind } from './errors.ts';
export { registerCleanup, runCleanups, pendingCleanups } from './cleanup.ts';
export {
  findingSeverities,
  atLeast,
  groupFindings,
  countFindings,
  formatFindingGroup,
  formatFinding,
  StrictFindingsError,
  enforceStrict,
} from './findings.ts';
export type { Finding, FindingDraft, FindingSeverity, FindingGroup, FindingCounts } from './findings.ts';
