/**
 * Small environments with known optimal policies, for the agents' tests (SB3 `tests/test_identity.py` style) and
 * the planted-regime toy of issue 10. Each owns its RNG, seeded only by `reset({ seed })`; `step` before `reset`
 * throws.
 */
import { createRng, KeelError, type Rng } from '../core/index.ts';
import type { Env, ResetResult, Space, StepResult } from './env.ts';
import { softmaxInto } from './policy.ts';

function oneHot(n: number, i: number): Float64Array {
  const v = new Float64Array(n);
  v[i] = 1;
  return v;
}

/** Weights from a box action: negatives dropped, rescaled to sum 1 (all zero → equal weights). */
function toWeights(a: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i] = Math.max(0, a[i] ?? 0);
  for (let i = 0; i < n; i++) w[i] = s > 0 ? w[i]! / s : 1 / n;
  return w;
}

/**
 * The observation is a one-hot state drawn uniformly each step; the reward is 1 for choosing that index (discrete)
 * or the weight put on it (box, weights on the simplex). The optimal policy earns 1 per step; a uniform one 1/n.
 */
export class IdentityEnv implements Env {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  private rng: Rng | null = null;
  private state = 0;
  private t = 0;

  constructor(
    readonly n: number,
    readonly actions: 'discrete' | 'box',
    readonly length = 20,
    /** Box actions: read as weights (negatives dropped, rescaled) or as scores mapped by a softmax. */
    readonly boxMap: 'weights' | 'softmax' = 'weights',
  ) {
    this.observationSpace = { kind: 'box', shape: [n], low: new Float64Array(n), high: new Float64Array(n).fill(1) };
    this.actionSpace =
      actions === 'discrete'
        ? { kind: 'discrete', shape: [], n }
        : { kind: 'box', shape: [n], low: new Float64Array(n), high: new Float64Array(n).fill(1) };
  }

  reset(o?: { seed?: number }): ResetResult<Float64Array> {
    if (o?.seed !== undefined || this.rng === null) this.rng = createRng(o?.seed ?? 0);
    this.t = 0;
    this.state = this.rng.int(this.n);
    return { obs: oneHot(this.n, this.state), info: {} };
  }

  step(action: Float64Array | number): StepResult<Float64Array> {
    if (this.rng === null) throw new KeelError('usage', 'IdentityEnv: step before reset; call reset({ seed }) first.');
    const reward =
      typeof action === 'number' ? (action === this.state ? 1 : 0) : toWeights(action, this.n)[this.state]!;
    this.t++;
    this.state = this.rng.int(this.n);
    return { obs: oneHot(this.n, this.state), reward, terminated: false, truncated: this.t >= this.length, info: {} };
  }
}

export interface PlantedRegimeOptions {
  /** Steps per episode (then truncated). */
  readonly length: number;
  /** Drift per step: the favoured asset returns +mu, the other −mu (simple returns). */
  readonly mu: number;
  /** Per-step volatility of each asset (independent normal noise). */
  readonly sigma: number;
  /** Chance the regime flips after each step. */
  readonly flipProb: number;
  /** Discrete: index into `allocations`; box: weights of the two assets. */
  readonly actions: 'discrete' | 'box';
}

/** The declared allocations of the discrete version: all in asset 0, half and half, all in asset 1. */
export const plantedAllocations: readonly (readonly number[])[] = [
  [1, 0],
  [0.5, 0.5],
  [0, 1],
];

/**
 * Two assets and a visible regime indicator (one-hot, observed before the decision) that says which asset drifts
 * up over the next step. Reward: log(1 + w·r), the log return of the chosen weights. The regime persists with
 * probability 1 − flipProb. The market path depends only on the seed, never on the actions, so two policies run
 * from the same seed face the same returns.
 */
export class PlantedRegimeEnv implements Env {
  readonly observationSpace: Space = {
    kind: 'box',
    shape: [2],
    low: new Float64Array(2),
    high: new Float64Array([1, 1]),
  };
  readonly actionSpace: Space;
  readonly o: PlantedRegimeOptions;
  private rng: Rng | null = null;
  private regime = 0;
  private t = 0;

