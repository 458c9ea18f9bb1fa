/**
 * Networks and action distributions of the deep agents, on Keel's own neural kit (models/neural).
 *
 * Discrete action spaces get a categorical over logits. Portfolio weights (a box action read as target weights on
 * the simplex) get a softmax-Gaussian: z ~ N(μ(obs), diag σ²) with a state-independent log σ (SB3's default for
 * continuous actions), weights = softmax(z). Chosen over a Dirichlet because the rollout stores z, so the PPO ratio
 * π_new(z)/π_old(z) is exact (the softmax Jacobian is the same for both and cancels), the log-density and entropy
 * gradients are elementary (no digamma), and the frozen policy softmax(μ) reaches any interior point and close to
 * any corner. The entropy bonus is the Gaussian's (in z), which is what keeps σ from collapsing early.
 */
import { KeelError } from '../core/index.ts';
import { initialise, Network, type LayerSpec, type Param } from '../models/index.ts';
import type { Space } from './env.ts';

const LOG_2PI = Math.log(2 * Math.PI);

export type ActivationName = 'tanh' | 'relu';

export interface UniformNormalRng {
  uniform(): number;
  normal(): number;
}

/** The dense layers of an MLP: hidden layers with `activation`, a linear output layer. */
export function mlpSpecs(
  inputs: number,
  hidden: readonly number[],
  outputs: number,
  activation: ActivationName,
): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let n = inputs;
  for (const h of hidden) {
    specs.push({ type: 'dense', inputs: n, units: h, activation });
    n = h;
  }
  specs.push({ type: 'dense', inputs: n, units: outputs });
  return specs;
}

/** A seeded MLP (PyTorch's default initialisation); the output layer's weights scaled by `outScale` (SB3 uses 0.01 for a policy head). */
export function buildMlp(specs: readonly LayerSpec[], rng: UniformNormalRng, outScale = 1): Network {
  const net = new Network(specs, 'mse', rng);
  initialise(net, rng);
  if (outScale !== 1) {
    const last = net.layers[net.layers.length - 1]!;
    for (const v of last.params[0]!.value.keys()) last.params[0]!.value[v] = last.params[0]!.value[v]! * outScale;
  }
  return net;
}

export function weightsOf(net: { readonly params: readonly Param[] }): number[][] {
  return net.params.map((p) => Array.from(p.value));
}

export function loadWeights(
  net: { readonly params: readonly Param[] },
  w: readonly (readonly number[])[],
  what: string,
): void {
  if (w.length !== net.params.length || w.some((a, i) => a.length !== net.params[i]!.value.length)) {
    throw new KeelError(
      'data',
      `${what}: the saved weights do not fit the network (${w.length} tensors for ${net.params.length}); save and load with the same version.`,
    );
  }
  net.params.forEach((p, i) => p.value.set(w[i]!));
}

export function cloneNetwork(net: Network): Network {
  const copy = new Network(net.specs, net.loss, { uniform: () => 0.5 });
  copy.restore(net.snapshot());
  return copy;
}

/** Numbers in an observation or a box action (product of the shape). */
export function spaceSize(s: Space): number {
  return s.shape.reduce((a, b) => a * b, 1);
}

/** Index of the largest of `k` numbers from `o` (first on ties). */
export function argmax(x: Float64Array, o: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (x[o + j]! > x[o + best]!) best = j;
  return best;
}

export function softmaxInto(x: Float64Array, o: number, k: number, out: Float64Array): Float64Array {
  let mx = -Infinity;
  for (let j = 0; j < k; j++) mx = Math.max(mx, x[o + j]!);
  let z = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp(x[o + j]! - mx);
    out[j] = e;
    z += e;
  }
  for (let j = 0; j < k; j++) out[j] = out[j]! / z;
  return out;
}

export type DistributionKind = 'categorical' | 'softmax-gaussian';

/**
 * What a box env receives: 'weights' = softmax(z) on the simplex; 'scores' = z, for an env that maps scores onto the
 * simplex by a softmax itself (PortfolioEnv's `simplex` action with `map: softmax`): never both, or the weights are
 * squashed twice towards equal weight.
 */
export type BoxAction = 'weights' | 'scores';

/**
 * An action distribution over the actor's outputs `out` (batch × k). `raw` holds what was drawn: a category index
 * (1 number per row) or z (k numbers per row).
 */
export class ActionDistribution {
  /** Numbers per row of `raw`. */
  readonly rawSize: number;
  private readonly p: Float64Array;

  constructor(
    readonly kind: DistributionKind,
    readonly k: number,
    /** log σ (softmax-gaussian only), a trainable parameter. */
    readonly logStd: Param | null,
    /** Box actions: hand the env softmax(z) ('weights') or z itself ('scores', for envs that apply the softmax). */
    readonly boxAction: BoxAction = 'weights',
  ) {
    this.rawSize = kind === 'categorical' ? 1 : k;
    this.p = new Float64Array(k);
  }

