/**
 * The on-policy template (SB3 `common/on_policy_algorithm.py`): `learn` alternates `collectRollout` (nSteps of the
 * current stochastic policy into a RolloutBuffer, GAE at the end) and the algorithm's `train` hook; A2C and PPO
 * differ only in `train`. A truncated step's reward gets γ·V(final obs) added (bootstrap at a time limit); a
 * terminated one does not.
 */
import { createRng, KeelError, type Rng } from '../core/index.ts';
import { Adam, type Param } from '../models/index.ts';
import {
  checkInt,
  checkRange,
  checkStep,
  envShape,
  NetworkPolicy,
  type Agent,
  type AgentAlgorithm,
  type AgentCallback,
  type AgentJSON,
  type EpisodeStat,
  type FrozenPolicy,
  type LearnResult,
  type UpdateStats,
} from './agent.ts';
import { RolloutBuffer } from './buffers.ts';
import type { Env } from './env.ts';
import { buildAgentNet, type AgentNet, type PerAssetSpec } from './shared-net.ts';
import {
  distributionFor,
  loadWeights,
  weightsOf,
  type ActionDistribution,
  type ActivationName,
  type BoxAction,
} from './policy.ts';
import { linearSchedule, type Schedule } from './schedules.ts';

export interface OnPolicyParams {
  readonly seed: number;
  /** Env steps per rollout (per update). */
  readonly nSteps: number;
  readonly gamma: number;
  readonly gaeLambda: number;
  /** Adam's learning rate at the start … */
  readonly learningRate: number;
  /** … falling linearly to this at the end of `learn` (default: learningRate, i.e. constant). */
  readonly learningRateEnd: number;
  readonly entCoef: number;
  readonly vfCoef: number;
  /** Largest global gradient norm (clip_grad_norm). */
  readonly maxGradNorm: number;
  /** Hidden layer sizes of the actor and of the critic (separate networks, SB3's default for these MLPs). */
  readonly hidden: readonly number[];
  readonly activation: ActivationName;
  /** Initial log σ of the softmax-Gaussian (box actions). */
  readonly logStdInit: number;
  /** Standardise advantages within each minibatch. */
  readonly normalizeAdvantage: boolean;
  /** Box envs: receive softmax(z) as weights, or z as scores when the env applies the softmax itself. */
  readonly boxAction: BoxAction;
  /** null: actor and critic over the whole observation; else one network shared across the assets (shared-net.ts). */
  readonly perAsset: PerAssetSpec | null;
}

export const onPolicyDefaults: OnPolicyParams = {
  seed: 0,
  nSteps: 128,
  gamma: 0.99,
  gaeLambda: 0.95,
  learningRate: 3e-4,
  learningRateEnd: 3e-4,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  hidden: [64, 64],
  activation: 'tanh',
  logStdInit: 0,
  normalizeAdvantage: true,
  boxAction: 'weights',
  perAsset: null,
};

/** What `train` gets: the filled rollout, the optimizer (its learning rate already set), progress remaining. */
export interface TrainContext {
  readonly buffer: RolloutBuffer;
  readonly optimizer: Adam;
  readonly progressRemaining: number;
}

export abstract class OnPolicyAgent<P extends OnPolicyParams> implements Agent {
  abstract readonly algorithm: AgentAlgorithm;
  readonly curve: UpdateStats[] = [];
  readonly episodes: EpisodeStat[] = [];
  protected actor: AgentNet | null = null;
  protected critic: AgentNet | null = null;
  protected dist: ActionDistribution | null = null;
  protected timesteps = 0;
  private readonly actRng: Rng;
  protected readonly trainRng: Rng;
  /** Weights after the last update that completed with finite losses, gradients and weights. */
  private good: Float64Array[] = [];
  private shape: { obsSize: number; kind: 'discrete' | 'box'; actionSize: number } | null = null;
  private readonly lr: Schedule;

  constructor(readonly params: P) {
    const a = this.algorithmName();
    checkInt(a, 'seed', params.seed, 0, '42');
    checkInt(a, 'nSteps', params.nSteps, 2, '128');
    checkRange(a, 'gamma', params.gamma, 0, 1, '0.99');
    checkRange(a, 'gaeLambda', params.gaeLambda, 0, 1, '0.95');
    checkRange(a, 'learningRate', params.learningRate, 1e-12, 10, '3e-4');
    checkRange(a, 'learningRateEnd', params.learningRateEnd, 0, 10, '3e-4');
    checkRange(a, 'entCoef', params.entCoef, 0, 1, '0.01');
    checkRange(a, 'vfCoef', params.vfCoef, 0, 100, '0.5');
    checkRange(a, 'maxGradNorm', params.maxGradNorm, 1e-9, 1e9, '0.5');
    checkRange(a, 'logStdInit', params.logStdInit, -5, 2, '0');
    for (const h of params.hidden) checkInt(a, 'hidden', h, 1, '[64, 64]');
    if (params.boxAction !== 'weights' && params.boxAction !== 'scores') {
      throw new KeelError(
        'config',
        `${a}: boxAction must be 'weights' or 'scores', got ${String(params.boxAction)}. Use 'scores' when the env applies a softmax itself.`,
      );
    }
    const root = createRng(params.seed);
    this.actRng = root.fork('act');
    this.trainRng = root.fork('train');
    this.lr = linearSchedule(params.learningRate, params.learningRateEnd);
  }

