/**
 * Data given as periodic returns (Kenneth French portfolios, factor files) becomes a price index the engine can
 * mark to: close_t = Π_{s≤t} (1 + r_s), starting from 1 before the first row. A missing return leaves the index
 * missing on that row and restarts from the last level after it (the engine carries the last price).
 */
import { dataError } from '../core/index.ts';
import { Panel as PanelCtor } from '../data/index.ts';
import type { Panel } from '../data/index.ts';

export function withPriceIndex(panel: Panel, returnField = 'return', outField = 'close'): Panel {
  if (!panel.has(returnField))
    throw dataError(
      `the data has no "${returnField}" field to build prices from (fields: ${panel.fieldNames.join(', ')}).`,
    );
  const r = panel.field(returnField);
  const n = panel.nAssets;
  const out = new Float64Array(r.length);
  const level = new Float64Array(n).fill(1);
  for (let t = 0; t < panel.nDates; t++) {
    for (let a = 0; a < n; a++) {
      const v = r[t * n + a]!;
      if (Number.isFinite(v)) {
        level[a] = level[a]! * (1 + v);
        out[t * n + a] = level[a]!;
      } else out[t * n + a] = NaN;
    }
  }
  return panel.withField(outField, out);
}

/**
 * Returns in excess of a risk-free column, as DGU (2009) build their data sets: every asset of `assets` (field
 * `return`) minus `factors[excessOver]` on the same date, plus the `include`d factor columns as they are (e.g.
 * Mkt-RF, already an excess return). Only dates present in both panels are kept, in order.
 */
export function excessReturnsPanel(
  assets: Panel,
  factors: Panel,
  options: { excessOver: string; include?: readonly string[]; field?: string },
): Panel {
  const field = options.field ?? 'return';
  const include = options.include ?? [];
  const iRf = factors.assetIndex(options.excessOver);
  const inc = include.map((id) => factors.assetIndex(id));
  const fDates = new Map(factors.dates.map((d, i) => [d, i]));
  const rows: [number, number][] = [];
  assets.dates.forEach((d, i) => {
    const j = fDates.get(d);
    if (j !== undefined) rows.push([i, j]);
  });
  if (rows.length === 0)
    throw dataError(
      `no common dates between the asset returns (${assets.dates[0]} … ${assets.dates.at(-1)}) and the factors (${factors.dates[0]} … ${factors.dates.at(-1)}).`,
    );
  const n = assets.nAssets + inc.length;
  const out = new Float64Array(rows.length * n);
  const ra = assets.field(field);
  const rf = factors.field(field);
  rows.forEach(([i, j], t) => {
    const r0 = rf[j * factors.nAssets + iRf]!;
    for (let a = 0; a < assets.nAssets; a++) out[t * n + a] = ra[i * assets.nAssets + a]! - r0;
    inc.forEach((k, m) => (out[t * n + assets.nAssets + m] = rf[j * factors.nAssets + k]!));
  });
  return new PanelCtor({
    dates: rows.map(([i]) => assets.dates[i]!),
    assets: [...assets.assets, ...include],
    fields: { [field]: out },
  });
}
