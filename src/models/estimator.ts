/**
 * The estimator contract every Keel forecaster follows (classic and neural), in the spirit of scikit-learn's:
 * parameters in (plain JSON, validated by the kind's zod schema, frozen), all work in `fit`, and `fit` returns a
 * separate `FittedModel`, so `predict` before `fit` is a type error. Fitting never mutates its input, uses only the
 * rows dated ≤ `ctx.asOf`, and is a pure function of (params, data, seed). A fitted model serialises to JSON and
 * comes back through `modelKinds[kind].fromJSON` with identical predictions.
 */
import type { z } from 'zod';
import { dataError, usageError } from '../core/index.ts';

/** A calendar date as `YYYY-MM-DD` (same as `data/`'s IsoDate). */
export type IsoDate = string;

export interface FitContext {
  /** Last date whose information the fit may use; rows with `sampleDates[i] > asOf` are dropped inside fit. */
  readonly asOf: IsoDate;
  /** Seed of every random choice made by the fit (bootstrap, feature sampling, initialisation). */
  readonly seed: number;
  readonly onProgress?: (done: number, total: number, note?: string) => void;
}

/** n samples × p features, row-major (`X[i * p + j]`). Sequence models: p = steps × nFeatures with `steps` set. */
export interface Dataset {
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly steps?: number;
  /** Regression target, or class labels 0..k−1 stored as numbers. */
  readonly y: Float64Array;
  readonly featureNames: readonly string[];
  /** Date each sample's label became known; fit keeps only rows dated ≤ asOf. */
  readonly sampleDates?: readonly IsoDate[];
  readonly sampleAssets?: readonly string[];
  /**
   * One non-negative weight per row: its share in the loss (scikit-learn's `sample_weight`). Only kinds with
   * `sampleWeights: true` take them; every other kind refuses a dataset that carries them (never ignores them).
   */
  readonly sampleWeights?: Float64Array;
}

export interface Estimator<P> {
  readonly kind: string;
  readonly params: P;
  fit(data: Dataset, ctx: FitContext): FittedModel;
}

export type Task = 'regression' | 'classification';

export interface ModelJSON {
  readonly kind: string;
  readonly version: 1;
  readonly params: unknown;
  readonly state: unknown;
}

export interface FittedModel {
  readonly kind: string;
  readonly task: Task;
  /** n predictions: the regression value, or the class label 0..k−1. */
  predict(X: Float64Array, n: number): Float64Array;
  /** Predictive variance per row, where the model has one (Bayesian linear regression). */
  predictVariance?(X: Float64Array, n: number): Float64Array;
  /** n × k class probabilities, row-major. */
  predictProba?(X: Float64Array, n: number): Float64Array;
  /** One non-negative number per feature, summing to 1 (or all zero when nothing was learned). */
  featureImportance?(): Float64Array;
  toJSON(): ModelJSON;
}

/** What each entry of `modelKinds` provides. */
export interface ModelKind<P = unknown> {
  /** zod strictObject of the params, every field defaulted. */
  readonly schema: z.ZodType<P>;
  readonly tasks: readonly Task[];
  readonly summary: string;
  /** One line for `keel schema` / docs (config's KindEntry reads this; the registry fills it from `summary`). */
  readonly description?: string;
  /** Validates `params` with `schema` (missing fields get defaults) and returns an unfitted estimator. */
  create(params?: unknown): Estimator<P>;
  fromJSON(json: ModelJSON): FittedModel;
  /** True when `fit` uses `Dataset.sampleWeights`; absent = the kind refuses weighted datasets. */
  readonly sampleWeights?: boolean;
}

// ---------------------------------------------------------------- late-bound registry (avoids an import cycle:
// ensembles need the registry, the registry lists ensembles). registry.ts sets it when it loads.
let registry: Readonly<Record<string, ModelKind<any>>> | null = null;

/** @internal Called once by registry.ts. */
export function bindModelRegistry(table: Readonly<Record<string, ModelKind<any>>>): void {
  registry = table;
}

/** The `modelKinds` entry for `kind`, or a one-line usage error listing the known kinds. */
export function lookupKind(kind: string): ModelKind<any> {
  const table = registry;
  if (table === null) throw usageError('model registry is not loaded; import models through src/models/index.ts.');
  const entry = table[kind];
  if (entry === undefined) {
    throw usageError(`unknown model kind "${kind}". Known kinds: ${Object.keys(table).join(', ')}.`);
  }
  return entry;
}

