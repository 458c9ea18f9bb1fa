/**
 * CSV files → a raw numeric table (dates in file order, with line numbers), in either layout:
 * - wide: `date, A, B, …` — one column per asset, one field (default `close`);
 * - long: `date, asset, field, value` (or `date, asset, value` for one field, or `date, asset, open, close, …` with
 *   one column per field). Column names are matched case-insensitively; `ticker`/`symbol` count as `asset`.
 * The raw table is what validation reads; `tableToPanel` sorts it, refuses duplicate dates and builds a Panel.
 */
import { dataError } from '../core/index.ts';
import { Panel, type IsoDate } from '../data/index.ts';
import { detectDateFormat, parseDateText, type DateFormat } from './csv-dates.ts';
import {
  clip,
  countLines,
  forEachStringRecord,
  naSet,
  parseCellText,
  parseNumericCsv,
  quickNumber,
  readHeader,
  type CsvOptions,
} from './csv-parse.ts';

export type CsvLayout = 'auto' | 'wide' | 'long';

export interface TableOptions extends CsvOptions {
  /** Layout of the file; 'auto' (default) picks long when the header has an asset/ticker/symbol column. */
  readonly layout?: CsvLayout;
  /** Field name the columns of a wide file hold (default 'close'). */
  readonly field?: string;
}

/** A raw table: for each field, `values[r * assets.length + a]`, rows in file order. */
export interface RawTable {
  readonly source: string;
  readonly layout: 'wide' | 'long';
  readonly dates: readonly IsoDate[];
  /** 1-based source line per row (long files: the first line that mentions the date). */
  readonly lines: Int32Array;
  readonly assets: readonly string[];
  readonly fields: Readonly<Record<string, Float64Array>>;
}

const ASSET_COLUMN = new Set(['asset', 'ticker', 'symbol', 'id', 'asset_id', 'assetid']);
const FIELD_COLUMN = new Set(['field', 'variable', 'measure']);
const VALUE_COLUMN = new Set(['value', 'val']);

/** Parses CSV bytes into a raw table. */
export function parseCsvTable(bytes: Uint8Array, options: TableOptions = {}): RawTable {
  const source = options.source ?? '<input>';
  let layout = options.layout ?? 'auto';
  if (layout === 'auto') {
    const head = readHeader(bytes, source, options.delimiter);
    layout = head.header.slice(1).some((h) => ASSET_COLUMN.has(h.toLowerCase())) ? 'long' : 'wide';
  }
  if (layout === 'wide') {
    const t = parseNumericCsv(bytes, options);
    return {
      source,
      layout: 'wide',
      dates: t.dates,
      lines: t.lines,
      assets: t.columns,
      fields: { [options.field ?? 'close']: t.values },
    };
  }
  return parseLongCsv(bytes, options);
}

