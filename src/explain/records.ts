/**
 * The compact per-decision record of forecast explanations (stored by ml-forecast in `Decision.diagnostics.explain`
 * and in the run's explanations.json): for each explained row (an asset), the base value, its `top` feature
 * contributions by |φ| and the sum of the rest, so base + Σ top + rest = the model's output exactly; plus each
 * feature's mean |φ| over the rows, which the report averages into global importance.
 */
import type { FittedModel } from '../models/index.ts';
import { ExplainerError } from './errors.ts';
import { explain, type ShapMethod } from './explainer.ts';

export interface ForecastExplanation {
  readonly v: 1;
  readonly method: ShapMethod;
  /** Row labels (asset ids), one per explained row. */
  readonly rows: readonly string[];
  readonly base: readonly number[];
  /** Per row: [feature index, φ] pairs, largest |φ| first. */
  readonly top: readonly (readonly [number, number])[][];
  /**
   * Per row: the value of each `top` feature as the model saw it (scaled), parallel to `top` — the colour of the
   * report's SHAP summary plot. Absent in records written before it was kept.
   */
  readonly topX?: readonly (readonly number[])[];
  /** Per row: Σ of the contributions not in `top`. */
  readonly rest: readonly number[];
  /** Per feature: mean |φ| over the rows. */
  readonly meanAbs: readonly number[];
  /** Sampling only: the largest standard error of any value (see sampling.ts). */
  readonly maxStandardError?: number;
}

export interface ExplainForecastsOptions {
  /** Contributions kept per row (default 5). */
  readonly top?: number;
  readonly rows?: readonly string[];
  readonly background?: Float64Array;
  readonly seed?: number;
  /** Sampling pairs per row (default 8: forecasts are explained at every decision, so this stays cheap). */
  readonly pairs?: number;
}

/** Explains the model's output on each row of X (n × featureNames.length) and keeps the compact record. */
export function explainForecasts(
  model: FittedModel,
  X: Float64Array,
  featureNames: readonly string[],
  options: ExplainForecastsOptions = {},
): ForecastExplanation {
  const p = featureNames.length;
  const n = p > 0 ? X.length / p : 0;
  if (!Number.isInteger(n)) throw new ExplainerError(`X has ${X.length} values, not whole rows of ${p} features.`);
  const k = Math.min(options.top ?? 5, p);
  const ex = explain(model, X, n, {
    featureNames,
    ...(options.background ? { background: options.background } : {}),
    seed: options.seed ?? 0,
    pairs: options.pairs ?? 8,
    ...(model.task === 'classification' && model.predictProba ? { output: classOutput(model, X, n) } : {}),
  });
  const top: [number, number][][] = [];
  const topX: number[][] = [];
  const rest: number[] = [];
  const meanAbs = new Array<number>(p).fill(0);
  const order = Array.from({ length: p }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const phi = ex.values.subarray(i * p, i * p + p);
    for (let j = 0; j < p; j++) meanAbs[j] = meanAbs[j]! + Math.abs(phi[j]!) / n;
    order.sort((a, b) => Math.abs(phi[b]!) - Math.abs(phi[a]!) || a - b);
    const kept = order.slice(0, k);
    top.push(kept.map((j) => [j, phi[j]!] as [number, number]));
    topX.push(kept.map((j) => X[i * p + j]!));
    let r = 0;
    for (const j of order.slice(k)) r += phi[j]!;
    rest.push(r);
  }
  let maxSe = 0;
  if (ex.standardErrors) for (const s of ex.standardErrors) maxSe = Math.max(maxSe, Number.isFinite(s) ? s : 0);
  return {
    v: 1,
    method: ex.method,
    rows: options.rows ? [...options.rows] : Array.from({ length: n }, (_, i) => String(i)),
    base: Array.from(ex.baseValues),
    top,
    topX,
    rest,
    meanAbs,
    ...(ex.standardErrors ? { maxStandardError: maxSe } : {}),
  };
}

/** The class whose probability a classifier's forecast reads most (the top class, as ml-forecast scores it). */
function classOutput(model: FittedModel, X: Float64Array, n: number): number {
  const P = model.predictProba!(X.subarray(0, Math.min(n, 1) * (X.length / Math.max(n, 1))), Math.min(n, 1));
  return Math.max(0, P.length - 1);
}

/** Global importance: mean |φ| per feature over many records (each weighted by its row count). */
export function globalImportance(records: readonly ForecastExplanation[], p: number): number[] {
  const out = new Array<number>(p).fill(0);
  let rows = 0;
  for (const r of records) {
    const m = r.rows.length;
    for (let j = 0; j < p; j++) out[j] = out[j]! + (r.meanAbs[j] ?? 0) * m;
    rows += m;
  }
  return rows > 0 ? out.map((v) => v / rows) : out;
}

/** base + Σ top + rest for row i: the model output the record explains. */
export function recordOutput(r: ForecastExplanation, i: number): number {
  let s = r.base[i]! + r.rest[i]!;
  for (const [, v] of r.top[i]!) s += v;
  return s;
}
