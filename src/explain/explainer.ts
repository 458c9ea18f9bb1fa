/**
 * `explain(model, X, n, options)`: SHAP values of any fitted Keel model, dispatched on what the model is.
 *
 *   tree models (decision tree, forest, boosting) → exact TreeSHAP, path-dependent or interventional
 *   linear models (ols, ridge, lasso, elastic net)  → exact: φ_j = coef_j · (x_j − mean_j), mean over the background
 *   anything else (SVM, neural, Bayesian, ensembles) → permutation sampling, seeded, with a standard error per value
 *
 * The mode is a closed literal (shap's TreeExplainer): 'auto' is interventional when a background is given, else
 * path-dependent for trees; 'tree_path_dependent' with a background, or without covers, throws with the fix.
 * Additivity (base + Σφ = model output) is checked by default on every row against the model's own prediction.
 */
import { createRng } from '../core/index.ts';
import { LinearModel, TreeModel, type FittedModel } from '../models/index.ts';
import { DimensionError, ExplainerError, InvalidModelError } from './errors.ts';
import { samplingShap, type OutputFn } from './sampling.ts';
import { fromKeelTrees, ensembleOutput, type TreeEnsembleForm } from './tree-form.ts';
import { pathExpectedValue, treeShapInterventional, treeShapPathDependentRows } from './tree-shap.ts';

export const shapModes = ['auto', 'interventional', 'tree_path_dependent'] as const;
export type ShapMode = (typeof shapModes)[number];

export type ShapMethod = 'tree-path-dependent' | 'tree-interventional' | 'linear' | 'sampling';

/** shap's `Explanation`: n rows × p features of SHAP values and what they explain. */
export interface Explanation {
  readonly method: ShapMethod;
  readonly n: number;
  readonly p: number;
  /** n × p row-major SHAP values, in the model's raw output units (a return forecast for Keel's regressors). */
  readonly values: Float64Array;
  /** n base values (the expected output the values move away from). */
  readonly baseValues: Float64Array;
  /** The explained inputs, n × p (a copy). */
  readonly data: Float64Array;
  readonly featureNames: readonly string[];
  /** Sampling only: n × p standard errors (see sampling.ts for the bound). */
  readonly standardErrors?: Float64Array;
  /** max over rows of |base + Σφ − model output| (0 when the check was skipped and not computed). */
  readonly additivityError: number;
}

export interface ExplainOptions {
  readonly featureNames?: readonly string[];
  readonly mode?: ShapMode;
  /** Background rows (nBackground × p), required for linear and model-agnostic explanations. */
  readonly background?: Float64Array;
  readonly nBackground?: number;
  /** Output explained: class index for classifiers (raw score for boosting, probability otherwise); default 0. */
  readonly output?: number;
  /** Check base + Σφ against the model's output (default true). */
  readonly checkAdditivity?: boolean;
  /** Sampling: antithetic permutation pairs per row (default 32) and seed (default 0). */
  readonly pairs?: number;
  readonly seed?: number;
}

/** Additivity tolerance: 1e-9 relative to the larger of |f(x)|, Σ|φ| and 1 (rounding of long sums, not model error). */
const ADDITIVITY_RTOL = 1e-9;

