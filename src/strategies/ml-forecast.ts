/**
 * `ml-forecast`: a walk-forward machine-learning strategy. At each decision (close of T, view = data ≤ T):
 *  1. features are computed on the view (causal: audited by checkFeaturePointInTime),
 *  2. the model in force is the one fitted at the refit anchor A = T − (T mod refitEvery) on pooled (date, asset) rows
 *     whose labels ended by A − embargo (purge: t + h + embargo ≤ A) within the last `trainWindow` bars, with the
 *     scaler fitted on those rows only,
 *  3. it predicts each universe asset's next-h return from today's features,
 *  4. the forecasts become weights: mean-variance under constraints (max weight, sector caps, volatility target)
 *     through the allocation engine — with cash as an asset when no fully invested portfolio is as calm as the
 *     target (ml-cash.ts) — Black-Litterman views weighted by predictive variance, forecast-proportional, top-k, the
 *     threshold rule or the volatility-band rule; simple rules are scaled to the volatility target.
 * μ and Σ are annualised with the data's periods per year (env.periodsPerYear, else inferred from the dates).
 * Decisions without a model, assets without forecasts and short covariance windows carry findings.
 * Decisions carry diagnostics (forecasts, naive historical means, μ, Σ, importance) for forecast-quality reports.
 */
import * as z from 'zod';
import { configError, dataError, isKeelError, Matrix, type FindingDraft } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import {
  computeFeatures,
  createFeatures,
  createTarget,
  crossSectionalNormalize,
  crossSectionalSchema,
  featureKinds,
  forwardReturn,
  fitScaler,
  predictionRows,
  scalerSchema,
  targetSchema,
  trainingSet,
  type Feature,
  type FeatureMatrix,
  type FeatureSpec,
  type FittedScaler,
  type PitRecords,
  type TargetSpec,
} from '../features/index.ts';
import { modelKinds, type FittedModel } from '../models/index.ts';
import { ledoitWolf, returnsFromPrices } from '../risk/index.ts';
import { blackLitterman, type Allocation, type Constraints, type ReturnDistribution } from '../allocation/index.ts';
import { inferPeriodsPerYear, type Decision, type DecisionContext, type Strategy } from '../backtest/index.ts';
import { efficientRiskAllowingCash } from './ml-cash.ts';
import {
  capVolatility,
  cappedForecastProportional,
  portfolioVol,
  signalsToWeights,
  thresholdSignals,
  topK,
  volatilityBandSignal,
} from './ml-signals.ts';
import { assertFiniteReturns } from './weights.ts';
import { gridCandidates, selectCandidate, selectionSchema, type Selection } from './ml-selection.ts';

export const DEFAULT_ML_FEATURES: readonly FeatureSpec[] = [
  { kind: 'returns', lags: [0, 1, 2, 4] },
  { kind: 'momentum', windows: [21, 63, 126, 252] },
  { kind: 'moving-averages', windows: [20, 50], crossover: [20, 100] },
  { kind: 'volatility', windows: [21, 63] },
  { kind: 'rsi', period: 14 },
  { kind: 'macd' },
  { kind: 'bollinger' },
  { kind: 'rank', of: 'momentum', window: 63 },
];

/**
 * `{ kind, ...params }` checked against a kind table, as a discriminated union of the kinds' strict schemas so the
 * study validator reports unknown kinds and mistyped params with their path and a "did you mean". Built lazily:
 * model families register their kinds when they load.
 */
function kindUnion(table: () => Readonly<Record<string, { readonly schema: z.ZodType }>>): z.ZodType<{ kind: string }> {
  let cached: z.ZodType | undefined;
  let cachedKinds = '';
  return z.lazy(() => {
    const t = table();
    const key = Object.keys(t).join(',');
    if (!cached || key !== cachedKinds) {
      const members = Object.entries(t).map(([kind, e]) =>
        e.schema instanceof z.ZodObject
          ? e.schema.safeExtend({ kind: z.literal(kind) })
          : z.looseObject({ kind: z.literal(kind) }),
      );
      cached = z.discriminatedUnion('kind', members as unknown as [z.ZodObject, ...z.ZodObject[]]);
      cachedKinds = key;
    }
    return cached;
  }) as unknown as z.ZodType<{ kind: string }>;
}

const featureSpecSchema = kindUnion(() => featureKinds);
const modelSpecSchema = kindUnion(() => modelKinds);

