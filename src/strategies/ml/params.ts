/**
 * The study-file shape of `ml-forecast` (zod schemas of every stage's settings), what the runner hands the strategy
 * (env), the per-decision diagnostics, and the checks that refuse settings which cannot work. Shared by the four
 * stages (dataset, selection, forecast, portfolio) and the strategy that composes them.
 */
import type { MonitorSpec } from '../../monitor/index.ts';
import * as z from 'zod';
import { rebalanceSchema } from '../../backtest/index.ts';
import { configError, dataError } from '../../core/index.ts';
import type { Panel } from '../../data/index.ts';
import {
  createFeatures,
  crossSectionalSchema,
  featureKinds,
  scalerSchema,
  targetSchema,
  type Feature,
  type FeatureSpec,
  type PitRecords,
} from '../../features/index.ts';
import { modelKinds } from '../../models/index.ts';
import { gridCandidates, selectionSchema, type SelectionDiagnostics } from './selection.ts';
import type { MlDecisionObserver } from './observer.ts';

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
    .enum([
      'mean-variance',
      'black-litterman',
      'tilt',
      'active',
      'forecast-proportional',
      'top-k',
      'threshold',
      'volatility-band',
    ])
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
  /**
   * Tilt rule: 1/N with each weight scaled by max(0, 1 + tiltStrength·z), z the asset's cross-sectional forecast
   * z-score (clipped at ±3); 0 = 1/N. Sets the tracking error against 1/N (ml/tilt.ts).
   */
  tiltStrength: z.number().min(0).default(0.5),
  /**
   * Active rule: the annualised tracking error √(dᵀΣd) allowed for the active weights d = w − b over the benchmark b,
   * 1/N scaled to `targetVolatility` by the strategy's risk model (the "1/N @ vol" yardstick); ml/active.ts.
   */
  trackingError: z.number().positive().max(1).default(0.05),
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

/**
 * Weights of the pooled training rows. `uniqueness`: the average uniqueness of each row's label among the
 * overlapping labels of its asset (López de Prado, AFML ch. 4), normalised to mean 1; `decay` (AFML 4.5.4) makes the
 * oldest rows weigh `decay` × the newest (1 = no decay; below 0 the oldest |decay| share weighs 0). `none` = equal.
 */
export const sampleWeightsSchema = z
  .union([
    z.enum(['none', 'uniqueness']),
    z.strictObject({ kind: z.literal('uniqueness'), decay: z.number().gt(-1).max(1).default(1) }),
  ])
  .describe('none | uniqueness | { kind: uniqueness, decay } — weights of overlapping labels (AFML ch. 4)');
export type SampleWeightsSpec = z.infer<typeof sampleWeightsSchema>;

/** The sample-weight rule a spec names: none, or uniqueness with its decay. */
export function resolveSampleWeights(
  s: SampleWeightsSpec | undefined,
): { readonly kind: 'none' } | { readonly kind: 'uniqueness'; readonly decay: number } {
  if (s === undefined || s === 'none') return { kind: 'none' };
  if (s === 'uniqueness') return { kind: 'uniqueness', decay: 1 };
  return { kind: 'uniqueness', decay: s.decay };
}

/** The one-line problem of a sample-weight rule the model cannot take, or undefined. */
export function sampleWeightsProblem(p: MlForecastParams, name: string): string | undefined {
  if (resolveSampleWeights(p.sampleWeights).kind === 'none') return undefined;
  const kind = modelKinds[p.model.kind];
  if (!kind || kind.sampleWeights) return undefined;
  const able = Object.entries(modelKinds)
    .filter(([, k]) => k.sampleWeights)
    .map(([k]) => k);
  return `strategy ${name}: sampleWeights uniqueness needs a model that takes sample weights, but ${p.model.kind} does not; use ${able.join(', ')}, or sampleWeights: none`;
}

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
  /** Weights of the training rows (absent = none): see `sampleWeightsSchema`. */
  sampleWeights: sampleWeightsSchema.optional(),
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
  /** The strategy's own rebalancing rule (weekly decisions on a short label beside monthly baselines); default: the backtest's. */
  rebalance: rebalanceSchema.optional().describe("the strategy's own rebalancing rule (default: the backtest's)"),
  /**
   * Explain the forecasts: each decision's SHAP record and each refit's distilled tree (explanations.json, the
   * report's explanation panels, `keel explain`). false skips that work; forecasts, weights and metrics are unchanged.
   */
  explain: z.boolean().default(true),
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
  /**
   * Called once per decision with what the decision was made from (fitted model, scaled feature rows, feature
   * names, forecasts, μ, Σ, weights): the hook for per-decision explanations and monitoring. What it returns is
   * attached to the decision (see `MlDecisionObserver`).
   */
  readonly observe?: MlDecisionObserver;
  /**
   * Hears each refit's training as it goes (progress display only; results do not depend on it): the fraction of
   * the fit done (epochs, trees or rounds), a note ("refit 2020-12-31 epoch 2/3: train loss …") and the bars the
   * refitted model will serve (refitEvery), so a caller can place the fit within the walk-forward.
   */
  readonly onFitProgress?: (fraction: number, note: string, bars: number) => void;
  /** The study's monitor section for this strategy (drift detectors, retrain and de-risk triggers): ml-monitor.ts. */
  readonly monitor?: MonitorSpec;
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
  /** volatility-band: the price-band signal per universe asset (+1 buy, −1 sell, 0 hold) behind the weights. */
  readonly signals?: readonly number[];
  readonly warmingUp: boolean;
  /** Sample weights of this refit's training rows (refit decisions of a strategy with `sampleWeights` only). */
  readonly sampleWeights?: SampleWeightsDiagnostics;
  /** Model selection at this refit (refit decisions of a strategy with `selection` only). */
  readonly selection?: SelectionDiagnostics;
}

/** What the sample weights of a refit were: the rule, the mean uniqueness of the labels and the effective rows. */
export interface SampleWeightsDiagnostics {
  readonly kind: 'uniqueness';
  readonly decay: number;
  /** Mean average-uniqueness of the training labels (1 = no overlap; about stride / h for h-bar labels). */
  readonly meanUniqueness: number;
  /** Σ uniqueness: the number of non-overlapping labels the training rows amount to. */
  readonly independentLabels: number;
  /** Kish's effective sample size (Σw)² / Σw² of the weights, against `nTrain` rows. */
  readonly effectiveRows: number;
}

/** Train/validation loss per epoch, as neural models report them in their diagnostics. */
export interface TrainingCurveData {
  readonly trainLoss: readonly number[];
  readonly validationLoss: readonly number[];
  /**
   * Loss of the constant forecast learnt from the training fold (its mean target) on the training and validation
   * folds, in the curves' units: the line a model that learnt nothing would sit on (validation NaN without a fold).
   */
  readonly constantLoss?: { readonly train: number; readonly validation: number };
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

export function validateParams(p: MlForecastParams, features: readonly Feature[], name: string): void {
  const kind = modelKinds[p.model.kind];
  if (!kind)
    throw configError(
      `strategy ${name}: unknown model kind "${p.model.kind}"; known kinds: ${Object.keys(modelKinds).join(', ')}.`,
    );
  const weightsProblem = sampleWeightsProblem(p, name);
  if (weightsProblem) throw configError(`${weightsProblem}.`);
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
