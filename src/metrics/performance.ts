/**
 * Performance and risk measures over a series of periodic SIMPLE returns (fractions, e.g. 0.01 = 1 %).
 * NaN policy: NaN entries are dropped before computing (a missing period is not a zero return).
 * Annualisation: `periodsPerYear` (252 daily, 52 weekly, 12 monthly, 1 = not annualised).
 * Standard deviations use ddof = 1 (the sample estimator, as pandas `.std()`).
 */
import { amean, astd, avariance, finite, ksum, normInv, normPdf, quantile } from './stats.ts';

/** Π(1 + rₜ) − 1. */
export function totalReturn(returns: ArrayLike<number>): number {
  const r = finite(returns);
  let logSum = 0;
  for (const v of r) logSum += Math.log1p(v);
  return Math.expm1(logSum);
}

/** Geometric annualised return (1 + total)^(periodsPerYear / n) − 1, n = number of returns. */
export function annualizedReturn(returns: ArrayLike<number>, periodsPerYear: number): number {
  const r = finite(returns);
  if (r.length === 0) return NaN;
  let logSum = 0;
  for (const v of r) logSum += Math.log1p(v);
  return Math.expm1((logSum * periodsPerYear) / r.length);
}

/** Annualised volatility: sd(r, ddof 1) · √periodsPerYear. */
export function annualizedVolatility(returns: ArrayLike<number>, periodsPerYear: number): number {
  return astd(finite(returns)) * Math.sqrt(periodsPerYear);
}

/**
 * Sharpe ratio: mean(r − rf) / sd(r − rf, ddof 1) · √periodsPerYear. `riskFree` is the per-period rate (a number,
 * or a series aligned with `returns`). periodsPerYear = 1 gives the per-period (not annualised) ratio.
 */
export function sharpeRatio(
  returns: ArrayLike<number>,
  periodsPerYear = 1,
  riskFree: number | ArrayLike<number> = 0,
): number {
  const ex = excess(returns, riskFree);
  return (amean(ex) / astd(ex)) * Math.sqrt(periodsPerYear);
}

/**
 * Sortino ratio: mean(r − target) / DD · √periodsPerYear with downside deviation DD = √(mean(min(r − target, 0)²))
 * over ALL periods (Sortino & Price 1994). `target` is per period.
 */
export function sortinoRatio(returns: ArrayLike<number>, periodsPerYear = 1, target = 0): number {
  const r = finite(returns);
  let s = 0;
  for (const v of r) {
    const d = Math.min(v - target, 0);
    s += d * d;
  }
  const dd = Math.sqrt(s / r.length);
  return ((amean(r) - target) / dd) * Math.sqrt(periodsPerYear);
}

/** Wealth path W₀ = 1, Wₜ = Wₜ₋₁(1 + rₜ) (length n + 1). */
export function wealthIndex(returns: ArrayLike<number>): Float64Array {
  const r = finite(returns);
  const w = new Float64Array(r.length + 1);
  w[0] = 1;
  for (let i = 0; i < r.length; i++) w[i + 1] = w[i]! * (1 + r[i]!);
  return w;
}

/** Drawdown series Dₜ = Wₜ / maxₛ≤ₜ Wₛ − 1 (≤ 0), over the wealth path from W₀ = 1 (length n + 1). */
export function drawdowns(returns: ArrayLike<number>): Float64Array {
  const w = wealthIndex(returns);
  const out = new Float64Array(w.length);
  let peak = -Infinity;
  for (let i = 0; i < w.length; i++) {
    peak = Math.max(peak, w[i]!);
    out[i] = w[i]! / peak - 1;
  }
  return out;
}

export interface MaxDrawdown {
  /** Largest peak-to-trough loss as a positive fraction (0.25 = −25 %). */
  readonly maxDrawdown: number;
  /** Index (in the wealth path, 0 = start) of the peak and trough of the largest drawdown. */
  readonly peak: number;
  readonly trough: number;
  /** Longest time under water, in periods: from a peak to the first period back at or above it (or the end). */
  readonly maxDuration: number;
}

