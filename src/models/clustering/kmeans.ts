/**
 * k-means (Lloyd's iterations) with k-means++ seeding, several seeded restarts, best inertia kept.
 * Input: n points × p dimensions, row-major. Deterministic for a given seed.
 */
import { usageError } from '../../core/index.ts';
import { modelRng } from '../internal/rng.ts';

export interface KMeansOptions {
  readonly k: number;
  readonly seed: number;
  /** Restarts from fresh k-means++ seeds (best inertia wins). */
  readonly nInit?: number;
  readonly maxIter?: number;
  /** Stop when no centroid moves more than tol (Euclidean). */
  readonly tol?: number;
}

export interface KMeansResult {
  /** Cluster of each point, 0..k−1. */
  readonly labels: Int32Array;
  /** k × p centroids, row-major. */
  readonly centroids: Float64Array;
  /** Sum of squared distances of points to their centroid. */
  readonly inertia: number;
  readonly iterations: number;
}

function sqDist(A: Float64Array, a: number, B: Float64Array, b: number, p: number): number {
  let s = 0;
  for (let f = 0; f < p; f++) {
    const d = A[a * p + f]! - B[b * p + f]!;
    s += d * d;
  }
  return s;
}

export function kMeans(X: Float64Array, n: number, p: number, opts: KMeansOptions): KMeansResult {
  const { k } = opts;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw usageError(`kMeans: k must be an integer in 1..n=${n}, got ${k}. Use fewer clusters than points.`);
  const rng = modelRng(opts.seed);
  let best: KMeansResult | null = null;
  for (let r = 0; r < (opts.nInit ?? 10); r++) {
    const res = lloyd(X, n, p, k, plusPlus(X, n, p, k, rng.fork(r)), opts.maxIter ?? 300, opts.tol ?? 1e-10);
    if (best === null || res.inertia < best.inertia - 1e-12 * Math.abs(best.inertia)) best = res;
  }
  return best!;
}

/** k-means++: first centre uniform, then each next centre with probability ∝ squared distance to the nearest one. */
function plusPlus(X: Float64Array, n: number, p: number, k: number, rng: ReturnType<typeof modelRng>): Float64Array {
  const C = new Float64Array(k * p);
  const first = rng.int(n);
  C.set(X.subarray(first * p, first * p + p), 0);
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) d2[i] = sqDist(X, i, C, 0, p);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (const v of d2) total += v;
    let pick = n - 1;
    if (total > 0) {
      let u = rng.uniform() * total;
      for (let i = 0; i < n; i++) {
        u -= d2[i]!;
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    C.set(X.subarray(pick * p, pick * p + p), c * p);
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i]!, sqDist(X, i, C, c, p));
  }
  return C;
}

function lloyd(
  X: Float64Array,
  n: number,
  p: number,
  k: number,
  C: Float64Array,
  maxIter: number,
  tol: number,
): KMeansResult {
  const labels = new Int32Array(n);
  const counts = new Float64Array(k);
  const next = new Float64Array(k * p);
  let it = 0;
  let inertia = 0;
  for (; it < maxIter; it++) {
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bc = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = sqDist(X, i, C, c, p);
        if (d < bd) {
          bd = d;
          bc = c;
        }
      }
      labels[i] = bc;
      inertia += bd;
    }
    next.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c] = counts[c]! + 1;
      for (let f = 0; f < p; f++) next[c * p + f] = next[c * p + f]! + X[i * p + f]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        for (let f = 0; f < p; f++) next[c * p + f] = C[c * p + f]!;
        continue;
      } // empty: keep centre
      for (let f = 0; f < p; f++) next[c * p + f] = next[c * p + f]! / counts[c]!;
      shift = Math.max(shift, sqDist(next, c, C, c, p));
    }
    C.set(next);
    if (shift <= tol * tol) {
      it++;
      break;
    }
  }
  // final assignment against the final centroids
  inertia = 0;
  for (let i = 0; i < n; i++) {
    let bc = 0;
    let bd = Infinity;
    for (let c = 0; c < k; c++) {
      const d = sqDist(X, i, C, c, p);
      if (d < bd) {
        bd = d;
        bc = c;
      }
    }
    labels[i] = bc;
    inertia += bd;
  }
  return { labels, centroids: C, inertia, iterations: it };
}
