/**
 * The ml-forecast strategy's side of explanations (src/explain does the mathematics):
 *
 * - `forecastExplanation`: the compact SHAP record of one decision's forecasts, stored in
 *   `Decision.diagnostics.explain`. Trees: exact path-dependent TreeSHAP (the training covers are the reference).
 *   Linear and every other model: the reference is the scaler's centre — scaled 0, the training-window mean for the
 *   z-score scaler (median for robust) — exact for linear models, permutation sampling with a standard error for the
 *   rest. With scaler minmax or none the centre is not a typical row, so today's cross-section is the reference.
 * - `mlPortfolioAllocator`: the strategy's mean-variance portfolio rule as a black box `(μ, Σ, held) → w` for
 *   `whyWeights`, with `relaxed` dropping the per-asset maximum and the sector caps (the caps the study adds).
 */
import { type Constraints } from '../allocation/index.ts';
import { usageError } from '../core/index.ts';
import type { Matrix } from '../core/index.ts';
import { distill, explainForecasts, type BlackBoxAllocator, type ForecastExplanation } from '../explain/index.ts';
import type { ScalerKind } from '../features/index.ts';
import { LinearModel, TreeModel, type FittedModel } from '../models/index.ts';
import { capVolatility, efficientRiskAllowingCash } from './ml/index.ts';

/** Contributions kept per asset and decision. */
export const EXPLAIN_TOP = 5;

/**
 * Whether a decision's forecasts are explained: tree and linear models (exact, cheap) at every decision, every other
 * model (sampled: (p + 1) model evaluations per permutation and asset) at its refit decisions only — an LSTM
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
}

/**
 * ml-forecast's mean-variance rule (efficient-risk at the volatility target, cash when the target is below every
 * fully invested portfolio, then the volatility cap) on stored inputs. `hasForecast[a]` false pins asset a at 0,
 * as the strategy does. Only `method: mean-variance` is supported (the others are not optimisers).
 */
export function mlPortfolioAllocator(
  p: MlPortfolioParams,
  assets: readonly string[],
  sectors: readonly (string | undefined)[],
  hasForecast: readonly boolean[],
): BlackBoxAllocator {
  if (p.method !== 'mean-variance')
    throw usageError(
      `--why-weights re-optimises mean-variance portfolios only; this strategy uses method ${p.method}. Pick a mean-variance strategy.`,
    );
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
  return (state: { mu: Float64Array; cov: Matrix; previous: Float64Array }, relaxed: boolean) => {
    const constraints: Constraints = {
      weightBounds: [0, relaxed ? 1 : p.maxWeight],
      ...(p.transactionCost > 0 ? { transactionCost: p.transactionCost } : {}),
      ...(p.l2Gamma > 0 ? { l2Gamma: p.l2Gamma } : {}),
      ...(Object.keys(assetBounds).length > 0 ? { assetBounds } : {}),
      ...(!relaxed && groups.length > 0 ? { groups } : {}),
    };
    const dist = { assets, mu: state.mu, cov: state.cov, previousWeights: state.previous, riskFreeRate: 0 };
    const w = efficientRiskAllowingCash(dist, constraints, p.targetVolatility).allocation.weights.slice();
    capVolatility(w, state.cov, p.targetVolatility);
    return w;
  };
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
): StoredDistillation | undefined {
  if (n < 10 || model.task !== 'regression') return undefined;
  const d = distill(model, scaled, n, featureNames, { maxDepth: 3 });
  return { fidelity: d.fidelity, rules: d.rules, n };
}
