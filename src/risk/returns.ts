/**
 * Return tables: the plain shape every risk estimator consumes. `values` is row-major (nDates × nAssets) simple
 * returns as fractions per period (daily for frequency 252); NaN marks a missing observation (ragged histories).
 */
import { dataError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';

export interface ReturnsTable {
  readonly values: Float64Array;
  readonly nDates: number;
  readonly nAssets: number;
  readonly assets: readonly string[];
  readonly dates?: readonly string[];
}

/**
 * Simple returns p_t/p_{t−1} − 1 from a price table (row-major nDates × nAssets, NaN = no price). A return is NaN
 * when either price is missing (no forward filling). Rows where every asset is NaN are dropped, as
 * PyPortfolioOpt's `returns_from_prices` does (`pct_change().dropna(how="all")`). `log` gives log(p_t/p_{t−1}).
 */
export function returnsFromPrices(
  prices: Float64Array,
  nDates: number,
  assets: readonly string[],
  options: { log?: boolean; dates?: readonly string[] } = {},
): ReturnsTable {
  const n = assets.length;
  if (prices.length !== nDates * n) {
    throw dataError(
      `prices have ${prices.length} values, expected ${nDates} dates × ${n} assets. Pass a row-major table.`,
    );
  }
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i]!;
    if (!Number.isNaN(p) && !(p > 0)) {
      const t = Math.floor(i / n);
      throw dataError(
        `price of ${assets[i % n]} on row ${t}${options.dates ? ` (${options.dates[t]})` : ''} is ${p}; prices must be > 0. Remove or mark it missing (empty cell).`,
      );
    }
  }
  const rows: number[] = [];
  const out: number[] = [];
  const keptDates: string[] = [];
  for (let t = 1; t < nDates; t++) {
    let any = false;
    const start = out.length;
    for (let j = 0; j < n; j++) {
      const a = prices[(t - 1) * n + j]!;
      const b = prices[t * n + j]!;
      const r = options.log ? Math.log(b / a) : b / a - 1;
      if (!Number.isNaN(r)) any = true;
      out.push(r);
    }
    if (!any) out.length = start;
    else {
      rows.push(t);
      if (options.dates) keptDates.push(options.dates[t]!);
    }
  }
  const table: ReturnsTable = {
    values: Float64Array.from(out),
    nDates: rows.length,
    nAssets: n,
    assets: assets.slice(),
  };
  return options.dates ? { ...table, dates: keptDates } : table;
}

/** Rows where every asset has a return (PyPortfolioOpt's `returns.dropna()`, used for CVaR scenarios). */
export function completeRows(r: ReturnsTable): ReturnsTable {
  const keep: number[] = [];
  for (let t = 0; t < r.nDates; t++) {
    let ok = true;
    for (let j = 0; j < r.nAssets; j++) if (Number.isNaN(r.values[t * r.nAssets + j]!)) ok = false;
    if (ok) keep.push(t);
  }
  const values = new Float64Array(keep.length * r.nAssets);
  keep.forEach((t, k) => values.set(r.values.subarray(t * r.nAssets, (t + 1) * r.nAssets), k * r.nAssets));
  const out: ReturnsTable = { values, nDates: keep.length, nAssets: r.nAssets, assets: r.assets };
  return r.dates ? { ...out, dates: keep.map((t) => r.dates![t]!) } : out;
}

/** Column j of a returns table (length nDates, NaN kept). */
export function column(r: ReturnsTable, j: number): Float64Array {
  const out = new Float64Array(r.nDates);
  for (let t = 0; t < r.nDates; t++) out[t] = r.values[t * r.nAssets + j]!;
  return out;
}

/** Reject tables that cannot be estimated from, naming the asset. One row-major sweep (cache-friendly). */
export function assertUsable(r: ReturnsTable, minObservations = 2): void {
  if (r.nAssets === 0) throw dataError('returns table has no assets. Pass at least one asset column.');
  const n = r.nAssets;
  const counts = new Int32Array(n);
  const v = r.values;
  for (let t = 0; t < r.nDates; t++) {
    const off = t * n;
    for (let j = 0; j < n; j++) {
      const x = v[off + j]!;
      if (x === x) {
        if (x === Infinity || x === -Infinity)
          throw dataError(`return of ${r.assets[j]} on row ${t} is ${x}; returns must be finite.`);
        counts[j] = counts[j]! + 1;
      }
    }
  }
  for (let j = 0; j < n; j++) {
    if (counts[j]! < minObservations) {
      throw dataError(
        `asset ${r.assets[j]} has ${counts[j]} return observations; at least ${minObservations} are needed. Drop it or extend its history.`,
      );
    }
  }
}

/**
 * Returns table from a Panel's price field (default `close`), PyPortfolioOpt style (see `returnsFromPrices`).
 * Point-in-time: pass `panel.upTo(asOf)` — this function reads every row it is given.
 */
export function returnsFromPanel(panel: Panel, options: { field?: string; log?: boolean } = {}): ReturnsTable {
  const prices = panel.field(options.field ?? 'close');
  return returnsFromPrices(prices, panel.nDates, panel.assets, {
    dates: panel.dates,
    ...(options.log ? { log: true } : {}),
  });
}
