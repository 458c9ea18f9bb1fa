import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { BreakingEnv } from './agent-test-helpers.ts';
import { evaluatePolicy, IdentityEnv } from './agent-test-envs.ts';
import { agentFromJSON } from './agent-registry.ts';
import { Dqn } from './dqn.ts';

const small = {
  learningRate: 1e-3,
  learningStarts: 200,
  targetUpdateInterval: 200,
  explorationFraction: 0.3,
  hidden: [32],
  gamma: 0.5,
} as const;

describe('DQN', () => {
  it('learns the discrete identity env to a mean reward ≥ 0.95 per step (optimum 1, uniform 0.25)', () => {
    const agent = new Dqn({ ...small, seed: 1 });
    agent.learn(new IdentityEnv(4, 'discrete'), 5000);
    const pol = agent.policy();
    expect(evaluatePolicy(new IdentityEnv(4, 'discrete'), (o) => pol.act(o), 99, 20) / 20).toBeGreaterThanOrEqual(0.95);
    const last = agent.curve.at(-1)!;
    expect(last['epsilon']).toBeCloseTo(0.05, 12);
    expect(Number.isFinite(last['loss'])).toBe(true);
  });

  it('refuses a box action space with a one-line config error', () => {
    expect(() => new Dqn(small).learn(new IdentityEnv(3, 'box'), 10)).toThrow(
      /^dqn needs a discrete action space .* use ppo or a2c/,
    );
  });

  it('a NaN reward is a one-line data error and the Q-network of the last good step is kept', () => {
    const ref = new Dqn({ ...small, seed: 2 });
    // same schedule (1000 steps) stopped after step 400, where the broken run meets its NaN
    ref.learn(new IdentityEnv(4, 'discrete'), 1000, (ctx) => ctx.timesteps < 400);
    const agent = new Dqn({ ...small, seed: 2 });
    let err: unknown;
    try {
      agent.learn(new BreakingEnv(new IdentityEnv(4, 'discrete'), 401, NaN), 1000);
    } catch (e) {
      err = e;
    }
    expect(isKeelError(err) && err.kind === 'data').toBe(true);
    expect(agent.toJSON().networks['q']).toEqual(ref.toJSON().networks['q']);
  });

  it('a diverging loss is a one-line numeric error and keeps the last good Q-network', () => {
    const agent = new Dqn({ ...small, seed: 3 });
    expect(() => agent.learn(new BreakingEnv(new IdentityEnv(4, 'discrete'), 300, 1e308), 1000)).toThrow(
      /^dqn diverged at gradient step \d+: the (loss|gradient norm) became (Infinity|NaN); kept the Q-network/,
    );
    expect(agent.toJSON().networks['q']!.every((w) => w.every(Number.isFinite))).toBe(true);
  });

  it('round-trips through JSON with the same actions', () => {
    const agent = new Dqn({ ...small, seed: 4 });
    agent.learn(new IdentityEnv(3, 'discrete'), 500);
    const back = agentFromJSON(JSON.parse(JSON.stringify(agent.toJSON())));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(agent.toJSON()));
    for (let i = 0; i < 3; i++) {
      const obs = new Float64Array(3);
      obs[i] = 1;
      expect(back.policy().act(obs)).toBe(agent.policy().act(obs));
    }
  });
});
