/** `keel run`'s terminal summary ends with the path of report.html (what `npm start` prints last). */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const out = mkdtempSync(join(tmpdir(), 'keel-run-cmd-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('keel run summary', () => {
  it('ends with the path of report.html, which exists', async () => {
    const r = await runInProcess(['run', 'examples/backtest-baselines.yaml', '--out', out]);
    expect(r.code).toBe(0);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^report: .+report\.html$/);
    expect(existsSync(last.slice('report: '.length))).toBe(true);
  });
});

describe('keel run --seeds', () => {
  it('runs consecutive seeds from --seed, prints each and the means, and writes the seeds summary', async () => {
    const dir = join(out, 'seeds');
    const r = await runInProcess(['run', 'examples/equal-weight.yaml', '--seeds', '2', '--seed', '5', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/seed 5 \(1\/2\)/);
    expect(r.stderr).toMatch(/seed 6 \(2\/2\), /);
    expect(r.stdout).toMatch(/over 2 seeds \(5…6\): mean ± standard error/);
    const file = /seeds summary written to (\S+)/.exec(r.stdout)![1]!;
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { seeds: number[] };
    expect(summary.seeds).toEqual([5, 6]);
  });
});
