/**
 * Hierarchical equal risk contribution (Raffinot 2018, "The Hierarchical Equal Risk Contribution Portfolio"; as
 * Riskfolio-Lib `HCPortfolio(model='HERC')`): cluster the correlation distance (ward by default), choose k clusters
 * by the gap statistic (or take k as given), cut the dendrogram at its top k − 1 merges, and at each of those k − 1
 * splits share the weight as α = 1 − R_left/(R_left + R_right), where a side's risk is the sum, over the final
 * clusters on that side, of the risk of each cluster's naive-risk-parity portfolio. Inside each cluster: naive risk
 * parity (inverse variance; inverse volatility for riskMeasure 'volatility'). Long-only, in [0, 1], sums to 1.
 */
import { Matrix, dataError } from '../../core/index.ts';
import {
  checkLongOnly,
  clusterVariance,
  correlationDistance,
  covToCorr,
  cutTree,
  names,
  requireVariance,
  splitRisk,
  subtreeLeaves,
} from './common.ts';
import { gapStatistic, type GapOptions, type GapResult } from './gap.ts';
import type { HrpResult } from './hrp.ts';
import { leafOrder, linkage, type LinkageMethod } from './linkage.ts';

export type HercRiskMeasure = 'variance' | 'volatility';

export interface HercOptions {
  readonly corr?: Matrix;
  readonly linkage?: LinkageMethod;
  /** k, or 'gap' to choose it by the gap statistic (default). */
  readonly clusters?: number | 'gap';
  readonly riskMeasure?: HercRiskMeasure;
  /** Gap statistic settings (linkage is the one above). */
  readonly gap?: Partial<Omit<GapOptions, 'linkage'>>;
  readonly assets?: readonly string[];
}

export interface HercResult extends HrpResult {
  /** Cluster of each asset, 0 … k−1. */
  readonly clusters: Int32Array;
  readonly k: number;
  readonly gap?: GapResult;
}

/** Naive risk parity inside `items`: weights ∝ 1/variance (or 1/volatility). */
function naive(cov: Matrix, items: readonly number[], m: HercRiskMeasure): number[] {
  const n = cov.cols;
  const inv = items.map((i) => (m === 'variance' ? 1 / cov.data[i * n + i]! : 1 / Math.sqrt(cov.data[i * n + i]!)));
  const s = inv.reduce((a, b) => a + b, 0);
  return inv.map((v) => v / s);
}

function risk(cov: Matrix, items: readonly number[], m: HercRiskMeasure): number {
  if (m === 'variance') return clusterVariance(cov, items);
  const w = naive(cov, items, m);
  const n = cov.cols;
  let v = 0;
  for (let a = 0; a < items.length; a++)
    for (let b = 0; b < items.length; b++) v += w[a]! * w[b]! * cov.data[items[a]! * n + items[b]!]!;
  return Math.sqrt(v);
}

export function herc(cov: Matrix, options: HercOptions = {}): HercResult {
  const n = cov.rows;
  const m = options.riskMeasure ?? 'variance';
  requireVariance(cov, 'HERC', options.assets);
  const method = options.linkage ?? 'ward';
  const dist = correlationDistance(options.corr ?? covToCorr(cov));
  const rows = linkage(dist, n, method);
  const want = options.clusters ?? 'gap';
  let gap: GapResult | undefined;
  let k: number;
  if (want === 'gap') {
    gap = gapStatistic(dist, n, {
      linkage: method,
      maxClusters: options.gap?.maxClusters ?? 10,
      references: options.gap?.references ?? 20,
      seed: options.gap?.seed ?? 0,
      ...(options.gap?.uniforms ? { uniforms: options.gap.uniforms } : {}),
    });
    k = gap.k;
  } else {
    if (!(Number.isInteger(want) && want >= 1 && want <= n))
      throw dataError(
        `HERC clusters must be an integer in 1 … ${n} (the number of assets), got ${want}. Use fewer clusters or 'gap'.`,
      );
    k = want;
  }
  const lab = cutTree(rows, n, k);
  const members: number[][] = Array.from({ length: k }, () => []);
  lab.forEach((c, i) => members[c]!.push(i));
  const cRisk = members.map((c) => risk(cov, c, m));
  const w = new Float64Array(n).fill(1);
  for (let j = n + rows.length - 1; j > n + rows.length - k; j--) {
    const r = rows[j - n]!;
    const left = subtreeLeaves(rows, n, r.a);
    const right = subtreeLeaves(rows, n, r.b);
    const side = (leaves: number[]): number => {
      const set = new Set(leaves);
      let s = 0;
      members.forEach((c, q) => {
        if (set.has(c[0]!)) s += cRisk[q]!; // clusters nest inside the sides of a top split
      });
      return s;
    };
    const alpha = splitRisk(side(left), side(right), () => names(left, right, options.assets));
    for (const i of left) w[i] = w[i]! * alpha;
    for (const i of right) w[i] = w[i]! * (1 - alpha);
  }
  for (const c of members) naive(cov, c, m).forEach((v, q) => (w[c[q]!] = w[c[q]!]! * v));
  return {
    weights: checkLongOnly(w, 'HERC'),
    order: leafOrder(rows, n),
    linkage: rows,
    clusters: lab,
    k,
    ...(gap ? { gap } : {}),
  };
}
