/**
 * The ml-forecast strategy's side of explanations (src/explain does the mathematics):
 *
 * - `forecastExplanation`: the compact SHAP record of one decision's forecasts, stored in
 *   `Decision.diagnostics.explain`. Trees: exact path-dependent TreeSHAP (the training covers are the reference).
 *   Linear and every other model: the reference is the scaler's centre — scaled 0, the training-window mean for the
 *   z-score scaler (median for robust) — exact for linear models, permutation sampling with a standard error for the
 *   rest. With scaler minmax or none the centre is not a typical row, so today's cross-section is the reference.
 * - `mlPortfolioAllocator`: the strategy's portfolio rule (mean-variance, Black-Litterman, active, tilt, forecast-proportional,
 *   top-k, threshold, volatility-band) as a black box `(forecast input, Σ, held) → w` for `whyWeights`, with `relaxed` dropping the
 *   per-asset maximum and the sector caps (the caps the study adds); `mlShadowPrices`: the optimiser's binding
 *   constraints with their multipliers.
 */
import { type Constraints, type ShadowPrices } from '../allocation/index.ts';
import { usageError } from '../core/index.ts';
import type { Matrix } from '../core/index.ts';
import { distill, explainForecasts, type BlackBoxAllocator, type ForecastExplanation } from '../explain/index.ts';
import type { ScalerKind } from '../features/index.ts';
import { LinearModel, TreeModel, type FittedModel } from '../models/index.ts';
import {
  allowingCashShadowPrices,
  capVolatility,
  cappedForecastProportional,
  efficientRiskAllowingCash,
  signalsToWeights,
  thresholdSignals,
  topK,
  sectorIndex,
  tiltedEqualWeight,
  activePortfolio,
  type Signal,
} from './ml/index.ts';

/** Contributions kept per asset and decision. */
export const EXPLAIN_TOP = 5;

/**
 * Whether a decision's forecasts are explained: tree and linear models (exact, cheap) at every decision, every other
 * model (sampled: (p − 1) model evaluations per permutation and asset) at its refit decisions only — an LSTM
 * explained at every weekly decision took 10× the study's run time.
 */
export function explainsAt(model: FittedModel, refit: boolean): boolean {
  return refit || model instanceof TreeModel || model instanceof LinearModel;
}

export function forecastExplanation(
  model: FittedModel,
  scaler: ScalerKind,
  X: Float64Array,
  rowAssets: readonly string[],
  featureNames: readonly string[],
  seed: number,
): ForecastExplanation {
  const p = featureNames.length;
  let background: Float64Array | undefined;
  if (!(model instanceof TreeModel)) background = scaler === 'zscore' || scaler === 'robust' ? new Float64Array(p) : X;
  return explainForecasts(model, X, featureNames, {
    top: EXPLAIN_TOP,
    rows: rowAssets,
    seed,
    ...(background ? { background } : {}),
    pairs: 4,
  });
}

/** The portfolio section of a parsed ml-forecast strategy that the allocator needs. */
export interface MlPortfolioParams {
  readonly method: string;
  readonly maxWeight: number;
  readonly targetVolatility: number;
  readonly transactionCost: number;
  readonly l2Gamma: number;
  readonly sectorCap?: number | undefined;
  /** top-k and threshold rules (absent in explanations written before they were stored). */
  readonly topK?: number | undefined;
  readonly threshold?: number | undefined;
  /** tilt rule (absent in explanations written before it existed). */
  readonly tiltStrength?: number | undefined;
  /** active optimiser (absent in explanations written before it existed). */
  readonly trackingError?: number | undefined;
}

/**
 * Which stored input a method's allocator reads as its signal (the "forecasts" slot of `whyWeights`): the annualised
 * μ (optimisers), the model's h-period forecasts (forecast-proportional, top-k, threshold; NaN = none), or the
 * price-band signals (volatility-band, which reads no forecast).
 */
export function signalInputOf(method: string): 'mu' | 'forecast' | 'signals' {
  if (method === 'volatility-band') return 'signals';
  return method === 'mean-variance' || method === 'black-litterman' || method === 'active' ? 'mu' : 'forecast';
}

/**
 * What each why-weights part means for a method, and the parts that are 0 by construction (the method does not
 * read that input), so the output can say so instead of printing a silent 0.
 */

/** The drift part of an optimiser that reads the held weights only through its trading-cost penalty. */
function costDrift(p: { readonly transactionCost: number }): { drift: string; zeroByConstruction: 'drift'[] } {
  return p.transactionCost > 0
    ? {
        drift: `the held weights moving with prices (through the ${p.transactionCost} trading-cost penalty)`,
        zeroByConstruction: [],
      }
    : {
        drift: 'none: with transactionCost 0 the optimiser does not read the held weights',
        zeroByConstruction: ['drift'],
      };
}