const portfolioSchema = z.strictObject({
  method: z
    .enum(['mean-variance', 'black-litterman', 'forecast-proportional', 'top-k', 'threshold', 'volatility-band'])
    .default('mean-variance'),
  /** Largest weight of one asset, fraction of NAV. */
  maxWeight: z.number().gt(0).max(1).default(1),
  /** Largest total weight of one sector (asset meta `sector`), fraction of NAV. */
  sectorCap: z.number().gt(0).max(1).optional(),
  /**
   * Annualised ex-ante volatility target (mean-variance: the efficient-risk target, with cash when no fully invested
   * portfolio is that calm; rules: scaled down to it).
   */
  targetVolatility: z.number().positive().default(0.1),
  topK: z.int().min(1).default(5),
  /** Threshold rule: buy when the predicted h-period return exceeds this (fraction). */
  threshold: z.number().default(0.001),
  /** Volatility-band rule: changes used for σ. */
  bandWindow: z.int().min(2).default(20),
  /**
   * Mean-variance / Black-Litterman: proportional trading cost k charged in the objective as k·Σ|w − w_prev|, in the
   * units of the annualised μ (so k ≈ cost per trade × rebalances per year keeps a trade only when its forecast gain
   * over a year beats it). Damps the corner-to-corner flips that noisy forecasts cause.
   */
  transactionCost: z.number().min(0).default(0),
  /** Mean-variance: L2 penalty γ‖w‖² (spreads weight across assets). */
  l2Gamma: z.number().min(0).default(0),
  /** Black-Litterman prior uncertainty τ. */
  tau: z.number().positive().default(0.05),
});

export const mlForecastSchema = z.strictObject({
  /** Asset ids the strategy trades (default: every asset); others get weight 0. */
  universe: z.array(z.string().min(1)).min(1).optional(),
  features: z
    .array(featureSpecSchema)
    .min(1)
    .default(DEFAULT_ML_FEATURES as { kind: string }[]),
  target: targetSchema.default({ kind: 'forward-return', horizon: 21 }),
  model: modelSpecSchema.default({ kind: 'ridge' }),
  scaler: scalerSchema.default('zscore'),
  /** Bars of history the training rows come from (most recent), or `expanding`: every bar since the data began. */
  trainWindow: z.union([z.int().min(20), z.literal('expanding')]).default(756),
  /**
   * Per-date normalisation of each feature across the universe before training and prediction (`zscore`, `rank`
   * percentile) or `none`. Uses only the values of that date, so it stays point in time.
   */
  crossSectional: crossSectionalSchema.default('none'),
  /** Inner purged k-fold model selection at each refit (on the training rows only); absent = the model as given. */
  selection: selectionSchema.optional(),
  /** Fewest distinct training dates before the first fit; until then the strategy holds 1/N (volatility-capped). */
  minTrainDates: z.int().min(5).default(60),
  /** Refit every this many bars (anchored on the panel's row index, so the schedule is a function of T alone). */
  refitEvery: z.int().min(1).default(126),
  /** Bars dropped between the newest label end and the refit date, besides the purge of h. */
  embargo: z.int().min(0).default(5),
  /** Keep every stride-th training date (overlapping h-day labels carry little new information day to day). */
  stride: z.int().min(1).default(5),
  /** Returns (bars) for the Ledoit-Wolf covariance, annualised with the data's periods per year. */
  covarianceWindow: z.int().min(20).default(252),
  portfolio: portfolioSchema.default(portfolioSchema.parse({})),
});
export type MlForecastParams = z.infer<typeof mlForecastSchema>;

/** What the study runner hands `create` besides params (records: macro/headline/fundamental releases). */
export interface MlForecastEnv {
  readonly name?: string;
  readonly seed?: number;
  readonly records?: PitRecords;
  /**
   * Periods per year of the data (252 daily, 52 weekly, 12 monthly): annualises μ and Σ, so the volatility target
   * means the same on any calendar. The study passes it; without it the strategy infers it from the dates of its
   * first view (`inferPeriodsPerYear`).
   */
  readonly periodsPerYear?: number;
}

/** Per-decision diagnostics of the ml-forecast strategy (in `Decision.diagnostics.ml`). */
export interface MlDiagnostics {
  readonly model: string;
  readonly universe: readonly string[];
  readonly horizon: number;
  /** Date the model in force was fitted (its refit anchor), or '' while warming up. */
  readonly fitDate: string;
  /** Latest date a training label ended (≤ fitDate − embargo bars: the purge), or '' while warming up. */
  readonly lastLabelDate: string;
  readonly nTrain: number;
  readonly refit: boolean;
  /** Predicted h-period return per universe asset (NaN where features are incomplete). */
  readonly forecast: readonly number[];
  /** Naive forecast: each asset's mean target over the training rows. */
  readonly historicalMean: readonly number[];
  /** Annualised μ and Σ (row-major) handed to the allocator. */
  readonly mu: readonly number[];
  readonly cov: readonly number[];
  readonly featureNames: readonly string[];
  readonly importance?: readonly number[];
  /** Loss per epoch of the model fitted at this decision (neural models; present on refit decisions only). */
  readonly training?: TrainingCurveData;
  readonly method: string;
  readonly warmingUp: boolean;
  /** Model selection at this refit (refit decisions of a strategy with `selection` only). */
  readonly selection?: SelectionDiagnostics;
}

