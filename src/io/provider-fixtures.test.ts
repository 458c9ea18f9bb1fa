/**
 * The provider parsers and fetchers on real recorded responses (../shared/data/provider-fixtures, sources in its
 * SOURCES.md), replayed through a local 127.0.0.1 server where the HTTP status matters. Expected dates come from
 * the timestamps and the facts SOURCES.md states (e.g. EURUSD=X: 150 bars stamped 23:00 UTC = 00:00 BST), not
 * from the parser. Skipped with a visible message when ../shared is absent.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../test/support/shared.ts';
import { isWeekend } from '../data/index.ts';
import { fetchSymbol } from './fetch.ts';
import { parseFredCsv, parseStooqCsv, parseYahooChart } from './providers.ts';

const FIX = ['data', 'provider-fixtures'];
const fx = (...p: string[]): string => sharedPath(...FIX, ...p);

interface Recording {
  request: { url: string };
  response: { status: number; statusText: string; bodyJson?: unknown; body?: string };
}
const recording = (name: string): Recording => JSON.parse(readFileSync(fx('yahoo', name), 'utf8')) as Recording;
const body = (r: Recording['response']): string => (r.bodyJson !== undefined ? JSON.stringify(r.bodyJson) : r.body!);
interface Chart {
  chart: {
    result: {
      meta: Record<string, unknown>;
      timestamp: number[];
      indicators: { quote: { close: (number | null)[] }[] };
    }[];
  };
}
const chartOf = (r: Recording): Chart => JSON.parse(body(r.response)) as Chart;
const utcDate = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

describeShared('Yahoo chart recordings', [...FIX, 'yahoo'], () => {
  it('EURUSD=X: bars are dated in Europe/London, whatever the season of the download (gmtoffset)', () => {
    const rec = recording('historicalv8-EURUSD=X-2020-01-01-to-2021-01-04.json');
    const res = chartOf(rec).chart.result[0]!;
    expect(res.meta['exchangeTimezoneName']).toBe('Europe/London');
    const ts = res.timestamp;
    // SOURCES.md: 150 bars stamped 23:00 UTC are midnight BST of the next day; the others are midnight GMT
    const summer = ts.filter((t) => new Date(t * 1000).getUTCHours() === 23);
    expect(summer).toHaveLength(150);
    const expected = ts.map((t) => utcDate(new Date(t * 1000).getUTCHours() === 23 ? t + 3600 : t));
    const p = parseYahooChart(body(rec.response), { symbol: 'EURUSD=X' });
    expect(p.dates).toEqual(expected);
    expect(p.nDates).toBe(264);
    expect(p.dates.filter((d) => isWeekend(d))).toEqual([]); // no Sundays; no Friday lost
    expect(p.field('close')[0]).toBe(res.indicators.quote[0]!.close[0]);
    // the same bars downloaded in summer (gmtoffset +3600) give the same dates
    const doc = chartOf(rec);
    const summerDoc = {
      chart: { ...doc.chart, result: [{ ...res, meta: { ...res.meta, gmtoffset: 3600, timezone: 'BST' } }] },
    };
    expect(parseYahooChart(JSON.stringify(summerDoc)).dates).toEqual(expected);
  });

  it('AAPL, GOOG (New York), WSKT.JK (Jakarta): one weekday date per bar, first and last as recorded', () => {
    for (const [name, n] of [
      ['historicalv8-AAPL-2020-01-01-to-2021-01-04.json', 253],
      ['historicalv8-GOOG-2020-01-01-to-2021-01-04.json', 253],
      ['historicalv8-WSKT.JK-2020-01-01-to-2021-01-04.json', 242],
    ] as const) {
      const rec = recording(name);
      const p = parseYahooChart(body(rec.response));
      expect(p.nDates, name).toBe(n);
      expect(
        p.dates.filter((d) => isWeekend(d)),
        name,
      ).toEqual([]);
      // these exchanges' sessions are within one UTC day: the local date is the UTC date of the bar
      expect(p.dates, name).toEqual(chartOf(rec).chart.result[0]!.timestamp.map(utcDate));
    }
    const aapl = parseYahooChart(body(recording('historicalv8-AAPL-2020-01-01-to-2021-01-04.json').response));
    expect([aapl.dates[0], aapl.dates[252]]).toEqual(['2020-01-02', '2020-12-31']); // period2 is exclusive
    expect(aapl.has('adj_close')).toBe(true);
  });

  it('BTC-USD (UTC, 7-day week) keeps its all-null bars as NaN; WSU.DE and a fund keep null bars as NaN rows', () => {
    const btc = parseYahooChart(body(recording('historicalv8-BTC-USD-2020-01-01-to-2021-01-04.json').response));
    const closes = [...btc.field('close')];
    expect(closes.filter((v) => Number.isNaN(v))).toHaveLength(4);
    expect(btc.dates.some((d) => isWeekend(d))).toBe(true);
    const wsu = parseYahooChart(body(recording('chart-WSU.DE-2023-08-04-to-2023-08-09.json').response));
    expect(wsu.nDates).toBe(3);
    expect(Number.isNaN(wsu.field('close')[1]!)).toBe(true);
    const fund = parseYahooChart(
      body(recording('historical-via-chart-0P0000XTS7-2024-09-12-to-2024-09-16.json').response),
    );
    expect(fund.nDates).toBe(2);
    expect(Number.isNaN(fund.field('close')[1]!)).toBe(true);
  });

  it('a 1-minute response is refused, not collapsed into a daily row', () => {
    const rec = recording('chart-AAPL-2024-10-02-to-2024-10-03-includePrePost-false-interval-1m.json');
    expect(() => parseYahooChart(body(rec.response), { source: 'aapl-1m' })).toThrow(
      'aapl-1m: Yahoo sent 1m bars (meta.dataGranularity), not daily ones; Keel reads daily bars and does not collapse intraday bars into days. Request interval=1d (keel data fetch does), or resample the bars yourself.',
    );
    // without the granularity field, several bars on one date are refused too
    const doc = chartOf(rec);
    const res = doc.chart.result[0]!;
    const noGran = { chart: { ...doc.chart, result: [{ ...res, meta: { ...res.meta, dataGranularity: undefined } }] } };
    expect(() => parseYahooChart(JSON.stringify(noGran), { source: 'aapl-1m' })).toThrow(
      /^aapl-1m: bars #1 and #2 both fall on 2024-10-02 \(exchange time\): these are intraday bars, not daily ones\./,
    );
  });

  it('a range without bars (APS.AX) says so instead of asking for "a response with data"', () => {
    const rec = recording('chart-APS.AX-2020-01-01-to-2020-01-03.json');
    expect(() => parseYahooChart(body(rec.response), { source: 'aps' })).toThrow(
      'aps: Yahoo sent no bars for APS.AX (chart.result[0] has no timestamp): the symbol has no prices in the requested date range. Widen or move --start/--end.',
    );
  });

  describeShared('replayed over HTTP', [...FIX, 'yahoo'], () => {
    let server: Server;
    let base: string;
    const cache = mkdtempSync(join(tmpdir(), 'keel-fixture-cache-'));
    const routes = new Map<string, Recording['response']>();
    beforeAll(async () => {
      for (const [sym, name] of [
        ['MDLY', 'historicalv8-MDLY-2020-01-01-to-2021-01-04.json'],
        ['BEKE', 'chart-BEKE-2020-01-01-to-2020-01-03.json'],
      ]) {
        routes.set(`/v8/finance/chart/${sym}`, recording(name!).response);
      }
      server = createServer((req, res) => {
        const r = routes.get((req.url ?? '').split('?')[0]!);
        if (!r) {
          res.writeHead(404).end('nothing here');
          return;
        }
        res.writeHead(r.status, r.statusText, { 'content-type': 'application/json' });
        res.end(body(r));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(cache, { recursive: true, force: true });
    });
    it("an HTTP 404 shows Yahoo's own error code and description", async () => {
      const e = await fetchSymbol('yahoo', 'MDLY', { baseUrl: base, cacheDir: cache }).catch((x: Error) => x);
      expect((e as Error).message).toMatch(
        /^HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/v8\/finance\/chart\/MDLY\?.*: Yahoo returned error "Not Found": "No data found, symbol may be delisted"\. Check the symbol \(misspelt or delisted\?\)\.$/,
      );
    });
    it('an HTTP 400 date-range error names the range and does not blame the symbol', async () => {
      const e = await fetchSymbol('yahoo', 'BEKE', {
        baseUrl: base,
        cacheDir: cache,
        start: '2020-01-01',
        end: '2020-01-02',
      }).catch((x: Error) => x);
      const m = (e as Error).message;
      expect(m).toMatch(
        /: Yahoo returned error "Bad Request": "Data doesn't exist for startDate = 1577836800, endDate = 1578009600"\. There is no data in that date range \(2020-01-01 \.\. 2020-01-03\); the symbol may be fine\. Widen or move --start\/--end\.$/,
      );
      expect(m).not.toContain('Check the symbol');
      expect(readdirSync(cache)).toEqual([]); // errors are never cached
    });
  });
});

describeShared('Stooq recordings', [...FIX, 'stooq'], () => {
  it('spy.us and cnyusd (CRLF; FX without Volume) and ^spx from 1789 parse with the recorded shapes', () => {
    const spy = parseStooqCsv(readFileSync(fx('stooq', 'spy_us_d.csv'), 'utf8'), { symbol: 'spy.us' });
    expect([spy.nDates, spy.dates[0], spy.dates[spy.nDates - 1]]).toEqual([2839, '2015-01-02', '2026-04-17']);
    expect(spy.fieldNames.sort()).toEqual(['close', 'high', 'low', 'open', 'volume']);
    const cny = parseStooqCsv(readFileSync(fx('stooq', 'cnyusd_d.csv'), 'utf8'), { symbol: 'cnyusd' });
    expect(cny.nDates).toBe(2838);
    expect(cny.has('volume')).toBe(false);
    const spx = parseStooqCsv(gunzipSync(readFileSync(fx('stooq', 'spx_d.csv.gz'))).toString('utf8'), {
      symbol: '^spx',
    });
    expect([spx.nDates, spx.dates[0], spx.dates[spx.nDates - 1]]).toEqual([39420, '1789-05-01', '2025-04-07']);
  });
  it("Stooq's non-CSV replies are named: the rate-limit text, an HTML (API-key) page, anything else", () => {
    const o = { symbol: 'spy.us', source: 'stooq' };
    expect(() => parseStooqCsv('Exceeded the daily hits limit', o)).toThrow(
      'stooq: Stooq refused the download: "Exceeded the daily hits limit" (its rate limit). Try again tomorrow, use what is cached (--offline), or --provider yahoo.',
    );
    expect(() => parseStooqCsv('<!DOCTYPE html><html><body>Enter your API key</body></html>', o)).toThrow(
      'stooq: Stooq answered with an HTML page, not a CSV. Public reports (pydata/pandas-datareader#1012, 2026) say stooq.com now asks scripted downloads for an API key or a browser check. Download the CSV in a browser and load the file, or use --provider yahoo.',
    );
    expect(() => parseStooqCsv('Access denied\nplease register', o)).toThrow(
      /^stooq: Stooq's reply is not a price CSV \(first line "Access denied"; expected "Date,Open,High,Low,Close,Volume"\)\. Stooq may want an API key/,
    );
  });
});

describeShared('FRED recordings', [...FIX, 'fred'], () => {
  it("DGS10 (old DATE header, '.' missing), UNRATE and VIXCLS (new observation_date header, empty cells)", () => {
    const dgs = parseFredCsv(readFileSync(fx('fred', 'DGS10.csv'), 'utf8'));
    expect([dgs.nDates, dgs.dates[0], dgs.dates[dgs.nDates - 1]]).toEqual([15395, '1962-01-02', '2021-01-04']);
    expect([...dgs.field('value')].filter((v) => Number.isNaN(v))).toHaveLength(659);
    const un = parseFredCsv(readFileSync(fx('fred', 'UNRATE.csv'), 'utf8'));
    expect(un.assets).toEqual(['UNRATE']);
    expect(Number.isNaN(un.field('value')[un.dates.indexOf('2025-10-01')]!)).toBe(true);
    const vix = parseFredCsv(readFileSync(fx('fred', 'VIXCLS.csv'), 'utf8'));
    expect([...vix.field('value')].filter((v) => Number.isNaN(v))).toHaveLength(20);
  });
});
