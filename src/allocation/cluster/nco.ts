/**
 * Nested clustered optimisation (López de Prado 2019, "A Robust Estimator of the Efficient Frontier"; Machine
 * Learning for Asset Managers, ch. 7): cluster the correlation matrix — k-means on the rows of the correlation
 * distance with k chosen by the silhouette score as in the book (`clusterKMeansBase`), or the dendrogram (ward by
 * default) cut into k clusters, k given or chosen by the gap statistic — optimise inside each cluster, then across
 * clusters on the reduced covariance WᵀΣW (and reduced means Wᵀμ), and multiply. The book's closed form Σ⁻¹1 may
 * short; Keel's NCO is long-only, so both stages are the long-only minimum-variance (or maximum-Sharpe) QP, as
 * Riskfolio-Lib does. Study constraints are checked on the result, not imposed inside the clusters.
 */
import { Matrix, dataError } from '../../core/index.ts';
import { maxSharpe, minVariance } from '../mean-variance.ts';
import type { ReturnDistribution } from '../types.ts';
import { checkLongOnly, correlationDistance, covToCorr, cutTree, requireVariance } from './common.ts';
import { gapStatistic, type GapOptions } from './gap.ts';
import { kmeansBase, type KMeansBaseOptions } from './kmeans.ts';
import { linkage, type LinkageMethod } from './linkage.ts';

export interface NcoOptions {
  readonly objective?: 'min-variance' | 'max-sharpe';
  readonly clustering?: 'kmeans' | 'hierarchical';
  /** k, or 'auto': silhouette for k-means, gap statistic for hierarchical. */
  readonly clusters?: number | 'auto';
  /** Largest k tried by 'auto' (default ⌊n/2⌋ for k-means as in the book, 10 for the gap statistic). */
  readonly maxClusters?: number;
  /** k-means restarts (the book's n_init = 10). */
  readonly restarts?: number;
  readonly linkage?: LinkageMethod;
  readonly seed?: number;
  /** Pinned k-means initial centroids (see kmeansBase); tests only. */
  readonly inits?: KMeansBaseOptions['inits'];
  /** Pinned gap-statistic reference draws (see gapStatistic); tests only. */
  readonly uniforms?: GapOptions['uniforms'];
}

export interface NcoResult {
  readonly weights: Float64Array;
  /** Cluster of each asset, 0 … k−1. */
  readonly clusters: Int32Array;
  readonly k: number;
}

function sub(d: ReturnDistribution, items: readonly number[]): ReturnDistribution {
  const n = d.assets.length;
  const m = items.length;
  const cov = new Matrix(m, m);
  items.forEach((i, a) => items.forEach((j, b) => (cov.data[a * m + b] = d.cov.data[i * n + j]!)));
  return {
    assets: items.map((i) => d.assets[i]!),
    mu: Float64Array.from(items, (i) => d.mu[i]!),
    cov,
    riskFreeRate: d.riskFreeRate ?? 0.02,
  };
}

/** Long-only optimum of one stage; weights within 1e-12 of the bounds are snapped and renormalised. */
function optimise(d: ReturnDistribution, objective: 'min-variance' | 'max-sharpe'): Float64Array {
  if (d.assets.length === 1) return Float64Array.of(1);
  const w = objective === 'min-variance' ? minVariance(d) : maxSharpe(d);
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i]! < 0 && w[i]! > -1e-10) w[i] = 0;
    s += w[i]!;
  }
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / s;
  return w;
}

export function nco(dist: ReturnDistribution, o: NcoOptions = {}): NcoResult {
  const n = dist.assets.length;
  requireVariance(dist.cov, 'NCO', dist.assets);
  const objective = o.objective ?? 'min-variance';
  const d = correlationDistance(covToCorr(dist.cov));
  const want = o.clusters ?? 'auto';
  if (want !== 'auto' && !(Number.isInteger(want) && want >= 1 && want <= n))
    throw dataError(
      `NCO clusters must be an integer in 1 … ${n} (the number of assets), got ${want}. Use fewer clusters or 'auto'.`,
    );
  let labels: Int32Array;
  if ((o.clustering ?? 'kmeans') === 'kmeans') {
    if (want === 1 || (want === 'auto' && (o.maxClusters ?? Math.floor(n / 2)) < 2)) labels = new Int32Array(n);
    else
      labels = kmeansBase(d, n, n, {
        maxClusters: o.maxClusters ?? Math.floor(n / 2),
        restarts: o.restarts ?? 10,
        seed: o.seed ?? 0,
        ...(want === 'auto' ? {} : { k: want }),
        ...(o.inits ? { inits: o.inits } : {}),
      }).labels;
  } else {
    const method = o.linkage ?? 'ward';
    const k =
      want === 'auto'
        ? gapStatistic(d, n, {
            linkage: method,
            maxClusters: o.maxClusters ?? 10,
            references: 20,
            seed: o.seed ?? 0,
            ...(o.uniforms ? { uniforms: o.uniforms } : {}),
          }).k
        : want;
    labels = cutTree(linkage(d, n, method), n, k);
  }
  const k = Math.max(...labels) + 1;
  const members: number[][] = Array.from({ length: k }, () => []);
  labels.forEach((c, i) => members[c]!.push(i));
  const inner = members.map((c) => optimise(sub(dist, c), objective));
  // reduced problem: cluster c is the portfolio inner[c] of its members
  const red = new Matrix(k, k);
  const redMu = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    members[a]!.forEach((i, p) => (redMu[a] = redMu[a]! + inner[a]![p]! * dist.mu[i]!));
    for (let b = 0; b < k; b++) {
      let s = 0;
      members[a]!.forEach((i, p) =>
        members[b]!.forEach((j, q) => (s += inner[a]![p]! * inner[b]![q]! * dist.cov.data[i * n + j]!)),
      );
      red.data[a * k + b] = s;
    }
  }
  const outer = optimise(
    { assets: members.map((_, c) => `cluster ${c}`), mu: redMu, cov: red, riskFreeRate: dist.riskFreeRate ?? 0.02 },
    objective,
  );
  const w = new Float64Array(n);
  members.forEach((c, a) => c.forEach((i, p) => (w[i] = outer[a]! * inner[a]![p]!)));
  return { weights: checkLongOnly(w, 'NCO'), clusters: labels, k };
}