function parseLongCsv(bytes: Uint8Array, options: TableOptions): RawTable {
  const source = options.source ?? '<input>';
  const { header, next } = readHeader(bytes, source, options.delimiter);
  const lower = header.map((h) => h.toLowerCase());
  const assetCol = lower.findIndex((h, i) => i > 0 && ASSET_COLUMN.has(h));
  if (assetCol < 0) {
    throw dataError(
      `${source}:1: a long-format file needs an asset column (asset, ticker or symbol) after the date. Header: "${clip(header.join(','), 80)}".`,
    );
  }
  const fieldCol = lower.findIndex((h, i) => i > 0 && FIELD_COLUMN.has(h));
  const valueCol = lower.findIndex((h, i) => i > 0 && VALUE_COLUMN.has(h));
  /** (column index, field name) pairs that carry values. */
  let valueCols: { col: number; field: string | null }[];
  if (valueCol >= 0) valueCols = [{ col: valueCol, field: fieldCol >= 0 ? null : (options.field ?? 'close') }];
  else {
    valueCols = header
      .map((h, i) => ({ col: i, field: h.toLowerCase() as string | null }))
      .filter((c) => c.col > 0 && c.col !== assetCol && c.col !== fieldCol);
    if (valueCols.length === 0) {
      throw dataError(
        `${source}:1: the long-format header has no value column. Use "date,asset,field,value", "date,asset,value" or "date,asset,close,…".`,
      );
    }
  }
  const na = naSet(options.naValues);
  const width = header.length;
  const dateIndex = new Map<IsoDate, number>();
  const assetIndex = new Map<string, number>();
  const fieldNames = new Map<string, number>();
  const dates: IsoDate[] = [];
  const dateLines: number[] = [];
  const assets: string[] = [];
  // cells as parallel typed columns (no per-cell objects): date index, asset index, field index, value, line
  const cap = countLines(bytes, next) * valueCols.length;
  const cT = new Int32Array(cap);
  const cA = new Int32Array(cap);
  const cF = new Int32Array(cap);
  const cL = new Int32Array(cap);
  const cV = new Float64Array(cap);
  let nCells = 0;
  let format: DateFormat | undefined = options.dateFormat;
  let lastText = '';
  let lastDate = '';
  const { rows } = forEachStringRecord(bytes, options, (c, line) => {
    if (c.length !== width) {
      throw dataError(
        `${source}:${line}: the row has ${c.length} fields, the header has ${width}. Add the missing cells (empty = missing) or fix the delimiters.`,
      );
    }
    const dateText = c[0]!;
    if (dateText !== lastText) {
      if (dateText === '')
        throw dataError(`${source}:${line}: the date cell is empty. Every row needs a date in the first column.`);
      format ??= detectDateFormat(dateText, `${source}:${line}`);
      lastDate = parseDateText(dateText, format, `${source}:${line}`);
      lastText = dateText;
    }
    let t = dateIndex.get(lastDate);
    if (t === undefined) {
      t = dates.length;
      dateIndex.set(lastDate, t);
      dates.push(lastDate);
      dateLines.push(line);
    }
    const asset = c[assetCol]!;
    if (asset === '') throw dataError(`${source}:${line}: the asset cell is empty. Name the asset on every row.`);
    let a = assetIndex.get(asset);
    if (a === undefined) {
      a = assets.length;
      assetIndex.set(asset, a);
      assets.push(asset);
    }
    for (const vc of valueCols) {
      const fname = vc.field ?? c[fieldCol]!.toLowerCase();
      if (fname === '')
        throw dataError(`${source}:${line}: the field cell is empty. Name the field (close, open, …) on every row.`);
      let f = fieldNames.get(fname);
      if (f === undefined) {
        f = fieldNames.size;
        fieldNames.set(fname, f);
      }
      cT[nCells] = t;
      cA[nCells] = a;
      cF[nCells] = f;
      cL[nCells] = line;
      const text = c[vc.col]!;
      const quick = quickNumber(text);
      cV[nCells] = Number.isNaN(quick) ? parseCellText(text, na, `${source}:${line}`, header[vc.col]!) : quick;
      nCells++;
    }
  });
  if (rows === 0) {
    throw dataError(`${source}: the file has a header but no data rows (header only). Add one row per date and asset.`);
  }
  const T = dates.length;
  const N = assets.length;
  const fields: Record<string, Float64Array> = {};
  const seenLine: Record<string, Int32Array> = {};
  for (const [name] of fieldNames) {
    fields[name] = new Float64Array(T * N).fill(NaN);
    seenLine[name] = new Int32Array(T * N);
  }
  const names = [...fieldNames.keys()];
  const fieldArrays = names.map((name) => fields[name]!);
  const seenArrays = names.map((name) => seenLine[name]!);
  for (let i = 0; i < nCells; i++) {
    const k = cT[i]! * N + cA[i]!;
    const seen = seenArrays[cF[i]!]!;
    const prev = seen[k]!;
    if (prev !== 0) {
      throw dataError(
        `${source}:${cL[i]}: duplicate entry for ${dates[cT[i]!]}, asset "${assets[cA[i]!]}", field ${names[cF[i]!]} (also on line ${prev}). Keep one row per date, asset and field.`,
      );
    }
    seen[k] = cL[i]!;
    fieldArrays[cF[i]!]![k] = cV[i]!;
  }
  return { source, layout: 'long', dates, lines: Int32Array.from(dateLines), assets, fields };
}

/**
 * A raw table → Panel: rows sorted by date (stable), duplicate dates refused with both lines named.
 * Returns the panel, the source line of each panel row, and whether rows had to be sorted.
 */
export function tableToPanel(table: RawTable): { panel: Panel; lines: Int32Array; sorted: boolean } {
  const { dates, lines, assets } = table;
  const R = dates.length;
  let ascending = true;
  for (let r = 1; r < R; r++) {
    if (dates[r]! <= dates[r - 1]!) {
      ascending = false;
      break;
    }
  }
  if (ascending) return { panel: new Panel({ dates, assets, fields: table.fields }), lines, sorted: false };
  const order = Array.from({ length: R }, (_, i) => i).sort((x, y) =>
    dates[x]! < dates[y]! ? -1 : dates[x]! > dates[y]! ? 1 : x - y,
  );
  for (let k = 1; k < R; k++) {
    const r = order[k]!;
    const p = order[k - 1]!;
    if (dates[r] === dates[p]) {
      const [l1, l2] = [lines[p]!, lines[r]!].sort((u, v) => u - v);
      throw dataError(`${table.source}:${l2}: duplicate date ${dates[r]} (also on line ${l1}). Keep one row per date.`);
    }
  }
  const n = assets.length;
  const fields: Record<string, Float64Array> = {};
  for (const [name, x] of Object.entries(table.fields)) {
    const y = new Float64Array(x.length);
    for (let k = 0; k < R; k++) y.set(x.subarray(order[k]! * n, (order[k]! + 1) * n), k * n);
    fields[name] = y;
  }
  const sortedLines = Int32Array.from(order, (r) => lines[r]!);
  return { panel: new Panel({ dates: order.map((r) => dates[r]!), assets, fields }), lines: sortedLines, sorted: true };
}
