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
