/**
 * `keel explain` on a real run folder: a small ML study run through `keel run`, then every view of the explain
 * command, its JSON, and the one-line usage errors.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const study = `
name: explain-smoke
seed: 5
data:
  source: synthetic
  market: { start: 2014-01-01, years: 3, stocks: 0 }
backtest:
  start: 2015-03-02
  periodsPerYear: 252
  rebalance: monthly
  costs: { kind: proportional, bps: 10 }
strategies:
  - kind: ml-forecast
    name: lin
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }, { kind: rsi }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: ridge, alpha: 1 }
    portfolio: { method: mean-variance, maxWeight: 0.4, targetVolatility: 0.12, transactionCost: 0.02 }
  - kind: ml-forecast
    name: gbm
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }, { kind: rsi }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: gradient-boosting, nRounds: 15, maxDepth: 3 }
    portfolio: { method: mean-variance, maxWeight: 0.4, targetVolatility: 0.12 }
baselines: []
`;

const dir = mkdtempSync(join(tmpdir(), 'keel-explain-'));
let run = '';
beforeAll(async () => {
  const file = join(dir, 'study.yaml');
  writeFileSync(file, study);
  const r = await runInProcess(['run', file, '--out', join(dir, 'runs')]);
  expect(r.code, r.stderr).toBe(0);
  run = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keel explain RUN', () => {
  it('the run stores a SHAP record per decision whose parts add up to the model output', () => {
    const art = JSON.parse(readFileSync(join(run, 'explanations.json'), 'utf8'));
    for (const name of ['lin', 'gbm']) {
      const s = art.strategies[name];
      expect(s.decisions.length).toBeGreaterThan(5);
      const d = s.decisions.at(-1);
      expect(d.explain.method).toBe(name === 'lin' ? 'linear' : 'tree-path-dependent');
      for (let i = 0; i < d.explain.rows.length; i++) {
        const a = s.universe.indexOf(d.explain.rows[i]);
        let sum = d.explain.base[i] + d.explain.rest[i];
        for (const [, v] of d.explain.top[i]) sum += v;
        // no calibration in this study: the stored forecast is the model output
        expect(Math.abs(sum - d.forecast[a])).toBeLessThan(1e-10);
      }
    }
  });

  it('prints each asset as base + top contributions, and one asset as a waterfall at a date', async () => {
    const all = await runInProcess(['explain', run, '--strategy', 'gbm']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/global importance \(mean \|SHAP\|/);
    expect(all.stdout).toMatch(/EQ_TECH .* = base /);
    const one = await runInProcess([
      'explain',
      run,
      '--strategy',
      'gbm',
      '--date',
      '2016-06-30',
      '--asset',
      'GOLD',
      '--json',
    ]);
    expect(one.code).toBe(0);
    const j = JSON.parse(one.stdout);
    expect(j.date <= '2016-06-30').toBe(true);
    expect(j.assets).toHaveLength(1);
    const a = j.assets[0];
    const total = a.base + a.rest + a.top.reduce((s: number, t: { value: number }) => s + t.value, 0);
    expect(Math.abs(total - a.model)).toBeLessThan(1e-12);
  });

  it('--why-weights: parts sum to Δw to 1e-9 and the recomputed targets equal the run’s', async () => {
    const r = await runInProcess(['explain', run, '--strategy', 'lin', '--why-weights', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.maxResidual).toBeLessThan(1e-9);
    expect(j.recomputeDifference).toBeLessThan(1e-9);
    for (const a of j.assets)
      expect(Math.abs(a.drift + a.forecasts + a.risk + a.constraints - a.deltaW)).toBeLessThan(1e-9);
    expect(j.shadowPrices).toBeNull();
  });

  it('the report shows mean |SHAP| per feature and a waterfall whose steps add up to the forecast', () => {
    const rep = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8'));
    const sec = rep.sections[0];
    expect(sec.shapImportance.map((m: { model: string }) => m.model)).toEqual(['lin', 'gbm']);
    for (const m of sec.shapImportance) expect(m.values.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    const w = sec.shapWaterfall;
    const total = w.base + w.steps.reduce((a: number, t: { value: number }) => a + t.value, 0);
    expect(Math.abs(total - w.output)).toBeLessThan(1e-9);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('data-chart="shap-importance"');
    expect(html).toContain('data-table="shap-waterfall"');
  });

  it('--distill prints the refit model as a depth-3 tree with its fidelity', async () => {
    const r = await runInProcess(['explain', run, '--strategy', 'gbm', '--distill', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fidelity).toBeGreaterThan(0);
    expect(j.fidelity).toBeLessThanOrEqual(1);
    expect(j.rules.length).toBeGreaterThanOrEqual(2);
    expect(j.rules.length).toBeLessThanOrEqual(8);
    expect(j.rules[0]).toMatch(/^if .* then -?[\d.e-]+ \(n = \d+\)$/);
  });

  it('usage errors are one line with the fix (exit 2)', async () => {
    for (const [args, msg] of [
      [['explain', run], /--strategy is required: this run has 2 ML strategies \(lin, gbm\)/],
      [['explain', run, '--strategy', 'nope'], /choose one of lin, gbm/],
      [['explain', run, '--strategy', 'lin', '--asset', 'XYZ'], /not in lin's universe/],
      [['explain', run, '--strategy', 'lin', '--date', '2001-01-01'], /before lin's first decision/],
      [['explain', join(dir, 'missing')], /does not exist/],
      [['explain', dir], /has no explanations.json/],
    ] as const) {
      const r = await runInProcess([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});
