/**
 * Data given as periodic returns (Kenneth French portfolios, factor files) becomes a price index the engine can
 * mark to: close_t = Π_{s≤t} (1 + r_s), starting from 1 before the first row. A missing return leaves the index
 * missing on that row and restarts from the last level after it (the engine carries the last price).
 */
import { dataError } from '../core/index.ts';
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
