/**
 * `PortfolioEnv.peek(action)`: the step `step(action)` would take, without taking it. DQN's `allActions` stores these
 * counterfactual transitions, so they must be exactly what the env gives when the action is taken from that state.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import type { BacktestOptions, FillTiming } from '../backtest/index.ts';
import { corePanel, coreTilts } from './test-core-market.ts';
import { PortfolioEnv, type RewardSpec } from './index.ts';

const panel = corePanel(11, '2018-01-01', 2);
const allocations = [...coreTilts, [0, 0, 0, 0]];

function mk(fill: FillTiming, reward: RewardSpec, costs: BacktestOptions['costs']): PortfolioEnv {
  return new PortfolioEnv({
    panel,
    backtest: { fill, costs, cashRate: 0.02 },
    features: [{ kind: 'momentum', windows: [20] }],
    from: 40,
    stepBars: 5,
    reward,
    action: { kind: 'discrete', allocations },
  });
}

const cases: { fill: FillTiming; reward: RewardSpec; costs: BacktestOptions['costs'] }[] = [
  { fill: 'next-close', reward: { kind: 'excess-log-return' }, costs: { kind: 'proportional', bps: 10 } },
  { fill: 'next-open', reward: { kind: 'log-return' }, costs: { kind: 'sqrt-impact', coefficient: 0.5 } },
  // a reward with running state (warmup 3 so that the moments are in play after a few steps)
  {
    fill: 'next-close',
    reward: { kind: 'differential-sharpe', eta: 0.1, warmup: 3 },
    costs: { kind: 'proportional', bps: 25 },
  },
];

describe('PortfolioEnv.peek', () => {
  it.each(cases)(
    'gives, for every action, the reward and next observation the env gives when that action is taken from the same state ($fill, $reward.kind)',
    ({ fill, reward, costs }) => {
      const env = mk(fill, reward, costs);
      const rng = createRng(5);
      const path: number[] = [];
      env.reset({ seed: 1 });
      let checked = 0;
      for (let s = 0; s < 30; s++) {
        const taken = rng.int(allocations.length);
        const peeks = allocations.map((_, a) => env.peek(a));
        const r = env.step(taken);
        // the taken action's counterfactual is the env's own step, to 1e-12
        expect(Math.abs(peeks[taken]!.reward - r.reward)).toBeLessThan(1e-12);
        expect(Array.from(peeks[taken]!.obs)).toEqual(Array.from(r.obs));
        // every other action: replay the env from reset along the same path, then take it
        for (let a = 0; a < allocations.length; a++) {
          const replay = mk(fill, reward, costs);
          replay.reset({ seed: 1 });
          for (const p of path) replay.step(p);
          const ra = replay.step(a);
          expect(Math.abs(peeks[a]!.reward - ra.reward), `step ${s}, action ${a}`).toBeLessThan(1e-12);
          expect(Array.from(peeks[a]!.obs)).toEqual(Array.from(ra.obs));
          expect(peeks[a]!.terminated).toBe(ra.terminated);
          expect(peeks[a]!.truncated).toBe(ra.truncated);
          checked++;
        }
        path.push(taken);
        if (r.terminated || r.truncated) break;
      }
      expect(checked).toBe(30 * allocations.length);
    },
  );

  it('leaves the env where it was: stepping after peeks gives the same bytes as stepping without them', () => {
    const spec: RewardSpec = { kind: 'differential-sharpe', eta: 0.1, warmup: 3 };
    const a = mk('next-close', spec, { kind: 'proportional', bps: 10 });
    const b = mk('next-close', spec, { kind: 'proportional', bps: 10 });
    a.reset({ seed: 2 });
    b.reset({ seed: 2 });
    const rng = createRng(9);
    const peeked = new Set<number>();
    for (let s = 0; s < 25; s++) {
      const act = rng.int(allocations.length);
      for (let k = 0; k < allocations.length; k++) peeked.add(a.peek(k).reward);
      const ra = a.step(act);
      const rb = b.step(act);
      expect(ra.reward).toBe(rb.reward);
      expect(Array.from(ra.obs)).toEqual(Array.from(rb.obs));
      expect(a.value).toBe(b.value);
      expect(a.index).toBe(b.index);
    }
    expect(peeked.size).toBeGreaterThan(25); // the actions' rewards differ: the check is not vacuous
  });

  it('refuses before reset and after the episode ended, as step does', () => {
    const env = mk('next-close', { kind: 'log-return' }, { kind: 'proportional', bps: 10 });
    expect(() => env.peek(0)).toThrow(/peek\(\) called before reset\(\)/);
    env.reset({ seed: 1 });
    let r = env.step(0);
    while (!r.terminated && !r.truncated) r = env.step(0);
    expect(() => env.peek(0)).toThrow(/peek\(\) after the episode ended/);
  });
});