/** What the inner purged k-fold chose at a refit: the chosen candidate, its inner score and every candidate's. */
export interface SelectionDiagnostics {
  readonly objective: 'ic' | 'mse';
  readonly folds: number;
  readonly chosen: Readonly<Record<string, unknown>>;
  readonly score: number;
  readonly candidates: readonly { readonly params: Readonly<Record<string, unknown>>; readonly score: number }[];
  /** Why no candidate could be chosen at this refit (the model was then fitted as given; `chosen` is {}). */
  readonly failed?: string;
}

/**
 * Return-scale calibration of a cross-sectional forecast (targets `excess-return`, `rank`), fitted on the training
 * rows: μ_i = level + beta · (f_i − mean_j f_j).
 */
interface Calibration {
  readonly level: number;
  readonly beta: number;
}
/** Train/validation loss per epoch, as neural models report them in their diagnostics. */
export interface TrainingCurveData {
  readonly trainLoss: readonly number[];
  readonly validationLoss: readonly number[];
}

/** The training curve of a fitted model that exposes one (`diagnostics.trainLoss`), else undefined. */
function trainingCurveOf(model: FittedModel): TrainingCurveData | undefined {
  const d = (model as { diagnostics?: { trainLoss?: readonly number[]; validationLoss?: readonly number[] } })
    .diagnostics;
  if (!d?.trainLoss || d.trainLoss.length === 0) return undefined;
  return { trainLoss: [...d.trainLoss], validationLoss: [...(d.validationLoss ?? [])] };
}

interface FittedState {
  readonly key: string;
  readonly anchor: number;
  readonly model: FittedModel;
  readonly scaler: FittedScaler;
  readonly nTrain: number;
  readonly lastLabelDate: string;
  readonly histMean: Float64Array;
  readonly residualVar: Float64Array;
  readonly importance?: Float64Array;
  readonly training?: TrainingCurveData;
  readonly calibration?: Calibration;
  readonly selection?: SelectionDiagnostics;
  /** Columns left out of `crossSectional` normalisation: equal across the universe at every training date. */
  readonly marketWide: ReadonlySet<number>;
}

/**
 * Columns (indices) equal across assets at every date where two or more have a value: market-wide series such as
 * macro releases. Per-date normalisation would turn them into a constant 0; they are kept as they are instead
 * (the decision is made on the training matrix, data ≤ the refit, and reused for predictions until the next refit).
 */
function marketWideColumns(fm: FeatureMatrix): Set<number> {
  const n = fm.assets.length;
  const out = new Set<number>();
  fm.columns.forEach((col, j) => {
    for (let t = 0; t < fm.dates.length; t++) {
      let first = NaN;
      for (let a = 0; a < n; a++) {
        const v = col[t * n + a]!;
        if (!Number.isFinite(v)) continue;
        if (Number.isNaN(first)) first = v;
        else if (v !== first) return;
      }
    }
    out.add(j);
  });
  return out;
}

/** `crossSectionalNormalize` of every column except the market-wide ones (kept as they are). */
function normaliseAcrossAssets(
  fm: FeatureMatrix,
  kind: MlForecastParams['crossSectional'],
  keep: ReadonlySet<number>,
): FeatureMatrix {
  if (kind === 'none') return fm;
  const out = crossSectionalNormalize(fm, kind);
  return keep.size === 0 ? out : { ...out, columns: out.columns.map((c, j) => (keep.has(j) ? fm.columns[j]! : c)) };
}

/** Minimum bars of history the strategy needs before it can fit once (features' warm-up + horizon + embargo + dates). */
export function requiredHistory(p: MlForecastParams, features: readonly Feature[]): number {
  const warmup = features.reduce((m, f) => Math.max(m, f.warmup), 0);
  return warmup + p.target.horizon + p.embargo + p.minTrainDates * p.stride;
}

/**
 * One-line errors for settings that cannot work on this panel: a target horizon as long as the data, or a
 * training window shorter than the features, the horizon and the minimum training dates need.
 */
export function checkMlForecastInput(p: MlForecastParams, panel: Panel, name = 'ml-forecast'): void {
  const features = createFeatures(p.features as FeatureSpec[]);
  const h = p.target.horizon;
  if (h >= panel.nDates) {
    throw dataError(
      `strategy ${name}: target horizon ${h} bars is not shorter than the data (${panel.nDates} dates); use a horizon well below ${Math.max(1, Math.floor(panel.nDates / 4))}.`,
    );
  }
  const need = requiredHistory(p, features);
  if (need >= panel.nDates) {
    throw dataError(
      `strategy ${name}: needs ${need} bars of history before its first fit (feature warm-up + horizon ${h} + embargo ${p.embargo} + ${p.minTrainDates} training dates × stride ${p.stride}) but the data has ${panel.nDates}; load more history or lower minTrainDates.`,
    );
  }
}

