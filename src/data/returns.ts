/**
 * Simple and log returns. A return is NaN wherever it is undefined — either price missing, or (log) a price ≤ 0 —
 * and is never filled: the missing-data policy decides about holes before returns are taken.
 */
import { Panel } from './panel.ts';

export type ReturnKind = 'simple' | 'log';

/**
 * Kernel: returns of a row-major (nDates × nAssets) price block → ((nDates − 1) × nAssets), row t = return from
 * date t to t+1. Simple: p1/p0 − 1 (fractions). Log: ln(p1/p0). NaN where undefined. `out` may be passed in.
 */
export function returnsKernel(
  prices: Float64Array,
  nDates: number,
  nAssets: number,
  kind: ReturnKind = 'simple',
  out: Float64Array = new Float64Array(Math.max(0, nDates - 1) * nAssets),
): Float64Array {
  for (let t = 1; t < nDates; t++) {
    const o = (t - 1) * nAssets;
    const i1 = t * nAssets;
    const i0 = i1 - nAssets;
    for (let a = 0; a < nAssets; a++) {
      const p0 = prices[i0 + a]!;
      const p1 = prices[i1 + a]!;
      if (kind === 'simple') out[o + a] = p0 !== 0 && Number.isFinite(p0) && Number.isFinite(p1) ? p1 / p0 - 1 : NaN;
      else out[o + a] = p0 > 0 && p1 > 0 && Number.isFinite(p0) && Number.isFinite(p1) ? Math.log(p1 / p0) : NaN;
    }
  }
  return out;
}

/**
 * Returns of one field of a panel as a new panel dated from its second date (row t holds the return earned from
 * date t−1 to date t, known at the close of date t), with the single field `outField` (default 'return').
 */
export function returns(
  panel: Panel,
  options: { readonly kind?: ReturnKind; readonly field?: string; readonly outField?: string } = {},
): Panel {
  const kind = options.kind ?? 'simple';
  const field = options.field ?? 'close';
  const r = returnsKernel(panel.field(field), panel.nDates, panel.nAssets, kind);
  return new Panel({
    dates: panel.dates.slice(1),
    assets: panel.assets,
    fields: { [options.outField ?? 'return']: r },
    meta: panel.meta,
  });
}

export const simpleReturns = (panel: Panel, field = 'close'): Panel => returns(panel, { kind: 'simple', field });
export const logReturns = (panel: Panel, field = 'close'): Panel => returns(panel, { kind: 'log', field });
