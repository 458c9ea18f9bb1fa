/**
 * Effective sample size of pooled panel feature rows for the feature-drift tests (KS, PSI).
 *
 * A window of W dates × N assets of an overlapping-window feature (a 63-bar momentum changes by 1/63 of its window a
 * day; a market move shifts every asset's momentum at once) holds far fewer independent values than W·N. KS and PSI
 * that count every row as independent call any ordinary regime move "significant". The design effect is measured on
 * the reference itself, for the indicator 1{x ≤ q} at the reference's quartiles q (what KS's sup and PSI's bins count):
 *   pₜ = share of date t's rows with x ≤ q,
 *   deff = N̄ · Var(pₜ) · LRF_W(pₜ) / (p̄(1 − p̄)),
 * where LRF_W = 1 + 2 Σ_{l<W} (1 − l/W) ρₗ is the variance of a W-date mean over the variance of one date divided
 * by W (exact for a stationary series: Bartlett weights with L = W − 1). N̄ · Var(pₜ) / (p̄(1 − p̄)) is the
 * cross-sectional part (1 for independent assets, N for assets that move as one); LRF_W the time part (≈ (1 + φ) /
 * (1 − φ) for AR(1)). The largest of the three quartiles' deff is used, floored at 1. n_eff = rows / deff.
 */
import { longRunFactor } from './long-run.ts';

/**
 * Design effect of `values` (rows grouped by date: `rowsPerDate[t]` consecutive rows for date t) for a window of
 * `window` dates; `sorted` is `values` sorted (its quartiles are the cuts).
 */
export function panelDesignEffect(
  values: ArrayLike<number>,
  rowsPerDate: readonly number[],
  sorted: Float64Array,
  window: number,
): number {
  const nDates = rowsPerDate.length;
  if (nDates < 3 || sorted.length === 0) return 1;
  let best = 1;
  for (const q of [0.25, 0.5, 0.75]) {
    const cut = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const p = new Float64Array(nDates);
    let rows = 0;
    let dates = 0;
    let start = 0;
    for (let t = 0; t < nDates; t++) {
      const n = rowsPerDate[t]!;
      let below = 0;
      let finite = 0;
      for (let i = start; i < start + n; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        finite++;
        if (v <= cut) below++;
      }
      start += n;
      p[t] = finite > 0 ? below / finite : NaN;
      if (finite > 0) {
        rows += finite;
        dates++;
      }
    }
    if (dates < 3) continue;
    let mean = 0;
    for (let t = 0; t < nDates; t++) if (Number.isFinite(p[t]!)) mean += p[t]!;
    mean /= dates;
    if (!(mean > 0 && mean < 1)) continue;
    let v = 0;
    for (let t = 0; t < nDates; t++) if (Number.isFinite(p[t]!)) v += (p[t]! - mean) ** 2;
    v /= dates - 1;
    const deff = ((rows / dates) * v * longRunFactor(p, mean, Math.max(0, window - 1))) / (mean * (1 - mean));
    if (deff > best) best = deff;
  }
  return best;
}