  /** Draws one action from row 0 of `out` into `raw`; returns its log-probability (density of z). */
  sample(out: Float64Array, rng: UniformNormalRng, raw: Float64Array): number {
    const k = this.k;
    if (this.kind === 'categorical') {
      const p = softmaxInto(out, 0, k, this.p);
      const u = rng.uniform();
      let c = 0;
      let a = k - 1;
      for (let j = 0; j < k; j++) {
        c += p[j]!;
        if (u < c) {
          a = j;
          break;
        }
      }
      raw[0] = a;
    } else {
      const ls = this.logStd!.value;
      for (let j = 0; j < k; j++) raw[j] = out[j]! + Math.exp(ls[j]!) * rng.normal();
    }
    return this.logProbs(out, raw, 1, new Float64Array(1))[0]!;
  }

  /** What the environment receives for a raw draw: the index, or softmax(z) as weights (z itself as scores). */
  envAction(raw: Float64Array): number | Float64Array {
    if (this.kind === 'categorical') return raw[0]!;
    return this.boxAction === 'scores' ? raw.slice(0, this.k) : softmaxInto(raw, 0, this.k, new Float64Array(this.k));
  }

  /** log π(raw | out) of each of `batch` rows into `logp`; entropy of each row into `ent` when given. */
  logProbs(out: Float64Array, raw: Float64Array, batch: number, logp: Float64Array, ent?: Float64Array): Float64Array {
    const k = this.k;
    if (this.kind === 'categorical') {
      for (let b = 0; b < batch; b++) {
        const o = b * k;
        const lse = logSumExp(out, o, k);
        logp[b] = out[o + raw[b]!]! - lse;
        if (ent) {
          let h = 0;
          for (let j = 0; j < k; j++) {
            const lp = out[o + j]! - lse;
            h -= Math.exp(lp) * lp;
          }
          ent[b] = h;
        }
      }
      return logp;
    }
    const ls = this.logStd!.value;
    let sumLs = 0;
    for (let j = 0; j < k; j++) sumLs += ls[j]!;
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const e = (raw[b * k + j]! - out[b * k + j]!) / Math.exp(ls[j]!);
        s += e * e;
      }
      logp[b] = -0.5 * s - sumLs - 0.5 * k * LOG_2PI;
      if (ent) ent[b] = sumLs + 0.5 * k * (1 + LOG_2PI);
    }
    return logp;
  }

  /**
   * Writes into `dOut` (batch × k) the gradient of Σ_b (cLogp[b]·log π_b + cEnt[b]·H_b) with respect to the actor's
   * outputs, and adds its gradient with respect to log σ into `logStd.grad`.
   */
  backprop(
    out: Float64Array,
    raw: Float64Array,
    batch: number,
    cLogp: Float64Array,
    cEnt: Float64Array,
    dOut: Float64Array,
  ): void {
    const k = this.k;
    if (this.kind === 'categorical') {
      for (let b = 0; b < batch; b++) {
        const o = b * k;
        const lse = logSumExp(out, o, k);
        let h = 0;
        for (let j = 0; j < k; j++) {
          const lp = out[o + j]! - lse;
          h -= Math.exp(lp) * lp;
        }
        const a = raw[b]!;
        for (let j = 0; j < k; j++) {
          const lp = out[o + j]! - lse;
          const p = Math.exp(lp);
          // d log p_a / d l_j = 1[j = a] − p_j;  d H / d l_j = −p_j (log p_j + H)
          dOut[o + j] = cLogp[b]! * ((j === a ? 1 : 0) - p) - cEnt[b]! * p * (lp + h);
        }
      }
      return;
    }
    const ls = this.logStd!.value;
    const g = this.logStd!.grad;
    for (let j = 0; j < k; j++) {
      const inv = Math.exp(-2 * ls[j]!);
      let gs = 0;
      for (let b = 0; b < batch; b++) {
        const d = raw[b * k + j]! - out[b * k + j]!;
        // d log N(z; μ, σ) / d μ = (z − μ)/σ²;  / d log σ = (z − μ)²/σ² − 1;  d H / d log σ = 1
        dOut[b * k + j] = cLogp[b]! * d * inv;
        gs += cLogp[b]! * (d * d * inv - 1) + cEnt[b]!;
      }
      g[j] = g[j]! + gs;
    }
  }
}

/** The distribution an action space calls for (box: softmax-Gaussian over its numbers; discrete: categorical). */
export function distributionFor(
  space: Space,
  logStdInit: number,
  boxAction: BoxAction = 'weights',
): ActionDistribution {
  if (space.kind === 'discrete') {
    const n = space.n ?? 0;
    if (!Number.isInteger(n) || n < 2) {
      throw new KeelError(
        'config',
        `a discrete action space needs n ≥ 2 actions, got ${n}; declare at least two allocations.`,
      );
    }
    return new ActionDistribution('categorical', n, null);
  }
  const k = spaceSize(space);
  if (k < 2) throw new KeelError('config', `a box action space of portfolio weights needs ≥ 2 numbers, got ${k}.`);
  const logStd: Param = {
    name: 'logStd',
    shape: [k],
    value: new Float64Array(k).fill(logStdInit),
    grad: new Float64Array(k),
  };
  return new ActionDistribution('softmax-gaussian', k, logStd, boxAction);
}

/** log Σ exp(x[o .. o + k)), shifted by the maximum so no term overflows. */
function logSumExp(x: Float64Array, o: number, k: number): number {
  let mx = -Infinity;
  for (let j = 0; j < k; j++) mx = Math.max(mx, x[o + j]!);
  let z = 0;
  for (let j = 0; j < k; j++) z += Math.exp(x[o + j]! - mx);
  return mx + Math.log(z);
}
