/**
 * The cross-sectional options of ml-forecast through the study runner (the path users take): crossSectional,
 * excess-return / rank targets, selection per refit (report table, report.json, log) and trainWindow: expanding.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from '../study/index.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-ml-options-study-'));
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
const study = {
  name: 'ml-options',
  seed: 11,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 3, stocks: 6 } },
  backtest: { start: '2015-03-02', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies: [
    { kind: 'ml-forecast', name: 'plain', ...small },
    // A macro series is equal across assets at every date: z-scored per date it would be a constant 0 (the fit then
    // refused it as a constant feature); it is kept as it is.
    {
      kind: 'ml-forecast',
      name: 'xs-zscore',
      ...small,
      features: [...small.features, { kind: 'macro', series: ['policy_rate', 'inflation'] }],
      crossSectional: 'zscore',
    },
    { kind: 'ml-forecast', name: 'xs-rank-target', ...small, target: { kind: 'rank', horizon: 21 } },
    { kind: 'ml-forecast', name: 'expanding', ...small, trainWindow: 'expanding' },
    {
      kind: 'ml-forecast',
      name: 'selected',
      ...small,
      target: { kind: 'excess-return', horizon: 21 },
      selection: { grid: { alpha: [1, 100, 10000] }, folds: 3, objective: 'ic' },
    },
  ],
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
};
const read = (path: string, file: string): string => readFileSync(join(path, file), 'utf8');
const weightsOf = (path: string, strategy: string): string =>
  read(path, 'weights.csv')
    .split('\n')
    .filter((l) => l.split(',')[1] === strategy)
    .map((l) => l.split(',').slice(2).join(','))
    .join('\n');

describe('ml-forecast cross-sectional options in a study', async () => {
  const a = await runStudy(study, { outDir, clock });
  const b = await runStudy(study, { outDir, clock });

  it('each option runs and changes the weights against the plain strategy', () => {
    const plain = weightsOf(a.path, 'plain');
    expect(plain.length).toBeGreaterThan(0);
    for (const name of ['xs-zscore', 'xs-rank-target', 'expanding', 'selected']) {
      const w = weightsOf(a.path, name);
      expect(w.split('\n').length).toBe(plain.split('\n').length);
      expect(w).not.toBe(plain);
    }
  });

  it('the cross-sectional strategies are scored out of sample like the others (report.json, summary.json)', () => {
    const report = JSON.parse(read(a.path, 'report.json'));
    const summary = JSON.parse(read(a.path, 'summary.json'));
    for (const name of ['xs-zscore', 'xs-rank-target', 'expanding', 'selected']) {
      const fq = report.sections[0].forecastQuality.find((r: { model: string }) => r.model === name);
      expect(fq.nDates).toBeGreaterThan(10);
      expect(Number.isFinite(fq.ic)).toBe(true);
      expect(summary.forecastQuality[name].ic).toBeCloseTo(fq.ic, 9);
    }
  });

  it('model selection per refit: in report.json, as a report.html table and in log.txt', () => {
    const report = JSON.parse(read(a.path, 'report.json'));
    const rows = report.sections[0].modelSelection as { model: string; fitDate: string; chosen: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.model).toBe('selected');
      expect(r.chosen).toMatch(/^alpha=(1|100|10000)$/);
    }
    expect(new Set(rows.map((r) => r.fitDate)).size).toBe(rows.length);
    const html = read(a.path, 'report.html');
    expect(html).toContain('data-table="model-selection"');
    const log = read(a.path, 'log.txt');
    for (const r of rows) expect(log).toContain(`selected refit ${r.fitDate}: ${r.chosen} (inner ic`);
  });

  it('same seed → same bytes', () => {
    for (const file of ['report.json', 'report.html', 'weights.csv', 'trades.csv'])
      expect(read(b.path, file)).toBe(read(a.path, file));
  });
});
