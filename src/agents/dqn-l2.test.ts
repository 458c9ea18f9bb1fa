/**
 * DQN `l2`: a ridge penalty on the Q-network's parameters (see DqnParams.l2), checked on a shared linear Q over a
 * portfolio env as rl-agent builds it: a larger penalty gives smaller parameters on every seed, the own weight and
 * the biases included; the same seed gives the same bytes; a negative penalty is refused.
 */
import { describe, expect, it } from 'vitest';
import { corePanel, coreTilts } from './test-core-market.ts';
import { Dqn } from './dqn.ts';
import { PortfolioEnv } from './portfolio-env.ts';

const panel = corePanel(1, '2014-01-01', 5);
const allocations = coreTilts;
const mkEnv = () =>
  new PortfolioEnv({
    panel,
    backtest: { costs: { kind: 'proportional', bps: 10 } },
    features: [{ kind: 'momentum', windows: [20, 60] }],
    stepBars: 21,
    reward: { kind: 'excess-log-return' },
    action: { kind: 'discrete', allocations },
  });

/** Sum of |parameter| of a trained shared linear Q, and the agent's bytes. */
function trained(l2: number, seed: number): { size: number; json: string } {
  const agent = new Dqn({
    seed,
    hidden: [],
    learningRate: 1e-3,
    gamma: 0,
    learningStarts: 100,
    targetUpdateInterval: 250,
    trainFreq: 1,
    allActions: true,
    perAsset: { assets: 4, ownWeight: true, mix: allocations },
    l2,
  });
  agent.learn(mkEnv(), 700);
  const json = agent.toJSON();
  const size = json.networks['q']!.flat().reduce((a, w) => a + Math.abs(w), 0);
  return { size, json: JSON.stringify(json) };
}

describe('DQN l2', () => {
  it('shrinks every parameter of a shared linear Q, more with a larger penalty, on each of 5 seeds', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const [none, some, more] = [0, 0.1, 1].map((l2) => trained(l2, seed).size);
      expect(some, `seed ${seed}`).toBeLessThan(none!);
      expect(more, `seed ${seed}`).toBeLessThan(some!);
    }
  });

  it('same seed → same bytes', () => {
    expect(trained(0.1, 7).json).toBe(trained(0.1, 7).json);
    expect(trained(0.1, 7).json).not.toBe(trained(0, 7).json);
  });

  it('refuses a negative penalty with one line', () => {
    expect(() => new Dqn({ l2: -1 })).toThrow(/^dqn: l2 .*-1/);
  });
});