function validateParams(p: MlForecastParams, features: readonly Feature[], name: string): void {
  const kind = modelKinds[p.model.kind];
  if (!kind)
    throw configError(
      `strategy ${name}: unknown model kind "${p.model.kind}"; known kinds: ${Object.keys(modelKinds).join(', ')}.`,
    );
  const warmup = features.reduce((m, f) => Math.max(m, f.warmup), 0);
  const minWindow = p.target.horizon + p.embargo + p.minTrainDates * p.stride;
  if (p.trainWindow !== 'expanding' && p.trainWindow < minWindow) {
    throw configError(
      `strategy ${name}: trainWindow ${p.trainWindow} bars is shorter than the model needs: horizon ${p.target.horizon} + embargo ${p.embargo} + minTrainDates ${p.minTrainDates} × stride ${p.stride} = ${minWindow}; use trainWindow ≥ ${minWindow} (features also need ${warmup} bars of warm-up before it).`,
    );
  }
  if (p.selection) {
    const schema = kind.schema;
    const { kind: _k, ...own } = p.model;
    for (const c of gridCandidates(p.selection.grid)) {
      const r = schema.safeParse({ ...own, ...c });
      if (!r.success) {
        const issue = r.error.issues[0]!;
        throw configError(
          `strategy ${name}: selection.grid candidate ${JSON.stringify(c)} is not a valid ${p.model.kind} model (${issue.path.join('.') || 'params'}: ${issue.message}); use parameters and values that ${p.model.kind} accepts (keel schema lists them).`,
        );
      }
    }
    if (p.selection.objective === 'ic' && p.universe && p.universe.length < 3)
      throw configError(
        `strategy ${name}: selection.objective ic scores the correlation across assets at each date, which needs at least 3 assets, but the universe has ${p.universe.length}; use objective: mse or a larger universe.`,
      );
    if (p.minTrainDates < 2 * p.selection.folds)
      throw configError(
        `strategy ${name}: selection.folds ${p.selection.folds} needs at least ${2 * p.selection.folds} training dates at the first fit, but minTrainDates is ${p.minTrainDates}; raise minTrainDates to ${2 * p.selection.folds} or lower selection.folds.`,
      );
    if (p.target.kind === 'direction' || p.target.kind === 'triple-barrier')
      throw configError(
        `strategy ${name}: selection needs a regression target (forward-return, excess-return or rank), got ${p.target.kind}; drop selection or change the target.`,
      );
  }
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

// ------------------------------------------------------------------ feature cache shared by ml strategies
// Features are a pure function of (specs, view data, records): strategies over the same universe share them.
// Full matrices are kept for refit anchors (few, large); for daily predictions only the last row is kept (many, tiny).
const featureCache = new Map<string, FeatureMatrix>();
const CACHE_SIZE = 24;
const lastRowCache = new Map<string, FeatureMatrix>();
const LAST_ROW_CACHE_SIZE = 4096;

function viewFingerprint(view: Panel): string {
  let h = 0x811c9dc5;
  const buf = new Float64Array(1);
  const bits = new Uint32Array(buf.buffer);
  for (const name of view.fieldNames) {
    const f = view.field(name);
    for (let i = 0; i < f.length; i++) {
      buf[0] = f[i]!;
      h = Math.imul(h ^ bits[0]!, 0x01000193);
      h = Math.imul(h ^ bits[1]!, 0x01000193);
    }
  }
  return `${view.nDates}:${view.dates[view.nDates - 1] ?? ''}:${view.assets.join(',')}:${(h >>> 0).toString(36)}`;
}

/**
 * The records' part of a feature-cache key: a 64-bit hash of their CONTENT (macro, headlines, fundamentals as
 * JSON), memoised per records object. Counts alone are not enough: the look-ahead audit garbles the values of
 * records released after a cutoff and keeps their number, and a count key then served features computed from the
 * true future — hiding any leak through records. Records are treated as immutable (never edited in place).
 */
const recordsFingerprints = new WeakMap<object, string>();
function recordsFingerprint(records: PitRecords): string {
  const hit = recordsFingerprints.get(records);
  if (hit !== undefined) return hit;
  // Two independent 32-bit streams (FNV-1a and a second multiplier): a 64-bit key, so a collision is negligible.
  let h = 0x811c9dc5;
  let g = 0x9e3779b9;
  const text = JSON.stringify([records.macro ?? [], records.headlines ?? [], records.fundamentals ?? []]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x5bd1e995) ^ (g >>> 15);
  }
  const key = `${text.length}:${(h >>> 0).toString(36)}:${(g >>> 0).toString(36)}`;
  recordsFingerprints.set(records, key);
  return key;
}

