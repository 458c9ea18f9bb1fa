/**
 * Fetchers against a local node:http server on 127.0.0.1 (never the internet): URLs, parsing, the cache (fresh,
 * stale, offline), HTTP errors, and that a garbled response is never cached.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPanel, fetchSymbol, fetchTextCached, providerUrl } from './fetch.ts';
import { parseStooqCsv, parseYahooChart } from './providers.ts';

/** A Yahoo chart document for 3 days (timestamps at 14:30 UTC, New York offset −5 h). */
function yahooDoc(symbol: string, closes: (number | null)[]): string {
  const day = (d: string): number => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10), 14, 30) / 1000;
  const ts = ['2024-01-02', '2024-01-03', '2024-01-04'].slice(0, closes.length).map(day);
  return JSON.stringify({
    chart: {
      result: [
        {
          meta: { symbol, currency: 'USD', gmtoffset: -18000 },
          timestamp: ts,
          indicators: {
            quote: [{ open: closes, high: closes, low: closes, close: closes, volume: closes.map(() => 1000) }],
            adjclose: [{ adjclose: closes.map((c) => (c === null ? null : c / 2)) }],
          },
        },
      ],
      error: null,
    },
  });
}

const routes = new Map<string, { status: number; body: string }>();
const hits: string[] = [];
let server: Server;
let base: string;
let cacheDir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const path = (req.url ?? '').split('?')[0]!;
    const r = routes.get(path) ?? { status: 404, body: 'not found' };
    res.writeHead(r.status, { 'content-type': 'text/plain' });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cacheDir = mkdtempSync(join(tmpdir(), 'keel-fetch-cache-'));
  routes.set('/v8/finance/chart/SPY', { status: 200, body: yahooDoc('SPY', [470, 468, null]) });
  routes.set('/v8/finance/chart/TLT', { status: 200, body: yahooDoc('TLT', [98, 99]) });
  routes.set('/v8/finance/chart/BAD', { status: 200, body: '<html>rate limited</html>' });
  routes.set('/q/d/l/', {
    status: 200,
    body: 'Date,Open,High,Low,Close,Volume\n2024-01-03,2,3,1,2.5,100\n2024-01-02,1,2,1,1.5,90\n',
  });
  routes.set('/graph/fredgraph.csv', { status: 200, body: 'observation_date,DGS10\n2024-01-01,.\n2024-01-02,3.95\n' });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('provider parsers', () => {
  it('Yahoo: local exchange dates, nulls as NaN, adjusted close kept apart', () => {
    const p = parseYahooChart(yahooDoc('SPY', [470, 468, null]));
    expect(p.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
    expect(p.assets).toEqual(['SPY']);
    expect([...p.field('close')]).toEqual([470, 468, NaN]);
    expect([...p.field('adj_close')]).toEqual([235, 234, NaN]);
    expect(p.meta[0]).toEqual({ id: 'SPY', currency: 'USD' });
  });
  it('Stooq: rows sorted by date, lower-case fields', () => {
    const p = parseStooqCsv('Date,Open,High,Low,Close,Volume\n2024-01-03,2,3,1,2.5,100\n2024-01-02,1,2,1,1.5,90\n', {
      symbol: 'spy.us',
    });
    expect(p.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect([...p.field('close')]).toEqual([1.5, 2.5]);
    expect(p.fieldNames.sort()).toEqual(['close', 'high', 'low', 'open', 'volume']);
  });
});

describe('fetchers against a local server', () => {
  it('builds provider URLs with date windows', () => {
    expect(providerUrl('fred', 'DGS10', { baseUrl: 'http://h', start: '2020-01-01' })).toBe(
      'http://h/graph/fredgraph.csv?id=DGS10&cosd=2020-01-01',
    );
    expect(providerUrl('stooq', 'spy.us', { baseUrl: 'http://h', start: '2020-01-01', end: '2020-02-01' })).toBe(
      'http://h/q/d/l/?s=spy.us&i=d&d1=20200101&d2=20200201',
    );
    expect(providerUrl('yahoo', 'SPY', { baseUrl: 'http://h', start: '1970-01-02', end: '1970-01-02' })).toBe(
      'http://h/v8/finance/chart/SPY?period1=86400&period2=172800&interval=1d&events=split%2Cdiv&includeAdjustedClose=true',
    );
  });
  it('Yahoo panel: two symbols aligned on the union calendar, adjusted close as close, cached afterwards', async () => {
    hits.length = 0;
    const r = await fetchPanel('yahoo', ['SPY', 'TLT'], { baseUrl: base, cacheDir });
    expect(r.panel.assets).toEqual(['SPY', 'TLT']);
    expect(r.panel.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
    expect([...r.panel.field('close')]).toEqual([235, 49, 234, 49.5, NaN, NaN]);
    expect(r.fromCache).toBe(0);
    expect(hits).toHaveLength(2);
    const again = await fetchPanel('yahoo', ['SPY', 'TLT'], { baseUrl: base, cacheDir });
    expect(again.fromCache).toBe(2);
    expect(hits).toHaveLength(2); // no new request
    expect([...again.panel.field('close')]).toEqual([...r.panel.field('close')]);
  });
  it('a stale cache entry is refreshed; offline uses it whatever its age', async () => {
    hits.length = 0;
    const future = (): number => Date.now() + 48 * 3600 * 1000;
    await fetchSymbol('yahoo', 'SPY', { baseUrl: base, cacheDir, now: future });
    expect(hits).toHaveLength(1);
    await fetchSymbol('yahoo', 'SPY', { baseUrl: base, cacheDir, now: future, offline: true });
    expect(hits).toHaveLength(1);
  });
  it('Stooq and FRED through the cache', async () => {
    const s = await fetchSymbol('stooq', 'spy.us', { baseUrl: base, cacheDir });
    expect([...s.panel.field('close')]).toEqual([1.5, 2.5]);
    const f = await fetchSymbol('fred', 'DGS10', { baseUrl: base, cacheDir });
    expect(f.panel.assets).toEqual(['DGS10']);
    expect([...f.panel.field('value')]).toEqual([NaN, 3.95]);
  });
  it('HTTP errors, garbled bodies and offline misses are one-line io/data errors, and nothing is cached', async () => {
    const before = readdirSync(cacheDir).length;
    await expect(fetchSymbol('yahoo', 'NOPE', { baseUrl: base, cacheDir })).rejects.toThrow(
      `HTTP 404 Not Found from ${base}/v8/finance/chart/NOPE?period1=0&period2=9999999999&interval=1d&events=split%2Cdiv&includeAdjustedClose=true. Check the symbol or series id.`,
    );
    await expect(fetchSymbol('yahoo', 'BAD', { baseUrl: base, cacheDir })).rejects.toThrow(/not valid JSON/);
    await expect(fetchSymbol('yahoo', 'XYZ', { baseUrl: base, cacheDir, offline: true })).rejects.toThrow(
      /^offline and .* is not in the cache/,
    );
    expect(readdirSync(cacheDir).length).toBe(before);
  });
  it('an unreachable host is a one-line io error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchTextCached(`http://127.0.0.1:${port}/x`)).rejects.toThrow(
      `cannot reach 127.0.0.1:${port} (ECONNREFUSED). Check the connection, or use cached data with --offline.`,
    );
  });
});
