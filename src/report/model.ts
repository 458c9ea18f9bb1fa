/**
 * The report model: everything report.html shows, as plain JSON (report.json). It holds no timestamps, paths or
 * timings, so the same study and seed give byte-identical JSON. Numbers are rounded to 10 significant digits
 * (stable across platforms for the last-bit differences of transcendental functions) and NaN/±∞ become null.
 */
import type { FindingGroup } from '../core/index.ts';

export interface StrategySeries {
  readonly name: string;
  /** Baselines (1/N, 60/40, inverse-vol) are drawn dashed. */
  readonly baseline: boolean;
  readonly dates: readonly string[];
  /** Net asset value per date, starting at 1 (after costs). */
  readonly nav: readonly number[];
  /** Headline metrics (Sharpe, deflated Sharpe, drawdown, turnover …), NaN allowed. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Month-end exposure and monthly turnover (absent in reports written before the tear sheet). */
  readonly activity?: StrategyActivity;
}

/** Per calendar month ('YYYY-MM'): gross and net exposure at the month's last close and the month's turnover. */
export interface StrategyActivity {
  readonly periods: readonly string[];
  readonly gross: readonly number[];
  readonly net: readonly number[];
  readonly turnover: readonly number[];
}

export interface WeightsHistory {
  readonly strategy: string;
  readonly assets: readonly string[];
  /** Rebalance dates. */
  readonly dates: readonly string[];
  /** weights[d][a], fractions of NAV at the rebalance. */
  readonly weights: readonly (readonly number[])[];
}

export interface FrontierPoint {
  /** Annualised volatility, fraction. */
  readonly risk: number;
  /** Annualised expected return, fraction. */
  readonly ret: number;
}

export interface FrontierSnapshot {
  readonly asOf: string;
  readonly strategy: string;
  readonly curve: readonly FrontierPoint[];
  readonly assets: readonly (FrontierPoint & { readonly id: string })[];
  /** The portfolio actually chosen at that rebalance. */
  readonly chosen?: FrontierPoint;
}

export interface FeatureImportance {
  readonly model: string;
  readonly names: readonly string[];
  /** Non-negative, summing to 1. */
  readonly values: readonly number[];
}

/** Loss per epoch of one fitted model (one walk-forward refit of a neural forecaster). */
export interface TrainingCurve {
  readonly model: string;
  /** The refit date the model was trained at. */
  readonly fitDate: string;
  readonly trainLoss: readonly number[];
  /** Empty when the model trained without a validation fold. */
  readonly validationLoss: readonly number[];
  /** Loss of the constant forecast learnt from the training fold, on each fold (what learning nothing scores). */
  readonly constantLoss?: { readonly train: number; readonly validation: number };
}

export interface IcSeries {
  readonly model: string;
  readonly dates: readonly string[];
  readonly ic: readonly number[];
  readonly rankIc: readonly number[];
}

export interface ForecastQualityRow {
  readonly model: string;
  /** Fit date of the model that made these forecasts (per-fold rows only). */
  readonly fold?: string;
  readonly universe?: string;
  readonly ic: number;
  readonly rankIc: number;
  readonly icIR: number;
  readonly icTStat: number;
  readonly hitRate: number;
  readonly r2VsZero: number;
  readonly r2VsHistoricalMean: number;
  readonly nDates: number;
  /**
   * Synthetic data: IC of the planted expected return (known at each decision) on the same cross sections — the
   * most a forecaster could reach; `ic / ceilingIc` is the share of the planted signal the model found.
   */
  readonly ceilingIc?: number;
}

/** One firing of a monitor detector in the walk-forward (study `monitor:` section). */
export interface MonitorEventRow {
  readonly strategy: string;
  /** Bar on which the detector fired, and the decision that acted on it. */
  readonly date: string;
  readonly actedOn: string;
  readonly detector: string;
  readonly value: number;
  readonly threshold: number;
  readonly kind: 'pValue' | 'distance';
  readonly action: string;
  readonly changeDate?: string;
}

/** One refit of a strategy with `selection`: what the inner purged k-fold chose and its inner score. */
export interface ModelSelectionRow {
  readonly model: string;
  readonly fitDate: string;
  /** The chosen candidate's parameters, e.g. "alpha=100". */
  readonly chosen: string;
  readonly objective: string;
  /** Mean inner-fold objective of the chosen candidate. */
  readonly score: number;
  /** Candidates tried at this refit. */
  readonly candidates: number;
}

/** Training curve of reinforcement-learning agents at one refit: return per episode, mean over the K agents. */
export interface AgentTrainingCurve {
  readonly strategy: string;
  readonly fitDate: string;
  readonly agents: number;
  readonly episodeReturns: readonly number[];
}

/** One forecast explained: base + each listed SHAP contribution (+ the rest) = the model's output. */
export interface ShapWaterfall {
  readonly model: string;
  readonly date: string;
  readonly asset: string;
  readonly base: number;
  readonly steps: readonly { readonly feature: string; readonly value: number }[];
  readonly output: number;
}

/** Why the best ML strategy's weights changed at its last rebalance (src/report weight-change.ts). */
export interface WhyWeightsTable {
  readonly model: string;
  readonly method: string;
  readonly from: string;
  readonly to: string;
  readonly meaning: { readonly drift: string; readonly forecasts: string; readonly risk: string };
  readonly zeroByConstruction: readonly string[];
  readonly maxResidual: number;
  readonly rows: readonly {
    readonly asset: string;
    readonly before: number;
    readonly after: number;
    readonly deltaW: number;
    readonly drift: number;
    readonly forecasts: number;
    readonly risk: number;
    readonly constraints: number;
  }[];
  readonly binding: readonly string[];
  /** Binding constraints with their multipliers (∂ optimal objective/∂ limit), or why there are none. */
  readonly shadowPrices:
    { readonly source: string; readonly prices: readonly ShadowPriceRow[] } | { readonly unavailable: string };
}

