/**
 * `loadPrices(path, options)`: the one door from a price file to a Panel. CSV (wide or long, optionally gzip) or
 * Parquet; rows sorted by date, duplicate dates refused, prices checked (finite and > 0), the missing-data policy
 * applied, and a report of every fix for the run log. Nothing is returned unless everything succeeded.
 */
import { dataError } from '../core/index.ts';
import {
  applyMissingPolicy,
  DEFAULT_MISSING_POLICY,
  type AssetMeta,
  type IsoDate,
  type MissingDataPolicy,
  type MissingDataReport,
  type Panel,
} from '../data/index.ts';
import { parseCsvTable, tableToPanel, type RawTable, type TableOptions } from './csv-table.ts';
import { readInputBytes } from './read-bytes.ts';

export interface LoadPricesOptions extends TableOptions {
  /** What to do with holes after an asset's first price. Default `{ policy: 'error' }`. */
  readonly missing?: MissingDataPolicy;
  /** Keep only these assets, in this order. */
  readonly assets?: readonly string[];
  /** First and last date to keep (inclusive). */
  readonly start?: IsoDate;
  readonly end?: IsoDate;
  /** Refuse non-finite values and prices ≤ 0 (default true). Turn off for returns or factor files. */
  readonly checkPrices?: boolean;
  readonly meta?: readonly AssetMeta[];
}

export interface LoadReport {
  readonly source: string;
  readonly format: 'csv' | 'parquet';
  readonly layout: 'wide' | 'long';
  readonly nDates: number;
  readonly nAssets: number;
  /** True when the file's rows were not in date order and were sorted. */
  readonly sorted: boolean;
  readonly missing: MissingDataReport;
  /** Human-readable lines for the run log. */
  readonly lines: readonly string[];
}

/** Fields whose values are prices (must be > 0). */
const PRICE_FIELDS = new Set(['open', 'high', 'low', 'close', 'adj_close', 'adjclose', 'price']);

const isParquet = (path: string): boolean => /\.parquet$/i.test(path);

/** Reads a CSV (or CSV.gz) file into a raw table, in file order. Sync; used by validation. */
export function readCsvTable(path: string, options: TableOptions = {}): RawTable {
  return parseCsvTable(readInputBytes(path), { ...options, source: options.source ?? path });
}

/** Reads a CSV or Parquet file into a raw table. */
export async function readTable(path: string, options: TableOptions = {}): Promise<RawTable> {
  if (isParquet(path)) {
    const { readParquetTable } = await import('./parquet.ts');
    return readParquetTable(path, options);
  }
  return readCsvTable(path, options);
}

/** Raw table → checked Panel and report (shared by the sync and async doors). */
export function finishLoad(
  table: RawTable,
  format: 'csv' | 'parquet',
  options: LoadPricesOptions,
): { panel: Panel; report: LoadReport } {
  const source = table.source;
  const { panel: sortedPanel, lines, sorted } = tableToPanel(table);
  let panel = sortedPanel;
  if (options.checkPrices ?? true) checkPrices(panel, lines, source);
  if (options.assets) {
    const missingIds = options.assets.filter((a) => !panel.assets.includes(a));
    if (missingIds.length > 0) {
      throw dataError(
        `${source}: asset${missingIds.length === 1 ? '' : 's'} ${missingIds.map((a) => `"${a}"`).join(', ')} not in the file (it has ${panel.assets.slice(0, 10).join(', ')}${panel.nAssets > 10 ? ', …' : ''}). Fix the asset list.`,
      );
    }
    panel = panel.selectAssets(options.assets);
  }
  let rowLines = lines;
  if (options.start !== undefined || options.end !== undefined) {
    const s =
      options.start === undefined
        ? 0
        : panel.lastIndexOnOrBefore(options.start) + (panel.dates.includes(options.start) ? 0 : 1);
    const e = options.end === undefined ? panel.nDates : panel.lastIndexOnOrBefore(options.end) + 1;
    if (e <= s) {
      throw dataError(
        `${source}: no dates between ${options.start ?? 'the start'} and ${options.end ?? 'the end'} (the file covers ${panel.dates[0]} .. ${panel.dates[panel.nDates - 1]}). Fix start/end.`,
      );
    }
    panel = panel.sliceRows(s, e);
    rowLines = rowLines.subarray(s, e);
  }
  if (options.meta) panel = panel.withMeta(options.meta);
  const policy = options.missing ?? DEFAULT_MISSING_POLICY;
  const fixed = applyMissingPolicy(panel, policy, { locate: (t) => `${source}:${rowLines[t] ?? '?'}` });
  const out = fixed.panel;
  const linesOut = [
    `loaded ${source}: ${out.nDates} dates × ${out.nAssets} assets (${table.layout} ${format}${sorted ? ', rows sorted by date' : ''}), ${out.dates[0]} .. ${out.dates[out.nDates - 1]}`,
    ...fixed.report.lines,
  ];
  return {
    panel: out,
    report: {
      source,
      format,
      layout: table.layout,
      nDates: out.nDates,
      nAssets: out.nAssets,
      sorted,
      missing: fixed.report,
      lines: linesOut,
    },
  };
}

