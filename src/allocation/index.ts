/**
 * allocation: allocators behind one contract (`Allocator.allocate(dist, constraints) → Allocation`), constraints
 * as data, the exact active-set QP, HiGHS LPs, fallback chains and the `allocatorKinds` registry.
 */
export type { Allocation, Allocator, Performance, ReturnDistribution, TrailEntry } from './types.ts';
export { allocatorKinds } from './kinds.ts';
export type { AllocatorKind } from './kinds.ts';
export {
  constraintsSchema,
  groupConstraintSchema,
  checkConstraints,
  compileBounds,
  normalQuantile,
  valueAtRisk,
  historicalCVaR,
  CONSTRAINT_TOL,
} from './constraints.ts';
export type { Constraints, GroupConstraint, Violation } from './constraints.ts';
export { portfolioPerformance, portfolioVariance } from './performance.ts';
export {
  minVariance,
  maxSharpe,
  maxQuadraticUtility,
  efficientReturn,
  efficientRisk,
  efficientFrontier,
  maxAchievableReturn,
  validateDistribution,
  efficientRiskShadowPrices,
} from './mean-variance.ts';
export type { FrontierPoint, ShadowPrice, ShadowPrices } from './mean-variance.ts';
export { equalWeight, inverseVolatility, fixedMix, forecastProportional, volatilityTarget } from './naive.ts';
export { riskBudgeting, riskContributions } from './risk-parity.ts';
export { hrp, herc, covToCorr, clusterVariance } from './cluster/hrp.ts';
export { linkage, leafOrder } from './cluster/linkage.ts';
export type { LinkageMethod, LinkageRow } from './cluster/linkage.ts';
export { nco } from './cluster/nco.ts';
export type { NcoOptions, NcoResult } from './cluster/nco.ts';
export { minCvar, minCvarSolve } from './cvar.ts';
export { efficientSemivariance, semideviation } from './semivariance.ts';
export { minCdarSolve } from './cdar.ts';
export {
  blackLitterman,
  blWeights,
  marketImpliedPriorReturns,
  marketImpliedRiskAversion,
  viewsToPQ,
  posteriorDistribution,
  viewsSchema,
  blackLittermanParamsSchema,
} from './black-litterman.ts';
export type { Views, BlackLittermanParams } from './black-litterman.ts';
export { makeAllocator, withFallback, chain } from './run.ts';
export type { WeightFunction } from './run.ts';
export { solveQpActiveSet } from './solvers/activeSetQp.ts';
export type { QpProblem, QpResult, QpRow } from './solvers/activeSetQp.ts';
export { solveLp } from './solvers/highs.ts';
export type { LpModel } from './solvers/highs.ts';
export { cleanWeights, greedyDiscreteAllocation, integerDiscreteAllocation, latestPrices } from './discrete.ts';
export { allocationFindings } from './findings.ts';
export { constraintProblems } from './feasibility.ts';
export { zeroVarianceAssets, zeroVarianceFinding } from './zero-variance.ts';
