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
import type * as z from 'zod';
import type { FindingDraft } from '../core/index.ts';
import { distillRefit, explainsAt, forecastExplanation } from './ml-explain.ts';
import type { Panel } from '../data/index.ts';
import { computeFeatures, predictionRows, type FeatureMatrix, type FeatureSpec } from '../features/index.ts';
import type { Allocation } from '../allocation/index.ts';
import {
  inferPeriodsPerYear,
  type Decision,
  type DecisionContext,
  type RebalanceSpec,
  type Strategy,
} from '../backtest/index.ts';
import {
  constructPortfolio,
  decisionFeatures,
  fitForecastModel,
  mlFeatureSet,
  mlForecastSchema,
  normaliseAcrossAssets,
  portfolioVol,
  predictForecasts,
  refitDataset,
  requiredHistory,
  riskModel,
  validateParams,
  warmUpPortfolio,
  type ForecastModel,
  type Forecasts,
  type MlDecisionRecord,
  type MlDiagnostics,
  type MlForecastEnv,
  type MlForecastParams,
} from './ml/index.ts';
import { MlMonitorHook, type MonitorTools } from './ml-monitor.ts';

export { mlForecastSchema, checkMlForecastInput, requiredHistory, DEFAULT_ML_FEATURES } from './ml/index.ts';
export type {
  MlForecastParams,
  MlForecastEnv,
  MlDiagnostics,
  SelectionDiagnostics,
  TrainingCurveData,
} from './ml/index.ts';

/** The model in force and the refit anchor (row index of the universe view) it was fitted at. */
interface FittedState {
  readonly key: string;
  readonly anchor: number;
  readonly forecaster: ForecastModel;
}

/**
 * The walk-forward strategy: at each decision the dataset stage gives the refit's rows when the anchor moves, the
 * forecast stage fits and predicts, the portfolio stage turns forecasts and risk into weights, and `env.observe`
 * sees what the decision was made from.
 */
/** `epoch 2/3: train loss 0.0123` for a neural fit's note, `40/100` for trees and boosting rounds. */
function fitNote(done: number, total: number, note: string | undefined): string {
  const epoch = note === undefined ? null : /^epoch \d+(.*)$/.exec(note);
  return epoch ? `epoch ${done}/${total}${epoch[1]}` : `${done}/${total}`;
}

