/**
 * Resampling to weekly (ISO weeks, Monday..Sunday) or monthly periods. Each period is labelled with its last date
 * present in the panel (not the calendar period end), so a resampled value is known on the date it carries and the
 * result stays point-in-time. Each asset takes its last non-missing value inside the period (a price's "last
 * price of the period"); `volume` is summed over the period's non-missing days; an asset with no value in the
 * period gets NaN.
 * Resample levels (prices), then take returns: the last daily return of a period is not the period's return.
 */
import { weekKey } from './calendar.ts';
import { Panel, type IsoDate } from './panel.ts';

export type Frequency = 'weekly' | 'monthly';

/** Index ranges [start, end) of each period of `dates`. */
export function periodBounds(dates: readonly IsoDate[], freq: Frequency): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  let key: number | string | undefined;
  for (let t = 0; t < dates.length; t++) {
    const k = freq === 'weekly' ? weekKey(dates[t]!) : dates[t]!.slice(0, 7);
    if (t > 0 && k !== key) {
      out.push({ start, end: t });
      start = t;
    }
    key = k;
  }
  if (dates.length > 0) out.push({ start, end: dates.length });
  return out;
}

/** Fields summed rather than last-valued when resampling. */
const SUMMED_FIELDS = new Set(['volume']);

export function resample(panel: Panel, freq: Frequency): Panel {
  const bounds = periodBounds(panel.dates, freq);
  const n = panel.nAssets;
  const fields: Record<string, Float64Array> = {};
  for (const name of panel.fieldNames) {
    const src = panel.field(name);
    const out = new Float64Array(bounds.length * n).fill(NaN);
    const sum = SUMMED_FIELDS.has(name);
    for (let p = 0; p < bounds.length; p++) {
      const { start, end } = bounds[p]!;
      for (let a = 0; a < n; a++) {
        if (sum) {
          let s = 0;
          let any = false;
          for (let t = start; t < end; t++) {
            const v = src[t * n + a]!;
            if (!Number.isNaN(v)) {
              s += v;
              any = true;
            }
          }
          out[p * n + a] = any ? s : NaN;
        } else {
          for (let t = end - 1; t >= start; t--) {
            const v = src[t * n + a]!;
            if (!Number.isNaN(v)) {
              out[p * n + a] = v;
              break;
            }
          }
        }
      }
    }
    fields[name] = out;
  }
  return new Panel({
    dates: bounds.map((b) => panel.dates[b.end - 1]!),
    assets: panel.assets,
    fields,
    meta: panel.meta,
  });
}
