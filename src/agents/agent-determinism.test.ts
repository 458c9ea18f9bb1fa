import { describe, expect, it } from 'vitest';
import { createAgent, type DeepAlgorithm } from './agent-registry.ts';
import { RecordingEnv } from './agent-test-helpers.ts';
import { CrossSectionEnv, crossSectionAllocations, PlantedRegimeEnv } from './agent-test-envs.ts';

/** SB3 tests/test_deterministic.py: the same seed twice gives the same actions, rewards and weights, to the byte. */
const cases: [DeepAlgorithm, 'discrete' | 'box'][] = [
  ['dqn', 'discrete'],
  ['a2c', 'box'],
  ['a2c', 'discrete'],
  ['ppo', 'box'],
  ['ppo', 'discrete'],
];

function run(algorithm: DeepAlgorithm, actions: 'discrete' | 'box', seed: number): { trace: Buffer; agent: string } {
  const env = new RecordingEnv(new PlantedRegimeEnv({ actions }));
  const params = algorithm === 'dqn' ? { seed, learningStarts: 50, hidden: [16] } : { seed, nSteps: 64, hidden: [16] };
  const agent = createAgent(algorithm, params);
  agent.learn(env, 600);
  const trace = Buffer.concat([
    Buffer.from(Float64Array.from(env.actions).buffer),
    Buffer.from(Float64Array.from(env.rewards).buffer),
  ]);
  return { trace, agent: JSON.stringify(agent.toJSON()) };
}

describe('same seed → same bytes', () => {
  for (const [algorithm, actions] of cases) {
    it(`${algorithm} (${actions} actions): actions, rewards, weights and curve are identical for one seed and differ for another`, () => {
      const a = run(algorithm, actions, 7);
      const b = run(algorithm, actions, 7);
      expect(a.trace.equals(b.trace)).toBe(true);
      expect(a.agent).toBe(b.agent);
      expect(a.trace.length).toBeGreaterThan(600 * 8);
      const c = run(algorithm, actions, 8);
      expect(c.agent).not.toBe(a.agent);
    });
  }
});

/** The same with a network shared across the assets (policy: per-asset), on the cross-sectional toy. */
describe('same seed → same bytes, per-asset networks', () => {
  const perAsset = (mix: boolean) => ({ assets: 4, ownWeight: true, ...(mix ? { mix: crossSectionAllocations } : {}) });
  const runShared = (algorithm: DeepAlgorithm, seed: number): { trace: Buffer; agent: string } => {
    const discrete = algorithm === 'dqn';
    const env = new RecordingEnv(new CrossSectionEnv(discrete ? 'discrete' : 'box'));
    const params = discrete
      ? { seed, learningStarts: 50, hidden: [4], perAsset: perAsset(true) }
      : { seed, nSteps: 64, hidden: [], boxAction: 'scores' as const, perAsset: perAsset(false) };
    const agent = createAgent(algorithm, params);
    agent.learn(env, 600);
    const trace = Buffer.concat([
      Buffer.from(Float64Array.from(env.actions).buffer),
      Buffer.from(Float64Array.from(env.rewards).buffer),
    ]);
    return { trace, agent: JSON.stringify(agent.toJSON()) };
  };
  for (const algorithm of ['dqn', 'a2c', 'ppo'] as const) {
    it(`${algorithm}: identical for one seed, different for another`, () => {
      const a = runShared(algorithm, 7);
      const b = runShared(algorithm, 7);
      expect(a.trace.equals(b.trace)).toBe(true);
      expect(a.agent).toBe(b.agent);
      expect(a.agent).toContain('"perAsset"');
      expect(runShared(algorithm, 8).agent).not.toBe(a.agent);
    });
  }
});
