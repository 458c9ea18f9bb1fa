/**
 * Market-data provider formats → Panels. Pure parsers (text in, Panel out); the fetching lives in `fetch.ts`.
 * - Yahoo Finance chart API JSON (`/v8/finance/chart/SYMBOL`): fields open, high, low, close, volume, and
 *   adj_close when present. Dates are the exchange's local calendar date in its time zone
 *   (`meta.exchangeTimezoneName`, through Intl): `meta.gmtoffset` is the offset on the day the file was
 *   downloaded, so a London FX bar stamped 23:00 UTC in summer (00:00 BST) would land a day early when read in
 *   winter. The offset is used only when the zone name is absent. Only daily bars are read: intraday bars
 *   (`meta.dataGranularity` other than 1d, or several bars on one date) are refused, not collapsed into days.
 * - Stooq daily CSV (`Date,Open,High,Low,Close,Volume`): fields in lower case. Non-CSV replies (its rate-limit
 *   text, an HTML page) are named as what they are.
 * - FRED series CSV (`DATE,SERIES` or `observation_date,SERIES`, '.' = missing): field `value`, asset = series id.
 */
import { dataError } from '../core/index.ts';
import { Panel, daysToIso } from '../data/index.ts';
import { parseNumericCsv } from './csv-parse.ts';

const enc = new TextEncoder();

interface YahooChart {
  chart?: {
    result?: Array<{
      meta?: {
        symbol?: string;
        currency?: string;
        gmtoffset?: number;
        exchangeTimezoneName?: string;
        dataGranularity?: string;
        instrumentType?: string;
      };
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
  if (err) throw dataError(`${source}: ${describeYahooError(err)}`);
  const res = doc.chart?.result?.[0];
  if (!res) {
    throw dataError(
      `${source}: no chart.result[0] in the JSON. Expected a Yahoo Finance chart-API response with data.`,
    );
  }
  if (!Array.isArray(res.timestamp)) {
    throw dataError(
      `${source}: Yahoo sent no bars${res.meta?.symbol ? ` for ${res.meta.symbol}` : ''} (chart.result[0] has no timestamp): the symbol has no prices in the requested date range. Widen or move --start/--end.`,
    );
  }
  const gran = res.meta?.dataGranularity;
  if (gran !== undefined && gran !== '1d') {
    throw dataError(
      `${source}: Yahoo sent ${gran} bars (meta.dataGranularity), not daily ones; Keel reads daily bars and does not collapse intraday bars into days. Request interval=1d (keel data fetch does), or resample the bars yourself.`,
    );
  }
  const symbol = options.symbol ?? res.meta?.symbol ?? 'UNKNOWN';
  const localDate = exchangeDater(res.meta?.exchangeTimezoneName, res.meta?.gmtoffset ?? 0, source);
  const ts = res.timestamp;
  const quote = res.indicators?.quote?.[0] ?? {};
  const adj = res.indicators?.adjclose?.[0]?.adjclose;
  // one row per local date; Yahoo may append a live bar for the current session on the last bar's date, which
  // replaces that row. Any other repeated date means intraday bars: refused, never collapsed.
  const rowOf = new Map<string, number>();
  const dates: string[] = [];
  const srcRow: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw dataError(`${source}: timestamp #${i + 1} is not a number.`);
    const d = localDate(t);
    const prev = rowOf.get(d);
    if (prev !== undefined) {
      if (i !== ts.length - 1 || prev !== dates.length - 1) {
        throw dataError(
          `${source}: bars #${srcRow[prev]! + 1} and #${i + 1} both fall on ${d} (exchange time): these are intraday bars, not daily ones. Request interval=1d; Keel does not collapse bars into days.`,
        );
      }
      srcRow[prev] = i;
    } else {
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

/**
 * The exchange's calendar date of a Unix timestamp (seconds): in the IANA zone `tz` when given (Intl, full ICU in
 * Node ≥ 20), else with the fixed `offset` in seconds.
 */
export function exchangeDater(tz: string | undefined, offset: number, source = '<yahoo>'): (t: number) => string {
  if (tz === undefined || tz === '') return (t) => daysToIso(Math.floor((t + offset) / 86400));
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' });
  } catch {
    throw dataError(
      `${source}: meta.exchangeTimezoneName "${tz}" is not a time zone this Node.js knows, so bar dates cannot be placed in the exchange's calendar. Use a Node.js build with full ICU (the default since Node 13).`,
    );
  }
  const pad = (v: string): string => (v.length === 1 ? `0${v}` : v);
  return (t) => {
    let y = '';
    let m = '';
    let d = '';
    for (const p of fmt.formatToParts(new Date(t * 1000))) {
      if (p.type === 'year') y = p.value;
      else if (p.type === 'month') m = p.value;
      else if (p.type === 'day') d = p.value;
    }
    return `${y.padStart(4, '0')}-${pad(m)}-${pad(d)}`;
  };
}

const epochDay = (s: string): string => daysToIso(Math.floor(Number(s) / 86400));

/**
 * Yahoo's own error (chart.error: code and description, e.g. "Bad Request" / "Data doesn't exist for
 * startDate = 1577836800, endDate = 1578009600") with a hint that fits it: a date-range error is not a bad symbol.
 */
export function describeYahooError(err: { code?: string | null; description?: string | null }): string {
  const code = err.code ?? 'unknown';
  const desc = err.description ?? '';
  const range = /startDate\s*=\s*(-?\d+)\s*,\s*endDate\s*=\s*(-?\d+)/.exec(desc);
  const hint = range
    ? `There is no data in that date range (${epochDay(range[1]!)} .. ${epochDay(range[2]!)}); the symbol may be fine. Widen or move --start/--end.`
    : /not found|delisted|no data found|invalid symbol|unknown symbol/i.test(`${code} ${desc}`)
      ? 'Check the symbol (misspelt or delisted?).'
      : 'Check the symbol and the date range.';
  return `Yahoo returned error "${code}"${desc ? `: "${desc}"` : ''}. ${hint}`;
}

/** Parses a Stooq daily CSV into a one-asset panel. */
export function parseStooqCsv(text: string, options: { readonly source?: string; readonly symbol: string }): Panel {
  const source = options.source ?? '<stooq>';
  const trimmed = text.trim();
  if (trimmed === '' || /^no data/i.test(trimmed))
    throw dataError(`${source}: Stooq returned no data for "${options.symbol}". Check the symbol (e.g. spy.us, ^spx).`);
  const head = trimmed.slice(0, 2000);
  if (/exceeded the daily hits limit/i.test(head)) {
    throw dataError(
      `${source}: Stooq refused the download: "Exceeded the daily hits limit" (its rate limit). Try again tomorrow, use what is cached (--offline), or --provider yahoo.`,
    );
  }
  if (/^\s*<|<html[\s>]|<!doctype/i.test(head)) {
    throw dataError(
      `${source}: Stooq answered with an HTML page, not a CSV. Public reports (pydata/pandas-datareader#1012, 2026) say stooq.com now asks scripted downloads for an API key or a browser check. Download the CSV in a browser and load the file, or use --provider yahoo.`,
    );
  }
  const first = head.split(/\r?\n/, 1)[0]!;
  if (!/^date[,;]/i.test(first)) {
    throw dataError(
      `${source}: Stooq's reply is not a price CSV (first line "${first.length > 60 ? `${first.slice(0, 60)}…` : first}"; expected "Date,Open,High,Low,Close,Volume"). Stooq may want an API key for scripted downloads (reported since 2026); download the CSV in a browser, or use --provider yahoo.`,
    );
  }
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
