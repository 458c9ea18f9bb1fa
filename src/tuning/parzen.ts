/**
 * Parzen estimators for TPE (Bergstra et al. 2011, §4), one parameter at a time, with optuna's (v3.1) defaults so
 * the two can be compared like for like:
 * - numeric: a mixture of Gaussians truncated to the parameter's range, one per observation plus a prior component
 *   N((low+high)/2, high−low) of weight `priorWeight`; observation i has bandwidth max(gap to its left neighbour, gap
 *   to its right neighbour) among the sorted centres (prior included, range ends as outer neighbours; the two
 *   outermost centres use their inner gap), clipped to [(high−low)/min(100, 1+n), high−low] ("magic clip").
 * - discrete numeric (int): the density of value v is the mixture's mass on [v − step/2, v + step/2].
 * - categorical: each observation puts 1 on its choice plus priorWeight/(n+1) on every choice, renormalised; the prior
 *   component is uniform.
 * Observation weights: 1 each, except that beyond 25 observations the oldest n − 25 ramp linearly from 1/n to 1
 * (optuna's `default_weights`), so recent trials count more.
 */
import type { Rng } from '../core/index.ts';
import { logGaussMass, truncLogPdf, truncPpf } from './truncnorm.ts';

export interface ParzenOptions {
  readonly priorWeight: number;
  /**
   * Score continuous kernels by their height-normalised shape exp(−z²/2)/√(2π) (no 1/σ), i.e. weight component i
   * by w_i·σ_i when evaluating l and g — what optuna 3.1–3.4 computed (optuna issue #5109, fixed in 3.5 by PR #5110).
   * Sampling from l always uses the weights w_i. false = the true mixture density.
   */
  readonly bandwidthWeighted?: boolean;
}

/** optuna's default_weights(n): ones below 25, else a linear ramp 1/n…1 over the oldest n − 25, then 25 ones. */
export function observationWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n >= 25) {
    const m = n - 25;
    // np.linspace(1/n, 1, m): start + i·step, last value exactly 1.
    const step = m > 1 ? (1 - 1 / n) / (m - 1) : 0;
    for (let i = 0; i < m; i++) w[i] = i === m - 1 ? 1 : 1 / n + i * step;
  }
  return w;
}

/** Observation weights with the prior's weight appended, normalised to sum 1. */
export function mixtureWeights(n: number, priorWeight: number): Float64Array {
  const w = new Float64Array(n + 1);
  w.set(observationWeights(n));
  w[n] = priorWeight;
  let s = 0;
  for (let i = 0; i <= n; i++) s += w[i]!;
  for (let i = 0; i <= n; i++) w[i]! /= s;
  return w;
}

/** Pick a component index from normalised weights with one uniform draw. */
export function pick(weights: Float64Array, u: number): number {
  let c = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    c += weights[i]!;
    if (u < c) return i;
  }
  return weights.length - 1;
}

export interface NumericParzen {
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly weights: Float64Array;
  /** Parzen range (internal units: log for log-scale, widened by step/2 for discrete). */
  readonly low: number;
  readonly high: number;
  /** Step in internal units, or 0 for a continuous density. */
  readonly q: number;
  /** Per component: log weight − log σ − log truncation mass (continuous) or log weight − log mass (discrete). */
  readonly offsets: Float64Array;
  /** The same without the log weight: the kernel's own normalisation (used by the joint, multivariate mixture). */
  readonly kernelOffsets: Float64Array;
}

/** Bandwidths by optuna's neighbour rule, with the magic clip (see the file comment). */
export function neighbourBandwidths(mus: Float64Array, low: number, high: number): Float64Array {
  const n = mus.length;
  const order = Array.from(mus.keys()).sort((i, j) => mus[i]! - mus[j]! || i - j);
  const padded = new Float64Array(n + 2);
  padded[0] = low;
  for (let k = 0; k < n; k++) padded[k + 1] = mus[order[k]!]!;
  padded[n + 1] = high;
  const sorted = new Float64Array(n);
  for (let k = 0; k < n; k++) sorted[k] = Math.max(padded[k + 1]! - padded[k]!, padded[k + 2]! - padded[k + 1]!);
  if (n >= 2) {
    sorted[0] = padded[2]! - padded[1]!;
    sorted[n - 1] = padded[n]! - padded[n - 1]!;
  }
  const maxS = high - low;
  const minS = (high - low) / Math.min(100, 1 + n);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[order[k]!] = Math.min(maxS, Math.max(minS, sorted[k]!));
  return out;
}