export function weightChangeMeaning(p: MlPortfolioParams): {
  readonly forecasts: string;
  readonly risk: string;
  readonly drift: string;
  readonly zeroByConstruction: readonly ('drift' | 'forecasts' | 'risk')[];
} {
  if (p.method === 'mean-variance' || p.method === 'black-litterman')
    return {
      forecasts:
        p.method === 'black-litterman'
          ? 'the Black-Litterman posterior μ handed to the optimiser (it moves with Σ too; that move is counted here)'
          : 'μ, the annualised forecasts',
      risk: 'Σ, the risk model',
      ...costDrift(p),
    };
  if (p.method === 'active')
    return {
      forecasts: 'μ, the annualised forecasts',
      risk: 'Σ, the risk model (it sets the tracking error and the benchmark, 1/N scaled to the volatility target)',
      ...costDrift(p),
    };
  if (p.method === 'volatility-band')
    return {
      forecasts:
        'the price-band signals (buy / sell / hold from the last price change against σ of changes); the model’s forecasts play no part',
      risk: `Σ, through the scaling down to the ${p.targetVolatility} volatility target`,
      drift: 'the held weights moving with prices, which hold signals keep',
      zeroByConstruction: [],
    };
  return {
    forecasts: `the h-period forecasts the ${p.method} rule ranks or scales`,
    risk: `Σ, through the scaling down to the ${p.targetVolatility} volatility target`,
    drift: `none: the ${p.method} rule does not read the held weights`,
    zeroByConstruction: ['drift'],
  };
}

/** The study's constraints for one solve of the mean-variance / Black-Litterman rule (relaxed: no caps). */
function mvProblem(
  p: MlPortfolioParams,
  assets: readonly string[],
  sectors: readonly (string | undefined)[],
  hasForecast: readonly boolean[],
  relaxed: boolean,
): Constraints {
  const assetBounds: Record<string, [number, number]> = {};
  assets.forEach((id, a) => {
    if (!hasForecast[a]) assetBounds[id] = [0, 0];
  });
  const bySector = new Map<string, string[]>();
  if (p.sectorCap !== undefined)
    sectors.forEach((s, a) => {
      if (s) bySector.set(s, [...(bySector.get(s) ?? []), assets[a]!]);
    });
  const groups = [...bySector.entries()].map(([s, ids]) => ({ name: `sector ${s}`, assets: ids, max: p.sectorCap! }));
  return {
    weightBounds: [0, relaxed ? 1 : p.maxWeight],
    ...(p.transactionCost > 0 ? { transactionCost: p.transactionCost } : {}),
    ...(p.l2Gamma > 0 ? { l2Gamma: p.l2Gamma } : {}),
    ...(Object.keys(assetBounds).length > 0 ? { assetBounds } : {}),
    ...(!relaxed && groups.length > 0 ? { groups } : {}),
  };
}

/**
 * ml-forecast's portfolio rule as a black box `(forecast input, Σ, held) → w` for `whyWeights`, `relaxed` dropping
 * the per-asset maximum and the sector caps (the caps the study adds). Mean-variance and Black-Litterman:
 * efficient-risk at the volatility target (cash when the target is below every fully invested portfolio), then the
 * volatility cap, on the μ the optimiser received; `hasForecast[a]` false pins asset a at 0, as the strategy does.
 * forecast-proportional, top-k, threshold: the rule on the h-period forecasts (`state.mu`, NaN = none), then the
 * volatility cap; volatility-band: the rule on the stored price-band signals (`state.mu`) and the held weights.
 */
export function mlPortfolioAllocator(
  p: MlPortfolioParams,
  assets: readonly string[],
  sectors: readonly (string | undefined)[],
  hasForecast: readonly boolean[],
): BlackBoxAllocator {
  if (p.method === 'active') {
    const te = p.trackingError ?? staleParam(p.method, 'trackingError');
    return (state, relaxed) =>
      activePortfolio(
        assets,
        state.mu,
        state.cov,
        state.previous,
        mvProblem(p, assets, sectors, hasForecast, relaxed),
        te,
        p.targetVolatility,
      ).w;
  }
  const rule = ruleFor(p, sectors);
  if (rule)
    return (state, relaxed) => {
      const w = rule(state.mu, state.previous, relaxed ? 1 : p.maxWeight, relaxed);
      capVolatility(w, state.cov, p.targetVolatility);
      return w;
    };
  return (state: { mu: Float64Array; cov: Matrix; previous: Float64Array }, relaxed: boolean) => {
    const constraints = mvProblem(p, assets, sectors, hasForecast, relaxed);
    const dist = { assets, mu: state.mu, cov: state.cov, previousWeights: state.previous, riskFreeRate: 0 };
    const w = efficientRiskAllowingCash(dist, constraints, p.targetVolatility).allocation.weights.slice();
    capVolatility(w, state.cov, p.targetVolatility);
    return w;
  };
}

