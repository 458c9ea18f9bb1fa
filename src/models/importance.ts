/**
 * Permutation importance (Breiman; scikit-learn's `permutation_importance`) for any fitted model: the rise in loss
 * when one feature's column is shuffled, averaged over `repeats` seeded shuffles. Loss: mean squared error
 * (regression) or error rate (classification). Use held-out rows, not the training rows.
 */
import { dataError } from '../core/index.ts';
import type { FittedModel } from './estimator.ts';
import { modelRng } from './internal/rng.ts';

export interface PermutationImportance {
  /** Mean loss increase per feature (loss units; can be slightly negative for useless features). */
  readonly mean: Float64Array;
  /** Standard deviation of the increase over repeats. */
  readonly std: Float64Array;
  /** Loss with no feature shuffled. */
  readonly baseline: number;
  /** max(mean, 0) normalised to sum 1. */
  readonly normalised: Float64Array;
}

function loss(model: FittedModel, X: Float64Array, n: number, y: Float64Array): number {
  const f = model.predict(X, n);
  let s = 0;
  if (model.task === 'regression') for (let i = 0; i < n; i++) s += (y[i]! - f[i]!) ** 2;
  else for (let i = 0; i < n; i++) s += f[i] === y[i] ? 0 : 1;
  return s / n;
}

export function permutationImportance(
  model: FittedModel,
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  opts: { seed: number; repeats?: number },
): PermutationImportance {
  if (X.length !== n * p || y.length !== n)
    throw dataError(
      `permutationImportance: X must be n·p = ${n * p} values and y n = ${n}; got ${X.length} and ${y.length}.`,
    );
  const repeats = opts.repeats ?? 5;
  const rng = modelRng(opts.seed);
  const baseline = loss(model, X, n, y);
  const work = Float64Array.from(X);
  const perm = new Int32Array(n);
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const d: number[] = [];
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < n; i++) perm[i] = i;
      rng.shuffle(perm);
      for (let i = 0; i < n; i++) work[i * p + j] = X[perm[i]! * p + j]!;
      d.push(loss(model, work, n, y) - baseline);
    }
    for (let i = 0; i < n; i++) work[i * p + j] = X[i * p + j]!;
    const m = d.reduce((a, b) => a + b, 0) / repeats;
    mean[j] = m;
    std[j] = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / repeats);
  }
  const pos = mean.map((v) => Math.max(0, v));
  const tot = pos.reduce((a, b) => a + b, 0);
  return { mean, std, baseline, normalised: tot > 0 ? pos.map((v) => v / tot) : pos };
}
