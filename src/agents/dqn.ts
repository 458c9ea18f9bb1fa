/**
 * Deep Q-network (Mnih et al. 2015) with double-DQN targets (van Hasselt et al. 2016), as SB3 `dqn/dqn.py` and
 * cleanrl `dqn.py`: ε-greedy over a linear ε schedule, a replay ring of real transitions (the final observation at a
 * truncation, with terminated = false so it is bootstrapped), Huber loss on the chosen action's Q, a target network
 * copied every `targetUpdateInterval` env steps. Target: r + γ·(1 − terminated)·Q_target(s', argmax_a Q(s', a)).
 * Discrete actions only (a declared set of allocations).
 *
 * `allActions` (counterfactual updates, "action augmentation" as in Huang 2018, "Financial trading as a game"): in a
 * portfolio environment every allocation's reward over a step is known from the prices the taken action's reward
 * reads, and so is its next observation (only the own-weight part differs). Before each step the agent asks the env
 * (`env.peek(a)`, which does not advance it) for the transition of every other allocation and stores all nA
 * transitions, so the replay holds the reward of every action at every visited state instead of one.
 */
import { createRng, KeelError, type Rng } from '../core/index.ts';
import { Adam, clipGradNorm } from '../models/index.ts';
import {
  checkInt,
  checkRange,
  checkStep,
  envShape,
  NetworkPolicy,
  type Agent,
  type AgentCallback,
  type AgentJSON,
  type EpisodeStat,
  type FrozenPolicy,
  type LearnResult,
  type UpdateStats,
} from './agent.ts';
import { ReplayBuffer } from './buffers.ts';
import type { Env } from './env.ts';
import { argmax, loadWeights, weightsOf, type ActivationName } from './policy.ts';
import { buildAgentNet, type AgentNet, type PerAssetSpec } from './shared-net.ts';
import { linearSchedule, type Schedule } from './schedules.ts';

export interface DqnParams {
  readonly seed: number;
  readonly learningRate: number;
  readonly bufferSize: number;
  /** Env steps of ε-greedy play before the first gradient step. */
  readonly learningStarts: number;
  readonly batchSize: number;
  readonly gamma: number;
  /** A gradient step every `trainFreq` env steps … */
  readonly trainFreq: number;
  /** … of this many minibatches. */
  readonly gradientSteps: number;
  /** Env steps between copies of the online network into the target network. */
  readonly targetUpdateInterval: number;
  /** Fraction of `learn`'s steps over which ε falls from explorationInitial to explorationFinal. */
  readonly explorationFraction: number;
  readonly explorationInitial: number;
  readonly explorationFinal: number;
  readonly maxGradNorm: number;
  readonly hidden: readonly number[];
  readonly activation: ActivationName;
  /** false: the plain DQN target max_a Q_target(s', a). */
  readonly doubleQ: boolean;
  /** null: a Q-network over the whole observation; else one network shared across the assets (shared-net.ts). */
  readonly perAsset: PerAssetSpec | null;
  /** Store every action's transition at each step (the env must have `peek`); see the header. */
  readonly allActions: boolean;
  /**
   * L2 penalty on every Q-network parameter (added to the gradient before Adam, as torch's `weight_decay`): a ridge on
   * Q. Adam moves each parameter ~learningRate a step whatever its gradient's size, so with a shared linear Q the
   * directions the data barely pin down (the own-weight input, nearly constant across allocations; g's bias against
   * the allocation biases, which count only through their sum) wander to ~100× the feature weights; this pulls them in.
   */
  readonly l2: number;
}

export const dqnDefaults: DqnParams = {
  seed: 0,
  learningRate: 1e-4,
  bufferSize: 100_000,
  learningStarts: 100,
  batchSize: 32,
  gamma: 0.99,
  trainFreq: 4,
  gradientSteps: 1,
  targetUpdateInterval: 1000,
  explorationFraction: 0.1,
  explorationInitial: 1,
  explorationFinal: 0.05,
  maxGradNorm: 10,
  hidden: [64, 64],
  activation: 'relu',
  doubleQ: true,
  perAsset: null,
  allActions: false,
  l2: 0,
};

export class Dqn implements Agent {
  readonly algorithm = 'dqn' as const;
  readonly params: DqnParams;
  readonly curve: UpdateStats[] = [];
  readonly episodes: EpisodeStat[] = [];
  private q: AgentNet | null = null;
  private target: AgentNet | null = null;
  private nActions = 0;
  private obsSize = 0;
  private timesteps = 0;
  private readonly actRng: Rng;
  private readonly sampleRng: Rng;
  private good: Float64Array[] = [];

