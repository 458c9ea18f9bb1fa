/**
 * Forecast stage of `ml-forecast`: fit at a refit date (model selection, scaler, model, calibration of
 * cross-sectional forecasts into returns, per-asset residual variance) and predict each asset's h-period return at
 * a decision. The fitted `ForecastModel` is a value: it holds the fitted model, its scaler and the refit's data, so
 * explanations and monitoring read the same model and rows the decision used.
 */
import type { IsoDate, Panel } from '../../data/index.ts';
import {
  fitScaler,
  forwardReturn,
  predictionRows,
  type FeatureMatrix,
  type FittedScaler,
  type TargetSpec,
} from '../../features/index.ts';
import type { FittedModel } from '../../models/index.ts';
import type { RefitData } from './dataset.ts';
import type { MlForecastParams, TrainingCurveData } from './params.ts';
import { chooseModel, type SelectionDiagnostics } from './selection.ts';

/**
 * Return-scale calibration of a cross-sectional forecast (targets `excess-return`, `rank`), fitted on the training
 * rows: μ_i = level + beta · (f_i − mean_j f_j).
 */
export interface Calibration {
  readonly level: number;
  readonly beta: number;
}

/** The training curve of a fitted model that exposes one (`diagnostics.trainLoss`), else undefined. */
function trainingCurveOf(model: FittedModel): TrainingCurveData | undefined {
  const d = (model as { diagnostics?: Partial<TrainingCurveData> }).diagnostics;
  if (!d?.trainLoss || d.trainLoss.length === 0) return undefined;
  return {
    trainLoss: [...d.trainLoss],
    validationLoss: [...(d.validationLoss ?? [])],
    ...(d.constantLoss ? { constantLoss: { ...d.constantLoss } } : {}),
  };
}

/** Targets whose labels are cross-sectional (centred or ranked per date): their forecasts need calibrating into μ. */
function isCrossSectionalTarget(t: TargetSpec): boolean {
  return t.kind === 'excess-return' || t.kind === 'rank';
}

/**
 * Calibration of a cross-sectional forecast into the expected h-period return scale, from the training rows:
 * - level: the mean raw h-period return over the training rows (the common part a demeaned or ranked label threw
 *   away; mean-variance with a volatility target and cash needs it to decide how much risk is worth taking),
 * - beta: the slope of the realised raw h-return on the forecast, both demeaned within each training date (pooled
 *   cross-sectional regression). A rank in [0, 1] has no return unit and an excess-return forecast's spread is the
 *   model's, not the market's; the slope puts both into returns per unit of forecast, from the same rows the model
 *   saw. It is clamped at 0: a negative in-sample slope would invert the ranking, so the forecast then carries no
 *   cross-sectional view (all μ_i = level). Scaling by the cross-sectional σ of h-returns instead would assume an IC
 *   of 1; the slope is cov/var, i.e. σ_r · corr / σ_f, so it also shrinks forecasts that explain little.
 * The slope uses in-sample fitted values, which overstate the fit of flexible models (forests); it is a scale,
 * not an out-of-sample estimate.
 */
function calibrate(
  view: Panel,
  h: number,
  fitted: Float64Array,
  sampleDates: readonly string[],
  sampleAssets: readonly string[],
): Calibration {
  const raw = forwardReturn(view, h).values;
  const n = view.nAssets;
  const dateIndex = new Map(view.dates.map((d, t) => [d, t]));
  const assetIndex = new Map(view.assets.map((a, i) => [a, i]));
  const groups = new Map<string, number[]>();
  sampleDates.forEach((d, i) => {
    const list = groups.get(d);
    if (list) list.push(i);
    else groups.set(d, [i]);
  });
  const r = new Float64Array(fitted.length);
  sampleDates.forEach((d, i) => (r[i] = raw[dateIndex.get(d)! * n + assetIndex.get(sampleAssets[i]!)!]!));
  let level = 0;
  let m = 0;
  let sfr = 0;
  let sff = 0;
  for (const rows of groups.values()) {
    const ok = rows.filter((i) => Number.isFinite(r[i]!) && Number.isFinite(fitted[i]!));
    for (const i of ok) level += (r[i]! - level) / ++m;
    if (ok.length < 2) continue;
    const mf = ok.reduce((s, i) => s + fitted[i]!, 0) / ok.length;
    const mr = ok.reduce((s, i) => s + r[i]!, 0) / ok.length;
    for (const i of ok) {
      sfr += (fitted[i]! - mf) * (r[i]! - mr);
      sff += (fitted[i]! - mf) ** 2;
    }
  }
  return { level: m > 0 ? level : 0, beta: sff > 0 ? Math.max(0, sfr / sff) : 0 };
}

