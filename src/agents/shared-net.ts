/**
 * A network shared across assets (parameter sharing): ONE small MLP g maps an asset's own inputs — its feature
 * values from the PortfolioEnv observation, optionally its current weight — to that asset's score s_a; the outputs
 * mix the scores linearly, out_k = Σ_a mix[k][a]·s_a + b[biasOf[k]] (no bias where biasOf[k] = −1).
 *   PPO/A2C actor: mix = identity (the Gaussian mean of asset a's score is g(x_a)); a cash score is a learned scalar.
 *   critic: one output, mix = 1/n each (V = the mean of a separate shared net over the assets) plus a learned bias.
 *   DQN: Q(s, allocation j) = Σ_a w_ja·g(x_a) + b_c(j) over the declared allocations, where allocations that are
 *   permutations of each other share one bias (1/N one, the tilts towards each asset one): no asset gets a parameter
 *   of its own, and b(1/N) − b(tilt) is the learned hurdle a tilt must clear.
 * Each refit's training then has (steps × assets) examples for g's few weights instead of steps for a network over
 * the joint observation; a linear g (no hidden layer) has one weight per feature plus a bias.
 * The observation layout is PortfolioEnv's: window × columns × assets feature-major, then n weights, then cash.
 */
import { KeelError } from '../core/index.ts';
import { Network, restoreParams, snapshotParams, type Param } from '../models/index.ts';
import { buildMlp, cloneNetwork, mlpSpecs, type ActivationName, type UniformNormalRng } from './policy.ts';

/** What an agent needs to apply a shared per-asset network (saved with its parameters). */
export interface PerAssetSpec {
  /** Assets in the observation (n). */
  readonly assets: number;
  /** Give g the asset's current (drifted) weight beside its features. */
  readonly ownWeight: boolean;
  /** DQN: the declared allocations (actions × assets), Q(s, j) = Σ_a w_ja·g(x_a) + b_c(j). */
  readonly mix?: readonly (readonly number[])[];
}

/** The parts of Network the agents use; a plain Network and a SharedAssetNet both have them. */
export interface AgentNet {
  readonly params: readonly Param[];
  readonly inSize: number;
  readonly outSize: number;
  allocate(maxBatch: number): void;
  forward(x: Float64Array, batch: number, training: boolean): Float64Array;
  backward(dOut: Float64Array, batch: number): void;
  releaseKept(): void;
  zeroGrad(): void;
  snapshot(into?: Float64Array[]): Float64Array[];
  restore(from: readonly Float64Array[]): void;
}

/** Inputs g sees per asset for an observation of `obsSize` numbers (throws when the layout does not fit). */
export function perAssetInputs(spec: PerAssetSpec, obsSize: number, who: string): number {
  const n = spec.assets;
  const f = (obsSize - n - 1) / n;
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(f) || f < 1)
    throw new KeelError(
      'config',
      `${who}: a per-asset policy needs PortfolioEnv's observation (features × ${n} assets, ${n} weights, cash); got ${obsSize} numbers, which does not split that way. Use policy: joint for other envs.`,
    );
  return f + (spec.ownWeight ? 1 : 0);
}

export class SharedAssetNet implements AgentNet {
  readonly params: readonly Param[];
  readonly inSize: number;
  readonly outSize: number;
  private readonly n: number;
  private readonly f: number;
  private readonly d: number;
  private readonly bias: Param;
  private x = new Float64Array(0);
  private out = new Float64Array(0);
  private ds = new Float64Array(0);
  private capacity = 0;

  constructor(
    readonly inner: Network,
    readonly spec: PerAssetSpec,
    /** outSize × n, row-major. */
    readonly mix: Float64Array,
    /** Per output, the index of its trainable bias, or −1 for none. */
    readonly biasOf: readonly number[],
  ) {
    const n = spec.assets;
    this.n = n;
    this.d = inner.inSize;
    this.f = this.d - (spec.ownWeight ? 1 : 0);
    this.inSize = this.f * n + n + 1;
    this.outSize = biasOf.length;
    if (inner.outSize !== 1 || mix.length !== this.outSize * n)
      throw new RangeError(`shared net: inner must output 1 score and mix be ${this.outSize} × ${n}`);
    const k = Math.max(0, ...biasOf) + 1;
    this.bias = { name: 'sharedBias', shape: [k], value: new Float64Array(k), grad: new Float64Array(k) };
    this.params = [...inner.params, this.bias];
  }

  allocate(maxBatch: number): void {
    if (maxBatch <= this.capacity) return;
    this.inner.allocate(maxBatch * this.n);
    this.x = new Float64Array(maxBatch * this.n * this.d);
    this.out = new Float64Array(maxBatch * this.outSize);
    this.ds = new Float64Array(maxBatch * this.n);
    this.capacity = maxBatch;
  }

