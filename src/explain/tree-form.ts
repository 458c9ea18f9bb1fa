/**
 * One flat form for every tree model (shap's `TreeEnsemble`): parallel arrays per tree, read by every TreeSHAP
 * kernel. A row goes left when `x[feature] ≤ threshold` (Keel's rule; XGBoost's `x < t` is converted on load), a
 * missing value (NaN) follows `childrenDefault`. A leaf has `childrenLeft = −1`. The ensemble's output is
 * `base + scale · Σ_t value_t(leaf)`: scale = 1/T for forests (mean link), 1 for boosting.
 */
import { dataError } from '../core/index.ts';
import type { TreeModel } from '../models/index.ts';
import { InvalidModelError } from './errors.ts';

export interface FlatTreeForm {
  readonly childrenLeft: Int32Array;
  readonly childrenRight: Int32Array;
  /** Child a NaN goes to. */
  readonly childrenDefault: Int32Array;
  /** Split feature per node, −1 at leaves. */
  readonly features: Int32Array;
  readonly thresholds: Float64Array;
  /** Leaf value per node (one output); internal nodes hold anything. */
  readonly values: Float64Array;
  /** Training weight reaching each node (cover): path-dependent TreeSHAP's "what the data did" at a split. */
  readonly nodeSampleWeight: Float64Array | null;
  /** Deepest leaf depth (root = 0). */
  readonly maxDepth: number;
}

export interface TreeEnsembleForm {
  readonly trees: readonly FlatTreeForm[];
  /** Output before the trees (boosting's initial score), raw scale. */
  readonly base: number;
  /** Multiplier on the sum of tree outputs (1/T for a forest). */
  readonly scale: number;
  readonly nFeatures: number;
}

function depthOf(left: Int32Array, right: Int32Array): number {
  let best = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const node = stack.pop()!;
    if (left[node]! < 0) best = Math.max(best, d);
    else stack.push(left[node]!, d + 1, right[node]!, d + 1);
  }
  return best;
}

/** Builds a checked tree from arrays (children −1 at leaves). */
export function makeTree(t: Omit<FlatTreeForm, 'maxDepth' | 'childrenDefault'> & { childrenDefault?: Int32Array }) {
  const n = t.features.length;
  for (const [name, a] of [
    ['childrenLeft', t.childrenLeft],
    ['childrenRight', t.childrenRight],
    ['thresholds', t.thresholds],
    ['values', t.values],
  ] as const)
    if (a.length !== n) throw dataError(`tree ${name} has ${a.length} entries, features has ${n}; they must match.`);
  const form: FlatTreeForm = {
    ...t,
    childrenDefault: t.childrenDefault ?? t.childrenLeft,
    maxDepth: depthOf(t.childrenLeft, t.childrenRight),
  };
  return form;
}

/**
 * The flat form of one output of a Keel tree model: regression, binary boosting (log-odds) or class `output` of a
 * classifier (a forest's mean class share, a softmax booster's class score).
 */
export function fromKeelTrees(model: TreeModel, output = 0): TreeEnsembleForm {
  const K = model.outputs;
  if (output < 0 || output >= K)
    throw new InvalidModelError(`output ${output} is out of range: the model has ${K} raw output(s); use 0..${K - 1}.`);
  const trees: FlatTreeForm[] = [];
  const softmax = model.link === 'softmax';
  model.trees.forEach((t, i) => {
    if (softmax && i % K !== output) return;
    const k = softmax ? 1 : t.k;
    const isLeaf = (node: number) => t.feature[node]! < 0;
    const values = new Float64Array(t.nodeCount);
    for (let node = 0; node < t.nodeCount; node++)
      values[node] = isLeaf(node) ? t.value[node * k + (softmax ? 0 : output)]! : 0;
    trees.push(
      makeTree({
        childrenLeft: Int32Array.from(t.left, (c, node) => (isLeaf(node) ? -1 : c)),
        childrenRight: Int32Array.from(t.right, (c, node) => (isLeaf(node) ? -1 : c)),
        // Keel's `x ≤ t` is false for NaN: a missing value goes right
        childrenDefault: Int32Array.from(t.right, (c, node) => (isLeaf(node) ? -1 : c)),
        features: Int32Array.from(t.feature, (f) => (f < 0 ? -1 : f)),
        thresholds: Float64Array.from(t.threshold),
        values,
        nodeSampleWeight: t.cover ? Float64Array.from(t.cover) : null,
      }),
    );
  });
  const mean = model.link === 'mean';
  return {
    trees,
    base: mean ? 0 : model.base[output]!,
    scale: mean ? 1 / Math.max(1, model.trees.length) : 1,
    nFeatures: model.p,
  };
}

/** Raw output of the flat ensemble for row i of X (n × p row-major): the value TreeSHAP explains. */
export function ensembleOutput(e: TreeEnsembleForm, X: Float64Array, i: number): number {
  const p = e.nFeatures;
  let s = 0;
  for (const t of e.trees) {
    let node = 0;
    while (t.childrenLeft[node]! >= 0) {
      const x = X[i * p + t.features[node]!]!;
      node = Number.isNaN(x)
        ? t.childrenDefault[node]!
        : x <= t.thresholds[node]!
          ? t.childrenLeft[node]!
          : t.childrenRight[node]!;
    }
    s += t.values[node]!;
  }
  return e.base + e.scale * s;
}
