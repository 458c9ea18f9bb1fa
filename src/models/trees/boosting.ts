/**
 * Gradient-boosted trees, histogram-based (the XGBoost `hist` / LightGBM design): quantile bins (≤ 255) built once,
 * second-order gradient/hessian histograms, histogram subtraction, learning rate, max depth or max leaves
 * (best-first), min child weight, L2 λ and γ, row subsampling per round, column subsampling per tree, and early
 * stopping on a validation fold taken from the LAST rows (rows are assumed to be in time order, so the fold is the
 * most recent data and never leaks the future into training).
 *
 * Losses: squared error (regression), logistic (2 classes, one tree per round), softmax (k ≥ 3, k trees per round).
 */
import { z } from 'zod';
import { makeEstimator, parseParams, prepareFit, type Dataset, type FitContext, type ModelKind } from '../estimator.ts';
import { modelRng } from '../internal/rng.ts';
import { applyBins } from './binning.ts';
import type { FlatTree } from './flat-tree.ts';
import { TreeGrower, type GrowParams } from './grow.ts';
import { binTraining, softmaxInto, TreeModel } from './tree-model.ts';

export const gradientBoostingSchema = z.strictObject({
  task: z.enum(['regression', 'classification']).default('regression'),
  /** Boosting rounds (an upper bound when early stopping is on). */
  nRounds: z.int().min(1).default(100),
  learningRate: z.number().gt(0).max(1).default(0.1),
  /** Deepest split level (root = 0); 0 = unlimited (then set maxLeaves). */
  maxDepth: z.int().min(0).default(6),
  /** Most leaves per tree, grown best-first; 0 = no limit (depth-wise). */
  maxLeaves: z.int().min(0).default(0),
  /** Least hessian sum per child (rows, for squared error). */
  minChildWeight: z.number().min(0).default(1),
  /** L2 penalty λ on leaf values. */
  lambda: z.number().min(0).default(1),
  /** Least loss reduction γ for a split. */
  gamma: z.number().min(0).default(0),
  /** Share of rows drawn (without replacement) per round. */
  subsample: z.number().gt(0).max(1).default(1),
  /** Share of features drawn per tree. */
  colsampleByTree: z.number().gt(0).max(1).default(1),
  maxBins: z.int().min(2).max(256).default(255),
  /** Share of the (latest) rows held out for early stopping; 0 = off. */
  validationFraction: z.number().min(0).lt(1).default(0),
  /** Stop after this many rounds without a better validation loss (needs validationFraction > 0); 0 = off. */
  earlyStoppingRounds: z.int().min(0).default(0),
});
export type GradientBoostingParams = z.infer<typeof gradientBoostingSchema>;

