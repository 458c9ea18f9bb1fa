/**
 * The contract every deep agent keeps (DQN, A2C, PPO): parameters in at construction, `learn(env, totalSteps,
 * callback?)` does the work, `policy()` hands out a frozen copy that acts and never changes, `toJSON()` saves
 * parameters, weights and the training curve, and the algorithm's `fromJSON` rebuilds it.
 */
import { KeelError } from '../core/index.ts';
import type { Env, StepResult } from './env.ts';
import { argmax, softmaxInto, spaceSize, weightsOf } from './policy.ts';
import { cloneAgentNet, type AgentNet } from './shared-net.ts';

export type AgentAlgorithm = 'dqn' | 'a2c' | 'ppo';

/** One update's statistics (a row of the training curve); `timesteps` counts env steps so far. */
export interface UpdateStats {
  readonly update: number;
  readonly timesteps: number;
  readonly [stat: string]: number;
}

/** A finished episode: its undiscounted return and length, and the env step it ended at. */
export interface EpisodeStat {
  readonly timesteps: number;
  readonly return: number;
  readonly length: number;
}

/** What a callback sees after every env step (typed, not the loop's locals). */
export interface CallbackContext {
  readonly algorithm: AgentAlgorithm;
  readonly timesteps: number;
  readonly totalSteps: number;
  /** 1 at the start of this `learn`, 0 at its end. */
  readonly progressRemaining: number;
  readonly lastEpisode: EpisodeStat | undefined;
  readonly lastUpdate: UpdateStats | undefined;
}

/** Return false to stop training (SB3 `BaseCallback._on_step`). */
export type AgentCallback = (ctx: CallbackContext) => boolean;

export interface LearnResult {
  readonly timesteps: number;
  readonly stopped: 'completed' | 'callback';
  readonly updates: number;
}

/** A frozen policy: deterministic actions from a copy of the weights at the time it was taken. */
export interface FrozenPolicy {
  readonly algorithm: AgentAlgorithm;
  act(obs: Float64Array): number | Float64Array;
}

export interface Agent {
  readonly algorithm: AgentAlgorithm;
  /** Per-update statistics of every `learn` so far. */
  readonly curve: readonly UpdateStats[];
  readonly episodes: readonly EpisodeStat[];
  learn(env: Env, totalSteps: number, callback?: AgentCallback): LearnResult;
  /** Throws when the agent has not learned (or been loaded) yet. */
  policy(): FrozenPolicy;
  toJSON(): AgentJSON;
}

export interface AgentJSON {
  readonly format: 'keel-agent/1';
  readonly algorithm: AgentAlgorithm;
  readonly params: Readonly<Record<string, unknown>>;
  readonly obsSize: number;
  readonly action: { readonly kind: 'discrete' | 'box'; readonly size: number };
  readonly networks: Readonly<Record<string, number[][]>>;
  readonly timesteps: number;
  readonly curve: readonly UpdateStats[];
  readonly episodes: readonly EpisodeStat[];
}

/**
 * A network's outputs turned into an action: the best of them (categorical logits, Q-values), their softmax
 * (weights), or the outputs themselves (scores for an env that applies the softmax).
 */
export class NetworkPolicy implements FrozenPolicy {
  private readonly net: AgentNet;
  constructor(
    readonly algorithm: AgentAlgorithm,
    net: AgentNet,
    private readonly head: 'argmax' | 'softmax' | 'identity',
  ) {
    this.net = cloneAgentNet(net);
    this.net.allocate(1);
  }

  act(obs: Float64Array): number | Float64Array {
    if (obs.length !== this.net.inSize) {
      throw new KeelError(
        'usage',
        `${this.algorithm} policy: the observation has ${obs.length} numbers, the network expects ${this.net.inSize}; pass the env's observation.`,
      );
    }
    const out = this.net.forward(obs, 1, false);
    const k = this.net.outSize;
    if (this.head === 'argmax') return argmax(out, 0, k);
    return this.head === 'softmax' ? softmaxInto(out, 0, k, new Float64Array(k)) : out.slice(0, k);
  }

  weights(): number[][] {
    return weightsOf(this.net);
  }
}

/** Checks a step's reward and observation; a NaN or infinite one is a one-line data error (nothing learns from it). */
export function checkStep(algorithm: AgentAlgorithm, r: StepResult<Float64Array>, timesteps: number): void {
  if (!Number.isFinite(r.reward)) {
    throw new KeelError(
      'data',
      `${algorithm}: the environment returned reward ${r.reward} at step ${timesteps}; rewards must be finite numbers. Check the env's reward and the data behind it; the policy from the last update is kept.`,
    );
  }
  for (let i = 0; i < r.obs.length; i++) {
    if (!Number.isFinite(r.obs[i]!)) {
      throw new KeelError(
        'data',
        `${algorithm}: observation number ${i} is ${r.obs[i]} at step ${timesteps}; observations must be finite. Fill or drop the missing features; the policy from the last update is kept.`,
      );
    }
  }
}

/** Sizes of an env's spaces, checked against what the algorithm can use. */
export function envShape(
  algorithm: AgentAlgorithm,
  env: Env,
): { obsSize: number; kind: 'discrete' | 'box'; actionSize: number } {
  if (env.observationSpace.kind !== 'box') {
    throw new KeelError(
      'config',
      `${algorithm} needs a box observation space, got ${env.observationSpace.kind}; one-hot encode discrete states.`,
    );
  }
  const obsSize = spaceSize(env.observationSpace);
  const a = env.actionSpace;
  return { obsSize, kind: a.kind, actionSize: a.kind === 'discrete' ? (a.n ?? 0) : spaceSize(a) };
}

/** Throws a config error unless `v` is a finite number in [lo, hi]. */
export function checkRange(
  algorithm: AgentAlgorithm,
  name: string,
  v: number,
  lo: number,
  hi: number,
  example: string,
): void {
  if (!Number.isFinite(v) || v < lo || v > hi) {
    throw new KeelError(
      'config',
      `${algorithm}: ${name} must be in [${lo}, ${hi}], got ${v}. Use e.g. ${name}: ${example}.`,
    );
  }
}

export function checkInt(algorithm: AgentAlgorithm, name: string, v: number, lo: number, example: string): void {
  if (!Number.isInteger(v) || v < lo) {
    throw new KeelError(
      'config',
      `${algorithm}: ${name} must be an integer ≥ ${lo}, got ${v}. Use e.g. ${name}: ${example}.`,
    );
  }
}

/** Copies `from` into reused snapshots (`into`), for restoring the last good weights after a diverged update. */
export function copyWeights(from: readonly Float64Array[], into: Float64Array[]): void {
  from.forEach((a, i) => into[i]!.set(a));
}
