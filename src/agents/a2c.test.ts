import { describe, expect, it } from 'vitest';
import { A2c } from './a2c.ts';
import { evaluatePolicy, IdentityEnv } from './agent-test-envs.ts';

describe('A2C', () => {
  it('learns the discrete identity env to a mean reward ≥ 0.95 per step (optimum 1, uniform 0.25)', () => {
    const agent = new A2c({ seed: 1, nSteps: 16, learningRate: 3e-3, hidden: [32] });
    agent.learn(new IdentityEnv(4, 'discrete'), 8000);
    const pol = agent.policy();
    expect(evaluatePolicy(new IdentityEnv(4, 'discrete'), (o) => pol.act(o), 99, 20) / 20).toBeGreaterThanOrEqual(0.95);
    expect(agent.curve).toHaveLength(500);
    expect(agent.curve.every((r) => Number.isFinite(r['policyLoss']) && Number.isFinite(r['valueLoss']))).toBe(true);
  });

  it('a callback returning false stops training at that step', () => {
    const agent = new A2c({ seed: 1, nSteps: 16, hidden: [8] });
    const res = agent.learn(new IdentityEnv(2, 'discrete'), 1000, (ctx) => ctx.timesteps < 40);
    expect(res).toEqual({ timesteps: 40, stopped: 'callback', updates: 2 });
    expect(agent.curve).toHaveLength(2);
  });
});