export function explain(model: FittedModel, X: Float64Array, n: number, options: ExplainOptions = {}): Explanation {
  const p = featureCount(model, X, n);
  const names = options.featureNames ?? Array.from({ length: p }, (_, j) => `x${j}`);
  if (names.length !== p)
    throw new DimensionError(`featureNames has ${names.length} names for ${p} features; give one per column.`);
  const bg = background(options, p);
  const mode = options.mode ?? 'auto';
  if (!(shapModes as readonly string[]).includes(mode))
    throw new ExplainerError(`mode "${mode}" is unknown; use one of ${shapModes.join(', ')}.`);
  const values = new Float64Array(n * p);
  const baseValues = new Float64Array(n);
  let method: ShapMethod;
  let standardErrors: Float64Array | undefined;
  let modelOut: Float64Array;
  if (model instanceof TreeModel) {
    const form = formOf(model, options.output ?? 0);
    const interventional = mode === 'interventional' || (mode === 'auto' && bg !== null);
    if (interventional) {
      if (bg === null)
        throw new ExplainerError(
          'interventional TreeSHAP needs background rows; pass background (e.g. 100–1000 training rows) or use mode tree_path_dependent.',
        );
      method = 'tree-interventional';
      let b = 0;
      for (let r = 0; r < bg.n; r++) b += ensembleOutput(form, bg.X, r);
      baseValues.fill(b / bg.n);
      for (let i = 0; i < n; i++) treeShapInterventional(form, X, i, bg.X, bg.n, values, i * p);
    } else {
      if (bg !== null)
        throw new ExplainerError(
          'mode tree_path_dependent ignores a background; drop the background or use mode interventional.',
        );
      requireCovers(form, model.kind);
      method = 'tree-path-dependent';
      baseValues.fill(pathExpectedValue(form));
      treeShapPathDependentRows(form, X, n, values);
    }
    const raw = model.rawScores(X, n);
    const K = model.outputs;
    modelOut = Float64Array.from({ length: n }, (_, i) => raw[i * K + (options.output ?? 0)]!);
  } else if (model instanceof LinearModel) {
    if (mode === 'tree_path_dependent')
      throw new ExplainerError(`mode tree_path_dependent needs a tree model, not ${model.kind}; use mode auto.`);
    const means = bg === null ? null : columnMeans(bg.X, bg.n, p);
    if (means === null)
      throw new ExplainerError(
        `linear SHAP of ${model.kind} needs background rows for the feature means; pass background (the training rows).`,
      );
    method = 'linear';
    let b = model.intercept;
    for (let j = 0; j < p; j++) b += model.coef[j]! * means[j]!;
    baseValues.fill(b);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < p; j++) values[i * p + j] = model.coef[j]! * (X[i * p + j]! - means[j]!);
    modelOut = model.predict(X, n);
  } else {
    if (mode === 'tree_path_dependent')
      throw new ExplainerError(`mode tree_path_dependent needs a tree model, not ${model.kind}; use mode auto.`);
    if (bg === null)
      throw new ExplainerError(
        `model-agnostic SHAP of ${model.kind} needs background rows; pass background (e.g. 20–100 training rows).`,
      );
    method = 'sampling';
    const f = outputFn(model, options.output ?? 0);
    const rng = createRng(options.seed ?? 0);
    const pairs = options.pairs ?? 32;
    if (!Number.isInteger(pairs) || pairs < 2)
      throw new ExplainerError(`pairs must be an integer ≥ 2 (for a standard error), got ${pairs}.`);
    standardErrors = new Float64Array(n * p);
    modelOut = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = samplingShap(f, X.slice(i * p, i * p + p), bg.X, bg.n, pairs, rng.fork(i));
      values.set(r.phi, i * p);
      standardErrors.set(r.standardError, i * p);
      baseValues[i] = r.base;
      modelOut[i] = r.fx;
    }
  }
  const additivityError = checkAdditivity(
    values,
    baseValues,
    modelOut,
    n,
    p,
    options.checkAdditivity ?? true,
    model.kind,
  );
  return {
    method,
    n,
    p,
    values,
    baseValues,
    data: X.slice(0, n * p),
    featureNames: [...names],
    ...(standardErrors ? { standardErrors } : {}),
    additivityError,
  };
}