/** The settings of `ml-forecast` the forecast stage reads. */
export type ForecastSpec = Pick<MlForecastParams, 'model' | 'target' | 'scaler' | 'selection' | 'embargo' | 'stride'>;

/** A model fitted at a refit date, with everything needed to predict from it and to explain it. */
export interface ForecastModel {
  /** The refit date: the model saw only rows dated ≤ it. */
  readonly asOf: IsoDate;
  readonly model: FittedModel;
  /** Scaler fitted on the training rows; predictions see `scaler.transform(rows)`. */
  readonly scaler: FittedScaler;
  readonly featureNames: readonly string[];
  /** The refit's features and training rows (unscaled), e.g. background data for explanations. */
  readonly data: RefitData;
  readonly nTrain: number;
  /** Latest date a training label ended (≤ asOf − embargo bars: the purge). */
  readonly lastLabelDate: string;
  /** Naive forecast: each asset's mean target over the training rows. */
  readonly histMean: Float64Array;
  /** Per-asset variance of in-sample residuals (the predictive variance of models without their own). */
  readonly residualVar: Float64Array;
  /** The model's outputs on its own scaled training rows (regression): calibration's and distillation's input. */
  readonly fitted?: Float64Array;
  readonly importance?: Float64Array;
  readonly training?: TrainingCurveData;
  readonly calibration?: Calibration;
  readonly selection?: SelectionDiagnostics;
  /** Columns left out of `crossSectional` normalisation: equal across the universe at every training date. */
  readonly marketWide: ReadonlySet<number>;
}

/** Fits the forecast model on a refit's data (seeded; a pure function of data, spec and seed). */
export function fitForecastModel(
  data: RefitData,
  spec: ForecastSpec,
  seed: number,
  /** The final fit's progress (epochs, trees, rounds), for a progress display; `FitContext.onProgress`. */
  onProgress?: (done: number, total: number, note?: string) => void,
): ForecastModel {
  const { dataset: ds, view, fm, asOf } = data;
  const h = spec.target.horizon;
  const { estimator, selection } = chooseModel(
    ds,
    {
      model: spec.model,
      ...(spec.selection ? { selection: spec.selection } : {}),
      horizon: h,
      stride: spec.stride,
      embargo: spec.embargo,
      scaler: spec.scaler,
    },
    asOf,
    seed,
  );
  const scaler = fitScaler(spec.scaler, ds.X, ds.n, ds.p, ds.featureNames);
  const X = scaler.transform(ds.X, ds.n);
  const model = estimator.fit({ ...ds, X }, { asOf, seed, ...(onProgress ? { onProgress } : {}) });
  const nA = fm.assets.length;
  const sum = new Float64Array(nA);
  const cnt = new Float64Array(nA);
  const rss = new Float64Array(nA);
  const fitted = model.task === 'regression' ? model.predict(X, ds.n) : undefined;
  const index = new Map(fm.assets.map((a, i) => [a, i]));
  for (let i = 0; i < ds.n; i++) {
    const a = index.get(ds.sampleAssets[i]!)!;
    sum[a] = sum[a]! + ds.y[i]!;
    cnt[a] = cnt[a]! + 1;
    if (fitted) rss[a] = rss[a]! + (ds.y[i]! - fitted[i]!) ** 2;
  }
  const histMean = sum.map((s, a) => (cnt[a]! > 0 ? s / cnt[a]! : NaN));
  const residualVar = rss.map((s, a) => (cnt[a]! > 1 ? s / (cnt[a]! - 1) : NaN));
  const imp = model.featureImportance?.();
  const training = trainingCurveOf(model);
  const calibration =
    fitted && isCrossSectionalTarget(spec.target as TargetSpec)
      ? calibrate(view, h, fitted, ds.sampleDates, ds.sampleAssets)
      : undefined;
  return {
    asOf,
    model,
    scaler,
    featureNames: ds.featureNames,
    data,
    nTrain: ds.n,
    lastLabelDate: ds.sampleDates.reduce((m, d) => (d > m ? d : m), ''),
    histMean,
    residualVar,
    ...(fitted ? { fitted } : {}),
    ...(imp ? { importance: imp } : {}),
    ...(training ? { training } : {}),
    ...(calibration ? { calibration } : {}),
    ...(selection ? { selection } : {}),
    marketWide: data.marketWide,
  };
}

