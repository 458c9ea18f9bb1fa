/**
 * The k-means clustering of López de Prado's `clusterKMeansBase` (Machine Learning for Asset Managers, ch. 4): the
 * observations are the rows of the correlation-distance matrix; for each restart and each k in 2 … maxClusters,
 * Lloyd's k-means from one seeding, scored by mean/std of the silhouette samples (Rousseeuw 1987); the best score
 * wins (the first on ties). Seeding is k-means++ (Arthur & Vassilvitskii 2007) from a seeded stream per (restart, k),
 * or the given initial centroids (row indices) — which is how the tests pin the randomised part.
 */
import { createRng } from '../../core/index.ts';

export interface KMeansBaseOptions {
  /** Largest k tried (≥ 2; the book uses ⌊n/2⌋). Ignored when `k` is given. */
  readonly maxClusters: number;
  /** Only this k (still best of the restarts). */
  readonly k?: number;
  readonly restarts: number;
  readonly seed: number;
  /** inits[restart][k − kMin] = row indices of the initial centroids; replaces the seeded k-means++. */
  readonly inits?: readonly (readonly (readonly number[])[])[];
}

export interface KMeansBaseResult {
  /** Cluster of each row, numbered by first appearance. */
  readonly labels: Int32Array;
  readonly k: number;
  /** mean/std of the silhouette samples of the chosen clustering. */
  readonly score: number;
}

const sq = (x: Float64Array, p: number, i: number, c: Float64Array, j: number): number => {
  let s = 0;
  for (let f = 0; f < p; f++) s += (x[i * p + f]! - c[j * p + f]!) ** 2;
  return s;
};

/** Lloyd's iterations from centroids at rows `init` until the labels stop changing (≤ 300 rounds). */
export function lloyd(x: Float64Array, n: number, p: number, init: readonly number[]): Int32Array {
  const k = init.length;
  const c = new Float64Array(k * p);
  init.forEach((r, j) => c.set(x.subarray(r * p, r * p + p), j * p));
  let labels: Int32Array | null = null;
  for (let it = 0; it < 300; it++) {
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      for (let j = 0; j < k; j++) {
        const d = sq(x, p, i, c, j);
        if (d < best) {
          best = d;
          next[i] = j;
        }
      }
    }
    if (labels && next.every((v, i) => v === labels![i])) break;
    labels = next;
    for (let j = 0; j < k; j++) {
      let cnt = 0;
      const sum = new Float64Array(p);
      for (let i = 0; i < n; i++) {
        if (labels[i] !== j) continue;
        cnt++;
        for (let f = 0; f < p; f++) sum[f] = sum[f]! + x[i * p + f]!;
      }
      if (cnt > 0) for (let f = 0; f < p; f++) c[j * p + f] = sum[f]! / cnt; // an emptied cluster keeps its centroid
    }
  }
  return labels!;
}

/** Silhouette of each row (Euclidean); 0 for a row alone in its cluster. */
export function silhouette(x: Float64Array, n: number, p: number, labels: Int32Array): Float64Array {
  const k = Math.max(...labels) + 1;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let j = 0; j < n; j++) {
      sum[labels[j]!] = sum[labels[j]!]! + Math.sqrt(sq(x, p, i, x, j));
      cnt[labels[j]!]!++;
    }
    const own = labels[i]!;
    if (cnt[own]! <= 1) continue;
    const a = sum[own]! / (cnt[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c]! > 0) b = Math.min(b, sum[c]! / cnt[c]!);
    s[i] = (b - a) / Math.max(a, b);
  }
  return s;
}

/** k-means++ seeding: rows of x chosen with probability ∝ squared distance to the nearest chosen one. */
function kmeansPlusPlus(x: Float64Array, n: number, p: number, k: number, seed: number, key: string): number[] {
  const rng = createRng(seed).fork(key);
  const chosen = [rng.int(n)];
  const d2 = new Float64Array(n).fill(Infinity);
  while (chosen.length < k) {
    const last = chosen[chosen.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      d2[i] = Math.min(d2[i]!, sq(x, p, i, x, last));
      total += d2[i]!;
    }
    if (!(total > 0)) break; // fewer distinct rows than k
    let u = rng.uniform() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= d2[i]!;
      if (u < 0 && d2[i]! > 0) {
        pick = i;
        break;
      }
    }
    chosen.push(pick);
  }
  return chosen;
}

const canonical = (labels: Int32Array): Int32Array => {
  const ids = new Map<number, number>();
  return labels.map((v) => {
    if (!ids.has(v)) ids.set(v, ids.size);
    return ids.get(v)!;
  });
};

/** The book's clusterKMeansBase over the n × p rows of x; one cluster when fewer than 2 clusters can be formed. */
export function kmeansBase(x: Float64Array, n: number, p: number, o: KMeansBaseOptions): KMeansBaseResult {
  const kMin = o.k ?? 2;
  const kMax = o.k ?? Math.min(o.maxClusters, n - 1);
  let best: KMeansBaseResult | null = null;
  const restarts = o.inits?.length ?? o.restarts;
  for (let r = 0; r < restarts; r++) {
    for (let k = kMin; k <= kMax; k++) {
      const init = o.inits?.[r]?.[k - kMin] ?? kmeansPlusPlus(x, n, p, k, o.seed, `${r}:${k}`);
      const labels = canonical(lloyd(x, n, p, init));
      const used = Math.max(...labels) + 1;
      if (used < 2) continue;
      const s = silhouette(x, n, p, labels);
      let m = 0;
      for (const v of s) m += v;
      m /= n;
      let v2 = 0;
      for (const v of s) v2 += (v - m) ** 2;
      const score = m / Math.sqrt(v2 / n);
      if (best === null || Number.isNaN(best.score) || score > best.score) best = { labels, k: used, score };
    }
  }
  return best ?? { labels: new Int32Array(n), k: 1, score: Number.NaN };
}
