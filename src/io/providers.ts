/**
 * Market-data provider formats → Panels. Pure parsers (text in, Panel out); the fetching lives in `fetch.ts`.
 * - Yahoo Finance chart API JSON (`/v8/finance/chart/SYMBOL`): fields open, high, low, close, volume, and
 *   adj_close when present. Dates are the exchange's local calendar date (timestamp + `meta.gmtoffset`).
 * - Stooq daily CSV (`Date,Open,High,Low,Close,Volume`): fields in lower case.
 * - FRED series CSV (`DATE,SERIES` or `observation_date,SERIES`, '.' = missing): field `value`, asset = series id.
 */
import { dataError } from '../core/index.ts';
import { Panel, daysToIso } from '../data/index.ts';
import { parseNumericCsv } from './csv-parse.ts';

const enc = new TextEncoder();

interface YahooChart {
  chart?: {
    result?: Array<{
      meta?: { symbol?: string; currency?: string; gmtoffset?: number; instrumentType?: string };
      timestamp?: number[];
      indicators?: {
        quote?: Array<Partial<Record<'open' | 'high' | 'low' | 'close' | 'volume', (number | null)[]>>>;
        adjclose?: Array<{ adjclose?: (number | null)[] }>;
      };
    }> | null;
    error?: { code?: string; description?: string } | null;
  };
}

/** Parses a Yahoo chart-API JSON document into a one-asset panel. */
export function parseYahooChart(
  text: string,
  options: { readonly source?: string; readonly symbol?: string } = {},
): Panel {
  const source = options.source ?? '<yahoo>';
  let doc: YahooChart;
  try {
    doc = JSON.parse(text) as YahooChart;
  } catch (e) {
    throw dataError(
      `${source}: not valid JSON (${(e as Error).message}). Expected a Yahoo Finance chart-API response.`,
    );
  }
  const err = doc.chart?.error;
  if (err)
    throw dataError(
      `${source}: Yahoo returned an error: ${err.code ?? ''} ${err.description ?? ''}`.trim() + '. Check the symbol.',
    );
  const res = doc.chart?.result?.[0];
  if (!res || !Array.isArray(res.timestamp)) {
    throw dataError(
      `${source}: no chart.result[0].timestamp in the JSON. Expected a Yahoo Finance chart-API response with data.`,
    );
  }
  const symbol = options.symbol ?? res.meta?.symbol ?? 'UNKNOWN';
  const offset = res.meta?.gmtoffset ?? 0;
  const ts = res.timestamp;
  const quote = res.indicators?.quote?.[0] ?? {};
  const adj = res.indicators?.adjclose?.[0]?.adjclose;
  // one row per local date; a repeated date (Yahoo sometimes appends a live bar) keeps the last one
  const rowOf = new Map<string, number>();
  const dates: string[] = [];
  const srcRow: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw dataError(`${source}: timestamp #${i + 1} is not a number.`);
    const d = daysToIso(Math.floor((t + offset) / 86400));
    const prev = rowOf.get(d);
    if (prev !== undefined) srcRow[prev] = i;
    else {
      rowOf.set(d, dates.length);
      dates.push(d);
      srcRow.push(i);
    }
  }
  const order = dates.map((d, k) => [d, k] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const take = (arr: (number | null)[] | undefined): Float64Array =>
    Float64Array.from(order, ([, k]) => {
      const v = arr?.[srcRow[k]!];
      return typeof v === 'number' ? v : NaN;
    });
  const fields: Record<string, Float64Array> = {};
  for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) if (quote[f]) fields[f] = take(quote[f]);
  if (adj) fields['adj_close'] = take(adj);
  if (Object.keys(fields).length === 0)
    throw dataError(`${source}: the chart has no price series (indicators.quote is empty).`);
  const meta = { id: symbol, ...(res.meta?.currency ? { currency: res.meta.currency } : {}) };
  return new Panel({ dates: order.map(([d]) => d), assets: [symbol], fields, meta: [meta] });
}

/** Parses a Stooq daily CSV into a one-asset panel. */
export function parseStooqCsv(text: string, options: { readonly source?: string; readonly symbol: string }): Panel {
  const source = options.source ?? '<stooq>';
  const trimmed = text.trim();
  if (trimmed === '' || /^no data/i.test(trimmed))
    throw dataError(`${source}: Stooq returned no data for "${options.symbol}". Check the symbol (e.g. spy.us, ^spx).`);
  const t = parseNumericCsv(enc.encode(text), { source });
  const fields: Record<string, Float64Array> = {};
  t.columns.forEach((c, j) => {
    const x = new Float64Array(t.nRows);
    for (let r = 0; r < t.nRows; r++) x[r] = t.values[r * t.nCols + j]!;
    fields[c.toLowerCase()] = x;
  });
  if (!fields['close'])
    throw dataError(`${source}: the Stooq CSV has no Close column (columns: ${t.columns.join(', ')}).`);
  return sortedPanel(t.dates, [options.symbol], fields, source);
}

/** Parses a FRED series CSV into a one-asset panel (field `value`; '.' = missing). */
export function parseFredCsv(text: string, options: { readonly source?: string } = {}): Panel {
  const source = options.source ?? '<fred>';
  const t = parseNumericCsv(enc.encode(text), { source, naValues: ['.'] });
  if (t.nCols !== 1)
    throw dataError(`${source}: a FRED series CSV has 2 columns (date, series), this one has ${t.nCols + 1}.`);
  return sortedPanel(t.dates, [t.columns[0]!], { value: t.values }, source);
}

function sortedPanel(
  dates: readonly string[],
  assets: string[],
  fields: Record<string, Float64Array>,
  source: string,
): Panel {
  const order = dates.map((_, i) => i).sort((a, b) => (dates[a]! < dates[b]! ? -1 : dates[a]! > dates[b]! ? 1 : 0));
  for (let k = 1; k < order.length; k++) {
    if (dates[order[k]!] === dates[order[k - 1]!])
      throw dataError(`${source}: duplicate date ${dates[order[k]!]}. Keep one row per date.`);
  }
  const out: Record<string, Float64Array> = {};
  for (const [f, x] of Object.entries(fields)) out[f] = Float64Array.from(order, (r) => x[r]!);
  return new Panel({ dates: order.map((r) => dates[r]!), assets, fields: out });
}