/** Fit l(x) or g(x) for one numeric parameter from observations in internal units, oldest first. */
export function numericParzen(
  obs: ArrayLike<number>,
  low: number,
  high: number,
  q: number,
  opt: ParzenOptions,
  /** Multivariate TPE: every observation's bandwidth = this fraction of the range (then clipped), not the neighbour rule. */
  sharedBandwidth?: number,
): NumericParzen {
  const n = obs.length;
  const mus = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mus[i] = obs[i]!;
  mus[n] = 0.5 * (low + high);
  let sigmas: Float64Array;
  if (sharedBandwidth === undefined) sigmas = neighbourBandwidths(mus, low, high);
  else {
    const minS = (high - low) / Math.min(100, 1 + mus.length);
    sigmas = new Float64Array(n + 1).fill(Math.min(high - low, Math.max(minS, sharedBandwidth * (high - low))));
  }
  sigmas[n] = high - low;
  const weights = mixtureWeights(n, opt.priorWeight);
  const offsets = new Float64Array(n + 1);
  const kernelOffsets = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const s = sigmas[i]!;
    const logMass = logGaussMass((low - mus[i]!) / s, (high - mus[i]!) / s);
    kernelOffsets[i] = -logMass - (q > 0 || opt.bandwidthWeighted ? 0 : Math.log(s));
    offsets[i] = Math.log(weights[i]!) + kernelOffsets[i]!;
  }
  return { mus, sigmas, weights, low, high, q, offsets, kernelOffsets };
}

/** log of component i's kernel at x (internal units), without its mixture weight. */
export function logKernelNumeric(p: NumericParzen, i: number, x: number): number {
  const mu = p.mus[i]!;
  const s = p.sigmas[i]!;
  if (p.q > 0) {
    const lo = Math.max(x - p.q / 2, p.low);
    const hi = Math.min(x + p.q / 2, p.high);
    return logGaussMass((lo - mu) / s, (hi - mu) / s) + p.kernelOffsets[i]!;
  }
  return truncLogPdf((x - mu) / s, 0) + p.kernelOffsets[i]!;
}

/** One draw from component i of the mixture (internal units). */
export function sampleKernelNumeric(p: NumericParzen, i: number, rng: Rng): number {
  const mu = p.mus[i]!;
  const s = p.sigmas[i]!;
  const x = mu + s * truncPpf(rng.uniform(), (p.low - mu) / s, (p.high - mu) / s);
  return x < p.low ? p.low : x > p.high ? p.high : x;
}

/** One draw from the truncated mixture (internal units, not yet rounded). Uses two uniforms. */
export function sampleNumeric(p: NumericParzen, rng: Rng): number {
  return sampleKernelNumeric(p, pick(p.weights, rng.uniform()), rng);
}

/** log density (or log mass of the value's step cell when discrete) of the mixture at x (internal units). */
export function logPdfNumeric(p: NumericParzen, x: number): number {
  const k = p.mus.length;
  const terms = new Float64Array(k);
  let max = -Infinity;
  const lo = p.q > 0 ? Math.max(x - p.q / 2, p.low) : 0;
  const hi = p.q > 0 ? Math.min(x + p.q / 2, p.high) : 0;
  for (let i = 0; i < k; i++) {
    const mu = p.mus[i]!;
    const s = p.sigmas[i]!;
    const t =
      p.q > 0
        ? logGaussMass((lo - mu) / s, (hi - mu) / s) + p.offsets[i]!
        : truncLogPdf((x - mu) / s, 0) + p.offsets[i]!;
    terms[i] = t;
    if (t > max) max = t;
  }
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.exp(terms[i]! - max);
  return max + Math.log(s);
}

/** Categorical Parzen estimator: the mixture's probability of each choice. */
export function categoricalParzen(obs: ArrayLike<number>, nChoices: number, opt: ParzenOptions): Float64Array {
  const n = obs.length;
  const w = mixtureWeights(n, opt.priorWeight);
  const base = opt.priorWeight / (n + 1);
  const rowSum = base * nChoices + 1;
  const probs = new Float64Array(nChoices);
  for (let c = 0; c < nChoices; c++) probs[c] = (w[n]! * 1) / nChoices;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nChoices; c++) probs[c]! += (w[i]! * base) / rowSum;
    probs[obs[i]!]! += w[i]! / rowSum;
  }
  return probs;
}

/** One draw from categorical probabilities (index). */
export function sampleCategorical(probs: Float64Array, rng: Rng): number {
  let s = 0;
  for (let c = 0; c < probs.length; c++) s += probs[c]!;
  return pick(
    probs.map((p) => p / s),
    rng.uniform(),
  );
}

/** Component rows of the categorical estimator: row i (observation i, or the uniform prior last), each summing to 1. */
export function categoricalRows(obs: ArrayLike<number>, nChoices: number, opt: ParzenOptions): Float64Array[] {
  const n = obs.length;
  const base = opt.priorWeight / (n + 1);
  const rowSum = base * nChoices + 1;
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const r = new Float64Array(nChoices).fill(base / rowSum);
    r[obs[i]!]! += 1 / rowSum;
    rows.push(r);
  }
  rows.push(new Float64Array(nChoices).fill(1 / nChoices));
  return rows;
}
