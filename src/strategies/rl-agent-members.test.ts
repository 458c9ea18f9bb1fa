import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions, type BacktestResult, type Strategy } from '../backtest/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { backtestStrategy, backtestStrategyYielding, membersOf, strategyKinds } from './index.ts';

const panel = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 6, stocks: 0 }).panel;
const backtest: BacktestOptions = {
  costs: { kind: 'proportional', bps: 10 },
  rebalance: 'monthly',
  start: '2015-06-01',
  periodsPerYear: 252,
};
const params = {
  algorithm: 'q-learning',
  features: [{ kind: 'momentum', windows: [63] }],
  stepBars: 5,
  trainWindow: 504,
  refitEvery: 126,
  minTrainSteps: 60,
  episodes: 6,
  seeds: 3,
  agent: { bins: 2 },
};
const make = (p: object = params): Strategy =>
  (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(p, { name: 'rl', seed: 9, backtest });
const bytes = (r: BacktestResult) => ({
  nav: Buffer.from(r.nav.buffer).toString('base64'),
  weights: Buffer.from(r.weights.buffer).toString('base64'),
  diagnostics: JSON.stringify(r.decisions.map((d) => d.diagnostics)),
  findings: JSON.stringify(r.findings),
});

describe('rl-agent members and the yielding driver', () => {
  const inline = backtestStrategy(panel, make(), backtest);

  it('runs each of the K agents alone as <name>#k; agent #1 alone is the seeds: 1 strategy', () => {
    const members = membersOf(inline);
    expect(members.map((m) => m.name)).toEqual(['rl#1', 'rl#2', 'rl#3']);
    const one = runBacktest(panel, make({ ...params, seeds: 1 }), backtest);
    expect(bytes(members[0]!.result).nav).toBe(bytes(one).nav);
    expect(membersOf(backtestStrategy(panel, make({ ...params, seeds: 1 }), backtest))).toEqual([]);
    // a member reports its own action only: no training curves, no training findings (the ensemble has them)
    expect(members[1]!.result.findings).toEqual([]);
    expect(inline.findings.filter((f) => f.kind === 'rl-warmup')).toHaveLength(1);
  });

  it('on the same book the agents alone hold what they proposed inside the ensemble, whose target is their mean', () => {
    // The first decisions (1/N warm-up, then the first agents) start from the same book in every backtest.
    const first = inline.decisions.findIndex((d) => (d.diagnostics!['rl'] as { fitDate: string }).fitDate !== '');
    expect(first).toBeGreaterThan(0); // a warm-up first, so the book is the drifted 1/N everywhere
    const d = inline.decisions[first]!;
    const proposed = (d.diagnostics!['rl'] as { agentWeights: number[][] }).agentWeights;
    membersOf(inline).forEach((m, k) => {
      const md = m.result.decisions[first]!;
      expect(md.dateIndex).toBe(d.dateIndex);
      expect(Array.from(md.target)).toEqual(proposed[k]);
    });
    for (let a = 0; a < 4; a++)
      expect(Math.abs(d.target[a]! - proposed.reduce((s, w) => s + w[a]!, 0) / 3)).toBeLessThan(1e-12);
  });

  it('the yielding driver gives the same bytes, going back to the event loop between agents', async () => {
    let yields = 0;
    const refits = new Set(
      inline.decisions.map((d) => (d.diagnostics!['rl'] as { fitDate: string }).fitDate).filter((x) => x !== ''),
    ).size;
    const yielded = await backtestStrategyYielding(panel, make(), backtest, async () => {
      yields++;
    });
    expect(bytes(yielded)).toEqual(bytes(inline));
    expect(membersOf(yielded).map((m) => bytes(m.result))).toEqual(membersOf(inline).map((m) => bytes(m.result)));
    // per refit: between the 3 agents (2) and after the training (1); once per warm-up anchor (no agents); once
    // before each member. Fewer would mean the survey missed an anchor and the real pass trained it inline.
    expect(refits).toBeGreaterThanOrEqual(5);
    expect(yields).toBeGreaterThanOrEqual(3 * refits + 3);
    expect(yields).toBeLessThanOrEqual(3 * refits + 3 + 2);
  });

  it('a strategy backtested twice reports the same decisions, findings and training curves both times', () => {
    const s = make();
    const a = runBacktest(panel, s, backtest);
    const b = runBacktest(panel, s, backtest);
    expect(bytes(b)).toEqual(bytes(a));
  });
});