export function mlForecast(params: MlForecastParams, env: MlForecastEnv = {}): Strategy {
  const name = env.name ?? `ml-${params.model.kind}`;
  const set = mlFeatureSet(params.features as FeatureSpec[], env.records);
  validateParams(params, set.features, name);
  const p = params.portfolio;
  const h = params.target.horizon;
  // Periods per year: given by the study, else inferred once from the first view's dates. μ (h-period forecasts)
  // is annualised by ppy / h and Σ by ppy, so the volatility target holds on daily, weekly or monthly data alike.
  let ppy = env.periodsPerYear;
  const periodsPerYear = (view: Panel): number => (ppy ??= inferPeriodsPerYear(view.dates));
  let state: FittedState | undefined;
  const { warmup } = set;
  /** Why the last refit found no model (for the decision's finding). */
  let shortfall = '';
  // ---- monitor hook (ml-monitor.ts; the study's monitor: section): drift detectors, retrain and de-risk triggers
  const hook = env.monitor
    ? new MlMonitorHook(
        env.monitor,
        {
          horizon: h,
          embargo: params.embargo,
          trainWindow: params.trainWindow,
          refitEvery: params.refitEvery,
          covarianceWindow: params.covarianceWindow,
        },
        () => ppy ?? 252,
      )
    : undefined;
  /** The model in force lent to the monitor: forecasts and raw feature rows of `v` (row u of the panel = u − offset). */
  function monitorTools(v: Panel, m: ForecastModel, offset: number, normalised?: FeatureMatrix): MonitorTools {
    let fm = normalised;
    const matrix = (): FeatureMatrix =>
      (fm ??= normaliseAcrossAssets(
        computeFeatures(set.features, set.records ? { panel: v, records: set.records } : { panel: v }),
        params.crossSectional,
        m.marketWide,
      ));
    return {
      forecastAt: (u) => predictForecasts(m, matrix(), u - offset, v, h, periodsPerYear(v)).forecast,
      featureRows: (from, to) => {
        const x = matrix();
        const rows: number[] = [];
        const rowsPerDate: number[] = [];
        for (let u = Math.max(from - offset, 0); u <= to - offset; u++) {
          const X = predictionRows(x, u).X;
          rows.push(...X);
          rowsPerDate.push(X.length / x.names.length);
        }
        return { rows: Float64Array.from(rows), nRows: rows.length / x.names.length, names: x.names, rowsPerDate };
      },
    };
  }
  // ---- end of the monitor hook's setup

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

  return {
    name,
    ...(params.rebalance === undefined ? {} : { rebalance: params.rebalance as RebalanceSpec }),
    decide(fullView: Panel, ctx: DecisionContext): Decision {
      const universe = params.universe ?? fullView.assets;
      const same = universe.length === fullView.nAssets && universe.every((id, a) => fullView.assets[a] === id);
      const view = same ? fullView : fullView.selectAssets(universe);
      const T = view.nDates - 1;
      const nA = view.nAssets;
      const today = decisionFeatures(set, view);
      // Monitor hook: feed the detectors the bars since the last decision; a drift retrain may move the anchor.
      const since = hook && hook.lastDecision >= 0 ? Math.max(0, hook.lastDecision - set.burnIn) : 0;
      const plan = hook?.beforeDecision(
        view,
        T,
        state && hook.lastDecision >= 0
          ? monitorTools(view.sliceRows(since, T + 1), state.forecaster, since)
          : undefined,
      );
      const anchor = plan ? plan.anchor : T - (T % params.refitEvery);
      let refit = false;
      const fpAnchor = `${view.dates[anchor]}`;
      if (!state || state.key !== fpAnchor || state.anchor > T) {
        // The model in force at T is the one fitted at its anchor on data ≤ anchor; refit when the anchor moves.
        const heard = env.onFitProgress;
        heard?.(0, `refit ${fpAnchor}`, params.refitEvery);
        const out = refitDataset(set, params, view, anchor, plan?.window);
        const onProgress = heard
          ? (done: number, total: number, note?: string): void =>
              heard(total > 0 ? done / total : 0, `refit ${fpAnchor} ${fitNote(done, total, note)}`, params.refitEvery)
          : undefined;
        if ('shortfall' in out) {
          shortfall = out.shortfall;
          state = undefined;
        } else {
          state = {
            key: fpAnchor,
            anchor,
            forecaster: fitForecastModel(out.data, params, (ctx.seed + anchor) >>> 0, onProgress),
          };
          const { data } = out;
          hook?.onFit(anchor, anchor - data.anchor, data.view, monitorTools(data.view, state.forecaster, 0, data.fm));
        }
        refit = state !== undefined;
      }
      const m = state?.forecaster;
      const findings: FindingDraft[] = [];
      if (refit && m?.selection?.failed)
        findings.push({
          severity: 'warning',
          kind: 'selection-failed',
          message: `model selection at the refit of ${view.dates[anchor]} could not score any candidate (${m.selection.failed}), so the model was fitted as given`,
          fix: 'raise trainWindow or minTrainDates, lower selection.folds, or check the grid values',
        });
      const weights = refit ? m?.data.weights : undefined;
      if (weights)
        findings.push({
          severity: 'info',
          kind: 'sample-weights',
          message: `the refit of ${view.dates[anchor]} weighted its ${m!.nTrain} training rows by the average uniqueness of their overlapping ${h}-bar labels${weights.decay !== 1 ? ` with time decay ${weights.decay}` : ''} (mean uniqueness ${weights.meanUniqueness.toFixed(3)}, about ${Math.round(weights.independentLabels)} non-overlapping labels; the weights' effective sample size is ${Math.round(weights.effectiveRows)})`,
          fix: 'sampleWeights: none weighs every training row equally',
        });
      const cov = riskModel(view, params.covarianceWindow, periodsPerYear(view));
      const previous = new Float64Array(nA);
      const fullIndex = universe.map((id) => fullView.assets.indexOf(id));
      fullIndex.forEach((j, a) => (previous[a] = ctx.previousWeights[j] ?? 0));
      let w: Float64Array;
      let allocation: Allocation | undefined;
      let forecasts: Forecasts | undefined;
      let forecast: Float64Array = new Float64Array(nA).fill(NaN);
      let mu: Float64Array = new Float64Array(nA);
      let signals: readonly number[] | undefined;
      if (!m) {
        w = warmUpPortfolio(p, cov);
        findings.push(...historyFindings(view, undefined), {
          severity: 'warning',
          kind: 'short-history',
          message: `no model yet (${shortfall}; minTrainDates is ${params.minTrainDates}), so the decision holds 1/N scaled to the volatility target instead of forecasts`,
          fix: `start the backtest later or load more history (the first fit needs about ${requiredHistory(params, set.features)} bars), or lower minTrainDates`,
        });
      } else {
        const fm = normaliseAcrossAssets(today.fm, params.crossSectional, m.marketWide);
        forecasts = predictForecasts(m, fm, 0, today.view, h, periodsPerYear(today.view));
        forecast = forecasts.forecast;
        // The volatility-band rule reads prices, not forecasts: missing forecasts change nothing there.
        findings.push(...historyFindings(view, p.method === 'volatility-band' ? undefined : forecast));
        if (forecast.some(Number.isFinite) || p.method === 'volatility-band') {
          const out = constructPortfolio(p, view, forecast, forecasts.variance, cov, previous, h, periodsPerYear(view));
          w = out.w;
          allocation = out.allocation;
          mu = out.mu;
          signals = out.signals;
          findings.push(...out.findings);
        } else w = new Float64Array(nA); // warm-up-cash: nothing to allocate
      }
      let monitor: unknown;
      if (hook) {
        // Monitor hook: de-risk when a trigger says so; every firing becomes an info finding.
        const mon = hook.afterDecision(T, w, portfolioVol(w, cov));
        w = mon.weights;
        findings.push(...mon.findings);
        monitor = mon.diagnostics;
      }
      // explain hook (ml-explain.ts): the SHAP record of today's forecasts, stored with the decision
      const explanation =
        params.explain && m && forecasts && forecasts.n > 0 && explainsAt(m.model, refit)
          ? forecastExplanation(
              m.model,
              params.scaler,
              forecasts.X,
              forecasts.assetIndex.map((a) => today.fm.assets[a]!),
              m.featureNames,
              ctx.seed,
            )
          : undefined;
      const distilled =
        params.explain && refit && m
          ? distillRefit(
              m.model,
              m.scaler.transform(m.data.dataset.X, m.data.dataset.n),
              m.data.dataset.n,
              m.featureNames,
              m.fitted,
            )
          : undefined;
      const observed = env.observe?.({
        strategy: name,
        date: view.dates[T]!,
        universe,
        featureNames: today.fm.names,
        refit,
        ...(m ? { model: m } : {}),
        ...(forecasts ? { forecasts } : {}),
        mu,
        cov,
        weights: w,
      } satisfies MlDecisionRecord);
      if (observed?.findings) findings.push(...observed.findings);
      const full = new Float64Array(fullView.nAssets);
      fullIndex.forEach((j, a) => (full[j] = w[a]!));
      const ml: MlDiagnostics = {
        model: params.model.kind,
        universe,
        horizon: h,
        fitDate: state ? view.dates[state.anchor]! : '',
        lastLabelDate: m?.lastLabelDate ?? '',
        nTrain: m?.nTrain ?? 0,
        refit,
        forecast: [...forecast],
        historicalMean: m ? [...m.histMean] : new Array<number>(nA).fill(NaN),
        mu: [...mu],
        cov: [...cov.data],
        featureNames: today.fm.names,
        ...(m?.importance ? { importance: [...m.importance] } : {}),
        ...(refit && m?.training ? { training: m.training } : {}),
        ...(refit && m?.selection ? { selection: m.selection } : {}),
        ...(weights ? { sampleWeights: weights } : {}),
        method: p.method,
        ...(signals ? { signals: [...signals] } : {}),
        warmingUp: !m,
      };
      return {
        weights: full,
        ...(allocation ? { allocation } : {}),
        ...(findings.length > 0 ? { findings } : {}),
        diagnostics: {
          ml,
          exAnteVolatility: portfolioVol(w, cov),
          held: [...previous],
          ...(explanation ? { explain: explanation } : {}),
          ...(distilled ? { distill: distilled } : {}),
          ...(observed?.diagnostics ? { observed: observed.diagnostics } : {}),
          ...(monitor ? { monitor } : {}),
        },
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