export interface ShadowPriceRow {
  readonly constraint: string;
  readonly assets: readonly string[];
  readonly limit: number;
  readonly value: number;
}

/**
 * SHAP summary (beeswarm) data of one model: per feature (largest mean |SHAP| first), each stored contribution
 * (one asset at one decision where the feature was among its top contributions) with its feature value's
 * percentile among those points (0 = lowest, 1 = highest: the colour).
 */
export interface ShapSummary {
  readonly model: string;
  readonly features: readonly {
    readonly name: string;
    readonly shap: readonly number[];
    readonly valueRank: readonly number[];
  }[];
  /** Points stored per row (the explanation record's top-k). */
  readonly topPerRow: number;
}

/** Distillation of each refit's model into a depth-3 tree: fidelity R² per training window, the latest rules. */
export interface DistillationPanel {
  readonly windows: readonly {
    readonly model: string;
    readonly fitDate: string;
    readonly n: number;
    readonly fidelity: number;
  }[];
  readonly latest: readonly {
    readonly model: string;
    readonly fitDate: string;
    readonly fidelity: number;
    readonly rules: readonly string[];
  }[];
}

/** Headline figures of one backtest (an rl-agent ensemble or one of its agents acting alone), after costs. */
export interface MemberFigures {
  readonly name: string;
  readonly annualReturn: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly turnover: number;
  readonly l1FromEqualWeight: number;
}

export interface AgentMembersTable {
  readonly strategy: string;
  readonly ensemble: MemberFigures;
  readonly members: readonly MemberFigures[];
}

export interface ReportSection {
  /** Short id used in anchors and the browser test ("universe-4", "stocks-24"). */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly strategies: readonly StrategySeries[];
  /** Name of the strategy the tear sheet measures beta, alpha, tracking error and information ratio against (1/N). */
  readonly benchmark?: string;
  readonly weights?: WeightsHistory;
  /** Target weights over time of every other non-baseline strategy (a study of several rl-agents shows each). */
  readonly moreWeights?: readonly WeightsHistory[];
  readonly frontier?: FrontierSnapshot;
  readonly featureImportance?: readonly FeatureImportance[];
  /** Mean |SHAP| per feature over every decision and asset, as shares of the model's total (src/explain). */
  readonly shapImportance?: readonly FeatureImportance[];
  /** The best ML strategy's last decision, its largest holding's forecast as a SHAP waterfall. */
  readonly shapWaterfall?: ShapWaterfall;
  /** The best ML strategy's SHAP contributions per feature against the feature's value (beeswarm). */
  readonly shapSummary?: ShapSummary;
  /** The best ML strategy's last weight change, split into drift, forecasts, risk and constraints (or why not). */
  readonly whyWeights?: WhyWeightsTable | { readonly model: string; readonly unavailable: string };
  /** Every ML strategy's refits distilled into shallow trees. */
  readonly distillation?: DistillationPanel;
  /** Training curves of neural forecasters, one per refit. */
  readonly trainingCurves?: readonly TrainingCurve[];
  /** Training curves of rl-agent strategies, one per refit. */
  readonly agentTraining?: readonly AgentTrainingCurve[];
  /** rl-agent ensembles (`seeds: K`): the ensemble's figures and each agent's acting alone (`<name>#k`). */
  readonly agentMembers?: readonly AgentMembersTable[];
  readonly ic?: readonly IcSeries[];
  readonly forecastQuality?: readonly ForecastQualityRow[];
  /** The same figures per walk-forward fold (rebalances served by one fitted model). */
  readonly forecastQualityByFold?: readonly ForecastQualityRow[];
  /** Model selection per refit of the strategies that select their hyper-parameters (`selection`). */
  readonly modelSelection?: readonly ModelSelectionRow[];
  /** Monitor firings of the section's ML strategies (retrain, de-risk, alert), in date order per strategy. */
  readonly monitorEvents?: readonly MonitorEventRow[];
}

export interface ReportModel {
  readonly format: 'keel-report';
  readonly version: 1;
  readonly title: string;
  readonly study: string;
  readonly seed: number;
  /** Configurations tried across the study (feeds the deflated Sharpe). */
  readonly nTrials: number;
  readonly sections: readonly ReportSection[];
  readonly notes: readonly string[];
  /**
   * Every way the run differs from what the study asked (core/findings.ts), grouped; shown first in report.html.
   * Empty when the run did exactly what the study says.
   */
  readonly findings: readonly FindingGroup[];
}

/** Rounds every number to 10 significant digits and turns NaN/±∞ into null, recursively (a new value). */
export function normaliseNumbers(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) ? (value === 0 ? 0 : Number(value.toPrecision(10))) : null;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v) => normaliseNumbers(v));
  if (Array.isArray(value)) return value.map(normaliseNumbers);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normaliseNumbers(v);
    return out;
  }
  return value;
}

/** report.json text: normalised numbers, 2-space indent, trailing newline. */
export function reportToJson(model: ReportModel): string {
  return `${JSON.stringify(normaliseNumbers(model), null, 2)}\n`;
}

/** A model whose numbers went through JSON (null back to NaN) — what the HTML renderer draws. */
export function reportFromJson(text: string): ReportModel {
  return JSON.parse(text, (_k, v: unknown) => (v === null ? NaN : v)) as ReportModel;
}
