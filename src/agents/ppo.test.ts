import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { BreakingEnv, RecordingEnv } from './agent-test-helpers.ts';
import { evaluatePolicy, IdentityEnv } from './agent-test-envs.ts';
import { agentFromJSON } from './agent-registry.ts';
import { Ppo } from './ppo.ts';

const small = { nSteps: 256, batchSize: 64, nEpochs: 4, learningRate: 3e-3, hidden: [32] } as const;

describe('PPO', () => {
  it('learns the discrete identity env to a mean reward ≥ 0.95 per step (optimum 1, uniform 0.25)', () => {
    const agent = new Ppo({ ...small, seed: 1 });
    agent.learn(new IdentityEnv(4, 'discrete'), 8000);
    const pol = agent.policy();
    expect(evaluatePolicy(new IdentityEnv(4, 'discrete'), (o) => pol.act(o), 99, 20) / 20).toBeGreaterThanOrEqual(0.95);
  });

  it('learns the box identity env (weights on the simplex) to ≥ 0.7 weight on the right asset (optimum 1, equal weight 0.25)', () => {
    const agent = new Ppo({ ...small, seed: 1 });
    agent.learn(new IdentityEnv(4, 'box'), 8000);
    const pol = agent.policy();
    expect(evaluatePolicy(new IdentityEnv(4, 'box'), (o) => pol.act(o), 99, 20) / 20).toBeGreaterThanOrEqual(0.7);
  });

  it("boxAction 'scores' hands an env that applies its own softmax the raw z (never softmax twice) and learns it", () => {
    const agent = new Ppo({ ...small, seed: 1, boxAction: 'scores' });
    const env = new RecordingEnv(new IdentityEnv(4, 'box', 20, 'softmax'));
    agent.learn(env, 8000);
    const sums = [];
    for (let i = 0; i < 40; i += 4) sums.push(env.actions.slice(i, i + 4).reduce((a, b) => a + b, 0));
    expect(sums.some((s) => Math.abs(s - 1) > 1e-6)).toBe(true);
    const pol = agent.policy();
    expect(
      evaluatePolicy(new IdentityEnv(4, 'box', 20, 'softmax'), (o) => pol.act(o), 99, 20) / 20,
    ).toBeGreaterThanOrEqual(0.7);
  });

  it('logs approx_kl, clip_fraction and explained_variance per update, and stops an update at 1.5 × targetKl', () => {
    const free = new Ppo({ ...small, seed: 2 });
    free.learn(new IdentityEnv(4, 'discrete'), 1024);
    expect(free.curve).toHaveLength(4);
    for (const row of free.curve) {
      for (const key of ['approxKl', 'clipFraction', 'explainedVariance', 'policyLoss', 'valueLoss', 'entropy']) {
        expect(Number.isFinite(row[key])).toBe(true);
      }
      expect(row['epochs']).toBe(4);
    }
    const capped = new Ppo({ ...small, seed: 2, learningRate: 1e-2, targetKl: 1e-5 });
    capped.learn(new IdentityEnv(4, 'discrete'), 1024);
    expect(capped.curve.some((r) => r['stoppedEarly'] === 1 && r['epochs']! < 4)).toBe(true);
  });

  it('a NaN reward is a one-line data error and the policy of the last update is kept', () => {
    const ref = new Ppo({ ...small, seed: 3 });
    ref.learn(new IdentityEnv(4, 'discrete'), 256);
    const agent = new Ppo({ ...small, seed: 3 });
    let err: unknown;
    try {
      agent.learn(new BreakingEnv(new IdentityEnv(4, 'discrete'), 300, NaN), 1024);
    } catch (e) {
      err = e;
    }
    expect(isKeelError(err) && err.kind === 'data').toBe(true);
    expect((err as Error).message).toMatch(/reward NaN at step 300; .*last update is kept/);
    expect((err as Error).message).not.toContain('\n');
    expect(agent.toJSON().networks).toEqual(ref.toJSON().networks);
  });

  it('a diverging loss is a one-line numeric error and the last good policy is kept', () => {
    const ref = new Ppo({ ...small, seed: 4 });
    ref.learn(new IdentityEnv(4, 'discrete'), 256);
    const agent = new Ppo({ ...small, seed: 4 });
    // rewards of 1e200 from the second rollout on: the value loss overflows to Infinity
    expect(() => agent.learn(new BreakingEnv(new IdentityEnv(4, 'discrete'), 257, 1e200), 1024)).toThrow(
      /^ppo diverged at update 2 \(epoch 1, minibatch 1\): the loss became Infinity; kept the policy from the last good update/,
    );
    expect(agent.toJSON().networks).toEqual(ref.toJSON().networks);
    const obs = Float64Array.of(0, 1, 0, 0);
    expect(agent.policy().act(obs)).toBe(ref.policy().act(obs));
  });

  it('round-trips through JSON: same weights, same actions, same curve', () => {
    const agent = new Ppo({ ...small, seed: 5 });
    agent.learn(new IdentityEnv(3, 'box'), 512);
    const json = JSON.parse(JSON.stringify(agent.toJSON()));
    const back = agentFromJSON(json);
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(agent.toJSON()));
    const obs = Float64Array.of(0, 0, 1);
    expect(back.policy().act(obs)).toEqual(agent.policy().act(obs));
  });

  it('rejects bad parameters with a one-line config error naming the value and a fix', () => {
    expect(() => new Ppo({ clipRange: -1 })).toThrow(
      'ppo: clipRange must be in [0.000001, 10], got -1. Use e.g. clipRange: 0.2.',
    );
    expect(() => new Ppo({ nSteps: 1.5 })).toThrow(/nSteps must be an integer ≥ 2, got 1.5/);
  });
});
