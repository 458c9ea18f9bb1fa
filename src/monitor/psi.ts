/**
 * Population stability index against a fixed reference:
 *   PSI = Σ_b (c_b − r_b) · ln(c_b / r_b)
 * over `bins` bins whose edges are the reference's own quantiles (so each bin holds ≈ 1/bins of the reference; tied
 * quantiles merge bins). A bin share of 0 is replaced by ε = 1e-4 before the logarithm (evidently's fill value), so
 * an empty bin costs a large but finite amount. Default threshold 0.1 ("some shift", evidently's default); 0.25 is
 * the other common cut ("major shift"). NaN values are ignored on both sides.
 *
 * Sampling noise: with no change, PSI ≈ Σ (c − r)² / r ≈ (1/n + 1/m)·χ²(bins − 1) (the two-sample χ² statistic;
 * symmetrised KL is twice-KL-like near 0). Dependent rows count as n / deff (effective-size.ts), so a small effective
 * sample makes PSI large by chance alone. With `noiseAlpha` set, the batch drifts only when PSI ≥ max(threshold, the
 * 1 − noiseAlpha quantile of that χ² approximation): the threshold reported is the one applied.
 */
import { configError } from '../core/index.ts';
import { chiSquareQuantile } from './chi-square.ts';
import { distanceResult, sortedFinite, type DriftResult } from './types.ts';

export const PSI_EPSILON = 1e-4;
export const PSI_DEFAULT_THRESHOLD = 0.1;

export class PsiDetector {
  readonly edges: Float64Array;
  readonly referenceShares: Float64Array;
  readonly threshold: number;
  readonly designEffect: number;
  readonly noiseAlpha: number | undefined;
  private readonly nRef: number;

  constructor(
    reference: ArrayLike<number>,
    options: { bins?: number; threshold?: number; designEffect?: number; noiseAlpha?: number } = {},
  ) {
    const bins = options.bins ?? 10;
    if (!Number.isInteger(bins) || bins < 2)
      throw configError(`psi bins must be an integer ≥ 2, got ${bins}; use bins: 10`);
    const ref = sortedFinite(reference);
    if (ref.length < bins)
      throw configError(
        `psi needs at least as many finite reference values as bins (${bins}), got ${ref.length}; lengthen the reference window or lower bins`,
      );
    this.threshold = options.threshold ?? PSI_DEFAULT_THRESHOLD;
    this.designEffect = Math.max(1, options.designEffect ?? 1);
    this.noiseAlpha = options.noiseAlpha;
    this.nRef = ref.length;
    // Interior edges at the reference's k/bins quantiles (linear interpolation), deduplicated.
    const cuts: number[] = [];
    for (let k = 1; k < bins; k++) {
      const q = quantileSorted(ref, k / bins);
      if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
    }
    this.edges = Float64Array.from(cuts);
    this.referenceShares = shares(ref, this.edges);
  }

  /** PSI of `current` against the reference (pure: the reference never changes). */
  predict(current: ArrayLike<number>): DriftResult {
    const cur = sortedFinite(current);
    const thr = this.thresholdFor(cur.length);
    if (cur.length === 0) return { statistic: NaN, kind: 'distance', threshold: thr, drifted: false };
    return distanceResult(psiOf(this.referenceShares, shares(cur, this.edges)), thr);
  }

  /** The threshold applied to a batch of `m` values: the larger of `threshold` and the no-change noise quantile. */
  thresholdFor(m: number): number {
    if (this.noiseAlpha === undefined || m === 0) return this.threshold;
    const noise =
      chiSquareQuantile(1 - this.noiseAlpha, this.edges.length) * this.designEffect * (1 / this.nRef + 1 / m);
    return Math.max(this.threshold, noise);
  }
}

export function psiOf(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  let s = 0;
  for (let b = 0; b < ref.length; b++) {
    const r = Math.max(ref[b]!, PSI_EPSILON);
    const c = Math.max(cur[b]!, PSI_EPSILON);
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

/** Share of sorted values in each bin (−∞, e₀], (e₀, e₁], …, (e_last, ∞). */
function shares(sorted: Float64Array, edges: Float64Array): Float64Array {
  const out = new Float64Array(edges.length + 1);
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (b < edges.length && sorted[i]! > edges[b]!) b++;
    out[b] = out[b]! + 1;
  }
  for (let b2 = 0; b2 < out.length; b2++) out[b2] = out[b2]! / sorted.length;
  return out;
}

function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}
