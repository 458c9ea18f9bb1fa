/**
 * `keel tune` scored by the information ratio over 1/N at the same volatility (`informationRatioVsEqualWeight`):
 * each fold's score is the ML job's figure for that fold, and a study that cannot measure it is refused at
 * validation (no 1/N baseline, or a strategy that is not ml-forecast).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateStudy } from '../config/index.ts';
import { runStudy, tuneStudy } from './index.ts';

const root = mkdtempSync(join(tmpdir(), 'keel-tune-active-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 0, 1));
const stocks = Array.from({ length: 8 }, (_, i) => `STK00${i + 1}`);
const study = {
  name: 'tune-active',
  seed: 9,
  data: { source: 'synthetic', market: { start: '2013-01-01', years: 4, stocks: 8 } },
  backtest: { start: '2016-01-04', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies: [
    {
      kind: 'ml-forecast',
      name: 'ridge',
      universe: stocks,
      features: [{ kind: 'momentum', windows: [40], skip: 1 }, { kind: 'sentiment' }],
      crossSectional: 'zscore',
      trainWindow: 300,
      minTrainDates: 30,
      refitEvery: 126,
      model: { kind: 'ridge', alpha: 10 },
      portfolio: { method: 'mean-variance', maxWeight: 0.3, targetVolatility: 0.1, tiltStrength: 1 },
    },
  ],
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
  tune: {
    trials: 2,
    sampler: 'grid',
    validation: { start: '2015-01-02', end: '2015-12-30' },
    folds: 2,
    space: { 'strategies.ridge.portfolio.method': { kind: 'categorical', choices: ['mean-variance', 'tilt'] } },
    objective: { metric: 'informationRatioVsEqualWeight', direction: 'maximize', strategy: 'ridge' },
  },
};

describe('tune objective informationRatioVsEqualWeight', () => {
  it('scores each fold by the IR over the volatility-matched 1/N of that fold’s run', async () => {
    const r = await tuneStudy(study, { outDir: join(root, 'runs'), clock });
    expect(r.trials).toHaveLength(2);
    for (const t of r.trials) {
      expect(t.error).toBeUndefined();
      expect(t.foldScores.every(Number.isFinite)).toBe(true);
    }
    expect(r.trials[0]!.value).not.toBe(r.trials[1]!.value);
    // The second fold of the tilt trial, run by hand: the same figure from its report.json.
    const tilt = r.trials.find((t) => t.params['strategies.ridge.portfolio.method'] === 'tilt')!;
    const { tune: _t, ...rest } = study;
    const fold = r.folds[1]!;
    const copy = {
      ...rest,
      data: { ...rest.data, end: fold.end },
      backtest: { ...rest.backtest, start: fold.start, end: fold.end },
      strategies: [{ ...rest.strategies[0]!, portfolio: { ...rest.strategies[0]!.portfolio, method: 'tilt' } }],
    };
    const run = await runStudy(copy, { outDir: join(root, 'fold'), clock });
    const report = JSON.parse(readFileSync(join(run.path, 'report.json'), 'utf8')) as {
      sections: { strategies: { name: string; metrics: Record<string, number> }[] }[];
    };
    const ir = report.sections[0]!.strategies.find((s) => s.name === 'ridge')!.metrics['informationRatioVsEqualWeight'];
    expect(tilt.foldScores[1]).toBe(ir);
  }, 120_000);

  it('tune.seeds scores each trial on consecutive study seeds, seed-major, each as a one-seed tune would', async () => {
    const one = {
      ...study,
      tune: {
        ...study.tune,
        trials: 1,
        folds: 1,
        space: { 'strategies.ridge.portfolio.method': { kind: 'categorical', choices: ['tilt'] } },
      },
    };
    const two = await tuneStudy({ ...one, tune: { ...one.tune, seeds: 2 } }, { outDir: join(root, 's2'), clock });
    expect(two.seeds).toEqual([9, 10]);
    expect(two.trials[0]!.foldScores).toHaveLength(2);
    const a = await tuneStudy(one, { outDir: join(root, 's9'), clock });
    const b = await tuneStudy({ ...one, seed: 10 }, { outDir: join(root, 's10'), clock });
    expect(two.trials[0]!.foldScores).toEqual([a.trials[0]!.foldScores[0], b.trials[0]!.foldScores[0]]);
    expect(a.trials[0]!.foldScores[0]).not.toBe(b.trials[0]!.foldScores[0]);
    expect(two.trials[0]!.value).toBeCloseTo((a.trials[0]!.value + b.trials[0]!.value) / 2, 12);
    // On data that is the same on every seed it is refused.
    expect(() =>
      validateStudy({ ...one, data: { source: 'csv', path: 'prices.csv' }, tune: { ...one.tune, seeds: 2 } }),
    ).toThrow(/seeds 2 scores trials on 2 synthetic markets, but data.source is csv/);
  }, 180_000);

  it('is refused at validation where it cannot be measured', () => {
    expect(() => validateStudy({ ...study, baselines: [] })).toThrow(
      /informationRatioVsEqualWeight is measured against 1\/N, but baselines: lists no equal-weight/,
    );
    expect(() =>
      validateStudy({
        ...study,
        strategies: [{ kind: 'inverse-volatility', name: 'iv' }],
        tune: {
          ...study.tune,
          space: { 'strategies.iv.window': { kind: 'int', low: 21, high: 63 } },
          objective: { ...study.tune.objective, strategy: 'iv' },
        },
      }),
    ).toThrow(
      /informationRatioVsEqualWeight is computed by the ML job for ml-forecast strategies, but "iv" is inverse-volatility/,
    );
  });
});
