/**
 * `computeMetrics`: every headline measure of one return series in one JSON-ready object (what `metrics.json`
 * holds). Returns are periodic simple returns; rates annualised with `periodsPerYear`; Sharpe with rf = `riskFree`
 * per period; VaR/CVaR per period at `alpha`; PSR/DSR per-period Sharpe with `nTrials` configurations tried.
 */
import { alpha as jensenAlpha, beta, informationRatio, trackingError } from './relative.ts';
import { deflatedSharpeRatio, probabilisticSharpeRatio } from './overfitting.ts';
import {
  annualizedReturn,
  annualizedVolatility,
  calmarRatio,
  certaintyEquivalent,
  excess,
  excessKurtosis,
  historicalCVaR,
  historicalVaR,
  hitRate,
  maxDrawdown,
  parametricCVaR,
  parametricVaR,
  sharpeRatio,
  skewness,
  sortinoRatio,
  totalReturn,
} from './performance.ts';
import { annualizedTurnover, costDrag } from './trading.ts';

export interface MetricsInput {
  /** Periodic simple returns of the strategy (after costs). */
  readonly returns: ArrayLike<number>;
  readonly periodsPerYear: number;
  /** Per-period risk-free rate (number or aligned series); default 0. */
  readonly riskFree?: number | ArrayLike<number>;
  /** Aligned benchmark returns for beta/alpha/tracking error/IR. */
  readonly benchmark?: ArrayLike<number>;
  /** Per-period traded notional (Σ|qty·price|), costs, and pre-trade NAV, from the ledger. */
  readonly tradedNotional?: ArrayLike<number>;
  readonly costs?: ArrayLike<number>;
  readonly nav?: ArrayLike<number>;
  /** Configurations tried to get this result (for the deflated Sharpe); default 1. */
  readonly nTrials?: number;
  /** Tail level for VaR/CVaR (default 0.05). */
  readonly alpha?: number;
  /** Risk aversion for the certainty-equivalent return (default 1). */
  readonly gamma?: number;
}

export interface Metrics {
  readonly periods: number;
  readonly periodsPerYear: number;
  readonly totalReturn: number;
  readonly annualizedReturn: number;
  readonly annualizedVolatility: number;
  readonly sharpe: number;
  /** Per-period Sharpe (not annualised), the figure DGU (2009) report for monthly data. */
  readonly sharpePerPeriod: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly maxDrawdown: number;
  readonly maxDrawdownDuration: number;
  readonly hitRate: number;
  readonly skewness: number;
  readonly excessKurtosis: number;
  readonly historicalVaR: number;
  readonly historicalCVaR: number;
  readonly parametricVaR: number;
  readonly parametricCVaR: number;
  /** Per period, mean − γ/2·var of excess returns. */
  readonly certaintyEquivalent: number;
  readonly probabilisticSharpe: number;
  readonly deflatedSharpe: number;
  readonly nTrials: number;
  readonly turnover?: number;
  readonly costDrag?: number;
  readonly beta?: number;
  readonly alpha?: number;
  readonly trackingError?: number;
  readonly informationRatio?: number;
}

/** All headline metrics (NaN where undefined, e.g. too few periods); JSON writers should map NaN to null. */
export function computeMetrics(input: MetricsInput): Metrics {
  const { returns, periodsPerYear: ppy } = input;
  const rf = input.riskFree ?? 0;
  const ex = excess(returns, rf);
  const nTrials = input.nTrials ?? 1;
  const dd = maxDrawdown(returns);
  const out: Record<string, number> = {
    periods: ex.length,
    periodsPerYear: ppy,
    totalReturn: totalReturn(returns),
    annualizedReturn: annualizedReturn(returns, ppy),
    annualizedVolatility: annualizedVolatility(returns, ppy),
    sharpe: sharpeRatio(ex, ppy),
    sharpePerPeriod: sharpeRatio(ex, 1),
    sortino: sortinoRatio(ex, ppy),
    calmar: calmarRatio(returns, ppy),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDuration: dd.maxDuration,
    hitRate: hitRate(returns),
    skewness: skewness(returns),
    excessKurtosis: excessKurtosis(returns),
    historicalVaR: historicalVaR(returns, input.alpha ?? 0.05),
    historicalCVaR: historicalCVaR(returns, input.alpha ?? 0.05),
    parametricVaR: parametricVaR(returns, input.alpha ?? 0.05),
    parametricCVaR: parametricCVaR(returns, input.alpha ?? 0.05),
    certaintyEquivalent: certaintyEquivalent(ex, input.gamma ?? 1),
    probabilisticSharpe: ex.length > 3 ? probabilisticSharpeRatio(ex) : NaN,
    deflatedSharpe: ex.length > 3 ? deflatedSharpeRatio(ex, nTrials).dsr : NaN,
    nTrials,
  };
  if (input.nav && input.tradedNotional) out['turnover'] = annualizedTurnover(input.tradedNotional, input.nav, ppy);
  if (input.nav && input.costs) out['costDrag'] = costDrag(input.costs, input.nav, ppy);
  if (input.benchmark) {
    out['beta'] = beta(returns, input.benchmark);
    out['alpha'] = jensenAlpha(excess(returns, rf), excess(input.benchmark, rf), ppy);
    out['trackingError'] = trackingError(returns, input.benchmark, ppy);
    out['informationRatio'] = informationRatio(returns, input.benchmark, ppy);
  }
  return out as unknown as Metrics;
}
