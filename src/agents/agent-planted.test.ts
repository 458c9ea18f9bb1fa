import { describe, expect, it } from 'vitest';
import { evaluatePolicy, PlantedRegimeEnv, plantedOracle } from './agent-test-envs.ts';
import { Dqn } from './dqn.ts';
import { Ppo } from './ppo.ts';

/**
 * Issue 10's planted-regime toy. Two assets; a one-hot regime indicator, seen before each decision, says which asset
 * returns +μ (the other −μ), each with independent N(0, σ²) noise; the regime flips with probability 0.1 per step;
 * episodes of 64 steps; reward log(1 + w·r).
 *
 * Oracle: per step, E log(1 + w·r) with w on the favoured asset is ≈ μ − (μ² + σ²)/2 = 0.0099 (μ = σ = 0.01), and
 * its derivative in w at that corner is ≈ 2μ − σ² − 2μ² > 0, so no long-only mix does better: the oracle holds the
 * favoured asset, ≈ 0.634 per episode; equal weight earns ≈ −σ²/4 per step ≈ 0. Because the market path depends
 * only on the seed, agent and oracle are scored on the very same returns (20 evaluation episodes, seed 777, unseen
 * in training). Threshold: the agent's frozen policy must reach 85 % of the oracle's return (measured: PPO 0.98,
 * DQN 1.00 on seeds 1-3).
 */
const THRESHOLD = 0.85;

function score(
  actions: 'discrete' | 'box',
  act: (o: Float64Array) => number | Float64Array,
): { agent: number; oracle: number; equal: number } {
  const ev = (f: (o: Float64Array) => number | Float64Array): number =>
    evaluatePolicy(new PlantedRegimeEnv({ actions }), f, 777, 20);
  return {
    agent: ev(act),
    oracle: ev(plantedOracle(actions)),
    equal: ev(() => (actions === 'discrete' ? 1 : Float64Array.of(0.5, 0.5))),
  };
}

describe('planted-regime toy: agents reach 85 % of the oracle return', () => {
  it('PPO (softmax-Gaussian weights, value clipping, target KL)', () => {
    const agent = new Ppo({
      seed: 1,
      nSteps: 512,
      batchSize: 64,
      nEpochs: 4,
      learningRate: 1e-3,
      hidden: [32],
      gamma: 0.9,
      clipRangeVf: 0.5,
      targetKl: 0.05,
    });
    agent.learn(new PlantedRegimeEnv({ actions: 'box' }), 20_000);
    const pol = agent.policy();
    const s = score('box', (o) => pol.act(o));
    expect(s.oracle).toBeGreaterThan(0.55);
    expect(Math.abs(s.equal)).toBeLessThan(0.05);
    expect(s.agent).toBeGreaterThanOrEqual(THRESHOLD * s.oracle);
  });

  it('DQN (three declared allocations: all asset 0, half-half, all asset 1)', () => {
    const agent = new Dqn({
      seed: 1,
      learningRate: 1e-3,
      learningStarts: 500,
      targetUpdateInterval: 500,
      explorationFraction: 0.3,
      hidden: [32],
      gamma: 0.9,
    });
    agent.learn(new PlantedRegimeEnv({ actions: 'discrete' }), 10_000);
    const pol = agent.policy();
    const s = score('discrete', (o) => pol.act(o));
    expect(s.agent).toBeGreaterThanOrEqual(THRESHOLD * s.oracle);
  });
});