/** Rebuilds any fitted model from its JSON (dispatches on `json.kind`). */
export function modelFromJSON(json: ModelJSON): FittedModel {
  if (json === null || typeof json !== 'object' || json.version !== 1) {
    throw dataError(
      `model JSON must be { kind, version: 1, params, state }, got version ${String((json as { version?: unknown })?.version)}.`,
    );
  }
  return lookupKind(json.kind).fromJSON(json);
}

/** scikit-learn's `get_params`: a deep copy of the estimator's validated params. */
export function getParams<P>(est: Estimator<P>): P {
  return structuredClone(est.params);
}

/** scikit-learn's `clone`: a fresh unfitted estimator of the same kind, optionally with some params changed. */
export function cloneEstimator<P>(est: Estimator<P>, changes?: Partial<P>): Estimator<P> {
  return lookupKind(est.kind).create({ ...structuredClone(est.params), ...(changes ?? {}) }) as Estimator<P>;
}

/** Freezes a params object (and nested arrays/objects) so an estimator's params cannot drift after creation. */
export function freezeParams<P>(params: P): P {
  if (params !== null && typeof params === 'object') {
    for (const v of Object.values(params as object)) freezeParams(v);
    Object.freeze(params);
  }
  return params;
}

// ---------------------------------------------------------------- helpers every fit uses

export interface PrepareRules {
  readonly kind: string;
  /** Fewest rows (after the asOf cut) the model can be fitted on. */
  readonly minRows: number;
  /** 'error': a feature constant over the training rows is rejected (models that standardise or invert). */
  readonly constantFeatures: 'error' | 'allow';
  readonly task: Task;
  /** True when the model uses `data.sampleWeights` (then returned as `w`); otherwise weighted data are refused. */
  readonly sampleWeights?: boolean;
}

export interface PreparedData {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly featureNames: readonly string[];
  /** Number of classes (classification), else 0. */
  readonly nClasses: number;
  /** Sample weights of the kept rows (only for models that take them, and only when the data carry them). */
  readonly w?: Float64Array;
}

/**
 * Validates a dataset and keeps only rows dated ≤ asOf. Returns views (no copy) when every row is kept; never
 * writes into `data`. Every failure is one line naming the rule, the value and the fix.
 */