/** Memoised lookup in a bounded insertion-ordered cache (the oldest entry goes first). */
function memo(cache: Map<string, FeatureMatrix>, limit: number, key: string, make: () => FeatureMatrix): FeatureMatrix {
  const hit = cache.get(key);
  if (hit) return hit;
  const value = make();
  cache.set(key, value);
  if (cache.size > limit) cache.delete(cache.keys().next().value!);
  return value;
}

/** The feature matrix cut to its last row (what a prediction at the view's last date needs), memoised. */
function cachedLastRow(
  features: readonly Feature[],
  specKey: string,
  view: Panel,
  records: PitRecords | undefined,
  recordsKey: string,
): FeatureMatrix {
  return memo(lastRowCache, LAST_ROW_CACHE_SIZE, `${specKey}|${recordsKey}|${viewFingerprint(view)}`, () => {
    const fm = computeFeatures(features, records ? { panel: view, records } : { panel: view });
    const n = view.nAssets;
    const t = view.nDates - 1;
    return { ...fm, columns: fm.columns.map((c) => c.slice(t * n, (t + 1) * n)), dates: [view.dates[t]!] };
  });
}

function cachedFeatures(
  features: readonly Feature[],
  specKey: string,
  view: Panel,
  records: PitRecords | undefined,
  recordsKey: string,
): FeatureMatrix {
  return memo(featureCache, CACHE_SIZE, `${specKey}|${recordsKey}|${viewFingerprint(view)}`, () =>
    computeFeatures(features, records ? { panel: view, records } : { panel: view }),
  );
}

// ------------------------------------------------------------------ the strategy

