/**
 * HTTP fetchers for Yahoo Finance, Stooq and FRED with a local file cache. The cache key is the URL (SHA-256);
 * a cached response younger than `maxAgeMs` is used without touching the network, and `offline: true` uses the
 * cache whatever its age. Responses are written atomically (temp file, then rename) and only after they parsed,
 * so a failed or garbled download never poisons the cache. Base URLs are options, so tests point them at a
 * local server.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ioError } from '../core/index.ts';
import { alignPanels, isoToDays, type IsoDate, type Panel } from '../data/index.ts';
import { describeYahooError, parseFredCsv, parseStooqCsv, parseYahooChart } from './providers.ts';

export type Provider = 'yahoo' | 'stooq' | 'fred';
export const PROVIDERS: readonly Provider[] = ['yahoo', 'stooq', 'fred'];

export const DEFAULT_BASE_URLS: Readonly<Record<Provider, string>> = {
  yahoo: 'https://query1.finance.yahoo.com',
  stooq: 'https://stooq.com',
  fred: 'https://fred.stlouisfed.org',
};

export interface FetchOptions {
  /** Folder for cached responses; no caching when absent. */
  readonly cacheDir?: string;
  /** Cached responses younger than this are used (default 12 hours). */
  readonly maxAgeMs?: number;
  /** Use the cache only; fail when a response is not cached. */
  readonly offline?: boolean;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Override the provider's base URL (tests use a local server). */
  readonly baseUrl?: string;
  readonly start?: IsoDate;
  readonly end?: IsoDate;
  /** Injected clock for cache ages (ms since epoch). */
  readonly now?: () => number;
}

export interface CachedText {
  readonly text: string;
  readonly fromCache: boolean;
  readonly cachePath?: string;
}

/**
 * GETs `url` as text, through the cache. `validate` is called on fresh downloads before they are cached (throw to
 * refuse a response). `explain` turns an HTTP error's body into the provider's own words (Yahoo sends a JSON
 * `chart.error` with a 404 or 400), which then replace the generic hint.
 */
