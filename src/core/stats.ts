/** Small numeric helpers with stated NaN policies: compensated sums and Welford moments. */

/** Neumaier-compensated sum; NaN propagates (a NaN input gives NaN). */
export function sum(x: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/** Arithmetic mean (compensated); NaN for an empty input; NaN propagates. */
export function mean(x: ArrayLike<number>): number {
  return x.length === 0 ? Number.NaN : sum(x) / x.length;
}

/** Variance by Welford's update, with `ddof` (1 = sample variance); NaN when fewer than ddof + 1 values. */
export function variance(x: ArrayLike<number>, ddof = 1): number {
  let m = 0;
  let m2 = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    n++;
    const d = v - m;
    m += d / n;
    m2 += d * (v - m);
  }
  return n - ddof <= 0 ? Number.NaN : m2 / (n - ddof);
}

export function std(x: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(variance(x, ddof));
}

/** Inner product of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The values of `x` that are not NaN (a copy). */
export function finiteValues(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return Float64Array.from(out);
}

/** Pearson correlation of two equal-length vectors; NaN when either is constant (or empty). */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** OLS fit y ≈ intercept + slope·x over the pairs where both are finite; NaN slope when x does not vary there. */
export function olsFit(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; intercept: number } {
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    n++;
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) continue;
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  return { slope, intercept: my - slope * mx };
}
