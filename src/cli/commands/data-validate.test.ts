/**
 * `keel data validate` and `keel data fetch` through the real CLI (spawned in parallel): exit codes 0 usable /
 * 1 not usable or unreadable / 2 bad flags, one-line errors without stack traces, JSON output.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-data-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function keel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repo, 'bin', 'keel.mjs'), ...args],
      { cwd: work, env: { ...process.env, KEEL_DEBUG: '' } },
      (err, stdout, stderr) => {
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const dates = Array.from({ length: 300 }, (_, i) =>
  new Date(Date.UTC(2020, 0, 1) + i * 86400000).toISOString().slice(0, 10),
);
writeFileSync(
  join(work, 'good.csv'),
  'date,A,B\n' + dates.map((d, i) => `${d},${100 + (i % 7)},${50 + (i % 5)}`).join('\n') + '\n',
);
writeFileSync(join(work, 'holes.csv'), 'date,A\n2020-01-02,10\n2020-01-03,\n2020-01-06,10.5\n');

describe('keel data validate / fetch', () => {
  it('exit codes, messages and JSON', async () => {
    // few processes: each start costs seconds on a loaded machine; the rules themselves are tested in src/data
    const [good, json, missing, usage, fetchOffline] = await Promise.all([
      keel(['data', 'validate', 'good.csv']),
      keel(['data', 'validate', 'holes.csv', '--json', '--min-history', '1']),
      keel(['data', 'validate', 'nope.csv']),
      keel(['data', 'validate', 'good.csv', '--missing', 'backfill']),
      keel(['data', 'fetch', '--provider', 'fred', 'DGS10', '--offline', '--cache', 'cache']),
    ]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toBe(
      'good.csv: 300 dates × 2 assets, 2020-01-01 .. 2020-10-26; 0 errors, 0 warnings — usable\n',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      usable: false,
      errors: 1,
      findings: [{ rule: 'missing-cell', asset: 'A', line: 3 }],
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: nope.csv: file not found (cwd is ${work}). Check the path and its spelling.\n`);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      'error: --missing must be error, forward-fill:N, drop-dates or drop-assets, got "backfill". Example: --missing forward-fill:5.\n',
    );
    expect(fetchOffline.code).toBe(1);
    expect(fetchOffline.stderr).toMatch(
      /^error: offline and https:\/\/fred\.stlouisfed\.org\/graph\/fredgraph\.csv\?id=DGS10 is not in the cache \(.*\)\. Fetch once online, or drop --offline\.\n$/,
    );
    for (const r of [good, json, missing, usage, fetchOffline]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(work).sort()).toEqual(['good.csv', 'holes.csv']);
  }, 60_000);
});