  constructor(params: Partial<DqnParams> = {}) {
    const p = { ...dqnDefaults, ...params };
    this.params = p;
    checkInt('dqn', 'seed', p.seed, 0, '42');
    checkRange('dqn', 'learningRate', p.learningRate, 1e-12, 10, '1e-4');
    checkInt('dqn', 'bufferSize', p.bufferSize, 1, '100000');
    checkInt('dqn', 'learningStarts', p.learningStarts, 0, '100');
    checkInt('dqn', 'batchSize', p.batchSize, 1, '32');
    checkRange('dqn', 'gamma', p.gamma, 0, 1, '0.99');
    checkInt('dqn', 'trainFreq', p.trainFreq, 1, '4');
    checkInt('dqn', 'gradientSteps', p.gradientSteps, 1, '1');
    checkInt('dqn', 'targetUpdateInterval', p.targetUpdateInterval, 1, '1000');
    checkRange('dqn', 'explorationFraction', p.explorationFraction, 1e-9, 1, '0.1');
    checkRange('dqn', 'explorationInitial', p.explorationInitial, 0, 1, '1');
    checkRange('dqn', 'explorationFinal', p.explorationFinal, 0, 1, '0.05');
    checkRange('dqn', 'maxGradNorm', p.maxGradNorm, 1e-9, 1e9, '10');
    checkRange('dqn', 'l2', p.l2, 0, 1e3, '0');
    for (const h of p.hidden) checkInt('dqn', 'hidden', h, 1, '[64, 64]');
    const root = createRng(p.seed);
    this.actRng = root.fork('act');
    this.sampleRng = root.fork('sample');
  }

  static fromJSON(json: AgentJSON): Dqn {
    const a = new Dqn(json.params as Partial<DqnParams>);
    a.build(json.obsSize, json.action.size);
    loadWeights(a.q!, json.networks['q'] ?? [], 'dqn q');
    loadWeights(a.target!, json.networks['target'] ?? [], 'dqn target');
    a.good = a.q!.snapshot();
    a.timesteps = json.timesteps;
    a.curve.push(...json.curve);
    a.episodes.push(...json.episodes);
    return a;
  }

  private build(obsSize: number, nActions: number): void {
    const p = this.params;
    const rng = createRng(p.seed).fork('init');
    const { hidden, activation, perAsset } = p;
    // A shared net's output starts near 0 (× 0.01, as a policy head): Q-value gaps are ~1e-3 per month, and a
    // default-initialised g (weights ±1/√inputs) would tilt at random until training shrank it.
    const outScale = perAsset ? 0.01 : 1;
    this.q = buildAgentNet('q', obsSize, nActions, hidden, activation, rng, outScale, perAsset);
    this.target = buildAgentNet('q', obsSize, nActions, hidden, activation, rng, outScale, perAsset);
    this.target.restore(this.q.snapshot());
    this.obsSize = obsSize;
    this.nActions = nActions;
    this.good = this.q.snapshot();
  }

