/**
 * Small numeric helpers for the metrics: compensated sums, two-pass moments, quantiles, the normal distribution.
 * NaN policy: every helper here takes finite inputs; callers drop NaN first with `finite()`.
 * Compensated sums and means come from core; the rest is specific to metrics.
 */
import { mean, sum } from '../core/index.ts';

/**
 * The finite values of `x`, in order. When every value is finite and `x` is already a Float64Array, `x` itself is
 * returned (no copy): callers treat the result as read-only.
 */
export function finite(x: ArrayLike<number>): Float64Array {
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v === 0) k++;
  }
  if (k === x.length && x instanceof Float64Array) return x;
  const out = new Float64Array(k);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v === 0) out[j++] = v;
  }
  return out;
}

/** Neumaier-compensated sum (core's `sum`). */
export const ksum = sum;

export const amean = mean;

/** Two-pass variance with `ddof` (default 1, the sample variance). */
export function avariance(x: ArrayLike<number>, ddof = 1): number {
  const n = x.length;
  if (n - ddof <= 0) return NaN;
  const m = amean(x);
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    s += d * d;
    c += d;
  }
  return (s - (c * c) / n) / (n - ddof);
}

export function astd(x: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(avariance(x, ddof));
}

/** Sample covariance (ddof 1) of two equal-length series. */
export function acovariance(x: ArrayLike<number>, y: ArrayLike<number>, ddof = 1): number {
  const n = x.length;
  if (n - ddof <= 0) return NaN;
  const mx = amean(x);
  const my = amean(y);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i]! - mx) * (y[i]! - my);
  return s / (n - ddof);
}

/** Quantile with linear interpolation between order statistics (numpy's default `method='linear'`). */
export function quantile(x: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(x).sort();
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** erf to ~1e-14: Maclaurin series for |x| < 2.5, continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return x > 0 ? 1 - erfcLarge(ax) : erfcLarge(ax) - 1;
}

/** erfc(x) for x ≥ 2.5 by Lentz's continued fraction. */
function erfcLarge(x: number): number {
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    D = x + a * D;
    D = D === 0 ? tiny : D;
    C = x + a / C;
    C = C === 0 ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF Φ(x). */
export function normCdf(x: number): number {
  return x < -2.5 * Math.SQRT2 ? 0.5 * erfcLarge(-x / Math.SQRT2) : 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Standard normal density φ(x). */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Inverse standard normal CDF Φ⁻¹(p), p in (0,1): Acklam's rational approximation + one Halley step (~1e-15). */
export function normInv(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
