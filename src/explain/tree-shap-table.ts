/**
 * Path-dependent TreeSHAP with per-leaf tables ("Fast TreeSHAP v2", Yang 2021, arXiv 2109.09847): the same exact
 * values as the path recursion in tree-shap.ts, O(L·D) per row and tree instead of O(L·D²), after a precomputation of
 * O(Σ_leaves 2^d·d) once per tree.
 *
 * For a leaf with value v whose path holds the d unique features D, z_j = product of the cover shares of the path's
 * edges on feature j, and o_j = 1 when row x follows every path edge on j (the hot set H = {j : o_j = 1}), the
 * leaf's part of v(S) is v·Π_{j∈S} o_j·Π_{j∈D∖S} z_j. Its Shapley value for j ∈ D, with w(s) = s!(d−1−s)!/d!, is
 *
 *   hot j:  (1 − z_j) · Z(D∖H) · C(H∖{j})        cold j:  −Z(D∖H) · C(H)
 *
 * where Z(A) = Π_{j∈A} z_j and C(K) = v·Σ_{S⊆K} w(|S|)·Π_{j∈K∖S} z_j = v·Σ_k w(|K|−k)·e_k(z_K) (e_k the elementary
 * symmetric polynomials). C depends only on the leaf and K, so it is tabulated for all 2^d subsets; a row then costs
 * one comparison per internal node (which edges it follows, as a bit mask of cold features per node) and O(d) per
 * leaf. No division: zero-cover edges (z_j = 0) need no special case.
 */
import type { FlatTreeForm } from './tree-form.ts';

export interface LeafTables {
  /** Internal nodes, parent before children. */
  readonly order: Int32Array;
  /** Per node: the bit of its split feature among the unique features of the path root → node (internal nodes). */
  readonly bit: Int32Array;
  readonly leaves: Int32Array;
  /** Per leaf: start of its d unique features in `feat`/`z`/`oneMinusZ`, d, and start of its 2^d table in `C`. */
  readonly featStart: Int32Array;
  readonly d: Int32Array;
  readonly tableStart: Int32Array;
  readonly feat: Int32Array;
  readonly z: Float64Array;
  readonly oneMinusZ: Float64Array;
  /** scale · C(K) per leaf and subset K (bit b = the leaf's b-th unique feature). */
  readonly C: Float64Array;
  /** Scratch: per node, the mask of path features the row does not follow (cold). */
  readonly cold: Int32Array;
}

/** Table entries (Σ_leaves 2^d) a tree would need, or Infinity when a path has more than 24 unique features. */
export function tableSize(t: FlatTreeForm): number {
  let total = 0;
  const walk = (node: number, feats: readonly number[]): void => {
    const l = t.childrenLeft[node]!;
    if (l < 0) {
      total += feats.length > 24 ? Infinity : 2 ** feats.length;
      return;
    }
    const f = t.features[node]!;
    const next = feats.includes(f) ? feats : [...feats, f];
    walk(l, next);
    walk(t.childrenRight[node]!, next);
  };
  walk(0, []);
  return total;
}

