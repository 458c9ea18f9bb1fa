/**
 * ml-forecast's own `rebalance` rule through the study runner: a forecaster deciding weekly beside a monthly backtest
 * makes the decisions it would make in a weekly backtest (same weights, to the byte), while the other strategies
 * and baselines keep the backtest's monthly rule.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from '../study/index.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-ml-rebalance-study-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const clock = () => new Date('2026-01-01T00:00:00Z');
const ml = {
  kind: 'ml-forecast',
  universe: ['STK001', 'STK002', 'STK003', 'STK004', 'STK005', 'STK006'],
  features: [
    { kind: 'momentum', windows: [21] },
    { kind: 'momentum', windows: [5] },
  ],
  target: { kind: 'forward-return', horizon: 5 },
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 126,
  model: { kind: 'ridge', alpha: 10 },
  portfolio: { method: 'mean-variance', maxWeight: 0.4, targetVolatility: 0.1, transactionCost: 0.05 },
  explain: false,
};
const study = (rebalance: string, strategies: object[]) => ({
  name: 'ml-rebalance',
  seed: 11,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 3, stocks: 6 } },
  backtest: { start: '2015-03-02', rebalance, costs: { kind: 'proportional', bps: 10 } },
  strategies,
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
});
const read = (path: string, file: string): string => readFileSync(join(path, file), 'utf8');
const rowsOf = (path: string, file: string, strategy: string): string[] =>
  read(path, file)
    .split('\n')
    .filter((l) => l.split(',')[1] === strategy)
    .map((l) => [l.split(',')[0], ...l.split(',').slice(2)].join(','));
const nDates = (path: string, name: string): number =>
  JSON.parse(read(path, 'report.json')).sections[0].forecastQuality.find((r: { model: string }) => r.model === name)
    .nDates;

describe('ml-forecast rebalance: the strategy decides on its own schedule', async () => {
  const mixed = await runStudy(
    study('monthly', [
      { ...ml, name: 'fast', rebalance: 'weekly' },
      { ...ml, name: 'slow' },
    ]),
    { outDir, clock },
  );
  const weekly = await runStudy(study('weekly', [{ ...ml, name: 'fast' }]), { outDir, clock });
  const monthly = await runStudy(study('monthly', [{ ...ml, name: 'fast' }]), { outDir, clock });

  it('its weights are those of the same strategy in a weekly backtest, not a monthly one', () => {
    const own = rowsOf(mixed.path, 'weights.csv', 'fast');
    expect(own.length).toBeGreaterThan(100);
    expect(own).toEqual(rowsOf(weekly.path, 'weights.csv', 'fast'));
    expect(own).not.toEqual(rowsOf(monthly.path, 'weights.csv', 'fast'));
    // About four decisions a month, each scored by the forecast-quality row.
    expect(nDates(mixed.path, 'fast')).toBeGreaterThan(3 * nDates(mixed.path, 'slow'));
  });

  it('the other strategy and the baselines keep the backtest monthly rule', () => {
    expect(rowsOf(mixed.path, 'weights.csv', 'slow')).toEqual(rowsOf(monthly.path, 'weights.csv', 'fast'));
    expect(rowsOf(mixed.path, 'trades.csv', '1/N')).toEqual(rowsOf(monthly.path, 'trades.csv', '1/N'));
    expect(rowsOf(mixed.path, 'trades.csv', '1/N')).not.toEqual(rowsOf(weekly.path, 'trades.csv', '1/N'));
  });
});
