/**
 * From asset returns to groups: correlation-distance clustering of assets (for sector-style group constraints and
 * HRP) and k-means regimes over dates (for regime detection). Inputs are (nDates × nAssets) simple returns,
 * row-major, NaN = missing (pairwise-complete correlations; dates with any NaN are skipped for regimes).
 */
import { dataError, usageError } from '../../core/index.ts';
import { cutTree, hierarchical, type Dendrogram, type Linkage } from './hierarchical.ts';
import { kMeans } from './kmeans.ts';

/** Pairwise-complete Pearson correlation (nAssets × nAssets) of returns (nDates × nAssets). */
export function correlationMatrix(R: Float64Array, nDates: number, nAssets: number): Float64Array {
  const C = new Float64Array(nAssets * nAssets);
  for (let a = 0; a < nAssets; a++) {
    C[a * nAssets + a] = 1;
    for (let b = a + 1; b < nAssets; b++) {
      let n = 0,
        sa = 0,
        sb = 0;
      for (let t = 0; t < nDates; t++) {
        const x = R[t * nAssets + a]!,
          y = R[t * nAssets + b]!;
        if (Number.isNaN(x) || Number.isNaN(y)) continue;
        n++;
        sa += x;
        sb += y;
      }
      let cov = 0,
        va = 0,
        vb = 0;
      const ma = sa / n,
        mb = sb / n;
      for (let t = 0; t < nDates; t++) {
        const x = R[t * nAssets + a]!,
          y = R[t * nAssets + b]!;
        if (Number.isNaN(x) || Number.isNaN(y)) continue;
        cov += (x - ma) * (y - mb);
        va += (x - ma) ** 2;
        vb += (y - mb) ** 2;
      }
      const c = n >= 3 && va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
      C[a * nAssets + b] = C[b * nAssets + a] = c;
    }
  }
  return C;
}

/** Correlation distance √(½(1 − ρ)) (López de Prado), a metric in [0, 1]. */
export function correlationDistance(C: Float64Array, n: number): Float64Array {
  return Float64Array.from(C, (c, q) => (Math.floor(q / n) === q % n ? 0 : Math.sqrt(Math.max(0, 0.5 * (1 - c)))));
}

export interface AssetClustering {
  readonly dendrogram: Dendrogram;
  /** Cluster label per asset, 0..k−1. */
  readonly labels: Int32Array;
  /** Group name per asset (`cluster-1`, …), usable where a sector would be. */
  readonly groupOf: Readonly<Record<string, string>>;
  /** Assets per group, for group constraints ({ group: assets[] }). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** Hierarchical clustering of assets on correlation distance, cut into k groups. */
export function clusterAssets(
  returns: Float64Array,
  nDates: number,
  assets: readonly string[],
  k: number,
  linkage: Linkage = 'average',
): AssetClustering {
  const n = assets.length;
  if (returns.length !== nDates * n)
    throw dataError(`clusterAssets: returns must be nDates·nAssets = ${nDates * n} values, got ${returns.length}.`);
  if (k < 1 || k > n) throw usageError(`clusterAssets: k must be in 1..${n} (the number of assets), got ${k}.`);
  const D = correlationDistance(correlationMatrix(returns, nDates, n), n);
  const dendrogram = hierarchical(D, n, linkage);
  const labels = cutTree(dendrogram, k);
  const groupOf: Record<string, string> = {};
  const groups: Record<string, string[]> = {};
  assets.forEach((a, i) => {
    const g = `cluster-${labels[i]! + 1}`;
    groupOf[a] = g;
    (groups[g] ??= []).push(a);
  });
  return { dendrogram, labels, groupOf, groups };
}

export interface Regimes {
  /** Regime per date (−1 where the date had missing returns), ordered so regime 0 has the lowest mean return. */
  readonly labels: Int32Array;
  /** Mean cross-asset return and volatility of each regime. */
  readonly summary: readonly {
    readonly regime: number;
    readonly days: number;
    readonly meanReturn: number;
    readonly volatility: number;
  }[];
}

/**
 * Market regimes by k-means over per-date features [mean return, cross-sectional dispersion, trailing volatility of
 * the mean over `window` dates], standardised. Point-in-time per date (trailing window only), but the clustering
 * itself uses all dates given: pass only dates ≤ asOf.
 */
export function detectRegimes(
  returns: Float64Array,
  nDates: number,
  nAssets: number,
  k: number,
  seed: number,
  window = 21,
): Regimes {
  const feats: number[] = [];
  const rows: number[] = [];
  const mean = new Float64Array(nDates).fill(NaN);
  for (let t = 0; t < nDates; t++) {
    let s = 0,
      s2 = 0,
      c = 0;
    for (let a = 0; a < nAssets; a++) {
      const r = returns[t * nAssets + a]!;
      if (Number.isNaN(r)) {
        c = -1;
        break;
      }
      s += r;
      s2 += r * r;
      c++;
    }
    if (c <= 0) continue;
    mean[t] = s / c;
    const disp = Math.sqrt(Math.max(0, s2 / c - (s / c) ** 2));
    let vs = 0,
      vn = 0,
      vm = 0;
    for (let u = Math.max(0, t - window + 1); u <= t; u++)
      if (!Number.isNaN(mean[u]!)) {
        vm += mean[u]!;
        vn++;
      }
    vm /= vn;
    for (let u = Math.max(0, t - window + 1); u <= t; u++) if (!Number.isNaN(mean[u]!)) vs += (mean[u]! - vm) ** 2;
    feats.push(mean[t]!, disp, Math.sqrt(vs / Math.max(1, vn - 1)));
    rows.push(t);
  }
  const m = rows.length;
  if (m < k)
    throw dataError(`detectRegimes: ${m} complete dates for k=${k} regimes; need at least k. Use a longer history.`);
  const X = Float64Array.from(feats);
  for (let f = 0; f < 3; f++) {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < m; i++) {
      s += X[i * 3 + f]!;
      s2 += X[i * 3 + f]! ** 2;
    }
    const mu = s / m;
    const sd = Math.sqrt(Math.max(0, s2 / m - mu * mu)) || 1;
    for (let i = 0; i < m; i++) X[i * 3 + f] = (X[i * 3 + f]! - mu) / sd;
  }
  const km = kMeans(X, m, 3, { k, seed });
  // relabel by mean return, ascending
  const stats = Array.from({ length: k }, (_, c) => ({ c, days: 0, sum: 0, sum2: 0 }));
  rows.forEach((t, i) => {
    const s = stats[km.labels[i]!]!;
    s.days++;
    s.sum += mean[t]!;
    s.sum2 += mean[t]! ** 2;
  });
  const order = [...stats].sort((x, y) => x.sum / Math.max(1, x.days) - y.sum / Math.max(1, y.days) || x.c - y.c);
  const relabel = new Int32Array(k);
  order.forEach((s, r) => {
    relabel[s.c] = r;
  });
  const labels = new Int32Array(nDates).fill(-1);
  rows.forEach((t, i) => {
    labels[t] = relabel[km.labels[i]!]!;
  });
  const summary = order.map((s, r) => {
    const mu = s.sum / Math.max(1, s.days);
    return {
      regime: r,
      days: s.days,
      meanReturn: mu,
      volatility: Math.sqrt(Math.max(0, s.sum2 / Math.max(1, s.days) - mu * mu)),
    };
  });
  return { labels, summary };
}
