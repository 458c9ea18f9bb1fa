/**
 * DQN `allActions`: before each step the agent peeks at every other allocation's transition from the same state and
 * stores it too. Checked here: what it asks the env, that it stays deterministic, that it changes what is learned,
 * and that an env without `peek` is refused. The exactness of the counterfactuals is portfolio-env-peek.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { corePanel, coreTilts } from './test-core-market.ts';
import { crossSectionAllocations, crossSectionScore, IdentityEnv, NoisyCrossSectionEnv } from './agent-test-envs.ts';
import { PassThroughEnv } from './agent-test-helpers.ts';
import { Dqn } from './dqn.ts';
import type { StepResult } from './env.ts';
import { PortfolioEnv } from './portfolio-env.ts';

const panel = corePanel(3, '2016-01-01', 4);
const allocations = coreTilts;
const mkEnv = () =>
  new PortfolioEnv({
    panel,
    backtest: { costs: { kind: 'proportional', bps: 10 } },
    features: [{ kind: 'momentum', windows: [20] }],
    stepBars: 5,
    reward: { kind: 'excess-log-return' },
    action: { kind: 'discrete', allocations },
  });
const params = { learningStarts: 50, hidden: [8], gamma: 0.5, learningRate: 1e-3, targetUpdateInterval: 100 };

/** Records, per peek and step, the env's row and the action (to show every peek precedes its step, at its row). */
class Tracing extends PassThroughEnv<PortfolioEnv> {
  readonly log: string[] = [];
  peek(a: Float64Array | number): StepResult<Float64Array> {
    this.log.push(`peek ${this.inner.index} ${String(a)}`);
    return this.inner.peek(a);
  }
  override step(a: Float64Array | number): StepResult<Float64Array> {
    this.log.push(`step ${this.inner.index} ${String(a)}`);
    return this.inner.step(a);
  }
}

describe('DQN allActions', () => {
  it('peeks at every other allocation from the state it steps from, once per step and before the step', () => {
    const env = new Tracing(mkEnv());
    new Dqn({ ...params, seed: 1, allActions: true }).learn(env, 300);
    const steps = env.log.filter((l) => l.startsWith('step'));
    expect(steps).toHaveLength(300);
    expect(env.log).toHaveLength(300 * allocations.length);
    for (let i = 0; i < env.log.length; i += allocations.length) {
      const group = env.log.slice(i, i + allocations.length);
      const [, row, taken] = group.at(-1)!.split(' ');
      expect(group.at(-1)!.startsWith('step')).toBe(true);
      const peeked = group.slice(0, -1).map((l) => l.split(' '));
      expect(peeked.every((p) => p[0] === 'peek' && p[1] === row)).toBe(true);
      expect(
        [...peeked.map((p) => Number(p[2])), Number(taken)].sort((a, b) => a - b),
        `step ${i / allocations.length}`,
      ).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('same seed → same bytes; it learns something else than the one-action DQN from the same seed', () => {
    const run = (allActions: boolean, seed: number) => {
      const agent = new Dqn({ ...params, seed, allActions });
      agent.learn(mkEnv(), 400);
      return JSON.stringify(agent.toJSON());
    };
    const a = run(true, 7);
    expect(run(true, 7)).toBe(a);
    expect(run(true, 8)).not.toBe(a);
    expect(run(false, 7)).not.toBe(a);
  });

  it('refuses an environment that cannot peek, with one line', () => {
    expect(() => new Dqn({ ...params, seed: 1, allActions: true }).learn(new IdentityEnv(3, 'discrete'), 10)).toThrow(
      /^dqn allActions needs an environment that can peek at a step without taking it \(PortfolioEnv can\); set allActions: false for this env\.$/,
    );
  });
  it('learns more from the same steps when the rewards are noisy: the cross-sectional toy, 10 seeds', () => {
    // Asset returns 0.1 × feature + noise of σ 1 (the signal explains ~1 % of a step's variance, as in a market).
    // One transition per step sees one allocation's reward, a mix of the assets' returns; every allocation's rewards
    // together give each asset's. Scored greedy on the noise-free toy as a fraction of the oracle's reward.
    const score = (allActions: boolean, seed: number) => {
      const agent = new Dqn({
        seed,
        hidden: [],
        learningRate: 0.001,
        learningStarts: 32,
        gamma: 0,
        explorationFraction: 0.5,
        perAsset: { assets: 4, ownWeight: true, mix: crossSectionAllocations },
        allActions,
      });
      agent.learn(new NoisyCrossSectionEnv(1), 3000);
      const pol = agent.policy();
      return crossSectionScore((o) => pol.act(o) as number);
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const all = seeds.map((s) => score(true, s));
    const one = seeds.map((s) => score(false, s));
    expect(mean(all)).toBeGreaterThan(0.9); // measured 0.96
    expect(Math.min(...all)).toBeGreaterThan(0.88); // measured 0.92; one transition a step: 0.33 (seed 1)
    expect(mean(all) - mean(one)).toBeGreaterThan(0.06); // one transition a step: 0.84
  });
});
