import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meanSe, runStudyFileSeeds, runStudySeeds } from './multi-seed.ts';
import { runStudy } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-seeds-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 5, 12, 0, 0));

describe('meanSe', () => {
  it('is the mean and sd/√n of the finite values', () => {
    const r = meanSe([1, 2, 3, NaN, 6]);
    expect(r.n).toBe(4);
    expect(r.mean).toBe(3);
    expect(r.se).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 3 / 4), 15);
    expect(meanSe([5]).se).toBeNaN();
    expect(meanSe([]).mean).toBeNaN();
  });
});

describe('runStudySeeds', () => {
  const study = {
    name: 'seeds',
    data: { source: 'synthetic', market: { years: 1.5, stocks: 0 } },
    backtest: { costs: { kind: 'none' }, start: '2014-06-02', rebalance: 'monthly' },
    strategies: [{ kind: 'inverse-volatility', window: 21, name: 'ivol' }],
    baselines: [{ kind: 'equal-weight', name: '1/N' }],
  };

  it('runs K consecutive seeds, each its own run, and aggregates each strategy over them', async () => {
    const out = join(work, 'a');
    const seen: number[] = [];
    const r = await runStudySeeds((seed) => runStudy(study, { outDir: out, clock, seed }), {
      seeds: 3,
      firstSeed: 7,
      outDir: out,
      clock,
      onSeed: (s) => seen.push(s),
    });
    expect(r.seeds).toEqual([7, 8, 9]);
    expect(seen).toEqual([7, 8, 9]);
    expect(new Set(r.runs.map((x) => x.runId)).size).toBe(3);
    expect(readdirSync(out)).toHaveLength(4); // three runs + the seeds summary
    const sharpes = r.runs.map(
      (x) => (x.summary['backtest'] as { name: string; metrics: { sharpe: number } }[])[0]!.metrics.sharpe,
    );
    const ivol = r.rows.find((x) => x.strategy === 'ivol')!;
    expect(ivol.sharpe.n).toBe(3);
    expect(ivol.sharpe.mean).toBeCloseTo(meanSe(sharpes).mean, 15);
    expect(ivol.sharpe.se).toBeGreaterThan(0);
    expect(r.rows.find((x) => x.strategy === '1/N')!.baseline).toBe(true);
    const file = JSON.parse(readFileSync(join(r.path, 'seeds-summary.json'), 'utf8'));
    expect(file.runs).toEqual(r.runs.map((x) => x.runId));
    expect(file.seeds).toEqual([7, 8, 9]);
    // DSR of the return in excess of the 1/N baseline and the L1 distance from 1/N, per run and over the seeds
    const rows = r.runs.map(
      (x) => (x.summary['backtest'] as { deflatedSharpeVsEqualWeight: number; l1FromEqualWeight: number }[])[0]!,
    );
    for (const row of rows) {
      expect(row.deflatedSharpeVsEqualWeight).toBeGreaterThanOrEqual(0);
      expect(row.deflatedSharpeVsEqualWeight).toBeLessThanOrEqual(1);
    }
    expect(ivol.deflatedSharpeVsEqualWeight!.mean).toBeCloseTo(
      meanSe(rows.map((x) => x.deflatedSharpeVsEqualWeight)).mean,
      15,
    );
    expect(ivol.l1FromEqualWeight!.mean).toBeCloseTo(meanSe(rows.map((x) => x.l1FromEqualWeight)).mean, 15);
    expect(ivol.l1FromEqualWeight!.mean).toBeGreaterThan(0);
    // 1/N against itself has no excess return: no figure, not a fake 0.5
    expect(r.rows.find((x) => x.strategy === '1/N')!.deflatedSharpeVsEqualWeight?.n ?? 0).toBe(0);
  });

  it('runs every seed of a study file on the bytes read at the start, even if the file changes meanwhile', async () => {
    const file = join(work, 'seeds.yaml');
    const yaml = (window: number): string =>
      [
        'name: seeds',
        'seed: 7',
        'data: { source: synthetic, market: { years: 1.5, stocks: 0 } }',
        'backtest: { costs: { kind: none }, start: 2014-06-02, rebalance: monthly }',
        `strategies: [{ kind: inverse-volatility, window: ${window}, name: ivol }]`,
        '',
      ].join('\n');
    writeFileSync(file, yaml(21));
    // The user edits the file once the batch has started: every seed still runs window 21 (each used to re-read it).
    const r = await runStudyFileSeeds(file, {
      seeds: 3,
      outDir: join(work, 'edited'),
      clock,
      onSeed: (_s, i) => (i === 0 ? writeFileSync(file, yaml(63)) : undefined),
    });
    const windows = r.runs.map(
      (x) => JSON.parse(readFileSync(join(x.path, 'study.resolved.json'), 'utf8')).strategies[0].window as number,
    );
    expect(windows).toEqual([21, 21, 21]);
  });

  it('refuses a seed count outside 1 … 1000 before running anything', async () => {
    let ran = 0;
    await expect(
      runStudySeeds(async (seed) => (ran++, runStudy(study, { outDir: join(work, 'b'), clock, seed })), {
        seeds: 0,
        firstSeed: 1,
      }),
    ).rejects.toThrow(/--seeds must be an integer from 1 to 1000, got 0/);
    expect(ran).toBe(0);
  });
});
