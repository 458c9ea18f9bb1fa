/** Long-run variance of autocorrelated series (Bartlett / Newey–West weights). */

/** Bartlett long-run variance over plain variance, 1 + 2 Σₗ (1 − l/(L+1)) ρₗ, floored at 1 (NaNs skipped). */
export function longRunFactor(x: ArrayLike<number>, mean: number, lags: number): number {
  const v: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) v.push(x[i]! - mean);
  const n = v.length;
  if (n < 3) return 1;
  let g0 = 0;
  for (const d of v) g0 += d * d;
  if (!(g0 > 0)) return 1;
  let f = 1;
  for (let l = 1; l <= Math.min(lags, n - 1); l++) {
    let g = 0;
    for (let i = l; i < n; i++) g += v[i]! * v[i - l]!;
    f += 2 * (1 - l / (lags + 1)) * (g / g0);
  }
  return Math.max(1, f);
}
