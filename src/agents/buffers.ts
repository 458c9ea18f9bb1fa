/**
 * The two experience stores (SB3 `common/buffers.py`), kept apart: a `RolloutBuffer` holds one on-policy rollout of
 * `nSteps` and is emptied after each update (A2C, PPO); a `ReplayBuffer` is a ring of past transitions sampled
 * uniformly (DQN). Both are flat Float64Arrays, row t at t × width.
 */
import { computeGae } from './gae.ts';

export interface UniformRng {
  int(n: number): number;
}

export class RolloutBuffer {
  readonly obs: Float64Array;
  /** The raw action drawn: a category index (1 number) or the pre-softmax Gaussian sample (actionSize numbers). */
  readonly actions: Float64Array;
  readonly rewards: Float64Array;
  readonly episodeStarts: Float64Array;
  readonly values: Float64Array;
  readonly logProbs: Float64Array;
  advantages: Float64Array;
  returns: Float64Array;
  size = 0;

  constructor(
    readonly nSteps: number,
    readonly obsSize: number,
    readonly actionSize: number,
  ) {
    this.obs = new Float64Array(nSteps * obsSize);
    this.actions = new Float64Array(nSteps * actionSize);
    this.rewards = new Float64Array(nSteps);
    this.episodeStarts = new Float64Array(nSteps);
    this.values = new Float64Array(nSteps);
    this.logProbs = new Float64Array(nSteps);
    this.advantages = new Float64Array(nSteps);
    this.returns = new Float64Array(nSteps);
  }

  get full(): boolean {
    return this.size === this.nSteps;
  }

  reset(): void {
    this.size = 0;
  }

  add(
    obs: Float64Array,
    action: Float64Array,
    reward: number,
    episodeStart: boolean,
    value: number,
    logProb: number,
  ): void {
    const t = this.size++;
    this.obs.set(obs.subarray(0, this.obsSize), t * this.obsSize);
    this.actions.set(action.subarray(0, this.actionSize), t * this.actionSize);
    this.rewards[t] = reward;
    this.episodeStarts[t] = episodeStart ? 1 : 0;
    this.values[t] = value;
    this.logProbs[t] = logProb;
  }

  /** Fills `advantages` and `returns` by GAE from the value after the last step. */
  computeReturnsAndAdvantage(lastValue: number, lastDone: boolean, gamma: number, lambda: number): void {
    const g = computeGae({
      rewards: this.rewards,
      values: this.values,
      episodeStarts: this.episodeStarts,
      lastValue,
      lastDone,
      gamma,
      lambda,
    });
    this.advantages = g.advantages;
    this.returns = g.returns;
  }
}

/** A sampled minibatch of transitions (views into reused buffers). */
export interface ReplaySample {
  readonly obs: Float64Array;
  readonly nextObs: Float64Array;
  readonly actions: Int32Array;
  readonly rewards: Float64Array;
  /** 1 when the transition ended its episode by termination (no bootstrap); truncation stores 0. */
  readonly terminated: Float64Array;
}

export class ReplayBuffer {
  private readonly obs: Float64Array;
  private readonly nextObs: Float64Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float64Array;
  private readonly terminated: Float64Array;
  private pos = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly obsSize: number,
  ) {
    this.obs = new Float64Array(capacity * obsSize);
    this.nextObs = new Float64Array(capacity * obsSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float64Array(capacity);
    this.terminated = new Float64Array(capacity);
  }

  /** Stores a transition; `nextObs` is the real next observation, the final one at a truncation (cleanrl dqn.py). */
  add(obs: Float64Array, nextObs: Float64Array, action: number, reward: number, terminated: boolean): void {
    const i = this.pos;
    const d = this.obsSize;
    this.obs.set(obs.subarray(0, d), i * d);
    this.nextObs.set(nextObs.subarray(0, d), i * d);
    this.actions[i] = action;
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    this.pos = (i + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** `batch` transitions drawn uniformly with replacement into `out` (allocated by `sampleBuffers`). */
  sample(batch: number, rng: UniformRng, out: ReplaySample): ReplaySample {
    const d = this.obsSize;
    for (let b = 0; b < batch; b++) {
      const i = rng.int(this.size);
      out.obs.set(this.obs.subarray(i * d, (i + 1) * d), b * d);
      out.nextObs.set(this.nextObs.subarray(i * d, (i + 1) * d), b * d);
      out.actions[b] = this.actions[i]!;
      out.rewards[b] = this.rewards[i]!;
      out.terminated[b] = this.terminated[i]!;
    }
    return out;
  }

  sampleBuffers(batch: number): ReplaySample {
    return {
      obs: new Float64Array(batch * this.obsSize),
      nextObs: new Float64Array(batch * this.obsSize),
      actions: new Int32Array(batch),
      rewards: new Float64Array(batch),
      terminated: new Float64Array(batch),
    };
  }
}