function checkPrices(panel: Panel, lines: Int32Array, source: string): void {
  const n = panel.nAssets;
  for (const name of panel.fieldNames) {
    const isPrice = PRICE_FIELDS.has(name);
    const x = panel.field(name);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      // NaN compares false on both tests: missing cells pass here and meet the missing-data policy later
      if (v === Infinity || v === -Infinity || (isPrice && v <= 0)) {
        const t = Math.floor(i / n);
        const a = i % n;
        const what = Number.isFinite(v) ? `price ${v} ≤ 0` : `value ${v} (inf, or too large for a double)`;
        throw dataError(
          `${source}:${lines[t]}: asset "${panel.assets[a]}" has ${what} in ${name} on ${panel.dates[t]}. ${isPrice ? 'Prices must be finite and > 0' : 'Values must be finite'}: fix the value or leave the cell empty to mark it missing.`,
        );
      }
    }
  }
}

/** Sync door for CSV files (wide or long, optionally gzip). */
export function loadPricesSyncWithReport(
  path: string,
  options: LoadPricesOptions = {},
): { panel: Panel; report: LoadReport } {
  if (isParquet(path))
    throw dataError(`${path}: Parquet files load asynchronously. Use loadPrices (async) instead of loadPricesSync.`);
  return finishLoad(readCsvTable(path, options), 'csv', options);
}

export function loadPricesSync(path: string, options: LoadPricesOptions = {}): Panel {
  return loadPricesSyncWithReport(path, options).panel;
}

/** The door: a price file (CSV, CSV.gz, Parquet) → checked Panel plus the load report. */
export async function loadPricesWithReport(
  path: string,
  options: LoadPricesOptions = {},
): Promise<{ panel: Panel; report: LoadReport }> {
  const table = await readTable(path, options);
  return finishLoad(table, isParquet(path) ? 'parquet' : 'csv', options);
}

/** The door: a price file (CSV, CSV.gz, Parquet) → checked Panel. */
export async function loadPrices(path: string, options: LoadPricesOptions = {}): Promise<Panel> {
  return (await loadPricesWithReport(path, options)).panel;
}

/**
 * Several wide files, one per field (e.g. the synthetic market's open.csv, high.csv, low.csv, close.csv), → one
 * Panel with all fields. Every file must have the same assets and dates (in any row order); then the checks and the
 * missing-data policy apply as in `loadPrices`.
 */
export function loadPriceFieldsSync(
  paths: Readonly<Record<string, string>>,
  options: Omit<LoadPricesOptions, 'field' | 'layout'> = {},
): { panel: Panel; report: LoadReport } {
  const entries = Object.entries(paths);
  if (entries.length === 0)
    throw dataError('loadPriceFields needs at least one field file, e.g. { close: "close.csv" }.');
  const tables = entries.map(([field, path]) => {
    const t = tableToPanel(readCsvTable(path, { ...options, layout: 'wide', field }));
    return { field, path, ...t };
  });
  const first = tables[0]!;
  const fields: Record<string, Float64Array> = {};
  for (const t of tables) {
    if (t.panel.assets.join('\u0000') !== first.panel.assets.join('\u0000')) {
      throw dataError(
        `${t.path}: its assets (${t.panel.assets.slice(0, 5).join(', ')}${t.panel.nAssets > 5 ? ', …' : ''}) differ from ${first.path}'s. Field files must have the same columns in the same order.`,
      );
    }
    if (t.panel.nDates !== first.panel.nDates || t.panel.dates.some((d, i) => d !== first.panel.dates[i])) {
      const i = t.panel.dates.findIndex((d, k) => d !== first.panel.dates[k]);
      throw dataError(
        `${t.path}: its dates differ from ${first.path}'s (first difference at row ${i < 0 ? Math.min(t.panel.nDates, first.panel.nDates) + 1 : i + 1}). Field files must cover the same dates.`,
      );
    }
    fields[t.field] = t.panel.field(t.field);
  }
  const table: RawTable = {
    source: first.path,
    layout: 'wide',
    dates: first.panel.dates,
    lines: first.lines,
    assets: first.panel.assets,
    fields,
  };
  return finishLoad(table, 'csv', options);
}
