/**
 * Point-in-time market statistics for the cost models: ADV and return volatility over trailing windows ending at
 * decision row t (nothing after t). Shared by the engine and the execution stage's paper broker, so both price
 * impact from the same figures.
 */
import type { CostContext, CostModel } from './costs.ts';

/** Last `window` rows (≤ t) of close-to-close returns of the valuation field, row-major window × n. */
export function returnsWindow(px: Float64Array, n: number, t: number, window: number): Float64Array {
  const rows = Math.max(0, Math.min(window, t));
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    const r = t - rows + 1 + i;
    for (let a = 0; a < n; a++) out[i * n + a] = px[r * n + a]! / px[(r - 1) * n + a]! - 1;
  }
  return out;
}

/** ADV and volatility as of decision row t (trailing windows ending at t). */
export function marketContext(
  px: Float64Array,
  volume: Float64Array | null,
  n: number,
  t: number,
  model: CostModel,
  assetClass: readonly string[],
): CostContext {
  const ctx: { assetClass: readonly string[]; adv?: Float64Array; volatility?: Float64Array } = { assetClass };
  const aw = model.needs?.adv;
  if (aw !== undefined && volume) {
    const adv = new Float64Array(n);
    const rows = Math.min(aw, t + 1);
    for (let a = 0; a < n; a++) {
      let sum = 0;
      let k = 0;
      for (let r = t - rows + 1; r <= t; r++) {
        const v = volume[r * n + a]!;
        if (Number.isFinite(v)) {
          sum += v;
          k++;
        }
      }
      adv[a] = k > 0 ? sum / k : NaN;
    }
    ctx.adv = adv;
  }
  const vw = model.needs?.volatility;
  if (vw !== undefined) {
    const R = returnsWindow(px, n, t, vw);
    const rows = R.length / n;
    const vol = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      let m = 0;
      let k = 0;
      for (let i = 0; i < rows; i++) {
        const r = R[i * n + a]!;
        if (Number.isFinite(r)) {
          m += r;
          k++;
        }
      }
      m /= k;
      let ss = 0;
      for (let i = 0; i < rows; i++) {
        const r = R[i * n + a]!;
        if (Number.isFinite(r)) ss += (r - m) * (r - m);
      }
      vol[a] = k > 1 ? Math.sqrt(ss / (k - 1)) : NaN;
    }
    ctx.volatility = vol;
  }
  return ctx;
}