  learn(env: Env, totalSteps: number, callback?: AgentCallback): LearnResult {
    checkInt('dqn', 'totalSteps', totalSteps, 1, '100000');
    const s = envShape('dqn', env);
    if (s.kind !== 'discrete') {
      throw new KeelError(
        'config',
        `dqn needs a discrete action space (an index into declared allocations), got a ${s.kind} of ${s.actionSize}; use ppo or a2c for continuous weights, or declare actions.`,
      );
    }
    if (this.q === null) this.build(s.obsSize, s.actionSize);
    else if (s.obsSize !== this.obsSize || s.actionSize !== this.nActions) {
      throw new KeelError(
        'usage',
        `dqn: this agent was built for ${this.obsSize} observations and ${this.nActions} actions, the env has ${s.obsSize} and ${s.actionSize}; make a new agent.`,
      );
    }
    const p = this.params;
    const peek = p.allActions ? env.peek?.bind(env) : undefined;
    if (p.allActions && peek === undefined)
      throw new KeelError(
        'config',
        'dqn allActions needs an environment that can peek at a step without taking it (PortfolioEnv can); set allActions: false for this env.',
      );
    const q = this.q!;
    const target = this.target!;
    const B = p.batchSize;
    q.allocate(B);
    target.allocate(B);
    const perStep = peek ? this.nActions : 1;
    const replay = new ReplayBuffer(Math.min(p.bufferSize, totalSteps * perStep), s.obsSize);
    const batch = replay.sampleBuffers(B);
    const opt = new Adam(q.params, { learningRate: p.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: p.l2 });
    const eps: Schedule = linearSchedule(p.explorationInitial, p.explorationFinal, p.explorationFraction);
    const nA = this.nActions;
    const bestNext = new Int32Array(B);
    const y = new Float64Array(B);
    const dOut = new Float64Array(B * nA);
    const start = this.timesteps;
    let updates = 0;
    let lastEpisode: EpisodeStat | undefined;
    let lastUpdate: UpdateStats | undefined;
    let lossSum = 0;
    let qSum = 0;
    let steps = 0;
    try {
      let obs = Float64Array.from(env.reset({ seed: p.seed }).obs);
      let epReturn = 0;
      let epLength = 0;
      for (let t = 1; t <= totalSteps; t++) {
        const progressRemaining = 1 - (t - 1) / totalSteps;
        const epsilon = eps(progressRemaining);
        const action = this.actRng.uniform() < epsilon ? this.actRng.int(nA) : argmax(q.forward(obs, 1, false), 0, nA);
        // counterfactual transitions first (peek leaves the env where it is), then the step taken
        if (peek)
          for (let a = 0; a < nA; a++) {
            if (a === action) continue;
            const c = peek(a);
            checkStep('dqn', c, this.timesteps + 1);
            replay.add(obs, c.obs, a, c.reward, c.terminated);
          }
        const r = env.step(action);
        this.timesteps++;
        checkStep('dqn', r, this.timesteps);
        replay.add(obs, r.obs, action, r.reward, r.terminated);
        epReturn += r.reward;
        epLength++;
        if (r.terminated || r.truncated) {
          lastEpisode = { timesteps: this.timesteps, return: epReturn, length: epLength };
          this.episodes.push(lastEpisode);
          epReturn = 0;
          epLength = 0;
          obs = Float64Array.from(env.reset().obs);
        } else {
          obs = Float64Array.from(r.obs);
        }
        if (t > p.learningStarts && t % p.trainFreq === 0) {
          for (let g = 0; g < p.gradientSteps; g++) {
            replay.sample(B, this.sampleRng, batch);
            // double DQN: the online network picks a', the target network values it
            if (p.doubleQ) {
              const qn = q.forward(batch.nextObs, B, false);
              for (let b = 0; b < B; b++) bestNext[b] = argmax(qn, b * nA, nA);
            }
            const qt = target.forward(batch.nextObs, B, false);
            for (let b = 0; b < B; b++) {
              const a = p.doubleQ ? bestNext[b]! : argmax(qt, b * nA, nA);
              y[b] = batch.rewards[b]! + p.gamma * (1 - batch.terminated[b]!) * qt[b * nA + a]!;
            }
            q.zeroGrad();
            const out = q.forward(batch.obs, B, true);
            dOut.fill(0);
            let loss = 0;
            let qMean = 0;
            for (let b = 0; b < B; b++) {
              const i = b * nA + batch.actions[b]!;
              const e = out[i]! - y[b]!;
              const ae = Math.abs(e);
              // Huber (smooth L1, δ = 1) as SB3
              loss += ae < 1 ? 0.5 * e * e : ae - 0.5;
              dOut[i] = (ae < 1 ? e : Math.sign(e)) / B;
              qMean += out[i]!;
            }
            loss /= B;
            q.backward(dOut, B);
            const norm = clipGradNorm(q.params, p.maxGradNorm);
            if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
              q.restore(this.good);
              throw new KeelError(
                'numeric',
                `dqn diverged at gradient step ${updates + 1}: ${Number.isFinite(loss) ? `the gradient norm became ${norm}` : `the loss became ${loss}`}; kept the Q-network from the last good step. Lower learningRate (now ${p.learningRate}) or scale the rewards.`,
              );
            }
            opt.step();
            if (q.params.every((w) => w.value.every(Number.isFinite))) q.snapshot(this.good);
            else {
              q.restore(this.good);
              throw new KeelError(
                'numeric',
                `dqn diverged at gradient step ${updates + 1}: a weight of the Q-network is not finite after the step; kept the Q-network from the last good step. Lower learningRate (now ${p.learningRate}).`,
              );
            }
            updates++;
            lossSum += loss;
            qSum += qMean / B;
            steps++;
          }
        }
        if (t % p.targetUpdateInterval === 0) target.restore(q.snapshot());
        // one curve row per 1% of training (per gradient step would be too many rows to keep)
        const every = Math.max(p.trainFreq, Math.floor(totalSteps / 100));
        if (steps > 0 && (t % every === 0 || t === totalSteps)) {
          lastUpdate = {
            update: this.curve.length + 1,
            timesteps: this.timesteps,
            loss: lossSum / steps,
            qMean: qSum / steps,
            epsilon,
            gradientSteps: steps,
          };
          this.curve.push(lastUpdate);
          lossSum = 0;
          qSum = 0;
          steps = 0;
        }
        if (
          callback &&
          !callback({
            algorithm: 'dqn',
            timesteps: this.timesteps,
            totalSteps,
            progressRemaining: 1 - t / totalSteps,
            lastEpisode,
            lastUpdate,
          })
        ) {
          return { timesteps: t, stopped: 'callback', updates };
        }
      }
      return { timesteps: totalSteps, stopped: 'completed', updates };
    } finally {
      opt.dispose();
      q.releaseKept();
      target.releaseKept();
    }
  }

  policy(): FrozenPolicy {
    if (this.q === null)
      throw new KeelError(
        'usage',
        'dqn: the agent has no policy yet; call learn(env, totalSteps) or load one with fromJSON.',
      );
    return new NetworkPolicy('dqn', this.q, 'argmax');
  }

  toJSON(): AgentJSON {
    if (this.q === null) throw new KeelError('usage', 'dqn: nothing to save yet; call learn first.');
    return {
      format: 'keel-agent/1',
      algorithm: 'dqn',
      params: { ...(this.params as object) },
      obsSize: this.obsSize,
      action: { kind: 'discrete', size: this.nActions },
      networks: { q: weightsOf(this.q), target: weightsOf(this.target!) },
      timesteps: this.timesteps,
      curve: this.curve,
      episodes: this.episodes,
    };
  }
}
