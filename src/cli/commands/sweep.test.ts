/** `keel sweep` through the CLI, run locally: the table, the bytes across runs, and one-line refusals. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const studyYaml = `name: sweep-cli
seed: 3
data: { source: synthetic, market: { start: 2015-01-01, years: 2, stocks: 2 } }
backtest: { periodsPerYear: 252, start: 2015-07-01, rebalance: monthly, costs: { kind: proportional, bps: 10 } }
strategies:
  - { kind: allocator, name: mv, allocator: { kind: min-variance }, window: 63 }
baselines: [{ kind: equal-weight }]
`;

describe('keel sweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-sweep-cli-'));
  const study = join(dir, 'study.yaml');
  writeFileSync(study, studyYaml);

  it('one row per trial and strategy, in grid order; a second run gives the same table', async () => {
    const args = [
      'sweep',
      study,
      '--grid',
      'strategies.mv.window=42,63',
      '--grid',
      'backtest.costs.bps=0,25',
      '--verbose',
    ];
    const a = await runInProcess([...args, '--out', join(dir, 'a')]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/trial 4 done \(4\/4, \d+ s elapsed\)/);
    const b = await runInProcess([...args, '--out', join(dir, 'b')]);
    const csv = (d: string): string => readFileSync(join(dir, d, readdirSync(join(dir, d))[0]!, 'sweep.csv'), 'utf8');
    expect(csv('a')).toBe(csv('b'));
    const rows = csv('a').trim().split('\n');
    expect(rows[0]).toMatch(/^trial,strategies\.mv\.window,backtest\.costs\.bps,strategy,sharpe,/);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 4).join(','))).toEqual([
      '1,42,0,mv',
      '1,42,0,equal-weight',
      '2,42,25,mv',
      '2,42,25,equal-weight',
      '3,63,0,mv',
      '3,63,0,equal-weight',
      '4,63,25,mv',
      '4,63,25,equal-weight',
    ]);
    // One numbering everywhere: the terminal's "trial 4" is trial 4 in sweep.csv, sweep.json and log.txt.
    const run = join(dir, 'a', readdirSync(join(dir, 'a'))[0]!);
    expect(readFileSync(join(run, 'log.txt'), 'utf8')).toMatch(/trial 4: ok \{"strategies\.mv\.window":63/);
    const json = JSON.parse(readFileSync(join(run, 'sweep.json'), 'utf8')) as { trials: { number: number }[] };
    expect(json.trials.map((t) => t.number)).toEqual([1, 2, 3, 4]);
    // Costs lower the Sharpe of the same weights: the grid really changed the runs.
    const sharpe = (k: number): number => Number(rows[1 + 2 * k]!.split(',')[4]); // k-th trial, from 0
    expect(sharpe(1)).toBeLessThan(sharpe(0));
  }, 120_000);

  it('refuses a bad grid in one line before running anything', async () => {
    for (const [grid, msg] of [
      ['strategies.mv.windw=1,2', /windw/],
      ['strategies.mv.window', /expected PATH=V1,V2/],
      ['strategies.mv.window=1,,2', /an empty value/],
    ] as const) {
      const r = await runInProcess(['sweep', study, '--grid', grid, '--out', join(dir, 'bad')]);
      expect(r.code, grid).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    const none = await runInProcess(['sweep', study, '--out', join(dir, 'bad')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no --grid given/);
  });

  it('an unreachable queue is one line and exit 1', async () => {
    const r = await runInProcess([
      'sweep',
      study,
      '--grid',
      'strategies.mv.window=42',
      '--queue',
      'redis://127.0.0.1:1',
      '--out',
      join(dir, 'q'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
