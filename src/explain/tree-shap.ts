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

// ------------------------------------------------------------------------------------------------ path-dependent

/** Scratch path storage shared by calls (single-threaded): grown to (D+2)(D+3)/2 elements for depth D. */
let pFeat = new Int32Array(0);
let pZero = new Float64Array(0);
let pOne = new Float64Array(0);
let pW = new Float64Array(0);

function ensurePath(maxDepth: number): void {
  const need = ((maxDepth + 3) * (maxDepth + 4)) / 2;
  if (pFeat.length >= need) return;
  pFeat = new Int32Array(need);
  pZero = new Float64Array(need);
  pOne = new Float64Array(need);
  pW = new Float64Array(need);
}

function extendPath(o: number, depth: number, zero: number, one: number, feature: number): void {
  pFeat[o + depth] = feature;
  pZero[o + depth] = zero;
  pOne[o + depth] = one;
  pW[o + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    pW[o + i + 1] = pW[o + i + 1]! + (one * pW[o + i]! * (i + 1)) / (depth + 1);
    pW[o + i] = (zero * pW[o + i]! * (depth - i)) / (depth + 1);
  }
}

function unwindPath(o: number, depth: number, pathIndex: number): void {
  const one = pOne[o + pathIndex]!;
  const zero = pZero[o + pathIndex]!;
  let next = pW[o + depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = pW[o + i]!;
      pW[o + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (pW[o + i]! * zero * (depth - i)) / (depth + 1);
    } else {
      pW[o + i] = (pW[o + i]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = pathIndex; i < depth; i++) {
    pFeat[o + i] = pFeat[o + i + 1]!;
    pZero[o + i] = pZero[o + i + 1]!;
    pOne[o + i] = pOne[o + i + 1]!;
  }
}

/** Σ of the path weights with element `pathIndex` removed (unwindPath without modifying the path). */
function unwoundPathSum(o: number, depth: number, pathIndex: number): number {
  const one = pOne[o + pathIndex]!;
  const zero = pZero[o + pathIndex]!;
  let next = pW[o + depth]!;
  let total = 0;
  if (one !== 0) {
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = pW[o + i]! - (tmp * zero * (depth - i)) / (depth + 1);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += (pW[o + i]! * (depth + 1)) / (zero * (depth - i));
  }
  return total;
}

// Per-call state of the recursion (module-level so the recursive function takes only numbers).
let cTree: FlatTreeForm;
let cCover: Float64Array;
let cX: Float64Array;
let cXo = 0;
let cPhi: Float64Array;
let cPo = 0;
let cScale = 1;

function goesLeft(t: FlatTreeForm, node: number, x: number): boolean {
  return Number.isNaN(x) ? t.childrenDefault[node] === t.childrenLeft[node] : x <= t.thresholds[node]!;
}

function recurse(
  node: number,
  depth: number,
  parentO: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const o = parentO + depth + 1;
  // copy the parent's path [0, depth) into this level's slot, then extend it with the edge into `node`
  for (let i = 0; i < depth; i++) {
    pFeat[o + i] = pFeat[parentO + i]!;
    pZero[o + i] = pZero[parentO + i]!;
    pOne[o + i] = pOne[parentO + i]!;
    pW[o + i] = pW[parentO + i]!;
  }
  extendPath(o, depth, zero, one, feature);
  const t = cTree;
  const left = t.childrenLeft[node]!;
  if (left < 0) {
    const v = t.values[node]! * cScale;
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(o, depth, i);
      const f = pFeat[o + i]!;
      cPhi[cPo + f] = cPhi[cPo + f]! + w * (pOne[o + i]! - pZero[o + i]!) * v;
    }
    return;
  }
  const split = t.features[node]!;
  const right = t.childrenRight[node]!;
  const hot = goesLeft(t, node, cX[cXo + split]!) ? left : right;
  const cold = hot === left ? right : left;
  const w = cCover[node]!;
  const hotZero = w > 0 ? cCover[hot]! / w : 0.5;
  const coldZero = w > 0 ? cCover[cold]! / w : 0.5;
  let inZero = 1;
  let inOne = 1;
  let pathIndex = 0;
  for (; pathIndex <= depth; pathIndex++) if (pFeat[o + pathIndex] === split) break;
  let d = depth;
  if (pathIndex !== depth + 1) {
    inZero = pZero[o + pathIndex]!;
    inOne = pOne[o + pathIndex]!;
    unwindPath(o, d, pathIndex);
    d -= 1;
  }
  recurse(hot, d + 1, o, hotZero * inZero, inOne, split);
  recurse(cold, d + 1, o, coldZero * inZero, 0, split);
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
  const p = e.nFeatures;
  cX = X;
  cXo = row * p;
  cPhi = phi;
  cPo = phiOffset;
  cScale = e.scale;
  for (const t of e.trees) {
    if (t.childrenLeft[0]! < 0) continue; // a stump-less tree (one leaf) adds only to the base
    ensurePath(t.maxDepth);
    cTree = t;
    cCover = t.nodeSampleWeight!;
    recurse(0, 0, 0, 1, 1, -1);
  }
}

/** E[f] under the trees' covers: each split weighs its children by cover share (the path-dependent base value). */
export function pathExpectedValue(e: TreeEnsembleForm): number {
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
  return e.base + e.scale * s;
}

// ------------------------------------------------------------------------------------------------ interventional

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
