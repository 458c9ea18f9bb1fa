/**
 * Agglomerative hierarchical clustering (single, complete, average, Ward) by the Lance–Williams update on a
 * condensed distance matrix; O(n²) memory, O(n³) worst-case time, which is fine for asset universes (n ≤ ~2000).
 * Output follows SciPy's linkage matrix: merge m joins clusters a and b (ids < n are points, n + m is merge m) at
 * height h; Ward heights are in SciPy's convention (the Euclidean "incremental" distance).
 */
import { usageError } from '../../core/index.ts';

export type Linkage = 'single' | 'complete' | 'average' | 'ward';

export interface Merge {
  readonly a: number;
  readonly b: number;
  readonly height: number;
  readonly size: number;
}

export interface Dendrogram {
  readonly n: number;
  readonly merges: readonly Merge[];
}

/** Euclidean distances between rows (n × p) as a full n × n matrix. */
export function euclideanDistances(X: Float64Array, n: number, p: number): Float64Array {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let f = 0; f < p; f++) {
        const d = X[i * p + f]! - X[j * p + f]!;
        s += d * d;
      }
      D[i * n + j] = D[j * n + i] = Math.sqrt(s);
    }
  }
  return D;
}

/**
 * Clusters n items from a symmetric n × n distance matrix (zero diagonal). Ties break towards the lowest pair of
 * cluster ids, so the result is deterministic.
 */
export function hierarchical(D: Float64Array, n: number, linkage: Linkage): Dendrogram {
  if (D.length !== n * n)
    throw usageError(`hierarchical: distance matrix must be n×n = ${n * n} values, got ${D.length}.`);
  // Ward works on squared distances through Lance–Williams, then reports sqrt (SciPy's convention)
  const d = Float64Array.from(D, (v) => (linkage === 'ward' ? v * v : v));
  const active = new Uint8Array(n).fill(1);
  const size = new Float64Array(n).fill(1);
  const id = Int32Array.from({ length: n }, (_, i) => i); // slot → cluster id
  const merges: Merge[] = [];
  for (let m = 0; m < n - 1; m++) {
    let bi = -1;
    let bj = -1;
    let bd = Infinity;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (!active[j]) continue;
        const v = d[i * n + j]!;
        if (v < bd) {
          bd = v;
          bi = i;
          bj = j;
        }
      }
    }
    const si = size[bi]!;
    const sj = size[bj]!;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === bi || k === bj) continue;
      const dik = d[bi * n + k]!;
      const djk = d[bj * n + k]!;
      let v: number;
      if (linkage === 'single') v = Math.min(dik, djk);
      else if (linkage === 'complete') v = Math.max(dik, djk);
      else if (linkage === 'average') v = (si * dik + sj * djk) / (si + sj);
      else {
        const sk = size[k]!;
        v = ((si + sk) * dik + (sj + sk) * djk - sk * bd) / (si + sj + sk);
      }
      d[bi * n + k] = d[k * n + bi] = v;
    }
    const a = Math.min(id[bi]!, id[bj]!);
    const b = Math.max(id[bi]!, id[bj]!);
    merges.push({ a, b, height: linkage === 'ward' ? Math.sqrt(Math.max(0, bd)) : bd, size: si + sj });
    active[bj] = 0;
    size[bi] = si + sj;
    id[bi] = n + m;
  }
  return { n, merges };
}

/** Cuts a dendrogram into `k` flat clusters (labels 0..k−1 numbered by first appearance, so they are stable). */
export function cutTree(tree: Dendrogram, k: number): Int32Array {
  const { n, merges } = tree;
  if (!Number.isInteger(k) || k < 1 || k > n) throw usageError(`cutTree: k must be in 1..${n}, got ${k}.`);
  const parent = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (let m = 0; m < n - k; m++) {
    const mg = merges[m]!;
    parent[find(mg.a)] = n + m;
    parent[find(mg.b)] = n + m;
  }
  const labels = new Int32Array(n);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let l = seen.get(r);
    if (l === undefined) {
      l = seen.size;
      seen.set(r, l);
    }
    labels[i] = l;
  }
  return labels;
}

/** Leaf order of the dendrogram (left to right), as used by hierarchical risk parity's quasi-diagonalisation. */
export function leafOrder(tree: Dendrogram): number[] {
  const { n, merges } = tree;
  if (n === 1) return [0];
  const out: number[] = [];
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c < n) {
      out.push(c);
      continue;
    }
    const mg = merges[c - n]!;
    stack.push(mg.b, mg.a);
  }
  return out;
}
