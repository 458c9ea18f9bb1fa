/**
 * Measures against a benchmark. `returns` and `benchmark` are aligned periodic simple returns; periods where
 * either is NaN are dropped. Annualisation by `periodsPerYear` (arithmetic for alpha, √ for tracking error).
 */
import { acovariance, amean, astd, avariance } from './stats.ts';

function aligned(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  const a: number[] = [];
  const b: number[] = [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      a.push(x[i]!);
      b.push(y[i]!);
    }
  }
  return [Float64Array.from(a), Float64Array.from(b)];
}

/** β = cov(r, b) / var(b) (both ddof 1). */
export function beta(returns: ArrayLike<number>, benchmark: ArrayLike<number>): number {
  const [r, b] = aligned(returns, benchmark);
  return acovariance(r, b) / avariance(b);
}

/** Jensen's alpha, annualised arithmetically: (mean(r) − β·mean(b)) · periodsPerYear (returns in excess of rf if you pass excess returns). */
export function alpha(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear = 1): number {
  const [r, b] = aligned(returns, benchmark);
  const bt = acovariance(r, b) / avariance(b);
  return (amean(r) - bt * amean(b)) * periodsPerYear;
}

/** Tracking error: sd(r − b, ddof 1) · √periodsPerYear. */
export function trackingError(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear = 1): number {
  const [r, b] = aligned(returns, benchmark);
  const d = r.map((v, i) => v - b[i]!);
  return astd(d) * Math.sqrt(periodsPerYear);
}

/** Information ratio: mean(r − b) / sd(r − b) · √periodsPerYear. */
export function informationRatio(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear = 1): number {
  const [r, b] = aligned(returns, benchmark);
  const d = r.map((v, i) => v - b[i]!);
  return (amean(d) / astd(d)) * Math.sqrt(periodsPerYear);
}
