import { describe, expect, it } from 'vitest';
import { A2c } from './a2c.ts';
import type { Env, StepResult } from './env.ts';
import { computeGae } from './gae.ts';
import type { TrainContext } from './on-policy.ts';
import type { Network } from '../models/index.ts';

describe('computeGae (pure)', () => {
  it('matches a hand computation across an episode boundary, with λ and γ', () => {
    // steps 0,1 end an episode at step 1 (step 2 starts a new one); step 3 is the last, not done
    const gamma = 0.9;
    const lambda = 0.8;
    const rewards = Float64Array.from([1, 2, 3, 4]);
    const values = Float64Array.from([0.5, 1.5, 2.5, 3.5]);
    const episodeStarts = Float64Array.from([1, 0, 1, 0]);
    const lastValue = 10;
    const { advantages, returns } = computeGae({
      rewards,
      values,
      episodeStarts,
      lastValue,
      lastDone: false,
      gamma,
      lambda,
    });
    // by hand: δ3 = 4 + 0.9·10 − 3.5 = 9.5; A3 = 9.5
    //          δ2 = 3 + 0.9·3.5 − 2.5 = 3.65; A2 = 3.65 + 0.72·9.5 = 10.49
    //          δ1 = 2 + 0 − 1.5 = 0.5 (step 2 starts a new episode); A1 = 0.5
    //          δ0 = 1 + 0.9·1.5 − 0.5 = 1.85; A0 = 1.85 + 0.72·0.5 = 2.21
    const expected = [2.21, 0.5, 10.49, 9.5];
    expected.forEach((a, i) => expect(advantages[i]).toBeCloseTo(a, 12));
    expected.forEach((a, i) => expect(returns[i]).toBeCloseTo(a + values[i]!, 12));
  });

  it('ignores lastValue when the last step ended its episode; λ = 1 gives discounted returns', () => {
    const { returns } = computeGae({
      rewards: Float64Array.from([1, 1, 1]),
      values: new Float64Array(3),
      episodeStarts: Float64Array.from([1, 0, 0]),
      lastValue: 1e6,
      lastDone: true,
      gamma: 0.5,
      lambda: 1,
    });
    expect(Array.from(returns)).toEqual([1.75, 1.5, 1]);
  });
});

/**
 * SB3 tests/test_gae.py style, through the real collector: an env with known rewards (1 per step), episodes of 3
 * steps that alternately terminate and truncate, and a critic fixed at V ≡ c. A truncated step must carry
 * 1 + γ·c (the bootstrap of the final observation); a terminated step 1 alone.
 */
class AlternatingEndEnv implements Env {
  readonly observationSpace = { kind: 'box' as const, shape: [1] };
  readonly actionSpace = { kind: 'discrete' as const, shape: [], n: 2 };
  private t = 0;
  private episode = -1;
  reset(): { obs: Float64Array; info: Record<string, unknown> } {
    this.t = 0;
    this.episode++;
    return { obs: Float64Array.of(1), info: {} };
  }
  step(): StepResult<Float64Array> {
    this.t++;
    const end = this.t === 3;
    return {
      obs: Float64Array.of(1),
      reward: 1,
      terminated: end && this.episode % 2 === 0,
      truncated: end && this.episode % 2 === 1,
      info: {},
    };
  }
}

class ConstantCriticA2c extends A2c {
  captured: { rewards: number[]; advantages: number[]; starts: number[] }[] = [];
  constructor(readonly c: number) {
    super({ seed: 1, nSteps: 8, gamma: 0.9, gaeLambda: 0.95, hidden: [4] });
  }
  protected override build(obsSize: number, kind: 'discrete' | 'box', actionSize: number): void {
    super.build(obsSize, kind, actionSize);
    const critic = this.critic as Network; // the plain MLP (no perAsset)
    const out = critic.layers[critic.layers.length - 1]!;
    out.params[0]!.value.fill(0);
    out.params[1]!.value.fill(this.c);
  }
  protected override train(ctx: TrainContext): Record<string, number> {
    const b = ctx.buffer;
    this.captured.push({
      rewards: Array.from(b.rewards),
      advantages: Array.from(b.advantages),
      starts: Array.from(b.episodeStarts),
    });
    return {};
  }
}

describe('the on-policy collector', () => {
  it('bootstraps γ·V(final obs) at a truncation, never at a termination, and feeds GAE the episode starts', () => {
    const c = 2;
    const agent = new ConstantCriticA2c(c);
    agent.learn(new AlternatingEndEnv(), 8);
    const { rewards, advantages, starts } = agent.captured[0]!;
    // episode 0 (steps 0-2) terminates, episode 1 (3-5) truncates, episode 2 runs 6-7
    expect(starts).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
    expect(rewards).toEqual([1, 1, 1, 1, 1, 1 + 0.9 * c, 1, 1]);
    // hand GAE with V ≡ c, γ = 0.9, λ = 0.95, bootstrap V(obs after step 7) = c
    const g = 0.9;
    const gl = 0.9 * 0.95;
    const d = (r: number, next: number): number => r + g * next - c;
    const a7 = d(1, c);
    const a6 = d(1, c) + gl * a7;
    const a5 = d(1 + g * c, 0);
    const a4 = d(1, c) + gl * a5;
    const a3 = d(1, c) + gl * a4;
    const a2 = d(1, 0);
    const a1 = d(1, c) + gl * a2;
    const a0 = d(1, c) + gl * a1;
    [a0, a1, a2, a3, a4, a5, a6, a7].forEach((a, i) => expect(advantages[i]).toBeCloseTo(a, 12));
  });
});
