/**
 * A fitted tree model (one tree, a forest or a boosted ensemble) and the shared pieces of tree fits.
 * Output link: 'mean' (forests, CART: average of tree outputs), 'sum' (boosting regression: base + Σ trees),
 * 'sigmoid' (binary boosting: base + Σ is a log-odds), 'softmax' (multi-class boosting: one tree per class per round).
 */
import {
  arr,
  checkPredictInput,
  expectKind,
  f64,
  normalise,
  type FittedModel,
  type ModelJSON,
  type Task,
} from '../estimator.ts';
import { applyBins, computeBinEdges } from './binning.ts';
import { cachedBins, type TrainingBins } from './bin-cache.ts';
import { FlatTree, type FlatTreeJSON } from './flat-tree.ts';

export type TreeLink = 'mean' | 'sum' | 'sigmoid' | 'softmax';

export interface TreeModelState {
  p: number;
  nClasses: number;
  link: TreeLink;
  base: number[];
  importance: number[];
  trees: FlatTreeJSON[];
  extra?: Record<string, number>;
}

export class TreeModel implements FittedModel {
  constructor(
    readonly kind: string,
    readonly task: Task,
    readonly params: unknown,
    readonly p: number,
    /** Classes (classification) or 0. */
    readonly nClasses: number,
    readonly link: TreeLink,
    /** Initial score per output (boosting), zeros otherwise. */
    readonly base: Float64Array,
    readonly trees: readonly FlatTree[],
    private readonly gainImportance: Float64Array,
    /** Fit facts worth keeping (e.g. bestIteration for early stopping). */
    readonly extra: Readonly<Record<string, number>> = {},
  ) {
    // the contract's optional members exist only where they mean something
    if (task === 'classification') this.predictProba = (X, n) => this.probabilities(X, n);
  }

  /** n × k class probabilities (classification models only). */
  readonly predictProba?: (X: Float64Array, n: number) => Float64Array;

  /** Number of raw outputs per row before the link: classes for classifiers, 1 for regression, except binary = 1. */
  get outputs(): number {
    if (this.link === 'mean') return this.task === 'classification' ? this.nClasses : 1;
    if (this.link === 'softmax') return this.nClasses;
    return 1;
  }

  /** Raw scores n × outputs (tree averages, or base + sums). */
  rawScores(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const K = this.outputs;
    const out = new Float64Array(n * K);
    const trees = this.trees;
    if (this.link === 'softmax') {
      for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) out[i * K + c] = this.base[c]!;
      for (let t = 0; t < trees.length; t++) {
        const tree = trees[t]!;
        const c = t % K;
        for (let i = 0; i < n; i++) out[i * K + c] = out[i * K + c]! + tree.value[tree.leafOf(X, i, this.p)]!;
      }
      return out;
    }
    if (this.link === 'mean') {
      for (const tree of trees) tree.addPredictions(X, n, this.p, out);
      const s = 1 / Math.max(1, trees.length);
      for (let q = 0; q < out.length; q++) out[q] = out[q]! * s;
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = this.base[0]!;
    for (const tree of trees) tree.addPredictions(X, n, this.p, out);
    return out;
  }

  predict(X: Float64Array, n: number): Float64Array {
    if (this.task === 'regression') return this.rawScores(X, n);
    const P = this.probabilities(X, n);
    const K = this.nClasses;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (P[i * K + c]! > P[i * K + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  private probabilities(X: Float64Array, n: number): Float64Array {
    const K = this.nClasses;
    const raw = this.rawScores(X, n);
    if (this.link === 'mean') return raw;
    const P = new Float64Array(n * K);
    if (this.link === 'sigmoid') {
      for (let i = 0; i < n; i++) {
        const p1 = 1 / (1 + Math.exp(-raw[i]!));
        P[i * 2] = 1 - p1;
        P[i * 2 + 1] = p1;
      }
      return P;
    }
    for (let i = 0; i < n; i++) softmaxInto(raw, i * K, K, P);
    return P;
  }

  /** Total split gain per feature (impurity decrease for forests/CART, loss reduction for boosting), sums to 1. */
  featureImportance(): Float64Array {
    return normalise(Float64Array.from(this.gainImportance));
  }

  toJSON(): ModelJSON {
    const state: TreeModelState = {
      p: this.p,
      nClasses: this.nClasses,
      link: this.link,
      base: arr(this.base),
      importance: arr(this.gainImportance),
      trees: this.trees.map((t) => t.toJSON()),
      extra: { ...this.extra },
    };
    return { kind: this.kind, version: 1, params: this.params, state };
  }

  static fromJSON(json: ModelJSON, kind: string): TreeModel {
    expectKind(json, kind);
    const s = json.state as TreeModelState;
    return new TreeModel(
      kind,
      s.nClasses > 0 ? 'classification' : 'regression',
      json.params,
      s.p,
      s.nClasses,
      s.link,
      f64(s.base, 'base'),
      s.trees.map((t) => FlatTree.fromJSON(t)),
      f64(s.importance, 'importance'),
      s.extra ?? {},
    );
  }
}

export function softmaxInto(raw: Float64Array, o: number, K: number, out: Float64Array): void {
  let mx = -Infinity;
  for (let c = 0; c < K; c++) if (raw[o + c]! > mx) mx = raw[o + c]!;
  let s = 0;
  for (let c = 0; c < K; c++) {
    const e = Math.exp(raw[o + c]! - mx);
    out[o + c] = e;
    s += e;
  }
  for (let c = 0; c < K; c++) out[o + c] = out[o + c]! / s;
}

/**
 * Bins the training matrix once per fit — once per distinct matrix, in fact: the models of strategies sharing a
 * training window and the distillation trees fitted on it reuse one binning (see bin-cache.ts).
 */
export function binTraining(X: Float64Array, n: number, p: number, maxBins: number): TrainingBins {
  return cachedBins(X, n, p, maxBins, () => {
    const edges = computeBinEdges(X, n, p, maxBins);
    const nBins = Int32Array.from(edges, (e) => e.length);
    return { edges, nBins, binned: applyBins(X, n, p, edges) };
  });
}

/** Resolves a forest's `maxFeatures` to a count of features tried per split. */
export function resolveMtry(maxFeatures: number | 'sqrt' | 'log2' | 'auto', p: number, task: Task): number {
  if (maxFeatures === 'auto') return task === 'classification' ? Math.max(1, Math.floor(Math.sqrt(p))) : p;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(p)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(p)));
  return Math.max(1, Math.min(p, Math.round(maxFeatures * p)));
}

export function allFeatures(p: number): Int32Array {
  return Int32Array.from({ length: p }, (_, j) => j);
}