export function mlForecast(params: MlForecastParams, env: MlForecastEnv = {}): Strategy {
  const name = env.name ?? `ml-${params.model.kind}`;
  const features = createFeatures(params.features as FeatureSpec[]);
  validateParams(params, features, name);
  const specKey = JSON.stringify(params.features);
  const recordsKey = env.records ? recordsFingerprint(env.records) : 'none';
  const modelKind = modelKinds[params.model.kind]!;
  const { kind: _k, ...modelParams } = params.model;
  const estimator = modelKind.create(modelParams);
  const p = params.portfolio;
  const h = params.target.horizon;
  // Periods per year: given by the study, else inferred once from the first view's dates. μ (h-period forecasts)
  // is annualised by ppy / h and Σ by ppy, so the volatility target holds on daily, weekly or monthly data alike.
  let ppy = env.periodsPerYear;
  const periodsPerYear = (view: Panel): number => (ppy ??= inferPeriodsPerYear(view.dates));
  let state: FittedState | undefined;
  const warmup = features.reduce((m, f) => Math.max(m, f.warmup), 0);
  const burnIn = warmup + 250; // EMA(26) seed weight (1 − 2/27)^250 < 1e-8; Wilder(14) (13/14)^250 < 1e-8

  /** Why the last refit found no model (for the decision's finding). */
  let shortfall = '';

  function fit(
    fm: FeatureMatrix,
    view: Panel,
    anchor: number,
    seed: number,
    marketWide: ReadonlySet<number>,
  ): FittedState | undefined {
    if (anchor - h - params.embargo < params.minTrainDates) {
      shortfall = `${Math.max(0, anchor - h - params.embargo)} bars had labels that ended by the refit on ${view.dates[anchor]}`;
      return undefined; // not enough labelled history yet
    }
    const target = createTarget(view, params.target as TargetSpec);
    const ds = trainingSet(fm, target, {
      decisionIndex: anchor,
      embargo: params.embargo,
      firstIndex: params.trainWindow === 'expanding' ? 0 : anchor - params.trainWindow,
      stride: params.stride,
    });
    const nDates = new Set(ds.sampleDates).size;
    if (nDates < params.minTrainDates) {
      shortfall = `the refit on ${view.dates[anchor]} found ${nDates} training dates with complete features and labels`;
      return undefined;
    }
    let chosenEstimator = estimator;
    let selection: SelectionDiagnostics | undefined;
    if (params.selection) {
      const sel = params.selection;
      const candidates = gridCandidates(sel.grid);
      const create = (c: Readonly<Record<string, unknown>>) => modelKind.create({ ...modelParams, ...c });
      let result: Selection | undefined;
      let failed = '';
      try {
        result = selectCandidate(ds, candidates, create, {
          folds: sel.folds,
          objective: sel.objective,
          // Purge and embargo in sampled dates: a label of h bars spans ⌈h / stride⌉ sampled dates.
          purge: Math.ceil(h / params.stride),
          embargo: Math.ceil(params.embargo / params.stride),
          scaler: params.scaler,
          asOf: view.dates[anchor]!,
          seed,
        });
      } catch (e) {
        // No candidate could be scored on these rows: fit the model as given, and the decision says so.
        if (!isKeelError(e)) throw e;
        failed = e.message;
      }
      const best = result?.scores[result.best];
      if (best) chosenEstimator = create(best.params);
      selection = {
        objective: sel.objective,
        folds: sel.folds,
        chosen: best?.params ?? {},
        score: best?.score ?? NaN,
        candidates: (result?.scores ?? []).map((s) => ({ params: s.params, score: s.score })),
        ...(failed ? { failed } : {}),
      };
    }
    const scaler = fitScaler(params.scaler, ds.X, ds.n, ds.p, ds.featureNames);
    const X = scaler.transform(ds.X, ds.n);
    const model = chosenEstimator.fit({ ...ds, X }, { asOf: view.dates[anchor]!, seed });
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
      fitted && isCrossSectionalTarget(params.target as TargetSpec)
        ? calibrate(view, h, fitted, ds.sampleDates, ds.sampleAssets)
        : undefined;
    return {
      key: `${view.dates[anchor]}`,
      anchor,
      model,
      scaler,
      nTrain: ds.n,
      lastLabelDate: ds.sampleDates.reduce((m, d) => (d > m ? d : m), ''),
      histMean,
      residualVar,
      ...(imp ? { importance: imp } : {}),
      ...(training ? { training } : {}),
      ...(calibration ? { calibration } : {}),
      ...(selection ? { selection } : {}),
      marketWide,
    };
  }

  function forecastsAt(
    fm: FeatureMatrix,
    s: FittedState,
    t: number,
    view: Panel,
  ): { forecast: Float64Array; variance: Float64Array } {
    const nA = fm.assets.length;
    const forecast = new Float64Array(nA).fill(NaN);
    const variance = new Float64Array(nA).fill(NaN);
    const rows = predictionRows(fm, t);
    if (rows.n === 0) return { forecast, variance };
    const X = s.scaler.transform(rows.X, rows.n);
    let pred: Float64Array;
    if (s.model.task === 'regression') pred = s.model.predict(X, rows.n);
    else {
      // Classes → a return-scaled score: (P(top class) − P(bottom class)) × trailing σ of h-period returns.
      const proba = s.model.predictProba?.(X, rows.n);
      const labels = s.model.predict(X, rows.n);
      const k = proba ? proba.length / rows.n : 2;
      const c = view.field('close');
      pred = new Float64Array(rows.n);
      for (let i = 0; i < rows.n; i++) {
        const a = rows.assetIndex[i]!;
        const score = proba ? proba[i * k + k - 1]! - proba[i * k]! : (labels[i]! / (k - 1)) * 2 - 1;
        const T = view.nDates - 1;
        const back = Math.max(0, T - periodsPerYear(view)); // one year of bars
        let ss = 0;
        let m = 0;
        for (let u = back + h; u <= T; u += h) {
          const r = c[u * nA + a]! / c[(u - h) * nA + a]! - 1;
          ss += r * r;
          m++;
        }
        pred[i] = score * Math.sqrt(m > 0 ? ss / m : 0);
      }
    }
    if (s.calibration) {
      // A cross-sectional forecast → expected h-period return: centre across today's assets, scale, add the level.
      const { level, beta } = s.calibration;
      const mean = pred.reduce((acc, v) => acc + v, 0) / rows.n;
      pred = pred.map((v) => level + beta * (v - mean));
    }
    const pv = s.model.predictVariance?.(X, rows.n);
    for (let i = 0; i < rows.n; i++) {
      const a = rows.assetIndex[i]!;
      forecast[a] = pred[i]!;
      variance[a] = pv ? pv[i]! : s.residualVar[a]!;
    }
    return { forecast, variance };
  }

  function covariance(view: Panel): Matrix {
    const T = view.nDates;
    const start = Math.max(0, T - params.covarianceWindow - 1);
    const n = view.nAssets;
    const prices = view.field('close').slice(start * n, T * n);
    const table = returnsFromPrices(prices, T - start, view.assets, { dates: view.dates.slice(start, T) });
    assertFiniteReturns(table.values, table.nDates, view.assets, (i) => table.dates?.[i] ?? `row ${i}`);
    return ledoitWolf(table, { frequency: periodsPerYear(view) }).matrix;
  }

  /** A decision's findings about history it lacked: the covariance window, assets without complete features. */
  function historyFindings(view: Panel, forecast: Float64Array | undefined): FindingDraft[] {
    const out: FindingDraft[] = [];
    const returns = view.nDates - 1;
    if (returns < params.covarianceWindow)
      out.push({
        severity: 'warning',
        kind: 'short-history',
        message: `the covariance came from ${returns} returns, fewer than covarianceWindow ${params.covarianceWindow}`,
        fix: 'start the backtest later, load more history or lower covarianceWindow',
      });
    if (!forecast) return out;
    const missing = view.assets.filter((_, a) => !Number.isFinite(forecast[a]!));
    if (missing.length === view.nAssets)
      out.push({
        severity: 'warning',
        kind: 'warm-up-cash',
        message: `no asset of the universe has complete features yet (they need ${warmup} bars of history), so the decision holds cash`,
        fix: 'start the backtest later or load more history before it',
      });
    else
      for (const id of missing)
        out.push({
          severity: 'warning',
          kind: 'short-history',
          asset: id,
          message: `${id} has no forecast (its features are incomplete: they need ${warmup} bars of history), so it gets weight 0`,
          fix: `load more history for ${id} or start the backtest later`,
        });
    return out;
  }

  function sectorGroups(view: Panel): Constraints['groups'] {
    if (p.sectorCap === undefined) return undefined;
    const bySector = new Map<string, string[]>();
    view.meta.forEach((m) => {
      if (!m.sector) return;
      bySector.set(m.sector, [...(bySector.get(m.sector) ?? []), m.id]);
    });
    return [...bySector.entries()].map(([sector, assets]) => ({ name: `sector ${sector}`, assets, max: p.sectorCap! }));
  }

  function weightsFor(
    view: Panel,
    forecast: Float64Array,
    variance: Float64Array,
    cov: Matrix,
    previous: Float64Array,
  ): { w: Float64Array; allocation?: Allocation; mu: Float64Array; findings: readonly FindingDraft[] } {
    const n = view.nAssets;
    const annual = periodsPerYear(view) / h;
    const mu = forecast.map((f) => (Number.isFinite(f) ? f * annual : 0));
    const bounds = view.assets.map((_, a) => (Number.isFinite(forecast[a]!) ? p.maxWeight : 0));
    const assetBounds: Record<string, [number, number]> = {};
    view.assets.forEach((id, a) => {
      if (bounds[a] === 0) assetBounds[id] = [0, 0];
    });
    const groups = sectorGroups(view);
    const constraints: Constraints = {
      weightBounds: [0, p.maxWeight],
      ...(p.transactionCost > 0 ? { transactionCost: p.transactionCost } : {}),
      ...(p.l2Gamma > 0 ? { l2Gamma: p.l2Gamma } : {}),
      ...(Object.keys(assetBounds).length > 0 ? { assetBounds } : {}),
      ...(groups ? { groups } : {}),
    };
    if (p.method === 'mean-variance' || p.method === 'black-litterman') {
      let dist: ReturnDistribution = { assets: view.assets, mu, cov, previousWeights: previous, riskFreeRate: 0 };
      if (p.method === 'black-litterman') {
        // Absolute views Q = forecasts (annualised) with Ω = predictive variance (annualised); prior π = 0.
        const P = Matrix.identity(n);
        const omega = variance.map((v) => (Number.isFinite(v) && v > 0 ? v * annual * annual : 1e6));
        const post = blackLitterman({ cov, pi: new Float64Array(n), P, Q: mu, tau: p.tau, omegaDiagonal: omega });
        dist = { ...dist, mu: post.mu };
      }
      const { allocation, findings } = efficientRiskAllowingCash(dist, constraints, p.targetVolatility);
      const w = allocation.weights.slice();
      capVolatility(w, cov, p.targetVolatility);
      return { w, allocation, mu: dist.mu, findings };
    }
    let w: Float64Array;
    if (p.method === 'forecast-proportional') w = cappedForecastProportional(forecast, p.maxWeight);
    else if (p.method === 'top-k') w = topK(forecast, p.topK, p.maxWeight);
    else if (p.method === 'threshold')
      w = signalsToWeights(thresholdSignals(forecast, p.threshold), previous, p.maxWeight);
    else {
      const signals = view.assets.map((_, a) => volatilityBandSignal(view.series('close', a), p.bandWindow));
      w = signalsToWeights(signals, previous, p.maxWeight);
    }
    capVolatility(w, cov, p.targetVolatility);
    return { w, mu, findings: [] };
  }

  return {
    name,
    decide(fullView: Panel, ctx: DecisionContext): Decision {
      const universe = params.universe ?? fullView.assets;
      const same = universe.length === fullView.nAssets && universe.every((id, a) => fullView.assets[a] === id);
      const view = same ? fullView : fullView.selectAssets(universe);
      const T = view.nDates - 1;
      const nA = view.nAssets;
      // Features for today's prediction come from the last `burnIn` bars only (rolling windows are exact there and
      // EMA seeds have decayed below 1e-6), which keeps each decision O(burnIn) instead of O(history).
      const tailStart = Math.max(0, T + 1 - burnIn);
      const tailView = view.sliceRows(tailStart, T + 1);
      const rawFm = cachedLastRow(features, specKey, tailView, env.records, recordsKey);
      const anchor = T - (T % params.refitEvery);
      let refit = false;
      const fpAnchor = `${view.dates[anchor]}`;
      if (!state || state.key !== fpAnchor || state.anchor > T) {
        // The model in force at T is the one fitted at its anchor on data ≤ anchor; refit when the anchor moves.
        const fitStart = params.trainWindow === 'expanding' ? 0 : Math.max(0, anchor - params.trainWindow - burnIn);
        const anchorView = view.sliceRows(fitStart, anchor + 1);
        const rawAnchorFm = cachedFeatures(features, specKey, anchorView, env.records, recordsKey);
        const marketWide = params.crossSectional === 'none' ? new Set<number>() : marketWideColumns(rawAnchorFm);
        const anchorFm = normaliseAcrossAssets(rawAnchorFm, params.crossSectional, marketWide);
        state = fit(anchorFm, anchorView, anchor - fitStart, (ctx.seed + anchor) >>> 0, marketWide);
        if (state) state = { ...state, anchor, key: fpAnchor };
        refit = state !== undefined;
      }
      const findings: FindingDraft[] = [];
      if (refit && state?.selection?.failed)
        findings.push({
          severity: 'warning',
          kind: 'selection-failed',
          message: `model selection at the refit of ${view.dates[anchor]} could not score any candidate (${state.selection.failed}), so the model was fitted as given`,
          fix: 'raise trainWindow or minTrainDates, lower selection.folds, or check the grid values',
        });
      const cov = covariance(view);
      const previous = new Float64Array(nA);
      const fullIndex = universe.map((id) => fullView.assets.indexOf(id));
      fullIndex.forEach((j, a) => (previous[a] = ctx.previousWeights[j] ?? 0));
      let w: Float64Array;
      let allocation: Allocation | undefined;
      let forecast: Float64Array = new Float64Array(nA).fill(NaN);
      let mu: Float64Array = new Float64Array(nA);
      if (!state) {
        w = new Float64Array(nA).fill(Math.min(1 / nA, p.maxWeight));
        capVolatility(w, cov, p.targetVolatility);
        findings.push(...historyFindings(view, undefined), {
          severity: 'warning',
          kind: 'short-history',
          message: `no model yet (${shortfall}; minTrainDates is ${params.minTrainDates}), so the decision holds 1/N scaled to the volatility target instead of forecasts`,
          fix: `start the backtest later or load more history (the first fit needs about ${requiredHistory(params, features)} bars), or lower minTrainDates`,
        });
      } else {
        const fm = normaliseAcrossAssets(rawFm, params.crossSectional, state.marketWide);
        const f = forecastsAt(fm, state, 0, tailView);
        forecast = f.forecast;
        // The volatility-band rule reads prices, not forecasts: missing forecasts change nothing there.
        findings.push(...historyFindings(view, p.method === 'volatility-band' ? undefined : forecast));
        if (forecast.some(Number.isFinite) || p.method === 'volatility-band') {
          const out = weightsFor(view, f.forecast, f.variance, cov, previous);
          w = out.w;
          allocation = out.allocation;
          mu = out.mu;
          findings.push(...out.findings);
        } else w = new Float64Array(nA); // warm-up-cash: nothing to allocate
      }
      const full = new Float64Array(fullView.nAssets);
      fullIndex.forEach((j, a) => (full[j] = w[a]!));
      const ml: MlDiagnostics = {
        model: params.model.kind,
        universe,
        horizon: h,
        fitDate: state ? view.dates[state.anchor]! : '',
        lastLabelDate: state?.lastLabelDate ?? '',
        nTrain: state?.nTrain ?? 0,
        refit,
        forecast: [...forecast],
        historicalMean: state ? [...state.histMean] : new Array<number>(nA).fill(NaN),
        mu: [...mu],
        cov: [...cov.data],
        featureNames: rawFm.names,
        ...(state?.importance ? { importance: [...state.importance] } : {}),
        ...(refit && state?.training ? { training: state.training } : {}),
        ...(refit && state?.selection ? { selection: state.selection } : {}),
        method: p.method,
        warmingUp: !state,
      };
      return {
        weights: full,
        ...(allocation ? { allocation } : {}),
        ...(findings.length > 0 ? { findings } : {}),
        diagnostics: { ml, exAnteVolatility: portfolioVol(w, cov) },
      };
    },
  };
}

/** The `ml-forecast` entry of `strategyKinds` (env.records: the study's point-in-time records, when it has any). */
export const mlForecastKind = {
  schema: mlForecastSchema,
  description: 'walk-forward ML forecasts (features → model → weights) with periodic refits, purge and embargo',
  create: (params: z.input<typeof mlForecastSchema>, env: MlForecastEnv = {}): Strategy =>
    mlForecast(mlForecastSchema.parse(params), env),
};