function fitBoosting(data: Dataset, ctx: FitContext, params: GradientBoostingParams): TreeModel {
  const kind = 'gradient-boosting';
  const task = params.task;
  const d = prepareFit(data, ctx, { kind, minRows: 4, constantFeatures: 'allow', task });
  const { p, X, y } = d;
  const nVal = params.validationFraction > 0 ? Math.max(1, Math.round(d.n * params.validationFraction)) : 0;
  const n = d.n - nVal;
  const K = task === 'classification' ? (d.nClasses === 2 ? 1 : d.nClasses) : 1;
  const link = task === 'regression' ? 'sum' : K === 1 ? 'sigmoid' : 'softmax';
  const { edges, nBins, binned } = binTraining(X.subarray(0, n * p), n, p, params.maxBins);
  const valBins = nVal > 0 ? applyBins(X.subarray(n * p), nVal, p, edges) : null;
  const grower = new TreeGrower(binned, nBins, edges, 1);
  const rng = modelRng(ctx.seed);
  // initial score: mean (regression), log-odds (binary), log priors (softmax)
  const base = new Float64Array(K);
  if (link === 'sum') {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i]!;
    base[0] = s / n;
  } else {
    const counts = new Float64Array(d.nClasses);
    for (let i = 0; i < n; i++) {
      const c = y[i]!;
      counts[c] = counts[c]! + 1;
    }
    if (K === 1) {
      const q = Math.min(1 - 1e-6, Math.max(1e-6, counts[1]! / n));
      base[0] = Math.log(q / (1 - q));
    } else for (let c = 0; c < K; c++) base[c] = Math.log(Math.max(1e-6, counts[c]! / n));
  }
  const F = new Float64Array(n * K); // training scores
  for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) F[i * K + c] = base[c]!;
  const Fv = new Float64Array(nVal * K);
  for (let i = 0; i < nVal; i++) for (let c = 0; c < K; c++) Fv[i * K + c] = base[c]!;
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const P = new Float64Array(n * K);
  const idx = new Int32Array(n);
  const inBag = new Uint8Array(n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const featPerm = Int32Array.from({ length: p }, (_, j) => j);
  const mRows = Math.max(1, Math.round(params.subsample * n));
  const nFeat = Math.max(1, Math.round(params.colsampleByTree * p));
  const importance = new Float64Array(p);
  const grow: GrowParams = {
    maxDepth: params.maxDepth,
    maxLeaves: params.maxLeaves,
    minChildWeight: params.minChildWeight,
    minSamplesSplit: 2,
    lambda: params.lambda,
    gamma: params.gamma,
    leafScale: params.learningRate,
    mtry: p,
  };
  const trees: FlatTree[] = [];
  let bestLoss = Infinity;
  let bestRound = 0;
  let sinceBest = 0;
  for (let round = 0; round < params.nRounds; round++) {
    // rows for this round
    let m = n;
    if (mRows < n) {
      for (let q = 0; q < mRows; q++) {
        const r = q + rng.int(n - q);
        const tmp = perm[q]!;
        perm[q] = perm[r]!;
        perm[r] = tmp;
      }
      idx.set(perm.subarray(0, mRows));
      idx.subarray(0, mRows).sort();
      m = mRows;
    } else for (let i = 0; i < n; i++) idx[i] = i;
    inBag.fill(0);
    for (let q = 0; q < m; q++) inBag[idx[q]!] = 1;
    // features for this tree
    let allowed = featPerm;
    if (nFeat < p) {
      for (let q = 0; q < nFeat; q++) {
        const r = q + rng.int(p - q);
        const tmp = featPerm[q]!;
        featPerm[q] = featPerm[r]!;
        featPerm[r] = tmp;
      }
      allowed = featPerm.slice(0, nFeat).sort();
    }
    if (link === 'softmax') for (let i = 0; i < n; i++) softmaxInto(F, i * K, K, P);
    for (let c = 0; c < K; c++) {
      // negative gradient and hessian of the loss at the current scores
      if (link === 'sum') {
        for (let i = 0; i < n; i++) {
          g[i] = y[i]! - F[i]!;
          h[i] = 1;
        }
      } else if (link === 'sigmoid') {
        for (let i = 0; i < n; i++) {
          const pi = 1 / (1 + Math.exp(-F[i]!));
          g[i] = y[i]! - pi;
          h[i] = Math.max(pi * (1 - pi), 1e-16);
        }
      } else {
        for (let i = 0; i < n; i++) {
          const pc = P[i * K + c]!;
          g[i] = (y[i] === c ? 1 : 0) - pc;
          h[i] = Math.max(pc * (1 - pc), 1e-16);
        }
      }
      const tree = grower.grow(
        g,
        h,
        idx,
        m,
        allowed,
        grow,
        null,
        (ix, start, end, node) => {
          const v = grower.nodeValue(node, 0);
          for (let t = start; t < end; t++) F[ix[t]! * K + c] = F[ix[t]! * K + c]! + v;
        },
        importance,
      );
      trees.push(tree);
      if (m < n) {
        for (let i = 0; i < n; i++)
          if (inBag[i] === 0) F[i * K + c] = F[i * K + c]! + tree.value[tree.leafOfBinned(binned.bins, p, i)]!;
      }
      if (valBins !== null) {
        for (let i = 0; i < nVal; i++)
          Fv[i * K + c] = Fv[i * K + c]! + tree.value[tree.leafOfBinned(valBins.bins, p, i)]!;
      }
    }
    ctx.onProgress?.(round + 1, params.nRounds, kind);
    if (valBins !== null && params.earlyStoppingRounds > 0) {
      const loss = validationLoss(link, Fv, y.subarray(n), nVal, K);
      if (loss < bestLoss - 1e-12 * Math.abs(bestLoss)) {
        bestLoss = loss;
        bestRound = round + 1;
        sinceBest = 0;
      } else if (++sinceBest >= params.earlyStoppingRounds) break;
    }
  }
  const rounds = valBins !== null && params.earlyStoppingRounds > 0 ? bestRound : trees.length / K;
  return new TreeModel(
    kind,
    task,
    params,
    p,
    task === 'classification' ? d.nClasses : 0,
    link,
    base,
    trees.slice(0, rounds * K),
    importance,
    { rounds, bestValidationLoss: Number.isFinite(bestLoss) ? bestLoss : NaN },
  );
}

function validationLoss(link: string, Fv: Float64Array, y: Float64Array, n: number, K: number): number {
  let s = 0;
  if (link === 'sum') {
    for (let i = 0; i < n; i++) {
      const e = y[i]! - Fv[i]!;
      s += e * e;
    }
  } else if (link === 'sigmoid') {
    for (let i = 0; i < n; i++) {
      const f = Fv[i]!;
      // log(1 + e^f) − y·f, computed stably
      s += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - y[i]! * f;
    }
  } else {
    const P = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      softmaxInto(Fv.subarray(i * K, i * K + K) as Float64Array, 0, K, P);
      s -= Math.log(Math.max(P[y[i]!]!, 1e-300));
    }
  }
  return s / n;
}

export const gradientBoostingKind: ModelKind<GradientBoostingParams> = {
  schema: gradientBoostingSchema,
  tasks: ['regression', 'classification'],
  summary: 'histogram gradient-boosted trees (XGBoost-hist style, early stopping on the latest rows)',
  create: (params) =>
    makeEstimator('gradient-boosting', parseParams('gradient-boosting', gradientBoostingSchema, params), fitBoosting),
  fromJSON: (json) => TreeModel.fromJSON(json, 'gradient-boosting'),
};
