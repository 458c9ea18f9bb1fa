import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions, type Strategy } from '../backtest/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { rlAgentSchema, strategyKinds, type RlDiagnostics } from './index.ts';

const market = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 6, stocks: 0 });
const panel = market.panel;
const backtest: BacktestOptions = {
  costs: { kind: 'proportional', bps: 10 },
  rebalance: 'monthly',
  start: '2017-06-01',
  periodsPerYear: 252,
};
const params = {
  algorithm: 'q-learning',
  features: [{ kind: 'momentum', windows: [63] }],
  stepBars: 5,
  trainWindow: 504,
  refitEvery: 126,
  episodes: 10,
  seeds: 3,
  agent: { bins: 2 },
};
const make = (p: object = params, seed = 9): Strategy =>
  (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(p, { name: 'rl', seed, backtest });

describe('rl-agent strategy', () => {
  const r = runBacktest(panel, make(), backtest);
  const diag = r.decisions.map((d) => ({ date: r.dates[d.dateIndex]!, rl: d.diagnostics!['rl'] as RlDiagnostics }));

  it('trains walk-forward: every agent in force was fitted at or before its decision, refits every 126 rows', () => {
    expect(diag.length).toBeGreaterThan(20);
    for (const d of diag) {
      expect(d.rl.fitDate).not.toBe('');
      expect(d.rl.fitDate <= d.date).toBe(true);
      expect(d.rl.agentActions).toHaveLength(3);
    }
    const fitRows = [...new Set(diag.map((d) => d.rl.fitDate))].map((x) => panel.dates.indexOf(x));
    expect(fitRows.every((t) => t % 126 === 0)).toBe(true);
    expect(fitRows.length).toBeGreaterThanOrEqual(5);
    const refits = diag.filter((d) => d.rl.refit);
    expect(refits.length).toBe(fitRows.length);
    for (const d of refits) {
      expect(d.rl.training).toHaveLength(3);
      for (const a of d.rl.training!) expect(a.episodeReturns).toHaveLength(10);
    }
  });

  it('the target is the mean of the K agents\u2019 allocations', () => {
    const allocs = [[0.25, 0.25, 0.25, 0.25], ...[0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)))];
    r.decisions.forEach((d, i) => {
      const acts = diag[i]!.rl.agentActions as number[];
      const want = [0, 1, 2, 3].map((a) => acts.reduce((s, k) => s + allocs[k]![a]!, 0) / acts.length);
      for (let a = 0; a < 4; a++) expect(d.target[a]).toBeCloseTo(want[a]!, 15);
    });
  });

  it('is deterministic to the byte for a seed; another seed trains other agents', () => {
    const again = runBacktest(panel, make(), backtest);
    expect(Buffer.from(again.weights.buffer).equals(Buffer.from(r.weights.buffer))).toBe(true);
    expect(JSON.stringify(again.decisions.map((d) => d.diagnostics))).toBe(
      JSON.stringify(r.decisions.map((d) => d.diagnostics)),
    );
    const other = runBacktest(panel, make(params, 10), backtest);
    expect(JSON.stringify(other.decisions.map((d) => d.diagnostics))).not.toBe(
      JSON.stringify(r.decisions.map((d) => d.diagnostics)),
    );
  });

  it('holds 1/N with one rl-warmup finding until a refit has enough training steps', () => {
    const early = runBacktest(panel, make({ ...params, minTrainSteps: 200 }), { ...backtest, start: '2015-01-02' });
    const warm = early.findings.filter((f) => f.kind === 'rl-warmup');
    expect(warm).toHaveLength(1);
    expect(warm[0]!.date).toBe(early.dates[0]);
    expect(Array.from(early.decisions[0]!.target)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('validates the budget and the agent block (one line, path to the bad key)', () => {
    expect(rlAgentSchema.safeParse({ ...params, episodes: 5, steps: 100 }).success).toBe(false);
    expect(rlAgentSchema.safeParse({ ...params, agent: { bins: 1 } }).error!.issues[0]!.path).toEqual([
      'agent',
      'bins',
    ]);
  });

  it('needs the backtest settings to train on (one line)', () => {
    expect(() => (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(params, {})).toThrow(
      /^strategy rl-agent: rl-agent trains under the backtest's costs/,
    );
  });
});