export function prepareFit(data: Dataset, ctx: FitContext, rules: PrepareRules): PreparedData {
  const { kind } = rules;
  const { n, p } = data;
  if (!Number.isInteger(n) || !Number.isInteger(p) || n < 0 || p < 1) {
    throw dataError(`${kind}: dataset needs integer n ≥ 0 and p ≥ 1, got n=${n}, p=${p}.`);
  }
  if (data.X.length !== n * p)
    throw dataError(`${kind}: X has ${data.X.length} values, expected n·p = ${n}·${p} = ${n * p}.`);
  if (data.y.length !== n) throw dataError(`${kind}: y has ${data.y.length} values, expected n = ${n}.`);
  if (data.featureNames.length !== p) {
    throw dataError(`${kind}: featureNames has ${data.featureNames.length} names, expected p = ${p}.`);
  }
  if (!Number.isInteger(ctx.seed)) throw usageError(`${kind}: seed must be an integer, got ${ctx.seed}.`);
  const sw = data.sampleWeights;
  if (sw !== undefined) {
    if (!rules.sampleWeights)
      throw usageError(
        `${kind}: does not take sample weights, but the training data carry them; use a model that does (ols, ridge, lasso, elastic-net, decision-tree, random-forest) or drop the weights (sampleWeights: none).`,
      );
    if (sw.length !== n) throw dataError(`${kind}: sampleWeights has ${sw.length} values, expected n = ${n}.`);
    for (let i = 0; i < n; i++)
      if (!(Number.isFinite(sw[i]!) && sw[i]! >= 0))
        throw dataError(`${kind}: sample weight ${sw[i]} at row ${i} is not a finite number ≥ 0; fix the weights.`);
  }
  let X = data.X;
  let y = data.y;
  let w = sw;
  let m = n;
  const dates = data.sampleDates;
  if (dates !== undefined) {
    if (dates.length !== n) throw dataError(`${kind}: sampleDates has ${dates.length} dates, expected n = ${n}.`);
    let keep = 0;
    for (let i = 0; i < n; i++) if (dates[i]! <= ctx.asOf) keep++;
    if (keep < n) {
      const Xk = new Float64Array(keep * p);
      const yk = new Float64Array(keep);
      const wk = sw ? new Float64Array(keep) : undefined;
      let r = 0;
      for (let i = 0; i < n; i++) {
        if (dates[i]! > ctx.asOf) continue;
        Xk.set(X.subarray(i * p, i * p + p), r * p);
        if (wk) wk[r] = sw![i]!;
        yk[r++] = y[i]!;
      }
      X = Xk;
      y = yk;
      w = wk;
      m = keep;
    }
  }
  if (m < rules.minRows) {
    throw dataError(
      `${kind}: needs at least ${rules.minRows} training rows dated ≤ ${ctx.asOf}, got ${m}. Lengthen the training window or pick a simpler model.`,
    );
  }
  for (let i = 0; i < m * p; i++) {
    if (!Number.isFinite(X[i]!)) {
      const r = Math.floor(i / p);
      throw dataError(
        `${kind}: feature "${data.featureNames[i % p]}" is ${X[i]} at training row ${r}; models need finite features. Impute or drop such rows first.`,
      );
    }
  }
  let nClasses = 0;
  for (let i = 0; i < m; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v))
      throw dataError(`${kind}: target is ${v} at training row ${i}; drop rows without a label first.`);
    if (rules.task === 'classification') {
      if (!Number.isInteger(v) || v < 0) {
        throw dataError(
          `${kind}: class labels must be integers 0..k−1, got ${v} at row ${i}. Encode classes as 0, 1, 2, ….`,
        );
      }
      if (v + 1 > nClasses) nClasses = v + 1;
    }
  }
  if (rules.task === 'classification' && nClasses < 2) {
    throw dataError(
      `${kind}: classification needs at least 2 classes in the training rows, got ${nClasses}. Widen the window or change the label.`,
    );
  }
  if (rules.constantFeatures === 'error') {
    for (let j = 0; j < p; j++) {
      const first = X[j]!;
      let constant = true;
      for (let i = 1; i < m && constant; i++) if (X[i * p + j] !== first) constant = false;
      if (constant) {
        throw dataError(
          `${kind}: feature "${data.featureNames[j]}" is constant (${first}) over the ${m} training rows; it carries no information and breaks standardisation. Drop it.`,
        );
      }
    }
  }
  if (w !== undefined && m > 0 && !(w.reduce((a, b) => a + b, 0) > 0))
    throw dataError(`${kind}: every sample weight of the ${m} training rows is 0; nothing to fit.`);
  return { X, y, n: m, p, featureNames: data.featureNames, nClasses, ...(w !== undefined ? { w } : {}) };
}

/** Checks a predict call's input shape against the fitted feature count. */
export function checkPredictInput(kind: string, X: Float64Array, n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0 || X.length !== n * p) {
    throw dataError(`${kind}: predict expects n·p = ${n}·${p} = ${n * p} values (p fitted features), got ${X.length}.`);
  }
}

/** Reads a JSON state field that must be a number array, as a Float64Array. */
export function f64(v: unknown, what: string): Float64Array {
  if (!Array.isArray(v)) throw dataError(`model JSON: ${what} must be an array of numbers.`);
  return Float64Array.from(v as number[]);
}

/** Typed array → plain number array for JSON. Non-finite values become null (JSON has no Infinity/NaN). */
export function arr(a: ArrayLike<number>): number[] {
  return Array.from(a);
}

/** Checks a model JSON's kind before a kind-specific fromJSON reads it. */
export function expectKind(json: ModelJSON, kind: string): void {
  if (json.kind !== kind || json.version !== 1) {
    throw dataError(
      `model JSON is kind "${json.kind}" version ${String(json.version)}; expected kind "${kind}" version 1.`,
    );
  }
}

/** Normalises a non-negative vector to sum 1 (all zeros stay zeros). */
export function normalise(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x;
  if (s > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / s;
  return v;
}

/** Builds an estimator object: validated params frozen at creation, no work until `fit`. */
export function makeEstimator<P>(
  kind: string,
  params: P,
  fit: (data: Dataset, ctx: FitContext, params: P) => FittedModel,
): Estimator<P> {
  const frozen = freezeParams(structuredClone(params));
  return Object.freeze({ kind, params: frozen, fit: (data: Dataset, ctx: FitContext) => fit(data, ctx, frozen) });
}

/** Parses params with a kind's schema, turning zod's report into one line naming the kind. */
export function parseParams<P>(kind: string, schema: z.ZodType<P>, input: unknown): P {
  const r = schema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(params)';
    throw usageError(
      `model "${kind}" param ${where}: ${issue?.message ?? 'invalid'}. See modelKinds["${kind}"].schema for the allowed params.`,
    );
  }
  return r.data;
}
