/**
 * A study that mixes an ml-forecast strategy with an rl-agent and a rule strategy, through runStudy: one job runs
 * every strategy on the same data, costs and calendar, in one summary, one report and one deflated-Sharpe family,
 * and the forecaster's results are those it has on its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pageCharts } from '../report/index.ts';
import { aggregateSeeds } from './multi-seed.ts';
import { runStudy } from './run-study.ts';
import { qLearningAgent, smallAgentStudy } from '../../test/support/rl-studies.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-mixed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 6, 8, 0, 0));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

const ml = {
  kind: 'ml-forecast',
  name: 'ml',
  features: [{ kind: 'momentum', windows: [40], skip: 1 }],
  target: { kind: 'rank', horizon: 21 },
  crossSectional: 'zscore',
  model: { kind: 'ridge', alpha: 4 },
  refitEvery: 126,
  trainWindow: 504,
  portfolio: { method: 'mean-variance', maxWeight: 0.6, targetVolatility: 0.1 },
};
const q = qLearningAgent;
const iv = { kind: 'inverse-volatility', name: 'iv', window: 63 };
const base = smallAgentStudy('mixed');
const mixed = { ...base, strategies: [ml, q, iv] };

interface Row {
  strategy: string;
  baseline: boolean;
  sharpe: number;
  deflatedSharpe: number;
  l1FromEqualWeight: number;
  rankIc?: number;
}
const rows = (r: { summary: Record<string, unknown> }) =>
  Object.fromEntries(((r.summary['ml'] as { strategies: Row[] }).strategies ?? []).map((x) => [x.strategy, x]));
const linesOf = (csv: string, strategy: string) => csv.split('\n').filter((l) => l.split(',')[1] === strategy);

describe('a study mixing ml-forecast with other strategy kinds', () => {
  it('runs every strategy in one job: one summary, one report, the DSR counting every strategy', async () => {
    const r = await runStudy(mixed, { outDir: join(work, 'mixed'), clock });
    const byName = rows(r);
    expect(Object.keys(byName)).toEqual(['ml', 'q', 'iv', '1/N', '1/N @ 10% vol']);
    // the deflated Sharpe counts the strategies, not the baselines: ml, the two agents q trains (seeds: 2), iv
    const report = JSON.parse(read(r.path, 'report.json'));
    expect(report.nTrials).toBe(4);
    expect(report.sections).toHaveLength(1);
    const section = report.sections[0];
    expect(section.strategies.map((s: { name: string }) => s.name)).toEqual(Object.keys(byName));
    for (const s of section.strategies) expect(Number.isFinite(s.metrics.l1FromEqualWeight)).toBe(true);
    // forecasts are scored for the forecaster only; the others get weights charts, the agent its training curves
    expect(Object.keys(r.summary['forecastQuality'] as object)).toEqual(['ml', 'ceilingIc']);
    expect(byName['q']!.rankIc).toBeUndefined();
    expect(section.weights.strategy).toBe('ml');
    expect(section.moreWeights.map((w: { strategy: string }) => w.strategy)).toEqual(['q', 'iv']);
    const curves = JSON.parse(read(r.path, 'q/rl-training.json')) as { refits: unknown[] };
    expect(curves.refits.length).toBeGreaterThanOrEqual(4);
    expect(section.agentTraining).toHaveLength(curves.refits.length);
    expect(Object.keys(JSON.parse(read(r.path, 'explanations.json')).strategies)).toEqual(['ml']);
    const agentChart = pageCharts(read(r.path, 'report.html')).find((c) => c.kind === 'agent-training');
    const lines = agentChart!.option['series'] as { data: (number | null)[] }[];
    expect(lines[0]!.data.some((v) => v !== null && Number.isFinite(v))).toBe(true);
    // the rule strategy traded, on the same calendar: its rows in weights.csv are on ml's decision dates
    const dates = (s: string) => linesOf(read(r.path, 'weights.csv'), s).map((l) => l.split(',')[2]);
    expect(dates('iv')).toEqual(dates('ml'));
    expect(linesOf(read(r.path, 'trades.csv'), 'iv').length).toBeGreaterThan(0);

    // the forecaster alone: the same bytes in its weights and trades, the same forecast quality; only its DSR moves
    const alone = await runStudy({ ...base, strategies: [ml] }, { outDir: join(work, 'alone'), clock });
    expect(JSON.parse(read(alone.path, 'report.json')).nTrials).toBe(1);
    // the terminal table gives the L1 distance from 1/N when agents or rules are beside the forecasters
    expect((r.summary['ml'] as { table: string[] }).table[0]).toContain('L1-1/N');
    expect((alone.summary['ml'] as { table: string[] }).table[0]).not.toContain('L1-1/N');
    expect(linesOf(read(r.path, 'weights.csv'), 'ml')).toEqual(linesOf(read(alone.path, 'weights.csv'), 'ml'));
    expect(linesOf(read(r.path, 'trades.csv'), 'ml')).toEqual(linesOf(read(alone.path, 'trades.csv'), 'ml'));
    expect((r.summary['forecastQuality'] as Record<string, unknown>)['ml']).toEqual(
      (alone.summary['forecastQuality'] as Record<string, unknown>)['ml'],
    );
    const one = rows(alone)['ml']!;
    expect(byName['ml']!.sharpe).toBe(one.sharpe);
    expect(byName['ml']!.deflatedSharpe).toBeLessThan(one.deflatedSharpe); // 3 trials deflate more than 1

    // the agent and the rule strategy without the forecaster (the plain backtest step): the same results
    const plain = await runStudy({ ...base, strategies: [q, iv] }, { outDir: join(work, 'plain'), clock });
    const bt = plain.summary['backtest'] as { name: string; metrics: { sharpe: number }; l1FromEqualWeight: number }[];
    for (const name of ['q', 'iv']) {
      const p = bt.find((b) => b.name === name)!;
      expect(byName[name]!.sharpe).toBe(p.metrics.sharpe);
      expect(byName[name]!.l1FromEqualWeight).toBe(p.l1FromEqualWeight);
    }
    expect(read(r.path, 'q/rl-training.json')).toBe(read(plain.path, 'q/rl-training.json'));

    // --seeds reads the same rows: IC for the forecaster, the L1 distance from 1/N for every strategy
    const seeds = Object.fromEntries(aggregateSeeds([r, r]).map((x) => [x.strategy, x]));
    expect(seeds['ml']!.ic?.n).toBe(2);
    expect(seeds['q']!.ic).toBeUndefined();
    expect(seeds['q']!.l1FromEqualWeight?.mean).toBe(byName['q']!.l1FromEqualWeight);
  }, 240_000);

  it('runs a strategy without a universe on all the assets, in a section of its own beside a universe of forecasts', async () => {
    const study = {
      ...base,
      data: { source: 'synthetic', market: { start: '2014-01-01', years: 5, stocks: 2 } },
      strategies: [{ ...ml, universe: ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'] }, iv],
    };
    const r = await runStudy(study, { outDir: join(work, 'two'), clock, strict: true });
    const report = JSON.parse(read(r.path, 'report.json'));
    expect(report.nTrials).toBe(2);
    const [core, all] = report.sections;
    expect(core.strategies.map((s: { name: string }) => s.name)).toEqual(['ml', '1/N', '1/N @ 10% vol']);
    expect(all.strategies.map((s: { name: string }) => s.name)).toEqual(['iv', '1/N']);
    expect(all.weights.strategy).toBe('iv');
    expect(all.weights.assets).toHaveLength(6);
    expect(all.forecastQuality).toEqual([]);
    expect(read(r.path, 'report.html')).toContain('Weights at each rebalance — iv');
  }, 240_000);

  it('gives the same bytes on worker threads', async () => {
    const one = await runStudy(mixed, { outDir: join(work, 'w1'), clock });
    const two = await runStudy(mixed, { outDir: join(work, 'w2'), clock, workers: 2 });
    for (const f of ['report.json', 'weights.csv', 'trades.csv', 'q/rl-training.json', 'summary.json'])
      expect(read(two.path, f)).toBe(read(one.path, f));
  }, 240_000);
});
