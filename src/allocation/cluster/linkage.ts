/**
 * Agglomerative clustering on a condensed-free dense distance matrix, returning SciPy's linkage layout:
 * row k = [a, b, distance, size] merging clusters a < b into cluster n + k (leaves are 0 … n−1), rows sorted by
 * distance. 'single' uses Prim's minimum spanning tree (O(n²)); 'complete', 'average' and 'ward' use the
 * nearest-neighbour chain with Lance–Williams updates (O(n²)), the same algorithms SciPy uses.
 */
import { dataError } from '../../core/index.ts';

export type LinkageMethod = 'single' | 'complete' | 'average' | 'ward';

export interface LinkageRow {
  readonly a: number;
  readonly b: number;
  readonly distance: number;
  readonly size: number;
}

export function linkage(dist: Float64Array, n: number, method: LinkageMethod = 'single'): LinkageRow[] {
  if (n < 1) throw dataError('linkage needs at least one item.');
  const merges = method === 'single' ? primMst(dist, n) : nnChain(dist, n, method);
  // stable sort by distance, then relabel with union–find as SciPy's `label` does (a < b in each row)
  const order = merges.map((_, i) => i).sort((i, j) => merges[i]!.d - merges[j]!.d || i - j);
  const parent = new Int32Array(2 * n - 1).map((_, i) => i);
  const size = new Int32Array(2 * n - 1).fill(1);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const out: LinkageRow[] = [];
  order.forEach((idx, k) => {
    const m = merges[idx]!;
    const x = find(m.i);
    const y = find(m.j);
    const id = n + k;
    parent[x] = id;
    parent[y] = id;
    size[id] = size[x]! + size[y]!;
    out.push({ a: Math.min(x, y), b: Math.max(x, y), distance: m.d, size: size[id]! });
  });
  return out;
}

function primMst(dist: Float64Array, n: number): { i: number; j: number; d: number }[] {
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const out: { i: number; j: number; d: number }[] = [];
  let cur = 0;
  inTree[0] = 1;
  for (let step = 1; step < n; step++) {
    let next = -1;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const d = dist[cur * n + j]!;
      if (d < best[j]!) {
        best[j] = d;
        from[j] = cur;
      }
      if (next < 0 || best[j]! < best[next]!) next = j;
    }
    inTree[next] = 1;
    out.push({ i: from[next]!, j: next, d: best[next]! });
    cur = next;
  }
  return out;
}

/** Merges in terms of leaf representatives (any leaf of each cluster); relabelled by the caller. */
function nnChain(dist: Float64Array, n: number, method: LinkageMethod): { i: number; j: number; d: number }[] {
  const D = Float64Array.from(dist);
  if (method === 'ward') for (let i = 0; i < D.length; i++) D[i] = D[i]! * D[i]!; // work with squared distances
  const size = new Float64Array(n).fill(1);
  const alive = new Uint8Array(n).fill(1);
  const out: { i: number; j: number; d: number }[] = [];
  const chain: number[] = [];
  for (let k = 0; k < n - 1; k++) {
    if (chain.length === 0) {
      for (let i = 0; i < n; i++)
        if (alive[i]) {
          chain.push(i);
          break;
        }
    }
    let x = -1;
    let y = -1;
    for (;;) {
      x = chain[chain.length - 1]!;
      const prev = chain.length >= 2 ? chain[chain.length - 2]! : -1;
      let bestD = prev >= 0 ? D[x * n + prev]! : Infinity;
      y = prev;
      for (let i = 0; i < n; i++) {
        if (!alive[i] || i === x) continue;
        const d = D[x * n + i]!;
        if (d < bestD) {
          bestD = d;
          y = i;
        }
      }
      if (y === prev) break;
      chain.push(y);
    }
    chain.pop();
    chain.pop();
    const dxy = D[x * n + y]!;
    out.push({ i: x, j: y, d: method === 'ward' ? Math.sqrt(dxy) : dxy });
    // merge y into x (Lance–Williams)
    const sx = size[x]!;
    const sy = size[y]!;
    for (let i = 0; i < n; i++) {
      if (!alive[i] || i === x || i === y) continue;
      const dxi = D[x * n + i]!;
      const dyi = D[y * n + i]!;
      let v: number;
      if (method === 'complete') v = Math.max(dxi, dyi);
      else if (method === 'average') v = (sx * dxi + sy * dyi) / (sx + sy);
      else {
        const si = size[i]!;
        v = ((sx + si) * dxi + (sy + si) * dyi - si * dxy) / (sx + sy + si);
      }
      D[x * n + i] = v;
      D[i * n + x] = v;
    }
    alive[y] = 0;
    size[x] = sx + sy;
  }
  return out;
}

/** Leaves in SciPy `to_tree(link).pre_order()` order (left child = row's `a`, then `b`). */
export function leafOrder(rows: readonly LinkageRow[], n: number): number[] {
  if (n === 1) return [0];
  const out: number[] = [];
  const stack = [n + rows.length - 1];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id < n) {
      out.push(id);
      continue;
    }
    const r = rows[id - n]!;
    stack.push(r.b, r.a);
  }
  return out;
}
