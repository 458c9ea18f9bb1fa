/**
 * explanations.json: what `keel explain RUN` reads. Per ML strategy: its universe (with sectors), feature names,
 * resolved portfolio settings, and per decision the inputs of the portfolio (forecasts, μ, Σ, weights held before
 * it, the target) with the decision's compact SHAP record (src/explain records.ts). Deterministic: same run, same
 * bytes (NaN is written as null).
 */
import type { Panel } from '../data/index.ts';
import type { BacktestResult } from '../backtest/index.ts';
import type { ForecastExplanation } from '../explain/index.ts';
import { strategyKinds, type MlDiagnostics, type MlPortfolioParams, type StrategySpec } from '../strategies/index.ts';
import type { MlJobPlan } from './ml-tasks.ts';

export interface ExplainedDecision {
  readonly date: string;
  readonly fitDate: string;
  readonly refit: boolean;
  readonly forecast: readonly (number | null)[];
  readonly mu: readonly number[];
  /** Σ's upper triangle row by row (Σ_00, Σ_01 … Σ_0n, Σ_11 …): n(n+1)/2 values. */
  readonly covUpper: readonly number[];
  readonly held: readonly number[];
  readonly target: readonly number[];
  /** volatility-band strategies: the price-band signal per asset (+1 buy, −1 sell, 0 hold) behind the target. */
  readonly signals?: readonly number[];
  readonly explain?: ForecastExplanation;
  /** Refit decisions: the model distilled into a depth-3 tree on its training rows (fidelity R², rules). */
  readonly distill?: { readonly fidelity: number; readonly rules: readonly string[]; readonly n: number };
}

export interface ExplainedStrategy {
  readonly model: string;
  readonly universe: readonly string[];
  readonly sectors: readonly (string | null)[];
  readonly featureNames: readonly string[];
  readonly portfolio: MlPortfolioParams;
  readonly decisions: readonly ExplainedDecision[];
  /** false when the strategy ran with `explain: false` (its decisions carry no `explain` or `distill`). */
  readonly explained?: false;
}

export interface ExplanationsArtefact {
  readonly v: 1;
  readonly strategies: Readonly<Record<string, ExplainedStrategy>>;
}

export function explanationsArtefact(
  panel: Panel,
  plan: MlJobPlan,
  results: readonly BacktestResult[],
): ExplanationsArtefact {
  const strategies: Record<string, ExplainedStrategy> = {};
  plan.tasks.forEach((task, k) => {
    if (task.baseline || task.spec.kind !== 'ml-forecast') return;
    const s = explainedStrategy(panel, task.spec, results[k]!);
    if (s) strategies[task.label] = s;
  });
  return { v: 1, strategies };
}

/** One ml-forecast run's explanations (undefined when its spec does not parse as ml-forecast). */
export function explainedStrategy(panel: Panel, spec: StrategySpec, r: BacktestResult): ExplainedStrategy | undefined {
  const { kind: _k, name: _n, ...params } = spec;
  const parsed = strategyKinds['ml-forecast'].schema.safeParse(params);
  if (!parsed.success) return undefined;
  const decisions: ExplainedDecision[] = [];
  let universe: readonly string[] = [];
  let featureNames: readonly string[] = [];
  for (const d of r.decisions) {
    const ml = d.diagnostics?.['ml'] as MlDiagnostics | undefined;
    if (!ml || ml.warmingUp) continue;
    universe = ml.universe;
    featureNames = ml.featureNames;
    const idx = ml.universe.map((id) => r.assets.indexOf(id));
    const explain = d.diagnostics?.['explain'] as ForecastExplanation | undefined;
    const distill = d.diagnostics?.['distill'] as NonNullable<ExplainedDecision['distill']> | undefined;
    decisions.push({
      date: r.dates[d.dateIndex]!,
      fitDate: ml.fitDate,
      refit: ml.refit,
      forecast: ml.forecast.map((f) => (Number.isFinite(f) ? f : null)),
      mu: [...ml.mu],
      covUpper: upperTriangle(ml.cov, ml.universe.length),
      held: [...((d.diagnostics?.['held'] as number[] | undefined) ?? [])],
      target: idx.map((j) => d.target[j]!),
      ...(ml.signals ? { signals: [...ml.signals] } : {}),
      ...(explain ? { explain } : {}),
      ...(distill ? { distill } : {}),
    });
  }
  const pf = parsed.data.portfolio;
  return {
    model: parsed.data.model.kind,
    universe,
    sectors: universe.map((id) => panel.meta[panel.assets.indexOf(id)]?.sector ?? null),
    featureNames,
    portfolio: {
      method: pf.method,
      maxWeight: pf.maxWeight,
      targetVolatility: pf.targetVolatility,
      transactionCost: pf.transactionCost,
      l2Gamma: pf.l2Gamma,
      ...(pf.sectorCap !== undefined ? { sectorCap: pf.sectorCap } : {}),
      ...(pf.method === 'top-k' ? { topK: pf.topK } : {}),
      ...(pf.method === 'threshold' ? { threshold: pf.threshold } : {}),
      ...(pf.method === 'tilt' ? { tiltStrength: pf.tiltStrength } : {}),
      ...(pf.method === 'active' ? { trackingError: pf.trackingError } : {}),
    },
    decisions,
    ...(parsed.data.explain ? {} : { explained: false as const }),
  };
}

function upperTriangle(cov: readonly number[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push(cov[i * n + j]!);
  return out;
}
