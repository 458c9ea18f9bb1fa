/**
 * Exact TreeSHAP kernels over the flat tree form (Lundberg, Erion & Lee 2018, arXiv 1802.03888, Algorithm 2; the
 * shape of shap's `tree_shap.h`): pure functions over typed arrays, no allocation per row.
 *
 * - Path-dependent: v(S) = E[f(x) | x_S] with the conditional taken along the tree — a split on a feature outside S
 *   sends the row both ways weighted by the training cover. The recursion carries a path of
 *   {feature, zeroFraction, oneFraction, pweight}; `extendPath` going down, `unwindPath` when a feature repeats,
 *   `unwoundPathSum` at the leaves. O(T·L·D²).
 * - Interventional: v(S) = mean over background rows r of f(x_S, r_S̄). For one (x, r) pair a tree reduces to the
 *   leaves reachable by mixing x's and r's branches; a leaf reached with a features on x's side and b on r's side
 *   gives each x-side feature v·(a−1)!b!/(a+b)! and each r-side feature −v·a!(b−1)!/(a+b)! (Lundberg et al. 2020,
 *   "From local explanations to global understanding", interventional TreeSHAP). O(T·R·L) per row.
 */
import type { FlatTreeForm, TreeEnsembleForm } from './tree-form.ts';
import { buildLeafTables, tableKernel, tableSize, type LeafTables } from './tree-shap-table.ts';

// ------------------------------------------------------------------------------------------------ path-dependent

/**
 * The path lives in one Float64Array, 4 slots per element: [zeroFraction, oneFraction, pweight, feature]. Level d of
 * the recursion owns a copy of its parent's path starting at the parent's offset + (unique depth + 1) elements, as in
 * tree_shap.h; (D+2)(D+3)/2 elements cover depth D. Grown on demand, shared by calls (single-threaded).
 */
let pathBuf = new Float64Array(0);

function ensurePath(maxDepth: number): Float64Array {
  const need = 4 * (((maxDepth + 3) * (maxDepth + 4)) / 2);
  if (pathBuf.length < need) pathBuf = new Float64Array(need);
  return pathBuf;
}

function extendPath(P: Float64Array, o: number, depth: number, zero: number, one: number, feature: number): void {
  const e = o + 4 * depth;
  P[e] = zero;
  P[e + 1] = one;
  P[e + 2] = depth === 0 ? 1 : 0;
  P[e + 3] = feature;
  const inv = 1 / (depth + 1);
  for (let i = depth - 1; i >= 0; i--) {
    const q = o + 4 * i;
    const wi = P[q + 2]!;
    P[q + 6] = P[q + 6]! + one * wi * (i + 1) * inv;
    P[q + 2] = zero * wi * (depth - i) * inv;
  }
}