/** A decision's forecasts, and the rows they were predicted from. */
export interface Forecasts {
  /** Predicted h-period return per asset of the feature matrix (NaN where features are incomplete). */
  readonly forecast: Float64Array;
  /** Predictive variance per asset (the model's own, else the residual variance), NaN without a forecast. */
  readonly variance: Float64Array;
  /** Scaled feature rows the model predicted from (n × p, row-major), as the model saw them. */
  readonly X: Float64Array;
  /** The same rows before the scaler (after any cross-sectional normalisation): the features' own units. */
  readonly features: Float64Array;
  readonly n: number;
  /** Asset index (into the feature matrix's assets) of each row. */
  readonly assetIndex: readonly number[];
}

/**
 * Forecasts at row `t` of `fm` (features normalised as at the refit). `view` is the price history of the decision
 * (classification models scale class scores by its trailing σ of h-period returns); `periodsPerYear` sizes that
 * trailing year.
 */
export function predictForecasts(
  m: ForecastModel,
  fm: FeatureMatrix,
  t: number,
  view: Panel,
  h: number,
  periodsPerYear: number,
): Forecasts {
  const nA = fm.assets.length;
  const forecast = new Float64Array(nA).fill(NaN);
  const variance = new Float64Array(nA).fill(NaN);
  const rows = predictionRows(fm, t);
  if (rows.n === 0)
    return { forecast, variance, X: new Float64Array(0), features: new Float64Array(0), n: 0, assetIndex: [] };
  const X = m.scaler.transform(rows.X, rows.n);
  let pred: Float64Array;
  if (m.model.task === 'regression') pred = m.model.predict(X, rows.n);
  else {
    // Classes → a return-scaled score: (P(top class) − P(bottom class)) × trailing σ of h-period returns.
    const proba = m.model.predictProba?.(X, rows.n);
    const labels = m.model.predict(X, rows.n);
    const k = proba ? proba.length / rows.n : 2;
    const c = view.field('close');
    pred = new Float64Array(rows.n);
    for (let i = 0; i < rows.n; i++) {
      const a = rows.assetIndex[i]!;
      const score = proba ? proba[i * k + k - 1]! - proba[i * k]! : (labels[i]! / (k - 1)) * 2 - 1;
      const T = view.nDates - 1;
      const back = Math.max(0, T - periodsPerYear); // one year of bars
      let ss = 0;
      let cnt = 0;
      for (let u = back + h; u <= T; u += h) {
        const r = c[u * nA + a]! / c[(u - h) * nA + a]! - 1;
        ss += r * r;
        cnt++;
      }
      pred[i] = score * Math.sqrt(cnt > 0 ? ss / cnt : 0);
    }
  }
  if (m.calibration) {
    // A cross-sectional forecast → expected h-period return: centre across today's assets, scale, add the level.
    const { level, beta } = m.calibration;
    const mean = pred.reduce((acc, v) => acc + v, 0) / rows.n;
    pred = pred.map((v) => level + beta * (v - mean));
  }
  const pv = m.model.predictVariance?.(X, rows.n);
  for (let i = 0; i < rows.n; i++) {
    const a = rows.assetIndex[i]!;
    forecast[a] = pred[i]!;
    variance[a] = pv ? pv[i]! : m.residualVar[a]!;
  }
  return { forecast, variance, X, features: rows.X, n: rows.n, assetIndex: rows.assetIndex };
}
