/**
 * `keel data validate` and `keel data fetch` through the CLI's `main(argv)` in-process (spawning a process per case
 * costs seconds of start-up each on a loaded machine; src/cli/bad-input.test.ts covers the real binary): exit codes
 * 0 usable / 1 not usable or unreadable / 2 bad flags, one-line errors without stack traces, JSON output, and the
 * fetch command against a local 127.0.0.1 server.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-data-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const w = (name: string): string => join(work, name);

const keel = runInProcess;

const dates = Array.from({ length: 300 }, (_, i) =>
  new Date(Date.UTC(2020, 0, 1) + i * 86400000).toISOString().slice(0, 10),
);
writeFileSync(
  w('good.csv'),
  'date,A,B\n' + dates.map((d, i) => `${d},${100 + (i % 7)},${50 + (i % 5)}`).join('\n') + '\n',
);
writeFileSync(w('holes.csv'), 'date,A\n2020-01-02,10\n2020-01-03,\n2020-01-06,10.5\n');

describe('keel data validate', () => {
  it('exit 0 and a one-line summary for a usable file', async () => {
    const r = await keel(['data', 'validate', w('good.csv')]);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: `${w('good.csv')}: 300 dates × 2 assets, 2020-01-01 .. 2020-10-26; 0 errors, 0 warnings — usable\n`,
    });
  });
  it('exit 1 with the finding, or 0 under a fixing policy; --json', async () => {
    const strict = await keel(['data', 'validate', w('holes.csv'), '--min-history', '1']);
    expect(strict.code).toBe(1);
    expect(strict.stdout.split('\n')[1]).toBe(
      `  error   missing-cell       ${w('holes.csv')}:3: asset "A" has 1 missing cell after listing: 2020-01-03 (line 3). Fill the cells, or choose a missing-data policy: { policy: 'forward-fill', limit: 5 }, 'drop-dates' or 'drop-assets' (CLI: --missing forward-fill:5).`,
    );
    expect(
      (await keel(['data', 'validate', w('holes.csv'), '--min-history', '1', '--missing', 'forward-fill:2'])).code,
    ).toBe(0);
    const json = await keel(['data', 'validate', w('holes.csv'), '--json', '--min-history', '1']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      usable: false,
      errors: 1,
      findings: [{ rule: 'missing-cell', asset: 'A', line: 3 }],
    });
  });
  it('an unreadable file is one error line and exit 1; a bad flag exit 2', async () => {
    const missing = await keel(['data', 'validate', w('nope.csv')]);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${w('nope.csv')}: file not found (cwd is ${process.cwd()}). Check the path and its spelling.\n`,
    });
    const usage = await keel(['data', 'validate', w('good.csv'), '--missing', 'backfill']);
    expect(usage).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --missing must be error, forward-fill:N, drop-dates or drop-assets, got "backfill". Example: --missing forward-fill:5.\n',
    });
  });
});

describe('keel data fetch', () => {
  it('downloads through the cache into a wide CSV; offline misses fail cleanly', async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/graph/fredgraph.csv?id=DGS10') ? 200 : 404);
      res.end('observation_date,DGS10\n2024-01-02,3.95\n2024-01-03,.\n2024-01-04,4.01\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const args = [
        'data',
        'fetch',
        '--provider',
        'fred',
        'DGS10',
        '--base-url',
        base,
        '--cache',
        w('cache'),
        '--out',
        w('dgs10.csv'),
      ];
      const fetched = await keel(args);
      expect(fetched).toEqual({
        code: 0,
        stderr: '',
        stdout: `fetched 1 symbol from fred (0 from cache): 3 dates, 2024-01-02 .. 2024-01-04; wrote value to ${w('dgs10.csv')}\n`,
      });
      expect(readFileSync(w('dgs10.csv'), 'utf8')).toBe('date,DGS10\n2024-01-02,3.95\n2024-01-03,\n2024-01-04,4.01\n');
      const again = await keel([...args.slice(0, -2), '--offline', '--json']);
      expect(JSON.parse(again.stdout)).toMatchObject({ dates: 3, fromCache: 1, downloaded: 0 });
      const miss = await keel(['data', 'fetch', '--provider', 'fred', 'UNRATE', '--offline', '--cache', w('cache')]);
      expect(miss.code).toBe(1);
      expect(miss.stderr).toBe(
        `error: offline and https://fred.stlouisfed.org/graph/fredgraph.csv?id=UNRATE is not in the cache (${w('cache')}). Fetch once online, or drop --offline.\n`,
      );
      const bad = await keel(['data', 'fetch', '--provider', 'fred', 'DGS10', '--start', '2024/01/01']);
      expect(bad).toMatchObject({
        code: 2,
        stderr:
          'error: --start must be a real calendar date YYYY-MM-DD, got "2024/01/01". Example: --start 2020-01-31.\n',
      });
      expect(readdirSync(work).sort()).toEqual(['cache', 'dgs10.csv', 'good.csv', 'holes.csv']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