  constructor(o: Partial<PlantedRegimeOptions> = {}) {
    this.o = { length: 64, mu: 0.01, sigma: 0.01, flipProb: 0.1, actions: 'box', ...o };
    this.actionSpace =
      this.o.actions === 'discrete'
        ? { kind: 'discrete', shape: [], n: plantedAllocations.length }
        : { kind: 'box', shape: [2], low: new Float64Array(2), high: new Float64Array([1, 1]) };
  }

  get currentRegime(): number {
    return this.regime;
  }

  reset(o?: { seed?: number }): ResetResult<Float64Array> {
    if (o?.seed !== undefined || this.rng === null) this.rng = createRng(o?.seed ?? 0);
    this.t = 0;
    this.regime = this.rng.int(2);
    return { obs: oneHot(2, this.regime), info: { regime: this.regime } };
  }

  step(action: Float64Array | number): StepResult<Float64Array> {
    const rng = this.rng;
    if (rng === null) throw new KeelError('usage', 'PlantedRegimeEnv: step before reset; call reset({ seed }) first.');
    const w = typeof action === 'number' ? Float64Array.from(plantedAllocations[action] ?? []) : toWeights(action, 2);
    if (w.length !== 2)
      throw new KeelError(
        'usage',
        `PlantedRegimeEnv: action ${String(action)} is not one of the ${plantedAllocations.length} allocations.`,
      );
    const { mu, sigma, flipProb, length } = this.o;
    const r0 = (this.regime === 0 ? mu : -mu) + sigma * rng.normal();
    const r1 = (this.regime === 1 ? mu : -mu) + sigma * rng.normal();
    const reward = Math.log(1 + w[0]! * r0 + w[1]! * r1);
    if (rng.uniform() < flipProb) this.regime = 1 - this.regime;
    this.t++;
    return { obs: oneHot(2, this.regime), reward, terminated: false, truncated: this.t >= length, info: { r0, r1 } };
  }
}

/** The oracle of the planted-regime toy: everything in the asset the indicator favours. */
export function plantedOracle(actions: 'discrete' | 'box'): (obs: Float64Array) => number | Float64Array {
  return (obs) => {
    const fav = obs[1]! > obs[0]! ? 1 : 0;
    return actions === 'discrete' ? (fav === 0 ? 0 : 2) : Float64Array.from(fav === 0 ? [1, 0] : [0, 1]);
  };
}

/** Mean undiscounted return of `episodes` episodes of `act` from `reset({ seed })`. */
export function evaluatePolicy(
  env: Env,
  act: (obs: Float64Array) => number | Float64Array,
  seed: number,
  episodes: number,
): number {
  let total = 0;
  let obs = env.reset({ seed }).obs;
  for (let e = 0; e < episodes; e++) {
    for (;;) {
      const r = env.step(act(obs));
      total += r.reward;
      if (r.terminated || r.truncated) break;
      obs = r.obs;
    }
    obs = env.reset().obs;
  }
  return total / episodes;
}

const CS_N = 4;
const CS_F = 3;
const CS_OBS = CS_F * CS_N + CS_N + 1;
export const crossSectionAllocations = [
  [0.25, 0.25, 0.25, 0.25],
  [0.55, 0.15, 0.15, 0.15],
  [0.15, 0.55, 0.15, 0.15],
  [0.15, 0.15, 0.55, 0.15],
  [0.15, 0.15, 0.15, 0.55],
];

/**
 * A cross-sectional toy in PortfolioEnv's observation layout (3 features × 4 assets feature-major, 4 weights, cash):
 * each asset earns 0.1 × its first feature over the step, so the right tilt is the same function of every asset's
 * own features — what a network shared across the assets can learn. Box actions are scores (softmax here);
 * discrete ones index `crossSectionAllocations` (1/N and a 55/15 tilt towards each asset). 32 steps an episode.
 */
