/**
 * keel tune on a tiny CSV study: trials run only on the validation period (data after it cannot change a trial),
 * the same seed gives the same trials.csv bytes, and best.study.yaml validates and runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyText, validateStudy } from '../config/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { runStudy, tuneStudy, validationFolds } from './index.ts';

const root = mkdtempSync(join(tmpdir(), 'keel-tune-test-'));
const clock = () => new Date(Date.UTC(2026, 0, 1));

/** Wide close prices of the synthetic core assets; `bump` multiplies every price dated after `after`. */
function pricesCsv(dir: string, after?: string, bump = 1): void {
  const m = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 3, stocks: 0 }).panel;
  const close = m.field('close');
  const lines = [`date,${m.assets.join(',')}`];
  m.dates.forEach((d, t) =>
    lines.push(
      `${d},${m.assets.map((_, a) => close[t * m.nAssets + a]! * (after !== undefined && d > after ? bump * (1 + 0.01 * ((t * 7 + a) % 5)) : 1)).join(',')}`,
    ),
  );
  writeFileSync(join(dir, 'prices.csv'), `${lines.join('\n')}\n`);
}

const study = {
  name: 'tune-tiny',
  seed: 3,
  data: { source: 'csv', path: 'prices.csv' },
  backtest: { start: '2016-01-04', rebalance: 'monthly', costs: { kind: 'proportional', bps: 5 } },
  strategies: [{ name: 'iv', kind: 'inverse-volatility', window: 63 }],
  baselines: [],
  tune: {
    trials: 6,
    sampler: 'random',
    validation: { start: '2015-01-02', end: '2015-12-30' },
    folds: 2,
    space: {
      'strategies.iv.window': { kind: 'int', low: 21, high: 126, step: 21 },
      'backtest.rebalance': { kind: 'categorical', choices: ['weekly', 'monthly'] },
    },
    objective: { metric: 'sharpe', direction: 'maximize', strategy: 'iv' },
  },
};

async function tuneIn(name: string, after?: string, bump?: number) {
  const dir = mkdtempSync(join(root, `${name}-`));
  pricesCsv(dir, after, bump);
  const r = await tuneStudy(study, { outDir: join(dir, 'runs'), baseDir: dir, clock });
  return { dir, r, csv: readFileSync(join(r.path, 'trials.csv'), 'utf8') };
}

describe('tuneStudy', () => {
  it('folds are contiguous sub-periods of the validation period, all before backtest.start', () => {
    const f = validationFolds('2015-01-02', '2015-12-30', 2);
    expect(f).toEqual([
      { start: '2015-01-02', end: '2015-07-01' },
      { start: '2015-07-02', end: '2015-12-30' },
    ]);
  });

  it('writes one trials.csv row per trial (params, objective, fold scores), deterministic, blind to later data', async () => {
    const a = await tuneIn('a');
    const rows = a.csv.trim().split('\n');
    expect(rows[0]).toBe('trial,state,strategies.iv.window,backtest.rebalance,objective,fold1,fold2,findings,error');
    expect(rows).toHaveLength(7);
    for (const row of rows.slice(1)) {
      const c = row.split(',');
      expect(c[1]).toBe('complete');
      expect(Number(c[4])).toBeCloseTo((Number(c[5]) + Number(c[6])) / 2, 12);
    }
    expect(new Set(rows.slice(1).map((r) => r.split(',')[2])).size).toBeGreaterThan(1);
    // Same seed → same bytes.
    const b = await tuneIn('b');
    expect(b.csv).toBe(a.csv);
    // Look-ahead: prices after the validation end (the whole backtest period included) perturbed → same trials.
    const c = await tuneIn('c', '2015-12-30', 1.7);
    expect(c.csv).toBe(a.csv);
    // … while a perturbation inside the validation period changes them (the test can fail).
    const d = await tuneIn('d', '2015-09-01', 1.7);
    expect(d.csv).not.toBe(a.csv);
    const tune = JSON.parse(readFileSync(join(a.r.path, 'tune.json'), 'utf8')) as { pbo: { pbo: number } };
    expect(tune.pbo.pbo).toBeGreaterThanOrEqual(0);
    expect(tune.pbo.pbo).toBeLessThanOrEqual(1);
    expect(readFileSync(join(a.r.path, 'report.html'), 'utf8')).toMatch(/parameter importance/);

    // best.study.yaml validates, carries the best parameters and nTrials ≥ trials, and runs on the backtest period.
    const text = readFileSync(join(a.r.path, 'best.study.yaml'), 'utf8');
    expect(text).toMatch(/^# Tuned by keel tune on the validation period 2015-01-02…2015-12-30 with 6 trials, seed 3/);
    const best = validateStudy(parseStudyText(text, 'best.study.yaml'));
    expect(best.backtest!.nTrials).toBeGreaterThanOrEqual(6);
    const s = best.strategies[0] as { window: number };
    expect(s.window).toBe(a.r.best!.params['strategies.iv.window']);
    expect(best.backtest!.rebalance).toBe(a.r.best!.params['backtest.rebalance']);
    const run = await runStudy(best, { outDir: join(a.dir, 'runs'), baseDir: a.dir, clock });
    const bt = run.summary['backtest'] as { name: string; metrics: { nTrials: number } }[];
    expect(bt.find((x) => x.name === 'iv')!.metrics.nTrials).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('refuses a validation period that reaches the backtest, and an unknown path, at validation', () => {
    expect(() =>
      validateStudy({ ...study, tune: { ...study.tune, validation: { start: '2015-01-02', end: '2016-01-04' } } }),
    ).toThrow(/2016-01-04 is not before backtest.start 2016-01-04: the trials would see the backtest period/);
    expect(() =>
      validateStudy({
        ...study,
        tune: { ...study.tune, space: { 'strategies.iv.windw': { kind: 'int', low: 21, high: 42 } } },
      }),
    ).toThrow(/strategies.iv.windw: strategies\[0\] has no "windw"; did you mean "window"\?/);
    expect(() =>
      validateStudy({
        ...study,
        tune: { ...study.tune, space: { 'strategies.ivv.window': { kind: 'int', low: 21, high: 42 } } },
      }),
    ).toThrow(/no entry named "ivv" in strategies; did you mean "iv"\?/);
  });
});
