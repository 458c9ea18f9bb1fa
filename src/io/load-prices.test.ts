import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import { panelToCsv, writeWideCsv } from './csv-write.ts';
import { loadPriceFieldsSync, loadPrices, loadPricesSync, loadPricesSyncWithReport } from './load-prices.ts';
import { writeParquet } from './parquet.ts';
import { validateFile } from './validate-file.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-load-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const N = NaN;

describe('loadPrices', () => {
  it('wide CSV: unsorted rows are sorted and the report says so', () => {
    const { panel, report } = loadPricesSyncWithReport(file('u.csv', 'date,A,B\n2020-01-03,2,20\n2020-01-02,1,10\n'));
    expect(panel.dates).toEqual(['2020-01-02', '2020-01-03']);
    expect([...panel.field('close')]).toEqual([1, 10, 2, 20]);
    expect(report.sorted).toBe(true);
    expect(report.lines[0]).toContain('rows sorted by date');
  });
  it('gzip is recognised by its magic bytes whatever the name', () => {
    const p = file('zipped.csv', gzipSync('date,A\n2020-01-02,1\n'));
    expect(loadPricesSync(p).field('close')[0]).toBe(1);
  });
  it('long format: date, asset, field, value → several fields', () => {
    const p = file(
      'long.csv',
      'date,asset,field,value\n2020-01-02,A,close,1\n2020-01-02,A,volume,100\n2020-01-03,B,close,5\n2020-01-03,A,close,2\n2020-01-02,B,close,4\n',
    );
    const { panel, report } = loadPricesSyncWithReport(p, { missing: { policy: 'forward-fill', limit: 5 } });
    expect(panel.assets).toEqual(['A', 'B']);
    expect([...panel.field('close')]).toEqual([1, 4, 2, 5]);
    // every field meets the policy: A's volume hole is filled (and counted), B's volume was never listed
    expect([...panel.field('volume')]).toEqual([100, N, 100, N]);
    expect(report.missing.filledCells).toBe(1);
  });
  it('long format with one column per field (date, ticker, open, close)', () => {
    const panel = loadPricesSync(
      file('ohlc.csv', 'Date,Ticker,Open,Close\n2020-01-02,X,1,1.5\n2020-01-03,X,1.5,1.25\n'),
    );
    expect(panel.fieldNames.sort()).toEqual(['close', 'open']);
    expect([...panel.field('close')]).toEqual([1.5, 1.25]);
  });
  it('asset selection, date window and metadata', () => {
    const p = file('sel.csv', 'date,A,B,C\n2020-01-02,1,2,3\n2020-01-03,4,5,6\n2020-01-06,7,8,9\n');
    const panel = loadPricesSync(p, {
      assets: ['C', 'A'],
      start: '2020-01-03',
      end: '2020-01-05',
      meta: [{ id: 'C', assetClass: 'bond' }],
    });
    expect(panel.assets).toEqual(['C', 'A']);
    expect(panel.dates).toEqual(['2020-01-03']);
    expect([...panel.field('close')]).toEqual([6, 4]);
    expect(panel.meta[0]).toEqual({ id: 'C', assetClass: 'bond' });
  });
  it('returns files skip the price checks', () => {
    expect(
      loadPricesSync(file('ret.csv', 'date,A\n2020-01-31,-0.05\n'), { checkPrices: false, field: 'return' }).has(
        'return',
      ),
    ).toBe(true);
  });
  it('CSV write → read round-trips every double exactly', () => {
    const x = Float64Array.from([0.1, N, 1 / 3, 1e-300, 123456.789, 2 ** 53 + 2]);
    const panel = new Panel({
      dates: ['2020-01-02', '2020-01-03', '2020-01-06'],
      assets: ['A', 'B'],
      fields: { close: x },
    });
    const p = join(dir, 'rt.csv');
    writeWideCsv(panel, p);
    const back = loadPricesSync(p, { missing: { policy: 'forward-fill', limit: 1 } });
    expect([...back.field('close')]).toEqual([0.1, N, 1 / 3, 1e-300, 123456.789, 2 ** 53 + 2]);
    expect(panelToCsv(panel).split('\n')[0]).toBe('date,A,B');
    expect(readdirSync(dir).some((f) => f.includes('partial'))).toBe(false);
  });
});

describe('Parquet via DuckDB', () => {
  it('wide and long round-trips are exact and load through loadPrices', async () => {
    const x = Float64Array.from([1.5, N, 0.1, 7, 1 / 3, 1e-12]);
    const panel = new Panel({
      dates: ['2020-01-02', '2020-01-03', '2020-01-06'],
      assets: ['A', 'B "q"'],
      fields: { close: x },
    });
    const wide = join(dir, 'w.parquet');
    await writeParquet(panel, wide);
    const back = await loadPrices(wide, { missing: { policy: 'forward-fill', limit: 1 } });
    expect(back.assets).toEqual(['A', 'B "q"']);
    expect(back.dates).toEqual(panel.dates);
    expect([...back.field('close')]).toEqual([1.5, N, 0.1, 7, 1 / 3, 1e-12]); // B's leading NaN = not listed yet
    const two = panel.withField('volume', Float64Array.from([1, 2, 3, 4, 5, 6]));
    const long = join(dir, 'l.parquet');
    await writeParquet(two, long);
    const b2 = await loadPrices(long, { missing: { policy: 'drop-dates' } });
    expect(b2.fieldNames.sort()).toEqual(['close', 'volume']);
    expect([...b2.field('volume')]).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await validateFile(wide)).nDates).toBe(3);
  }, 60_000);
  it('a file that is not Parquet is a one-line data error', async () => {
    const p = file('fake.parquet', 'date,A\n2020-01-02,1\n');
    await expect(loadPrices(p)).rejects.toThrow(
      new RegExp(
        `^${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a readable Parquet file \\(.*\\)\\. Check the file; write it with keel or DuckDB/pyarrow\\.$`,
      ),
    );
  }, 60_000);
});

describe('loadPriceFieldsSync', () => {
  it('combines one wide file per field into one panel', () => {
    const close = file('close.csv', 'date,A,B\n2020-01-02,1,2\n2020-01-03,3,4\n');
    const open = file('open.csv', 'date,A,B\n2020-01-03,2.5,3.5\n2020-01-02,0.5,1.5\n');
    const { panel, report } = loadPriceFieldsSync({ close, open });
    expect(panel.fieldNames.sort()).toEqual(['close', 'open']);
    expect([...panel.field('open')]).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(report.nDates).toBe(2);
  });
  it('refuses files whose assets or dates differ', () => {
    const close = file('c2.csv', 'date,A,B\n2020-01-02,1,2\n');
    const other = file('o2.csv', 'date,B,A\n2020-01-02,1,2\n');
    const later = file('o3.csv', 'date,A,B\n2020-01-03,1,2\n');
    expect(() => loadPriceFieldsSync({ close, open: other })).toThrow(
      `${other}: its assets (B, A) differ from ${close}'s. Field files must have the same columns in the same order.`,
    );
    expect(() => loadPriceFieldsSync({ close, open: later })).toThrow(
      `${later}: its dates differ from ${close}'s (first difference at row 1). Field files must cover the same dates.`,
    );
  });
});