export class CrossSectionEnv implements Env<Float64Array, Float64Array | number> {
  readonly observationSpace: Space = { kind: 'box', shape: [CS_OBS] };
  readonly actionSpace: Space;
  private x = new Float64Array(CS_OBS);
  private t = 0;
  private rng = createRng(0);
  constructor(readonly kind: 'box' | 'discrete') {
    this.actionSpace =
      kind === 'box' ? { kind, shape: [CS_N] } : { kind, shape: [], n: crossSectionAllocations.length };
  }
  reset(o?: { seed?: number }): { obs: Float64Array; info: Record<string, unknown> } {
    if (o?.seed !== undefined) this.rng = createRng(o.seed);
    this.t = 0;
    return { obs: this.draw(), info: {} };
  }
  private draw(): Float64Array {
    this.x = new Float64Array(CS_OBS);
    for (let i = 0; i < CS_F * CS_N; i++) this.x[i] = this.rng.normal();
    for (let a = 0; a < CS_N; a++) this.x[CS_F * CS_N + a] = 1 / CS_N;
    return this.x.slice();
  }
  step(action: Float64Array | number): StepResult<Float64Array> {
    const w = typeof action === 'number' ? crossSectionAllocations[action]! : csSoftmax(action);
    let r = 0;
    for (let a = 0; a < CS_N; a++) r += w[a]! * 0.1 * this.x[a]!; // return = 0.1 × the first feature
    this.t++;
    return { obs: this.draw(), reward: r, terminated: false, truncated: this.t >= 32, info: {} };
  }
}

function csSoftmax(z: Float64Array): number[] {
  const m = Math.max(...z);
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

interface CsState {
  readonly x: Float64Array;
  readonly noise: Float64Array;
}

/**
 * The cross-sectional toy with noisy returns and a `peek`: asset a returns 0.1 × its first feature + σ·ε_a over the
 * step (ε standard normal, drawn with the state, so every allocation's reward over a step is fixed before it is
 * taken, as in PortfolioEnv). `peek(action)` gives exactly what `step(action)` would. Discrete actions index
 * `crossSectionAllocations`; the weights part of the observation is always 1/N. 32 steps an episode.
 */
export class NoisyCrossSectionEnv implements Env<Float64Array, Float64Array | number> {
  readonly observationSpace: Space = { kind: 'box', shape: [CS_OBS] };
  readonly actionSpace: Space = { kind: 'discrete', shape: [], n: crossSectionAllocations.length };
  private cur: CsState = { x: new Float64Array(CS_OBS), noise: new Float64Array(CS_N) };
  private next: CsState = this.cur;
  private t = 0;
  private rng = createRng(0);
  constructor(readonly sigma: number) {}
  reset(o?: { seed?: number }): ResetResult<Float64Array> {
    if (o?.seed !== undefined) this.rng = createRng(o.seed);
    this.t = 0;
    this.cur = this.draw();
    this.next = this.draw();
    return { obs: this.cur.x.slice(), info: {} };
  }
  private draw(): CsState {
    const x = new Float64Array(CS_OBS);
    for (let i = 0; i < CS_F * CS_N; i++) x[i] = this.rng.normal();
    for (let a = 0; a < CS_N; a++) x[CS_F * CS_N + a] = 1 / CS_N;
    const noise = new Float64Array(CS_N);
    for (let a = 0; a < CS_N; a++) noise[a] = this.sigma * this.rng.normal();
    return { x, noise };
  }
  peek(action: Float64Array | number): StepResult<Float64Array> {
    const w = crossSectionAllocations[action as number]!;
    let r = 0;
    for (let a = 0; a < CS_N; a++) r += w[a]! * (0.1 * this.cur.x[a]! + this.cur.noise[a]!);
    return { obs: this.next.x.slice(), reward: r, terminated: false, truncated: this.t + 1 >= 32, info: {} };
  }
  step(action: Float64Array | number): StepResult<Float64Array> {
    const r = this.peek(action);
    this.t++;
    this.cur = this.next;
    this.next = this.draw();
    return r;
  }
}

/** Mean reward per step of a discrete policy on the noise-free toy over 20 episodes, as a fraction of the oracle's. */
export function crossSectionScore(act: (obs: Float64Array) => number): number {
  const run = (pick: (obs: Float64Array) => number): number =>
    evaluatePolicy(new NoisyCrossSectionEnv(0), pick, 99, 20);
  const oracle = (obs: Float64Array): number => {
    let best = 0;
    let bestV = -Infinity;
    crossSectionAllocations.forEach((w, j) => {
      let v = 0;
      for (let a = 0; a < CS_N; a++) v += w[a]! * obs[a]!;
      if (v > bestV) [best, bestV] = [j, v];
    });
    return best;
  };
  return run(act) / run(oracle);
}
