/**
 * The allocation contract (TEAM.md): a frozen return distribution in, an `Allocation` value out. Failure is a value:
 * `status` says whether the requested method produced the weights ('ok'), a later link of the fallback chain did
 * ('fallback') or nothing usable was found ('failed', weights all zero = all cash); `trail` records every attempt.
 */
import type { Matrix } from '../core/index.ts';
import type { Constraints } from './constraints.ts';

export interface ReturnDistribution {
  readonly assets: readonly string[];
  /** Expected returns, annualised fractions, one per asset. */
  readonly mu: Float64Array;
  /** Annualised covariance, nAssets × nAssets. */
  readonly cov: Matrix;
  /** nScenarios × nAssets per-period returns (CVaR, historical VaR). */
  readonly scenarios?: Matrix;
  /** Variance of each forecast in `mu` (uncertainty), annualised. */
  readonly forecastVariance?: Float64Array;
  /** Weights held before this decision (turnover, transaction costs). */
  readonly previousWeights?: Float64Array;
  /** Annual risk-free rate as a fraction (0.02 = 2 %). */
  readonly riskFreeRate?: number;
  /** Periods per year μ and Σ were annualised with (default 252): de-annualises the parametric VaR to one period. */
  readonly periodsPerYear?: number;
}

export interface TrailEntry {
  readonly by: string;
  readonly outcome: string;
}

export interface Allocation {
  readonly weights: Float64Array;
  readonly status: 'ok' | 'fallback' | 'failed';
  readonly trail: readonly TrailEntry[];
  readonly diagnostics: Readonly<Record<string, number | string>>;
}

export interface Allocator {
  readonly kind: string;
  allocate(dist: ReturnDistribution, constraints?: Constraints): Allocation;
}

/** Expected return, volatility and Sharpe ratio of weights w (all annualised; PyPortfolioOpt's `portfolio_performance`). */
export interface Performance {
  readonly expectedReturn: number;
  readonly volatility: number;
  readonly sharpe: number;
}