function unwindPath(P: Float64Array, o: number, depth: number, pathIndex: number): void {
  const e = o + 4 * pathIndex;
  const zero = P[e]!;
  const one = P[e + 1]!;
  let next = P[o + 4 * depth + 2]!;
  for (let i = depth - 1; i >= 0; i--) {
    const q = o + 4 * i + 2;
    if (one !== 0) {
      const tmp = P[q]!;
      P[q] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (P[q]! * zero * (depth - i)) / (depth + 1);
    } else {
      P[q] = (P[q]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = pathIndex; i < depth; i++) {
    const q = o + 4 * i;
    P[q] = P[q + 4]!;
    P[q + 1] = P[q + 5]!;
    P[q + 3] = P[q + 7]!;
  }
}

/** 1/k for k = 0 … 127 (divisions are the slow part of the leaf loop). */
const RECIP = Float64Array.from({ length: 128 }, (_, k) => (k === 0 ? Infinity : 1 / k));

/** Σ of the path weights with element `pathIndex` removed (unwindPath without modifying the path). */
function unwoundPathSum(P: Float64Array, o: number, depth: number, zero: number, one: number): number {
  let next = P[o + 4 * depth + 2]!;
  let total = 0;
  const d1 = depth + 1;
  if (one !== 0) {
    const a = d1 / one;
    const c = zero / d1;
    // tmp_i = next·(d+1)/((i+1)·one); next ← w_i − tmp_i·zero·(d−i)/(d+1)
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = next * a * RECIP[i + 1]!;
      total += tmp;
      next = P[o + 4 * i + 2]! - tmp * c * (depth - i);
    }
  } else {
    const zd = d1 / zero;
    for (let i = depth - 1; i >= 0; i--) total += P[o + 4 * i + 2]! * zd * RECIP[depth - i]!;
  }
  return total;
}

/**
 * The recursion over one tree (closure over its arrays, made once per tree and cached): adds φ of row x into
 * phi[po …] scaled by `scale`.
 */
type TreeKernel = (X: Float64Array, xo: number, phi: Float64Array, po: number, scale: number) => void;
const kernels = new WeakMap<FlatTreeForm, TreeKernel>();

/** Share of its parent's cover that reaches each node (0.5 each under a zero-cover parent), once per tree. */
function coverShares(t: FlatTreeForm): Float64Array {
  const L = t.childrenLeft;
  const R = t.childrenRight;
  const C = t.nodeSampleWeight!;
  const Z = new Float64Array(L.length);
  for (let node = 0; node < L.length; node++) {
    const l = L[node]!;
    if (l < 0) continue;
    const w = C[node]!;
    Z[l] = w > 0 ? C[l]! / w : 0.5;
    Z[R[node]!] = w > 0 ? C[R[node]!]! / w : 0.5;
  }
  return Z;
}

function kernelFor(t: FlatTreeForm): TreeKernel {
  const cached = kernels.get(t);
  if (cached) return cached;
  const L = t.childrenLeft;
  const R = t.childrenRight;
  const D = t.childrenDefault;
  const F = t.features;
  const T = t.thresholds;
  const V = t.values;
  const Z = coverShares(t);
  const recurse = (
    P: Float64Array,
    X: Float64Array,
    xo: number,
    phi: Float64Array,
    po: number,
    v: number,
    node: number,
    depth: number,
    parentO: number,
    zero: number,
    one: number,
    feature: number,
  ): void => {
    // No weight reaches a node behind a zero-cover edge the row does not follow: every v(S) through it is 0, and
    // unwinding its element later would divide 0 by 0.
    if (zero === 0 && one === 0) return;
    const o = parentO + 4 * (depth + 1);
    const left = L[node]!;
    if (left < 0) {
      // A leaf only reads its path: copy the weights alone, read fractions and features of elements < depth from
      // the parent's slot (extendPath writes element `depth` whole).
      for (let q = 0; q < depth; q++) P[o + 4 * q + 2] = P[parentO + 4 * q + 2]!;
      extendPath(P, o, depth, zero, one, feature);
      const value = V[node]! * v;
      // A cold element (oneFraction 0) unwinds to Σ_i w_i·(d+1)/((d−i)·zero), so its contribution
      // w·(0 − zero)·value is −value·Σ_i w_i·(d+1)/(d−i) for every cold element: one sum per leaf, not per element.
      let coldSum = NaN;
      for (let i = 1; i <= depth; i++) {
        const e = i < depth ? parentO + 4 * i : o + 4 * depth;
        const z = P[e]!;
        const on = P[e + 1]!;
        const f = po + P[e + 3]!;
        if (on === 0) {
          if (z === 0) continue; // a zero-cover branch: no weight reaches it
          if (Number.isNaN(coldSum)) {
            coldSum = 0;
            for (let q = depth - 1; q >= 0; q--) coldSum += P[o + 4 * q + 2]! * (depth + 1) * RECIP[depth - q]!;
          }
          phi[f] = phi[f]! - coldSum * value;
        } else {
          const w = unwoundPathSum(P, o, depth, z, on);
          phi[f] = phi[f]! + w * (on - z) * value;
        }
      }
      return;
    }
    // copy the parent's path [0, depth) into this level's slot, then extend it with the edge into `node`
    for (let q = 0; q < 4 * depth; q++) P[o + q] = P[parentO + q]!;
    extendPath(P, o, depth, zero, one, feature);
    const split = F[node]!;
    const right = R[node]!;
    const x = X[xo + split]!;
    const hot = x <= T[node]! ? left : x > T[node]! ? right : D[node]!;
    const cold = hot === left ? right : left;
    const hotZero = Z[hot]!;
    const coldZero = Z[cold]!;
    let inZero = 1;
    let inOne = 1;
    let pathIndex = 0;
    for (; pathIndex <= depth; pathIndex++) if (P[o + 4 * pathIndex + 3] === split) break;
    let d = depth;
    if (pathIndex !== depth + 1) {
      inZero = P[o + 4 * pathIndex]!;
      inOne = P[o + 4 * pathIndex + 1]!;
      unwindPath(P, o, d, pathIndex);
      d -= 1;
    }
    recurse(P, X, xo, phi, po, v, hot, d + 1, o, hotZero * inZero, inOne, split);
    recurse(P, X, xo, phi, po, v, cold, d + 1, o, coldZero * inZero, 0, split);
  };
  const k: TreeKernel = (X, xo, phi, po, scale) => {
    const P = ensurePath(t.maxDepth);
    // the root's "parent" path starts at −4 elements so the root's own slot begins at 0
    recurse(P, X, xo, phi, po, scale, 0, 0, -4, 1, 1, -1);
  };
  kernels.set(t, k);
  return k;
}

/**
 * Table sizes (entries, 8 bytes each) up to which a tree gets per-leaf tables (tree-shap-table.ts) instead of the path
 * recursion: 2^16 per tree (a full depth-8 tree with 8 distinct features per path is 256 leaves × 256), 2^23 (64 MB)
 * per ensemble, given to the trees in order. Both kernels give the same values (up to rounding); the tables are
 * O(L·D) per row instead of O(L·D²), and build in about the time of explaining 2^d/d rows by the recursion.
 */
const TREE_TABLE_MAX = 1 << 16;
const ENSEMBLE_TABLE_MAX = 1 << 23;

/** Per tree of an ensemble: its tables, the recursion, or nothing (a single leaf adds only to the base). */
type Plan = readonly (LeafTables | TreeKernel | null)[];
const plans = new WeakMap<TreeEnsembleForm, Plan>();

function planFor(e: TreeEnsembleForm): Plan {
  const cached = plans.get(e);
  if (cached) return cached;
  let budget = ENSEMBLE_TABLE_MAX;
  const plan = e.trees.map((t) => {
    if (t.childrenLeft[0]! < 0) return null;
    const size = tableSize(t);
    if (size > TREE_TABLE_MAX || size > budget) return kernelFor(t);
    budget -= size;
    return buildLeafTables(t, coverShares(t), e.scale);
  });
  plans.set(e, plan);
  return plan;
}

/**
 * Adds path-dependent SHAP values of row `row` of X (n × p) into phi[phiOffset … + p). Needs covers on every tree.
 * The trees' expected value (the base) is `pathExpectedValue`.
 */
export function treeShapPathDependent(
  e: TreeEnsembleForm,
  X: Float64Array,
  row: number,
  phi: Float64Array,
  phiOffset: number,
): void {
  const xo = row * e.nFeatures;
  const plan = planFor(e);
  for (let k = 0; k < plan.length; k++) {
    const step = plan[k]!;
    if (step === null) continue;
    if (typeof step === 'function') step(X, xo, phi, phiOffset, e.scale);
    else tableKernel(e.trees[k]!, step, X, xo, phi, phiOffset);
  }
}

/** The path recursion alone for every tree (the tables' reference in tests; `treeShapPathDependent` picks). */
export function treeShapPathRecursion(
  e: TreeEnsembleForm,
  X: Float64Array,
  row: number,
  phi: Float64Array,
  phiOffset: number,
): void {
  for (const t of e.trees) if (t.childrenLeft[0]! >= 0) kernelFor(t)(X, row * e.nFeatures, phi, phiOffset, e.scale);
}

/**
 * Path-dependent SHAP values of the n rows of X (n × p) added into phi (n × p), tree by tree (each tree's tables stay
 * in cache across the rows). Same values as `treeShapPathDependent` row by row.
 */
export function treeShapPathDependentRows(e: TreeEnsembleForm, X: Float64Array, n: number, phi: Float64Array): void {
  const p = e.nFeatures;
  const plan = planFor(e);
  for (let k = 0; k < plan.length; k++) {
    const step = plan[k]!;
    if (step === null) continue;
    if (typeof step === 'function') for (let i = 0; i < n; i++) step(X, i * p, phi, i * p, e.scale);
    else {
      const t = e.trees[k]!;
      for (let i = 0; i < n; i++) tableKernel(t, step, X, i * p, phi, i * p);
    }
  }
}

const expected = new WeakMap<TreeEnsembleForm, number>();

/**
 * E[f] under the trees' covers: each split weighs its children by cover share (the path-dependent base value).
 * Computed once per ensemble (forms are immutable).
 */
export function pathExpectedValue(e: TreeEnsembleForm): number {
  const cached = expected.get(e);
  if (cached !== undefined) return cached;
  let s = 0;
  for (const t of e.trees) {
    const c = t.nodeSampleWeight!;
    const ev = (node: number): number => {
      const l = t.childrenLeft[node]!;
      if (l < 0) return t.values[node]!;
      const r = t.childrenRight[node]!;
      const w = c[node]!;
      return w > 0 ? (c[l]! / w) * ev(l) + (c[r]! / w) * ev(r) : 0.5 * ev(l) + 0.5 * ev(r);
    };
    s += ev(0);
  }
  const value = e.base + e.scale * s;
  expected.set(e, value);
  return value;
}

// ------------------------------------------------------------------------------------------------ interventional

function goesLeft(t: FlatTreeForm, node: number, x: number): boolean {
  return Number.isNaN(x) ? t.childrenDefault[node] === t.childrenLeft[node] : x <= t.thresholds[node]!;
}

const FACT = (() => {
  const f = new Float64Array(171);
  f[0] = 1;
  for (let i = 1; i < f.length; i++) f[i] = f[i - 1]! * i;
  return f;
})();

let side = new Uint8Array(0); // per feature: 0 free, 1 on x's side, 2 on the reference's side
let onPath = new Int32Array(0); // features currently assigned, in order
let iX: Float64Array;
let iXo = 0;
let iR: Float64Array;
let iRo = 0;
let iPhi: Float64Array;
let iPo = 0;
let iW = 1; // scale / nReferences
let iTree: FlatTreeForm;

function recurseRef(node: number, a: number, b: number, nPath: number): void {
  const t = iTree;
  const left = t.childrenLeft[node]!;
  if (left < 0) {
    if (a + b === 0) return;
    const v = t.values[node]! * iW;
    const wx = a > 0 ? (FACT[a - 1]! * FACT[b]!) / FACT[a + b]! : 0;
    const wr = b > 0 ? (FACT[a]! * FACT[b - 1]!) / FACT[a + b]! : 0;
    for (let q = 0; q < nPath; q++) {
      const f = onPath[q]!;
      if (side[f] === 1) iPhi[iPo + f] = iPhi[iPo + f]! + wx * v;
      else iPhi[iPo + f] = iPhi[iPo + f]! - wr * v;
    }
    return;
  }
  const f = t.features[node]!;
  const right = t.childrenRight[node]!;
  const xChild = goesLeft(t, node, iX[iXo + f]!) ? left : right;
  const rChild = goesLeft(t, node, iR[iRo + f]!) ? left : right;
  const s = side[f]!;
  if (s === 1) return recurseRef(xChild, a, b, nPath);
  if (s === 2) return recurseRef(rChild, a, b, nPath);
  if (xChild === rChild) return recurseRef(xChild, a, b, nPath);
  onPath[nPath] = f;
  side[f] = 1;
  recurseRef(xChild, a + 1, b, nPath + 1);
  side[f] = 2;
  recurseRef(rChild, a, b + 1, nPath + 1);
  side[f] = 0;
}

/**
 * Adds interventional SHAP values of row `row` of X against every row of the background R (nR × p) into
 * phi[phiOffset … + p): the exact Shapley values of v(S) = mean_r f(x_S, r_S̄).
 */
export function treeShapInterventional(
  e: TreeEnsembleForm,
  X: Float64Array,
  row: number,
  R: Float64Array,
  nR: number,
  phi: Float64Array,
  phiOffset: number,
): void {
  const p = e.nFeatures;
  if (side.length < p) side = new Uint8Array(p);
  let depth = 0;
  for (const t of e.trees) depth = Math.max(depth, t.maxDepth);
  if (onPath.length < depth + 1) onPath = new Int32Array(depth + 1);
  iX = X;
  iXo = row * p;
  iR = R;
  iPhi = phi;
  iPo = phiOffset;
  iW = e.scale / nR;
  for (const t of e.trees) {
    iTree = t;
    for (let r = 0; r < nR; r++) {
      iRo = r * p;
      recurseRef(0, 0, 0, 0);
    }
  }
}