export async function fetchTextCached(
  url: string,
  options: FetchOptions = {},
  validate?: (text: string) => void,
  explain?: (body: string) => string | undefined,
): Promise<CachedText> {
  const now = options.now ?? Date.now;
  const maxAge = options.maxAgeMs ?? 12 * 3600 * 1000;
  let cachePath: string | undefined;
  if (options.cacheDir) {
    cachePath = join(options.cacheDir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.txt`);
    if (existsSync(cachePath)) {
      const age = now() - statSync(cachePath).mtimeMs;
      if (options.offline || age <= maxAge)
        return { text: readFileSync(cachePath, 'utf8'), fromCache: true, cachePath };
    }
  }
  if (options.offline) {
    throw ioError(
      `offline and ${url} is not in the cache${options.cacheDir ? ` (${options.cacheDir})` : ' (no cache folder given)'}. Fetch once online, or drop --offline.`,
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
  let text: string;
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, headers: { 'user-agent': 'keel-data-fetch/0.1' } });
    } catch (e) {
      const c = (e as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (e as Error).name;
      throw ioError(
        `cannot reach ${new URL(url).host} (${cause === 'AbortError' ? `timed out after ${options.timeoutMs ?? 30_000} ms` : cause}). Check the connection, or use cached data with --offline.`,
        e,
      );
    }
    text = await res.text();
    if (!res.ok) {
      const said = explain?.(text);
      throw ioError(
        said
          ? `HTTP ${res.status} ${res.statusText} from ${url}: ${said}`
          : `HTTP ${res.status} ${res.statusText} from ${url}. Check the symbol or series id${res.status === 429 ? ', and wait before retrying (rate limited)' : ''}.`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
  validate?.(text);
  if (cachePath) {
    mkdirSync(options.cacheDir!, { recursive: true });
    const tmp = `${cachePath}.${process.pid}.partial`;
    writeFileSync(tmp, text);
    renameSync(tmp, cachePath);
  }
  return { text, fromCache: false, ...(cachePath ? { cachePath } : {}) };
}

const toEpoch = (d: IsoDate): number => isoToDays(d) * 86400;
const stooqDate = (d: IsoDate): string => d.replace(/-/g, '');

/** The URL of one symbol's daily history at a provider. */
export function providerUrl(provider: Provider, symbol: string, options: FetchOptions = {}): string {
  const base = (options.baseUrl ?? DEFAULT_BASE_URLS[provider]).replace(/\/$/, '');
  const s = encodeURIComponent(symbol);
  switch (provider) {
    case 'yahoo': {
      const p1 = options.start ? toEpoch(options.start) : 0;
      const p2 = options.end ? toEpoch(options.end) + 86400 : 9999999999;
      return `${base}/v8/finance/chart/${s}?period1=${p1}&period2=${p2}&interval=1d&events=split%2Cdiv&includeAdjustedClose=true`;
    }
    case 'stooq':
      return `${base}/q/d/l/?s=${s}&i=d${options.start ? `&d1=${stooqDate(options.start)}` : ''}${options.end ? `&d2=${stooqDate(options.end)}` : ''}`;
    case 'fred':
      return `${base}/graph/fredgraph.csv?id=${s}${options.start ? `&cosd=${options.start}` : ''}${options.end ? `&coed=${options.end}` : ''}`;
  }
}

/** Yahoo's `chart.error` in an HTTP error body, in its own words; undefined when the body is not that JSON. */
function explainYahooBody(body: string): string | undefined {
  try {
    const err = (JSON.parse(body) as { chart?: { error?: { code?: string; description?: string } | null } }).chart
      ?.error;
    return err ? describeYahooError(err) : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches one symbol's history (through the cache) and parses it into a one-asset panel. */
export async function fetchSymbol(
  provider: Provider,
  symbol: string,
  options: FetchOptions = {},
): Promise<{ panel: Panel; fromCache: boolean; url: string }> {
  const url = providerUrl(provider, symbol, options);
  const parse = (text: string): Panel =>
    provider === 'yahoo'
      ? parseYahooChart(text, { source: url, symbol })
      : provider === 'stooq'
        ? parseStooqCsv(text, { source: url, symbol })
        : parseFredCsv(text, { source: url });
  let panel: Panel | undefined;
  const got = await fetchTextCached(
    url,
    options,
    (text) => {
      panel = parse(text);
    },
    provider === 'yahoo' ? explainYahooBody : undefined,
  );
  panel ??= parse(got.text);
  if (options.start || options.end) {
    const s = options.start ? panel.dates.findIndex((d) => d >= options.start!) : 0;
    const e = options.end ? panel.lastIndexOnOrBefore(options.end) + 1 : panel.nDates;
    panel = panel.sliceRows(s < 0 ? panel.nDates : s, Math.max(e, s < 0 ? panel.nDates : s));
  }
  return { panel, fromCache: got.fromCache, url };
}

/**
 * Fetches several symbols and aligns them on the union of their dates (ragged starts stay NaN: nothing is filled).
 * With `adjusted` (default true) a Yahoo panel's `close` is its adjusted close (splits and dividends).
 */
export async function fetchPanel(
  provider: Provider,
  symbols: readonly string[],
  options: FetchOptions & { readonly adjusted?: boolean } = {},
): Promise<{ panel: Panel; fromCache: number; urls: string[] }> {
  if (symbols.length === 0)
    throw ioError(`no symbols to fetch. Name at least one, e.g. keel data fetch --provider ${provider} SPY.`);
  const panels: Panel[] = [];
  const urls: string[] = [];
  let fromCache = 0;
  for (const s of symbols) {
    const r = await fetchSymbol(provider, s, options);
    let p = r.panel;
    if (provider === 'yahoo' && (options.adjusted ?? true) && p.has('adj_close'))
      p = p.withField('close', p.field('adj_close'));
    panels.push(p);
    urls.push(r.url);
    if (r.fromCache) fromCache++;
  }
  return { panel: alignPanels(panels), fromCache, urls };
}