  forward(obs: Float64Array, batch: number, training: boolean): Float64Array {
    this.allocate(batch);
    const { n, f, d, inSize, outSize: K } = this;
    const x = this.x;
    for (let b = 0; b < batch; b++) {
      const o = b * inSize;
      for (let a = 0; a < n; a++) {
        const r = (b * n + a) * d;
        for (let j = 0; j < f; j++) x[r + j] = obs[o + j * n + a]!;
        if (d > f) x[r + f] = obs[o + f * n + a]!;
      }
    }
    const s = this.inner.forward(x, batch * n, training);
    const out = this.out;
    const mix = this.mix;
    const bias = this.bias.value;
    for (let b = 0; b < batch; b++)
      for (let k = 0; k < K; k++) {
        const c = this.biasOf[k]!;
        let v = c < 0 ? 0 : bias[c]!;
        for (let a = 0; a < n; a++) v += mix[k * n + a]! * s[b * n + a]!;
        out[b * K + k] = v;
      }
    return out;
  }

  backward(dOut: Float64Array, batch: number): void {
    const { n, outSize: K } = this;
    const ds = this.ds;
    const mix = this.mix;
    const g = this.bias.grad;
    for (let b = 0; b < batch; b++)
      for (let a = 0; a < n; a++) {
        let v = 0;
        for (let k = 0; k < K; k++) v += dOut[b * K + k]! * mix[k * n + a]!;
        ds[b * n + a] = v;
      }
    for (let k = 0; k < K; k++) {
      const c = this.biasOf[k]!;
      if (c < 0) continue;
      let v = 0;
      for (let b = 0; b < batch; b++) v += dOut[b * K + k]!;
      g[c] = g[c]! + v;
    }
    this.inner.backward(ds, batch * n);
  }

  releaseKept(): void {
    this.inner.releaseKept();
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  snapshot(into?: Float64Array[]): Float64Array[] {
    return snapshotParams(this.params, into);
  }

  restore(from: readonly Float64Array[]): void {
    restoreParams(this.params, from);
  }
}

/** The mixing of an actor over a box action of `k` scores (n assets, then a cash score when k = n + 1). */
export function actorMix(n: number, k: number): { mix: Float64Array; biasOf: number[] } {
  if (k !== n && k !== n + 1)
    throw new KeelError('config', `a per-asset policy needs ${n} or ${n + 1} action scores (assets, cash), got ${k}.`);
  const mix = new Float64Array(k * n);
  for (let a = 0; a < n; a++) mix[a * n + a] = 1;
  return { mix, biasOf: Array.from({ length: k }, (_, j) => (j >= n ? 0 : -1)) };
}

/** The critic's mixing: V = the mean of the shared net over the assets, plus a learned bias. */
export function criticMix(n: number): { mix: Float64Array; biasOf: number[] } {
  return { mix: new Float64Array(n).fill(1 / n), biasOf: [0] };
}

/** DQN's mixing: Q(s, j) = Σ_a w_ja·g(x_a) + b_c(j), one bias per class of allocations equal up to a permutation. */
export function allocationMix(spec: PerAssetSpec, nActions: number): { mix: Float64Array; biasOf: number[] } {
  const w = spec.mix;
  const n = spec.assets;
  if (!w || w.length !== nActions || w.some((r) => r.length !== n || r.some((v) => !Number.isFinite(v))))
    throw new KeelError(
      'config',
      `dqn: a per-asset Q-network needs the ${nActions} declared allocations as perAsset.mix (${nActions} rows of ${n} weights), got ${w ? `${w.length} rows` : 'none'}.`,
    );
  const classes = new Map<string, number>();
  const biasOf = w.map((r) => {
    const key = [...r].sort((a, b) => a - b).join(',');
    if (!classes.has(key)) classes.set(key, classes.size);
    return classes.get(key)!;
  });
  return { mix: Float64Array.from(w.flat()), biasOf };
}

/** Which network an agent builds: its mixing follows the role. */
export type NetRole = 'actor' | 'critic' | 'q';

/**
 * An agent's network: the plain MLP over the whole observation (`perAsset` null), or the shared per-asset net whose
 * inner MLP has `hidden` layers ([] = linear) and one output.
 */
export function buildAgentNet(
  role: NetRole,
  obsSize: number,
  outSize: number,
  hidden: readonly number[],
  activation: ActivationName,
  rng: UniformNormalRng,
  outScale: number,
  perAsset: PerAssetSpec | null,
): AgentNet {
  if (perAsset === null) return buildMlp(mlpSpecs(obsSize, hidden, outSize, activation), rng, outScale);
  const d = perAssetInputs(perAsset, obsSize, role === 'q' ? 'dqn' : 'ppo/a2c');
  const inner = buildMlp(mlpSpecs(d, hidden, 1, activation), rng, outScale);
  const n = perAsset.assets;
  const { mix, biasOf } =
    role === 'actor' ? actorMix(n, outSize) : role === 'critic' ? criticMix(n) : allocationMix(perAsset, outSize);
  return new SharedAssetNet(inner, perAsset, mix, biasOf);
}

/** A copy with the same weights (for frozen policies and target networks). */
export function cloneAgentNet(net: AgentNet): AgentNet {
  if (net instanceof Network) return cloneNetwork(net);
  if (!(net instanceof SharedAssetNet)) throw new RangeError('cloneAgentNet: unknown network type');
  const copy = new SharedAssetNet(cloneNetwork(net.inner), net.spec, net.mix, net.biasOf);
  copy.restore(net.snapshot());
  return copy;
}
