/**
 * Distillation: a shallow regression tree (Keel's own CART, depth ≤ 4) fitted to a complex model's forecasts on its
 * training window, so a person can read what the model does there. Fidelity is R² of the tree to the model's
 * forecasts on the same rows (not to the targets): 1 − Σ(f − g)² / Σ(f − f̄)².
 */
import { modelKinds, type FittedModel, type TreeModel } from '../models/index.ts';
import { ExplainerError } from './errors.ts';

export interface Distillation {
  readonly tree: TreeModel;
  /** R² of the tree to the model's forecasts on the window's rows. */
  readonly fidelity: number;
  /** One line per leaf: "if a ≤ 0.1 and b > 2 then 0.0031 (n = 40)". */
  readonly rules: readonly string[];
  readonly n: number;
}

export interface DistillOptions {
  /** 1 … 4 (default 3). */
  readonly maxDepth?: number;
  /** Least rows per leaf (default 5 % of the window, at least 5). */
  readonly minSamplesLeaf?: number;
  /** Decimal digits of thresholds and leaf values in the rules (default 4 significant). */
  readonly digits?: number;
  /**
   * The model's outputs on X (`model.predict(X, n)`) when the caller already has them: a refit computes them for
   * calibration, and predicting a neural model's training window again costs as much as the rest of the distillation.
   */
  readonly predictions?: Float64Array;
}

export function distill(
  model: FittedModel,
  X: Float64Array,
  n: number,
  featureNames: readonly string[],
  options: DistillOptions = {},
): Distillation {
  const p = featureNames.length;
  const depth = options.maxDepth ?? 3;
  if (!Number.isInteger(depth) || depth < 1 || depth > 4)
    throw new ExplainerError(`maxDepth must be 1–4 for a readable tree, got ${depth}.`);
  if (X.length !== n * p)
    throw new ExplainerError(`X has ${X.length} values, not ${n} rows × ${p} features; pass one name per column.`);
  if (n < 10) throw new ExplainerError(`distillation needs at least 10 rows, got ${n}; use a longer training window.`);
  const given = options.predictions;
  if (given && given.length !== n)
    throw new ExplainerError(`predictions has ${given.length} values for ${n} rows; pass model.predict(X, n).`);
  const f = given ?? model.predict(X, n);
  const tree = modelKinds['decision-tree']!.create({
    maxDepth: depth,
    minSamplesLeaf: options.minSamplesLeaf ?? Math.max(5, Math.round(0.05 * n)),
  }).fit({ X, y: f, n, p, featureNames }, { asOf: '9999-12-31', seed: 0 }) as TreeModel;
  const g = tree.predict(X, n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += f[i]!;
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (f[i]! - g[i]!) ** 2;
    sst += (f[i]! - mean) ** 2;
  }
  const fidelity = sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0;
  return { tree, fidelity, rules: treeRules(tree, featureNames, options.digits ?? 4), n };
}

/** The rules of a one-tree model, one line per leaf, left to right. */
export function treeRules(model: TreeModel, featureNames: readonly string[], digits = 4): string[] {
  const t = model.trees[0];
  if (!t) return [];
  const fmt = (x: number) => Number(x.toPrecision(digits)).toString();
  const out: string[] = [];
  const walk = (node: number, conds: string[]): void => {
    const f = t.feature[node]!;
    if (f < 0) {
      const cover = t.cover ? ` (n = ${Math.round(t.cover[node]!)})` : '';
      out.push(`${conds.length ? `if ${conds.join(' and ')} then ` : ''}${fmt(t.value[node * t.k]!)}${cover}`);
      return;
    }
    const name = featureNames[f] ?? `x${f}`;
    walk(t.left[node]!, [...conds, `${name} ≤ ${fmt(t.threshold[node]!)}`]);
    walk(t.right[node]!, [...conds, `${name} > ${fmt(t.threshold[node]!)}`]);
  };
  walk(0, []);
  return out;
}
