/** risk: expected-return and covariance estimators over return tables (annualised, PyPortfolioOpt conventions). */
export { returnsFromPrices, returnsFromPanel, completeRows, column, assertUsable } from './returns.ts';
export type { ReturnsTable } from './returns.ts';
export { meanHistoricalReturn, emaHistoricalReturn, capmReturn, forecastReturns } from './expected-returns.ts';
export type { MeanReturnOptions } from './expected-returns.ts';
export {
  sampleCov,
  sampleCorr,
  expCov,
  semicovariance,
  repairCovariance,
  validateCovariance,
  isPositiveSemidefinite,
  markPositiveSemidefinite,
} from './covariance.ts';
export type { CovarianceEstimate } from './covariance.ts';
export { ledoitWolf, oas, shrunkCovariance } from './shrinkage.ts';
export type { LedoitWolfTarget } from './shrinkage.ts';
export { gram, toColumnMajor } from './gram.ts';
export { riskModelKinds, expectedReturnKinds } from './kinds.ts';