/** Path-dependent SHAP of a prepared flat ensemble (XGBoost dumps, tests), additivity checked against its output. */
export function explainEnsemble(
  form: TreeEnsembleForm,
  X: Float64Array,
  n: number,
): { values: Float64Array; base: number; additivityError: number } {
  const p = form.nFeatures;
  requireCovers(form, 'tree ensemble');
  const values = new Float64Array(n * p);
  treeShapPathDependentRows(form, X, n, values);
  const base = pathExpectedValue(form);
  const out = Float64Array.from({ length: n }, (_, i) => ensembleOutput(form, X, i));
  const additivityError = checkAdditivity(values, new Float64Array(n).fill(base), out, n, p, true, 'tree ensemble');
  return { values, base, additivityError };
}

/**
 * The flat form of a tree model's output, made once per model: a study explains the same model at every decision
 * until its next refit, and the form carries the TreeSHAP tables built on first use (models are immutable).
 */
const forms = new WeakMap<TreeModel, Map<number, TreeEnsembleForm>>();

function formOf(model: TreeModel, output: number): TreeEnsembleForm {
  let byOutput = forms.get(model);
  if (!byOutput) forms.set(model, (byOutput = new Map()));
  let form = byOutput.get(output);
  if (!form) byOutput.set(output, (form = fromKeelTrees(model, output)));
  return form;
}

function requireCovers(form: TreeEnsembleForm, kind: string): void {
  if (form.trees.some((t) => t.nodeSampleWeight === null))
    throw new InvalidModelError(
      `path-dependent TreeSHAP needs node covers, and this ${kind} was saved before Keel recorded them; refit the model, or pass background rows (interventional mode).`,
    );
}

function checkAdditivity(
  values: Float64Array,
  base: Float64Array,
  out: Float64Array,
  n: number,
  p: number,
  check: boolean,
  kind: string,
): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = base[i]!;
    let abs = Math.abs(base[i]!);
    for (let j = 0; j < p; j++) {
      s += values[i * p + j]!;
      abs += Math.abs(values[i * p + j]!);
    }
    const err = Math.abs(s - out[i]!);
    worst = Math.max(worst, err);
    if (check && !(err <= ADDITIVITY_RTOL * Math.max(1, abs, Math.abs(out[i]!))))
      throw new ExplainerError(
        `SHAP additivity failed for row ${i} of the ${kind}: base + Σφ = ${s} but the model output is ${out[i]} (difference ${err.toExponential(3)}); this is a bug worth reporting — pass checkAdditivity: false to skip the check.`,
      );
  }
  return worst;
}

function featureCount(model: FittedModel, X: Float64Array, n: number): number {
  const m = model as { p?: number; coef?: Float64Array };
  const p = m.p ?? m.coef?.length ?? (n > 0 ? X.length / n : 0);
  if (!Number.isInteger(n) || n < 0 || X.length !== n * p)
    throw new DimensionError(
      `X has ${X.length} values, which is not ${n} rows × ${p} features of the ${model.kind}; pass n × p row-major values.`,
    );
  return p;
}

function background(o: ExplainOptions, p: number): { X: Float64Array; n: number } | null {
  if (o.background === undefined) return null;
  const n = o.nBackground ?? o.background.length / p;
  if (!Number.isInteger(n) || n < 1 || o.background.length !== n * p)
    throw new DimensionError(
      `background has ${o.background.length} values, which is not whole rows of ${p} features; pass nBackground × ${p} row-major values.`,
    );
  return { X: o.background, n };
}

function columnMeans(X: Float64Array, n: number, p: number): Float64Array {
  const m = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] = m[j]! + X[i * p + j]!;
  for (let j = 0; j < p; j++) m[j] = m[j]! / n;
  return m;
}

/**
 * The explained output of a non-tree model: predict for regressors, class `output`'s probability for classifiers
 * with probabilities, the predicted class label for classifiers without (an SVC's decision is its label).
 */
function outputFn(model: FittedModel, output: number): OutputFn {
  if (model.task === 'regression' || !model.predictProba) return (X, n) => model.predict(X, n);
  return (X, n) => {
    const P = model.predictProba!(X, n);
    const K = P.length / Math.max(1, n);
    return Float64Array.from({ length: n }, (_, i) => P[i * K + output]!);
  };
}
