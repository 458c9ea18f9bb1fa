/**
 * Trading measures from per-period ledger totals (the backtest aggregates its ledger into these series).
 * Both are annualised sums of per-period fractions of NAV: Σₜ (xₜ / NAVₜ) · periodsPerYear / n.
 */

/**
 * Annualised two-sided turnover: Σₜ (Σₐ |traded notionalₜ,ₐ| / NAVₜ) · periodsPerYear / n, where NAVₜ is the NAV
 * before the period's trades. 1.0 = the whole book bought or sold once a year (a full switch A→B counts 2.0).
 */
export function annualizedTurnover(
  tradedNotional: ArrayLike<number>,
  nav: ArrayLike<number>,
  periodsPerYear: number,
): number {
  return annualizedShare(tradedNotional, nav, periodsPerYear);
}

/** Annualised cost drag: Σₜ (costsₜ / NAVₜ) · periodsPerYear / n, a fraction of NAV per year (0.001 = 10 bp a year). */
export function costDrag(costs: ArrayLike<number>, nav: ArrayLike<number>, periodsPerYear: number): number {
  return annualizedShare(costs, nav, periodsPerYear);
}

function annualizedShare(x: ArrayLike<number>, nav: ArrayLike<number>, periodsPerYear: number): number {
  const n = x.length;
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) if (nav[i]! > 0 && Number.isFinite(x[i]!)) s += x[i]! / nav[i]!;
  return (s * periodsPerYear) / n;
}

/**
 * How far a weights path is from equal weight: the mean over rows of Σₐ |wₐ − 1/n| (0 for 1/N; 2 − 2/n for all in
 * one asset; 1 for all cash). `weights` is rows × n row-major; rows before `from` are skipped.
 */
export function l1FromEqualWeight(weights: Float64Array, n: number, from = 0): number {
  const rows = weights.length / n;
  if (rows <= from) return NaN;
  let total = 0;
  for (let t = from; t < rows; t++) {
    let d = 0;
    for (let a = 0; a < n; a++) d += Math.abs(weights[t * n + a]! - 1 / n);
    total += d;
  }
  return total / (rows - from);
}
