/**
 * Feature matrix builder: panel (+ point-in-time records) → per-date, per-asset feature columns, and from them
 * pooled training sets (one row per (date, asset), `sampleDates` = the date the LABEL became known) and
 * prediction rows at one date. The dataset shape matches models' `Dataset` structurally (features sit left of
 * models in the pipeline, so the type is restated here).
 */
import { configError, dataError } from '../core/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';
import type { Feature, FeatureInput } from './feature.ts';
import type { TargetSeries } from './targets.ts';

/** Structurally identical to models' `Dataset`. */
export interface FeatureDataset {
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly y: Float64Array;
  readonly featureNames: readonly string[];
  readonly sampleDates: readonly IsoDate[];
  readonly sampleAssets: readonly string[];
  /** One non-negative weight per row (its share in the loss), e.g. `uniquenessWeights`; absent = all equal. */
  readonly sampleWeights?: Float64Array;
}

/** Every feature column over the whole panel, in spec order. */
export interface FeatureMatrix {
  readonly names: readonly string[];
  /** Feature name (from `Feature.name`) owning each column, for error messages. */
  readonly owners: readonly string[];
  /** Each nDates × nAssets row-major. */
  readonly columns: readonly Float64Array[];
  readonly dates: readonly IsoDate[];
  readonly assets: readonly string[];
  /** Longest warm-up over the features (bars). */
  readonly warmup: number;
}

export function computeFeatures(features: readonly Feature[], input: FeatureInput): FeatureMatrix {
  if (features.length === 0)
    throw configError('the feature list is empty; add at least one feature (e.g. { kind: momentum }).');
  const names: string[] = [];
  const owners: string[] = [];
  const columns: Float64Array[] = [];
  const size = input.panel.nDates * input.panel.nAssets;
  for (const f of features) {
    const block = f.compute(input);
    block.names.forEach((name, i) => {
      const col = block.values[i]!;
      if (col.length !== size)
        throw dataError(
          `feature "${f.name}" column "${name}" has ${col.length} values, expected nDates × nAssets = ${size}.`,
        );
      if (names.includes(name))
        throw configError(
          `feature column "${name}" is produced twice (by "${owners[names.indexOf(name)]}" and "${f.name}"); give the features different parameters.`,
        );
      names.push(name);
      owners.push(f.name);
      columns.push(col);
    });
  }
  return {
    names,
    owners,
    columns,
    dates: input.panel.dates,
    assets: input.panel.assets,
    warmup: features.reduce((m, f) => Math.max(m, f.warmup), 0),
  };
}

export interface TrainingWindow {
  /** Decision index T: training may use only labels known at the close of T. */
  readonly decisionIndex: number;
  /** Extra bars dropped after the purge (embargo), ≥ 0. */
  readonly embargo?: number;
  /** Earliest sample index (default 0), e.g. decisionIndex − lookback. */
  readonly firstIndex?: number;
  /** Keep every `stride`-th date (default 1) to thin overlapping labels and save time. */
  readonly stride?: number;
}

/**
 * Pooled training rows with t + horizon + embargo ≤ decisionIndex (purge + embargo), t ≥ firstIndex, every feature
 * and the label finite. Dates are walked backwards from the newest usable one so strides end on the freshest data.
 */
export function trainingSet(fm: FeatureMatrix, target: TargetSeries, window: TrainingWindow): FeatureDataset {
  const { columns, assets, dates } = fm;
  const nA = assets.length;
  const p = columns.length;
  const last = window.decisionIndex - target.horizon - (window.embargo ?? 0);
  const first = Math.max(0, window.firstIndex ?? 0);
  const stride = Math.max(1, window.stride ?? 1);
  const ts: number[] = [];
  for (let t = last; t >= first; t -= stride) ts.push(t);
  ts.reverse();
  const X: number[] = [];
  const y: number[] = [];
  const sampleDates: IsoDate[] = [];
  const sampleAssets: string[] = [];
  const row = new Float64Array(p);
  for (const t of ts) {
    for (let a = 0; a < nA; a++) {
      const label = target.values[t * nA + a]!;
      if (!Number.isFinite(label)) continue;
      let ok = true;
      for (let j = 0; j < p; j++) {
        const v = columns[j]![t * nA + a]!;
        if (!Number.isFinite(v)) {
          ok = false;
          break;
        }
        row[j] = v;
      }
      if (!ok) continue;
      for (let j = 0; j < p; j++) X.push(row[j]!);
      y.push(label);
      sampleDates.push(dates[t + target.horizon]!);
      sampleAssets.push(assets[a]!);
    }
  }
  return {
    X: Float64Array.from(X),
    n: y.length,
    p,
    y: Float64Array.from(y),
    featureNames: fm.names,
    sampleDates,
    sampleAssets,
  };
}

export interface PredictionRows {
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  /** Asset index (into fm.assets) of each row: assets with a missing feature at t are left out. */
  readonly assetIndex: readonly number[];
}

/** One row per asset whose features are all finite at date index t. */
export function predictionRows(fm: FeatureMatrix, t: number): PredictionRows {
  const nA = fm.assets.length;
  const p = fm.columns.length;
  const X: number[] = [];
  const assetIndex: number[] = [];
  for (let a = 0; a < nA; a++) {
    const vals: number[] = [];
    for (let j = 0; j < p; j++) vals.push(fm.columns[j]![t * nA + a]!);
    if (vals.every(Number.isFinite)) {
      X.push(...vals);
      assetIndex.push(a);
    }
  }
  return { X: Float64Array.from(X), n: assetIndex.length, p, assetIndex };
}

/**
 * Builds the whole pooled dataset of a panel: features and a target, every (date, asset) row with finite values
 * and a known label. Convenience for research and tests; walk-forward code uses `trainingSet` per refit.
 */
export function buildDataset(features: readonly Feature[], input: FeatureInput, target: TargetSeries): FeatureDataset {
  const fm = computeFeatures(features, input);
  return trainingSet(fm, target, { decisionIndex: input.panel.nDates - 1 });
}

/** Index of the last panel date ≤ asOf, as a convenience for callers holding dates. */
export function decisionIndexOf(panel: Panel, asOf: IsoDate): number {
  return panel.lastIndexOnOrBefore(asOf);
}
