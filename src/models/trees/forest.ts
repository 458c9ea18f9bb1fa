/**
 * CART decision tree and random forest (Breiman): bootstrap rows per tree, a fresh random subset of features at
 * every split, squared-error (regression) or Gini (classification) splits on histogram bins, trees grown to full
 * depth by default (scikit-learn's defaults: regression tries all features, classification √p).
 */
import { z } from 'zod';
import {
  makeEstimator,
  parseParams,
  prepareFit,
  type Dataset,
  type FitContext,
  type ModelKind,
  type Task,
} from '../estimator.ts';
import { modelRng } from '../internal/rng.ts';
import { TreeGrower, type GrowParams } from './grow.ts';
import { allFeatures, binTraining, resolveMtry, TreeModel } from './tree-model.ts';
import type { FlatTree } from './flat-tree.ts';

const taskSchema = z.enum(['regression', 'classification']).default('regression');
const maxFeaturesSchema = z.union([z.number().gt(0).max(1), z.enum(['sqrt', 'log2', 'auto'])]).default('auto');

export const decisionTreeSchema = z.strictObject({
  task: taskSchema,
  /** Deepest split level (root = 0); 0 = unlimited. */
  maxDepth: z.int().min(0).default(0),
  /** Least rows in each leaf (with sample weights: least total weight, as XGBoost's min_child_weight). */
  minSamplesLeaf: z.int().min(1).default(1),
  minSamplesSplit: z.int().min(2).default(2),
  /** Histogram bins per feature (values with fewer distinct levels are split exactly). */
  maxBins: z.int().min(2).max(256).default(255),
});
export type DecisionTreeParams = z.infer<typeof decisionTreeSchema>;

export const randomForestSchema = z.strictObject({
  task: taskSchema,
  nTrees: z.int().min(1).default(100),
  maxDepth: z.int().min(0).default(0),
  minSamplesLeaf: z.int().min(1).default(1),
  minSamplesSplit: z.int().min(2).default(2),
  /** Features tried per split: a fraction of p, 'sqrt', 'log2', or 'auto' (p for regression, √p for classification). */
  maxFeatures: maxFeaturesSchema,
  bootstrap: z.boolean().default(true),
  maxBins: z.int().min(2).max(256).default(255),
});
export type RandomForestParams = z.infer<typeof randomForestSchema>;

interface ForestSpec {
  kind: string;
  task: Task;
  nTrees: number;
  bootstrap: boolean;
  mtry: number | 'sqrt' | 'log2' | 'auto';
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  maxBins: number;
}

function fitForest(data: Dataset, ctx: FitContext, params: unknown, spec: ForestSpec): TreeModel {
  const { kind, task } = spec;
  const d = prepareFit(data, ctx, { kind, minRows: 2, constantFeatures: 'allow', task, sampleWeights: true });
  const { n, p, X, y } = d;
  const sw = d.w; // sample weights multiply the bootstrap counts (a row drawn twice with weight w counts 2w)
  const K = task === 'classification' ? d.nClasses : 1;
  const { edges, nBins, binned } = binTraining(X, n, p, spec.maxBins);
  const grower = new TreeGrower(binned, nBins, edges, K);
  const g = new Float64Array(n * K);
  const h = new Float64Array(n);
  const idx = new Int32Array(n);
  const counts = new Int32Array(n);
  const rng = modelRng(ctx.seed);
  const importance = new Float64Array(p);
  const grow: GrowParams = {
    maxDepth: spec.maxDepth,
    maxLeaves: 0,
    minChildWeight: spec.minSamplesLeaf,
    minSamplesSplit: spec.minSamplesSplit,
    lambda: 0,
    gamma: 0,
    leafScale: 1,
    mtry: resolveMtry(spec.mtry, p, task),
  };
  const allowed = allFeatures(p);
  const trees: FlatTree[] = [];
  for (let t = 0; t < spec.nTrees; t++) {
    counts.fill(0);
    if (spec.bootstrap)
      for (let s = 0; s < n; s++) {
        const r = rng.int(n);
        counts[r] = counts[r]! + 1;
      }
    else counts.fill(1);
    let m = 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      if (counts[i] === 0) continue;
      const w = sw ? counts[i]! * sw[i]! : counts[i]!;
      idx[m++] = i;
      h[i] = w;
      if (K === 1) g[i] = w * y[i]!;
      else g[i * K + y[i]!] = w;
    }
    trees.push(grower.grow(g, h, idx, m, allowed, grow, rng, undefined, importance));
    ctx.onProgress?.(t + 1, spec.nTrees, kind);
  }
  return new TreeModel(
    kind,
    task,
    params,
    p,
    task === 'classification' ? d.nClasses : 0,
    'mean',
    new Float64Array(K),
    trees,
    importance,
  );
}

export const decisionTreeKind: ModelKind<DecisionTreeParams> = {
  schema: decisionTreeSchema,
  tasks: ['regression', 'classification'],
  summary: 'CART decision tree (squared error / Gini, histogram splits)',
  sampleWeights: true,
  create: (params) =>
    makeEstimator('decision-tree', parseParams('decision-tree', decisionTreeSchema, params), (data, ctx, p) =>
      fitForest(data, ctx, p, {
        kind: 'decision-tree',
        task: p.task,
        nTrees: 1,
        bootstrap: false,
        mtry: 1 /* fraction: all features */,
        maxDepth: p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        minSamplesSplit: p.minSamplesSplit,
        maxBins: p.maxBins,
      }),
    ),
  fromJSON: (json) => TreeModel.fromJSON(json, 'decision-tree'),
};

export const randomForestKind: ModelKind<RandomForestParams> = {
  schema: randomForestSchema,
  tasks: ['regression', 'classification'],
  summary: 'random forest (bootstrap, per-split feature sampling, histogram splits)',
  sampleWeights: true,
  create: (params) =>
    makeEstimator('random-forest', parseParams('random-forest', randomForestSchema, params), (data, ctx, p) =>
      fitForest(data, ctx, p, {
        kind: 'random-forest',
        task: p.task,
        nTrees: p.nTrees,
        bootstrap: p.bootstrap,
        mtry: p.maxFeatures,
        maxDepth: p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        minSamplesSplit: p.minSamplesSplit,
        maxBins: p.maxBins,
      }),
    ),
  fromJSON: (json) => TreeModel.fromJSON(json, 'random-forest'),
};