  protected abstract algorithmName(): AgentAlgorithm;
  /** One update from a full rollout; returns the statistics for the training curve. */
  protected abstract train(ctx: TrainContext): Record<string, number>;

  /** Every trainable tensor: actor, critic, then log σ. */
  protected get trainable(): Param[] {
    const ls = this.dist?.logStd;
    return [...this.actor!.params, ...this.critic!.params, ...(ls ? [ls] : [])];
  }

  /** Builds the networks for an env's spaces (seeded; the first `learn` or `fromJSON` calls it). */
  protected build(obsSize: number, kind: 'discrete' | 'box', actionSize: number): void {
    const p = this.params;
    const rng = createRng(p.seed).fork('init');
    this.dist = distributionFor(
      kind === 'discrete' ? { kind, shape: [], n: actionSize } : { kind, shape: [actionSize] },
      p.logStdInit,
      p.boxAction,
    );
    const { hidden, activation, perAsset } = p;
    this.actor = buildAgentNet('actor', obsSize, actionSize, hidden, activation, rng, 0.01, perAsset);
    this.critic = buildAgentNet('critic', obsSize, 1, hidden, activation, rng, 1, perAsset);
    this.shape = { obsSize, kind, actionSize };
    this.good = this.trainable.map((t) => t.value.slice());
  }

  learn(env: Env, totalSteps: number, callback?: AgentCallback): LearnResult {
    const a = this.algorithm;
    checkInt(a, 'totalSteps', totalSteps, 1, '100000');
    const s = envShape(a, env);
    if (this.shape === null) this.build(s.obsSize, s.kind, s.actionSize);
    else if (s.obsSize !== this.shape.obsSize || s.kind !== this.shape.kind || s.actionSize !== this.shape.actionSize) {
      throw new KeelError(
        'usage',
        `${a}: this agent was built for ${this.shape.obsSize} observations and a ${this.shape.kind} action of ${this.shape.actionSize}, the env has ${s.obsSize} and ${s.kind} ${s.actionSize}; make a new agent.`,
      );
    }
    const p = this.params;
    const actor = this.actor!;
    const critic = this.critic!;
    const dist = this.dist!;
    const buffer = new RolloutBuffer(p.nSteps, s.obsSize, dist.rawSize);
    const adamOptions = { learningRate: p.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-5, l2: 0 };
    const optimizer = new Adam(this.trainable, adamOptions);
    actor.allocate(p.nSteps);
    critic.allocate(p.nSteps);
    const raw = new Float64Array(dist.rawSize);
    const value = (o: Float64Array): number => critic.forward(o, 1, false)[0]!;
    const start = this.timesteps;
    const end = start + totalSteps;
    let updates = 0;
    let lastEpisode: EpisodeStat | undefined;
    let lastUpdate: UpdateStats | undefined;
    try {
      let obs = Float64Array.from(env.reset({ seed: p.seed }).obs);
      let episodeStart = true;
      let epReturn = 0;
      let epLength = 0;
      while (this.timesteps < end) {
        buffer.reset();
        while (!buffer.full) {
          const logp = dist.sample(actor.forward(obs, 1, false), this.actRng, raw);
          const v = value(obs);
          const r = env.step(dist.envAction(raw));
          this.timesteps++;
          checkStep(a, r, this.timesteps);
          // a time limit is not the end of the task: bootstrap its value (never at termination)
          const reward = r.truncated && !r.terminated ? r.reward + p.gamma * value(r.obs) : r.reward;
          buffer.add(obs, raw, reward, episodeStart, v, logp);
          epReturn += r.reward;
          epLength++;
          if (r.terminated || r.truncated) {
            lastEpisode = { timesteps: this.timesteps, return: epReturn, length: epLength };
            this.episodes.push(lastEpisode);
            epReturn = 0;
            epLength = 0;
            obs = Float64Array.from(env.reset().obs);
            episodeStart = true;
          } else {
            obs = Float64Array.from(r.obs);
            episodeStart = false;
          }
          const progressRemaining = Math.max(0, 1 - (this.timesteps - start) / totalSteps);
          if (
            callback &&
            !callback({
              algorithm: a,
              timesteps: this.timesteps,
              totalSteps,
              progressRemaining,
              lastEpisode,
              lastUpdate,
            })
          ) {
            return { timesteps: this.timesteps - start, stopped: 'callback', updates };
          }
        }
        buffer.computeReturnsAndAdvantage(value(obs), episodeStart, p.gamma, p.gaeLambda);
        const progressRemaining = Math.max(0, 1 - (this.timesteps - start) / totalSteps);
        adamOptions.learningRate = this.lr(progressRemaining);
        const stats = this.train({ buffer, optimizer, progressRemaining });
        this.checkParamsFinite();
        this.trainable.forEach((t, i) => this.good[i]!.set(t.value));
        updates++;
        lastUpdate = {
          update: this.curve.length + 1,
          timesteps: this.timesteps,
          ...stats,
          learningRate: adamOptions.learningRate,
          explainedVariance: explainedVariance(buffer.values, buffer.returns),
        };
        this.curve.push(lastUpdate);
      }
      return { timesteps: this.timesteps - start, stopped: 'completed', updates };
    } finally {
      optimizer.dispose();
      actor.releaseKept();
      critic.releaseKept();
    }
  }