function staleParam(method: string, field: string): never {
  throw usageError(
    `this run's explanations.json does not record portfolio.${field}, which the ${method} rule needs; rerun the study with this version of keel.`,
  );
}

type Rule = (input: Float64Array, previous: Float64Array, maxWeight: number, relaxed: boolean) => Float64Array;

function ruleFor(p: MlPortfolioParams, sectors: readonly (string | undefined)[]): Rule | undefined {
  const stale = (field: string): never => staleParam(p.method, field);
  switch (p.method) {
    case 'mean-variance':
    case 'black-litterman':
    case 'active':
      return undefined;
    case 'tilt': {
      const s = p.tiltStrength ?? stale('tiltStrength');
      // relaxed drops the sector caps too, as for the optimisers
      const { group, caps } = sectorIndex(sectors, p.sectorCap);
      return (f, _held, cap, relaxed) => tiltedEqualWeight(f, s, cap, relaxed ? [] : group, relaxed ? [] : caps);
    }
    case 'forecast-proportional':
      return (f, _held, cap) => cappedForecastProportional(f, cap);
    case 'top-k': {
      const k = p.topK ?? stale('topK');
      return (f, _held, cap) => topK(f, k, cap);
    }
    case 'threshold': {
      const t = p.threshold ?? stale('threshold');
      // every signal is buy or sell, never hold, so the held weights play no part
      return (f, _held, cap) => signalsToWeights(thresholdSignals(f, t), new Float64Array(f.length), cap);
    }
    case 'volatility-band':
      return (band, held, cap) =>
        signalsToWeights(
          Array.from(band, (x) => Math.sign(x) as Signal),
          held,
          cap,
        );
    default:
      throw usageError(
        `--why-weights cannot recompute ${p.method} portfolios; pick an ml-forecast strategy with a portfolio method keel knows.`,
      );
  }
}

/**
 * The binding constraints of the mean-variance / Black-Litterman solve at `state` with their shadow prices (the
 * active-set solver's KKT multipliers, see `efficientRiskShadowPrices`). Rules are not optimisers: `available: false`.
 */
export function mlShadowPrices(
  p: MlPortfolioParams,
  assets: readonly string[],
  sectors: readonly (string | undefined)[],
  hasForecast: readonly boolean[],
  state: { mu: Float64Array; cov: Matrix; previous: Float64Array },
): ShadowPrices {
  if (p.method === 'active')
    return {
      available: false,
      weights: new Float64Array(assets.length),
      reason:
        'active solves for the weights over 1/N@vol, so its multipliers price the shifted caps of that problem; they are not reported yet',
    };
  if (p.method !== 'mean-variance' && p.method !== 'black-litterman')
    return {
      available: false,
      weights: new Float64Array(assets.length),
      reason: `${p.method} is a rule, not an optimiser: it has no constraints with multipliers (maxWeight caps each weight directly)`,
    };
  const constraints = mvProblem(p, assets, sectors, hasForecast, false);
  const dist = { assets, mu: state.mu, cov: state.cov, previousWeights: state.previous, riskFreeRate: 0 };
  const { allocation } = efficientRiskAllowingCash(dist, constraints, p.targetVolatility);
  return allowingCashShadowPrices(dist, constraints, p.targetVolatility, allocation);
}

/** The distillation stored at a refit: a depth-3 tree fitted to the model's forecasts on its training rows. */
export interface StoredDistillation {
  readonly fidelity: number;
  readonly rules: readonly string[];
  readonly n: number;
}

/** Distils the model in force on its own (scaled) training rows; undefined with fewer than 10 rows. */
export function distillRefit(
  model: FittedModel,
  scaled: Float64Array,
  n: number,
  featureNames: readonly string[],
  /** model.predict(scaled, n) when the refit already computed it (ForecastModel.fitted): not predicted twice. */
  fitted?: Float64Array,
): StoredDistillation | undefined {
  if (n < 10 || model.task !== 'regression') return undefined;
  const d = distill(model, scaled, n, featureNames, { maxDepth: 3, ...(fitted ? { predictions: fitted } : {}) });
  return { fidelity: d.fidelity, rules: d.rules, n };
}
