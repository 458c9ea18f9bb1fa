/**
 * Data given as periodic returns (Kenneth French portfolios, factor files) becomes a price index the engine can
 * mark to: close = Π (1 + r), which is 1 on a BASE ROW one period before an asset's first return. Without that row
 * the first return has no earlier price and is lost (the engine can only see a return between two closes). An
 * asset whose first return is on the panel's first row gets a new row prepended (see `periodBefore` for its date;
 * every other field is NaN there); one listed later gets its base on the row before its first return. A missing
 * return leaves the index missing on that row and restarts from the last level after it (the engine carries the
 * last price).
 */
import { dataError } from '../core/index.ts';
import { Panel as PanelCtor } from '../data/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';

const DAY = 86_400_000;
const iso = (ms: number): IsoDate => new Date(ms).toISOString().slice(0, 10);
const isMonthEnd = (d: IsoDate): boolean => new Date(Date.parse(d) + DAY).getUTCDate() === 1;

/**
 * The date of the period before `dates[0]`, by the calendar of the first two dates: month-end (or month-start)
 * data steps back the same number of whole months as between them (1 monthly, 3 quarterly, 12 annual) to the
 * previous month end (start); other data steps back by the first gap in days, and a gap of 1–3 days (business
 * days) lands on the previous weekday.
 */
export function periodBefore(dates: readonly IsoDate[]): IsoDate {
  const d0 = dates[0]!;
  const t0 = Date.parse(d0);
  const d1 = dates[1];
  const a = new Date(t0);
  const monthly = (d: IsoDate | undefined, test: (x: IsoDate) => boolean): boolean =>
    test(d0) && (d === undefined || (test(d) && Date.parse(d) - t0 >= 28 * DAY));
  const months = (): number => {
    if (d1 === undefined) return 1;
    const b = new Date(Date.parse(d1));
    return Math.max(1, (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth());
  };
  if (monthly(d1, isMonthEnd)) return iso(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() - months() + 1, 1) - DAY);
  if (monthly(d1, (x) => x.endsWith('-01'))) return iso(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() - months(), 1));
  const gap = d1 === undefined ? 1 : Math.round((Date.parse(d1) - t0) / DAY);
  if (gap > 3) return iso(t0 - gap * DAY);
  let t = t0 - DAY;
  while ([0, 6].includes(new Date(t).getUTCDay())) t -= DAY;
  return iso(t);
}

export function withPriceIndex(panel: Panel, returnField = 'return', outField = 'close'): Panel {
  if (!panel.has(returnField))
    throw dataError(
      `the data has no "${returnField}" field to build prices from (fields: ${panel.fieldNames.join(', ')}).`,
    );
  const r = panel.field(returnField);
  const n = panel.nAssets;
  const T = panel.nDates;
  let startsAtFirstRow = false;
  for (let a = 0; a < n; a++) if (Number.isFinite(r[a]!)) startsAtFirstRow = true;
  const base = T > 0 && startsAtFirstRow ? 1 : 0; // rows prepended
  const out = new Float64Array((T + base) * n).fill(NaN);
  const level = new Float64Array(n).fill(NaN);
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < n; a++) {
      const v = r[t * n + a]!;
      if (!Number.isFinite(v)) continue;
      if (Number.isNaN(level[a]!)) {
        level[a] = 1;
        out[(t + base - 1) * n + a] = 1; // the base: one period before the first return
      }
      level[a] = level[a]! * (1 + v);
      out[(t + base) * n + a] = level[a]!;
    }
  }
  if (base === 0) return panel.withField(outField, out);
  const fields: Record<string, Float64Array> = {};
  for (const name of panel.fieldNames) {
    const x = new Float64Array((T + 1) * n).fill(NaN);
    x.set(panel.field(name), n);
    fields[name] = x;
  }
  fields[outField] = out;
  return new PanelCtor({
    dates: [periodBefore(panel.dates), ...panel.dates],
    assets: panel.assets,
    fields,
    meta: panel.meta,
  });
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