  /**
   * Call before each optimizer step with the minibatch loss and the gradient norm. Not finite: restores the weights
   * of the last good update and throws a one-line error.
   */
  protected guard(loss: number, gradNorm: number, where: string): void {
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return;
    this.restoreGood();
    const what = Number.isFinite(loss) ? `the gradient norm became ${gradNorm}` : `the loss became ${loss}`;
    throw new KeelError(
      'numeric',
      `${this.algorithm} diverged at update ${this.curve.length + 1} (${where}): ${what}; kept the policy from the last good update. Lower learningRate (now ${this.params.learningRate}) or maxGradNorm (now ${this.params.maxGradNorm}), or scale the rewards.`,
    );
  }

  private checkParamsFinite(): void {
    for (const t of this.trainable) {
      for (let i = 0; i < t.value.length; i++) {
        if (!Number.isFinite(t.value[i]!)) this.guard(t.value[i]!, NaN, `weight ${t.name} after the step`);
      }
    }
  }

  private restoreGood(): void {
    this.trainable.forEach((t, i) => t.value.set(this.good[i]!));
  }

  policy(): FrozenPolicy {
    if (this.actor === null || this.dist === null) {
      throw new KeelError(
        'usage',
        `${this.algorithm}: the agent has no policy yet; call learn(env, totalSteps) or load one with fromJSON.`,
      );
    }
    const head =
      this.dist.kind === 'categorical' ? 'argmax' : this.dist.boxAction === 'scores' ? 'identity' : 'softmax';
    return new NetworkPolicy(this.algorithm, this.actor, head);
  }

  /** The critic's V(obs) (for diagnostics and tests). */
  value(obs: Float64Array): number {
    if (this.critic === null) throw new KeelError('usage', `${this.algorithm}: no critic yet; call learn first.`);
    return this.critic.forward(obs, 1, false)[0]!;
  }

  toJSON(): AgentJSON {
    if (this.shape === null) throw new KeelError('usage', `${this.algorithm}: nothing to save yet; call learn first.`);
    return {
      format: 'keel-agent/1',
      algorithm: this.algorithm,
      params: { ...(this.params as object) },
      obsSize: this.shape.obsSize,
      action: { kind: this.shape.kind, size: this.shape.actionSize },
      networks: {
        actor: weightsOf(this.actor!),
        critic: weightsOf(this.critic!),
        logStd: this.dist!.logStd ? [Array.from(this.dist!.logStd.value)] : [],
      },
      timesteps: this.timesteps,
      curve: this.curve,
      episodes: this.episodes,
    };
  }

  /** Loads saved weights and history into this (freshly constructed) agent. Optimizer moments and RNG positions are not saved. */
  protected load(json: AgentJSON): this {
    this.build(json.obsSize, json.action.kind, json.action.size);
    loadWeights(this.actor!, json.networks['actor'] ?? [], `${json.algorithm} actor`);
    loadWeights(this.critic!, json.networks['critic'] ?? [], `${json.algorithm} critic`);
    const ls = this.dist!.logStd;
    if (ls) ls.value.set(json.networks['logStd']?.[0] ?? []);
    this.good = this.trainable.map((t) => t.value.slice());
    this.timesteps = json.timesteps;
    this.curve.push(...json.curve);
    this.episodes.push(...json.episodes);
    return this;
  }
}

/** 1 − Var(returns − values) / Var(returns) (SB3 `explained_variance`; NaN when the returns do not vary). */
export function explainedVariance(values: Float64Array, returns: Float64Array): number {
  const n = values.length;
  let mr = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i]!;
    md += returns[i]! - values[i]!;
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i]! - mr) ** 2;
    const d = returns[i]! - values[i]! - md;
    vd += d * d;
  }
  return vr === 0 ? NaN : 1 - vd / vr;
}

/** Mean and standard deviation (n − 1, as torch's `std()`) of `n` numbers. */
export function meanStd(x: Float64Array, n: number): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - m) ** 2;
  return { mean: m, std: n > 1 ? Math.sqrt(v / (n - 1)) : 0 };
}