/** Builds the tables of one tree; `Z[node]` is the node's share of its parent's cover, `scale` the ensemble's. */
export function buildLeafTables(t: FlatTreeForm, Z: Float64Array, scale: number): LeafTables {
  const N = t.childrenLeft.length;
  const order: number[] = [];
  const bit = new Int32Array(N);
  const leaves: number[] = [];
  const featStart: number[] = [];
  const dOf: number[] = [];
  const tableStart: number[] = [];
  const feat: number[] = [];
  const z: number[] = [];
  let tableLen = 0;
  // weights w(s) = s!(d−1−s)!/d! for d up to the deepest path
  const D = t.maxDepth;
  const W: Float64Array[] = [];
  for (let d = 0; d <= D; d++) {
    const w = new Float64Array(d + 1); // w[d] = 0: C(D) is never read (it would need every feature hot and one cold)
    for (let s = 0; s < d; s++) {
      let x = 1 / d; // s!(d−1−s)!/d! = 1/(d·binom(d−1, s))
      for (let k = 1; k <= s; k++) x *= k / (d - k);
      w[s] = x;
    }
    W.push(w);
  }
  const pathFeat: number[] = [];
  const pathZ: number[] = [];
  const leafC: number[][] = [];
  const walk = (node: number): void => {
    const l = t.childrenLeft[node]!;
    if (l < 0) {
      const d = pathFeat.length;
      leaves.push(node);
      featStart.push(feat.length);
      dOf.push(d);
      tableStart.push(tableLen);
      feat.push(...pathFeat);
      z.push(...pathZ);
      leafC.push(subsetTable(pathZ, W[d]!, t.values[node]! * scale));
      tableLen += 1 << d;
      return;
    }
    order.push(node);
    const f = t.features[node]!;
    let b = pathFeat.indexOf(f);
    const fresh = b < 0;
    if (fresh) {
      b = pathFeat.length;
      pathFeat.push(f);
      pathZ.push(1);
    }
    bit[node] = 1 << b;
    const z0 = pathZ[b]!;
    for (const child of [l, t.childrenRight[node]!]) {
      pathZ[b] = z0 * Z[child]!;
      walk(child);
    }
    pathZ[b] = z0;
    if (fresh) {
      pathFeat.pop();
      pathZ.pop();
    }
  };
  walk(0);
  const C = new Float64Array(tableLen);
  leafC.forEach((c, k) => C.set(c, tableStart[k]!));
  return {
    order: Int32Array.from(order),
    bit,
    leaves: Int32Array.from(leaves),
    featStart: Int32Array.from(featStart),
    d: Int32Array.from(dOf),
    tableStart: Int32Array.from(tableStart),
    feat: Int32Array.from(feat),
    z: Float64Array.from(z),
    oneMinusZ: Float64Array.from(z, (v) => 1 - v),
    C,
    cold: new Int32Array(N),
  };
}

/**
 * v·Σ_k w(|K|−k)·e_k(z_K) for every subset K of the d path features: e(K) = e(K∖{top}) · (1 + z_top·t), built up
 * subset by subset (O(2^d·d)); all terms are positive, so the sums are well conditioned.
 */
function subsetTable(z: readonly number[], w: Float64Array, v: number): number[] {
  const d = z.length;
  const E = new Float64Array((1 << d) * (d + 1));
  E[0] = 1;
  const out = new Array<number>(1 << d);
  out[0] = v * (d > 0 ? w[0]! : 0);
  let size = 0;
  for (let K = 1; K < 1 << d; K++) {
    const top = 31 - Math.clz32(K);
    const prev = K ^ (1 << top);
    const zt = z[top]!;
    const o = K * (d + 1);
    const po = prev * (d + 1);
    size = popcount(K);
    E[o] = 1;
    for (let k = 1; k <= size; k++) E[o + k] = E[po + k]! + zt * E[po + k - 1]!;
    let s = 0;
    for (let k = 0; k <= size; k++) s += w[size - k]! * E[o + k]!;
    out[K] = v * s;
  }
  return out;
}

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}

/** Adds the path-dependent SHAP values of the row at X[xo …] into phi[po …] (scale is in the tables). */
export function tableKernel(
  t: FlatTreeForm,
  tb: LeafTables,
  X: Float64Array,
  xo: number,
  phi: Float64Array,
  po: number,
): void {
  const L = t.childrenLeft;
  const R = t.childrenRight;
  const Dflt = t.childrenDefault;
  const F = t.features;
  const T = t.thresholds;
  const { order, bit, leaves, featStart, d: dOf, tableStart, feat, z, oneMinusZ, C, cold } = tb;
  cold[0] = 0;
  for (let k = 0; k < order.length; k++) {
    const node = order[k]!;
    const x = X[xo + F[node]!]!;
    const thr = T[node]!;
    const left = L[node]!;
    const right = R[node]!;
    const hot = x <= thr ? left : x > thr ? right : Dflt[node]!;
    const c = cold[node]!;
    cold[hot] = c;
    cold[hot === left ? right : left] = c | bit[node]!;
  }
  for (let k = 0; k < leaves.length; k++) {
    const d = dOf[k]!;
    const fs = featStart[k]!;
    const ts = tableStart[k]!;
    const coldMask = cold[leaves[k]!]!;
    const hotMask = ((1 << d) - 1) & ~coldMask;
    let zc = 1;
    for (let b = 0; b < d; b++) if ((coldMask >> b) & 1) zc *= z[fs + b]!;
    const coldValue = zc * C[ts + hotMask]!;
    for (let b = 0; b < d; b++) {
      const f = po + feat[fs + b]!;
      if ((coldMask >> b) & 1) phi[f] = phi[f]! - coldValue;
      else phi[f] = phi[f]! + oneMinusZ[fs + b]! * zc * C[ts + (hotMask ^ (1 << b))]!;
    }
  }
}
