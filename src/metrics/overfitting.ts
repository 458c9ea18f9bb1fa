/**
 * Probabilistic and deflated Sharpe ratios (Bailey & López de Prado 2012, 2014). All Sharpe ratios here are
 * PER PERIOD (not annualised), as the formulas require.
 */
import { amean, astd, finite, normCdf, normInv } from './stats.ts';
import { excessKurtosis, skewness } from './performance.ts';

const EULER_GAMMA = 0.5772156649015329;

/**
 * Standard error² of the Sharpe estimator under non-normal returns:
 * V[SR̂] = (1 − γ₃·SR + (γ₄ − 1)/4 · SR²) / (n − 1), γ₃ skewness, γ₄ (non-excess) kurtosis.
 */
export function sharpeVariance(sharpe: number, n: number, skew: number, kurtosis: number): number {
  return (1 - skew * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe) / (n - 1);
}

/**
 * PSR(SR*) = Φ((SR̂ − SR*) / √V[SR̂]): the probability that the true per-period Sharpe exceeds `benchmarkSharpe`,
 * with SR̂ = mean/sd (ddof 1) and the sample skewness and kurtosis of `returns` (bias-adjusted, as pandas).
 */
export function probabilisticSharpeRatio(returns: ArrayLike<number>, benchmarkSharpe = 0): number {
  const r = finite(returns);
  const sr = amean(r) / astd(r);
  const v = sharpeVariance(sr, r.length, skewness(r), excessKurtosis(r) + 3);
  return normCdf((sr - benchmarkSharpe) / Math.sqrt(v));
}

/**
 * Expected maximum Sharpe among `nTrials` independent unskilled trials whose Sharpe estimates have variance
 * `trialSharpeVariance`: E[max] ≈ √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ Euler–Mascheroni.
 */
export function expectedMaxSharpe(nTrials: number, trialSharpeVariance: number): number {
  if (nTrials <= 1) return 0;
  return (
    Math.sqrt(trialSharpeVariance) *
    ((1 - EULER_GAMMA) * normInv(1 - 1 / nTrials) + EULER_GAMMA * normInv(1 - 1 / (nTrials * Math.E)))
  );
}

export interface DeflatedSharpe {
  /** Probability that the true Sharpe exceeds the expected best of `nTrials` unskilled trials. */
  readonly dsr: number;
  /** The per-period Sharpe threshold SR₀ = E[max of nTrials]. */
  readonly threshold: number;
  readonly sharpe: number;
  readonly nTrials: number;
}

/**
 * Deflated Sharpe ratio: PSR(SR₀) with SR₀ = expectedMaxSharpe(nTrials, V). `trialSharpeVariance` is the variance
 * across the trials' per-period Sharpe ratios; when unknown it defaults to the estimator variance V[SR̂] of this
 * series (what unskilled trials on the same data would show). nTrials = 1 gives PSR(0).
 */
export function deflatedSharpeRatio(
  returns: ArrayLike<number>,
  nTrials: number,
  trialSharpeVariance?: number,
): DeflatedSharpe {
  if (!(Number.isInteger(nTrials) && nTrials >= 1))
    throw new RangeError(`nTrials must be an integer ≥ 1 (configurations tried), got ${nTrials}.`);
  const r = finite(returns);
  const sr = amean(r) / astd(r);
  const v = trialSharpeVariance ?? sharpeVariance(sr, r.length, skewness(r), excessKurtosis(r) + 3);
  const threshold = expectedMaxSharpe(nTrials, v);
  return { dsr: probabilisticSharpeRatio(r, threshold), threshold, sharpe: sr, nTrials };
}