export function maxDrawdown(returns: ArrayLike<number>): MaxDrawdown {
  const w = wealthIndex(returns);
  let peakV = w[0]!;
  let peakI = 0;
  let best = 0;
  let bestPeak = 0;
  let bestTrough = 0;
  let longest = 0;
  for (let i = 1; i < w.length; i++) {
    if (w[i]! >= peakV) {
      longest = Math.max(longest, i - peakI);
      peakV = w[i]!;
      peakI = i;
    } else {
      const dd = 1 - w[i]! / peakV;
      if (dd > best) {
        best = dd;
        bestPeak = peakI;
        bestTrough = i;
      }
    }
  }
  // Still under water at the end: that spell counts up to the last period.
  if (w[w.length - 1]! < peakV) longest = Math.max(longest, w.length - 1 - peakI);
  return { maxDrawdown: best, peak: bestPeak, trough: bestTrough, maxDuration: longest };
}

/** Calmar ratio: annualised (geometric) return / max drawdown. */
export function calmarRatio(returns: ArrayLike<number>, periodsPerYear: number): number {
  return annualizedReturn(returns, periodsPerYear) / maxDrawdown(returns).maxDrawdown;
}

/** Fraction of periods with a strictly positive return. */
export function hitRate(returns: ArrayLike<number>): number {
  const r = finite(returns);
  let k = 0;
  for (const v of r) if (v > 0) k++;
  return r.length === 0 ? NaN : k / r.length;
}

/** Sample skewness, bias-adjusted Fisher–Pearson G₁ = √(n(n−1))/(n−2) · m₃/m₂^{3/2} (pandas `.skew()`). */
export function skewness(returns: ArrayLike<number>): number {
  const r = finite(returns);
  const n = r.length;
  const m = amean(r);
  let m2 = 0;
  let m3 = 0;
  for (const v of r) {
    const d = v - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / Math.pow(m2, 1.5);
}

/**
 * Sample EXCESS kurtosis, bias-adjusted G₂ = ((n+1)·g₂ + 6)·(n−1)/((n−2)(n−3)), g₂ = m₄/m₂² − 3 (pandas `.kurt()`).
 */
export function excessKurtosis(returns: ArrayLike<number>): number {
  const r = finite(returns);
  const n = r.length;
  const m = amean(r);
  let m2 = 0;
  let m4 = 0;
  for (const v of r) {
    const d = v - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m4 /= n;
  const g2 = m4 / (m2 * m2) - 3;
  return (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3));
}

/**
 * Historical VaR at level α (e.g. 0.05): −q_α(r), the α-quantile with linear interpolation (numpy default).
 * Reported as a positive loss fraction per period.
 */
export function historicalVaR(returns: ArrayLike<number>, alpha = 0.05): number {
  return -quantile(finite(returns), alpha);
}

/** Historical CVaR (expected shortfall): −mean of the returns ≤ q_α(r). */
export function historicalCVaR(returns: ArrayLike<number>, alpha = 0.05): number {
  const r = finite(returns);
  const q = quantile(r, alpha);
  const tail: number[] = [];
  for (const v of r) if (v <= q) tail.push(v);
  return -amean(tail);
}

/** Gaussian VaR: −(μ + σ·Φ⁻¹(α)), μ and σ (ddof 1) of the per-period returns. */
export function parametricVaR(returns: ArrayLike<number>, alpha = 0.05): number {
  const r = finite(returns);
  return -(amean(r) + astd(r) * normInv(alpha));
}

/** Gaussian CVaR: −(μ − σ·φ(Φ⁻¹(α))/α). */
export function parametricCVaR(returns: ArrayLike<number>, alpha = 0.05): number {
  const r = finite(returns);
  return -(amean(r) - (astd(r) * normPdf(normInv(alpha))) / alpha);
}

/**
 * Certainty-equivalent return for mean-variance utility with risk aversion γ: mean(r) − γ/2 · var(r) (ddof 1),
 * per period (DeMiguel, Garlappi & Uppal 2009, eq. for CEQ). Multiply by periodsPerYear to annualise.
 */
export function certaintyEquivalent(returns: ArrayLike<number>, gamma = 1): number {
  const r = finite(returns);
  return amean(r) - (gamma / 2) * avariance(r);
}

/** r − rf, NaN pairs dropped. */
export function excess(returns: ArrayLike<number>, riskFree: number | ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < returns.length; i++) {
    const f = typeof riskFree === 'number' ? riskFree : riskFree[i]!;
    const v = returns[i]! - f;
    if (Number.isFinite(v)) out.push(v);
  }
  return Float64Array.from(out);
}

export { ksum };
