/**
 * `sampleWeights` of ml-forecast through the study runner (the path `keel run` takes): it changes the fit, it is
 * recorded (study.resolved.json, an info finding per refit in findings.json), and a model that cannot take weights
 * is refused before any backtest (exit 2, one line) instead of running unweighted.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from '../study/index.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-ml-weights-study-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const clock = () => new Date('2026-01-01T00:00:00Z');
const stocks = Array.from({ length: 6 }, (_, i) => `STK00${i + 1}`);
const small = {
  universe: stocks,
  features: [{ kind: 'momentum', windows: [21, 63] }, { kind: 'volatility', windows: [21] }, { kind: 'rsi' }],
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 126,
  stride: 5,
  model: { kind: 'ridge', alpha: 10 },
  portfolio: { method: 'mean-variance', maxWeight: 0.4, targetVolatility: 0.1 },
};
const study = (strategies: object[]) => ({
  name: 'ml-weights',
  seed: 11,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 3, stocks: 6 } },
  backtest: {
    start: '2015-03-02',
    rebalance: 'monthly',
    costs: { kind: 'proportional', bps: 10 },
    periodsPerYear: 252,
  },
  strategies,
  baselines: [],
});
const read = (path: string, file: string): string => readFileSync(join(path, file), 'utf8');
const weightsOf = (path: string, strategy: string): string =>
  read(path, 'weights.csv')
    .split('\n')
    .filter((l) => l.split(',')[1] === strategy)
    .map((l) => l.split(',').slice(2).join(','))
    .join('\n');

describe('ml-forecast sampleWeights in a study', async () => {
  const run = await runStudy(
    study([
      { kind: 'ml-forecast', name: 'plain', ...small },
      { kind: 'ml-forecast', name: 'unique', ...small, sampleWeights: 'uniqueness' },
      { kind: 'ml-forecast', name: 'decayed', ...small, sampleWeights: { kind: 'uniqueness', decay: 0.25 } },
    ]),
    { outDir, clock },
  );

  it('uniqueness weights (and their time decay) change the weights against the unweighted fit', () => {
    const plain = weightsOf(run.path, 'plain');
    const unique = weightsOf(run.path, 'unique');
    const decayed = weightsOf(run.path, 'decayed');
    expect(plain.split('\n').length).toBeGreaterThan(10);
    expect(unique.split('\n').length).toBe(plain.split('\n').length);
    expect(unique).not.toBe(plain);
    expect(decayed).not.toBe(unique);
  });

  it('is recorded: in study.resolved.json and as an info finding at each refit', () => {
    const resolved = JSON.parse(read(run.path, 'study.resolved.json'));
    const byName = Object.fromEntries(resolved.strategies.map((s: { name: string }) => [s.name, s]));
    expect(byName.plain.sampleWeights).toBeUndefined();
    expect(byName.unique.sampleWeights).toBe('uniqueness');
    expect(byName.decayed.sampleWeights).toEqual({ kind: 'uniqueness', decay: 0.25 });
    const findings = JSON.parse(read(run.path, 'findings.json')) as {
      kind: string;
      strategy: string;
      message: string;
    }[];
    const of = (s: string) => findings.filter((f) => f.kind === 'sample-weights' && f.strategy === s);
    expect(of('plain')).toEqual([]);
    expect(of('unique').length).toBeGreaterThanOrEqual(2);
    expect(of('unique')[0]!.message).toMatch(
      /weighted its \d+ training rows by the average uniqueness of their overlapping 21-bar labels \(mean uniqueness 0\.\d{3}, about \d+ non-overlapping labels; the weights' effective sample size is \d+\)$/,
    );
    expect(of('decayed')[0]!.message).toMatch(/with time decay 0\.25 \(/);
  });

  it('a model that cannot take weights is refused before any backtest (exit 2, one line)', async () => {
    const out = join(outDir, 'refused');
    const err = (await runStudy(
      study([
        {
          kind: 'ml-forecast',
          name: 'gb',
          ...small,
          model: { kind: 'gradient-boosting' },
          sampleWeights: 'uniqueness',
        },
      ]),
      { outDir: out, clock },
    ).catch((e: unknown) => e)) as { exitCode?: number; problems?: string[]; message: string };
    expect(err.exitCode).toBe(2);
    expect(err.problems ?? [err.message]).toEqual([
      expect.stringMatching(
        /strategy gb: sampleWeights uniqueness needs a model that takes sample weights, but gradient-boosting does not; use ols, ridge, lasso, elastic-net, decision-tree, random-forest, or sampleWeights: none/,
      ),
    ]);
    expect(existsSync(out) ? readdirSync(out).filter((f) => !f.startsWith('.')) : []).toEqual([]);
  });
});
