/**
 * The ML allocation job: for each universe named by the study's strategies, run those strategies and the baselines
 * on that universe under identical settings and costs, score the `ml-forecast` strategies' forecasts out of sample,
 * and assemble the report model (report.json / report.html), weights.csv, trades.csv and a terminal summary table.
 * Strategies of other kinds (rl-agent, rule strategies) run beside the forecasters as tasks of the same job: same
 * data, costs, calendar, deflated-Sharpe trial count; each gets its own weights chart, L1 distance from 1/N and, for
 * agents, training curves.
 *
 *   const out = runMlJob({ panel, records, name, seed, backtest, strategies, baselines });
 *
 * Deterministic: the same inputs and seed give byte-identical report.json (no clocks, no paths, no timings).
 */
import type { Panel } from '../data/index.ts';
import type { PitRecords } from '../features/index.ts';
import { efficientFrontier, type Constraints } from '../allocation/index.ts';
import { Matrix, groupFindings, type Finding } from '../core/index.ts';
import { deflatedSharpeRatio, forecastQuality, type ForecastCrossSection } from '../metrics/index.ts';
import type { MlDiagnostics, StrategySpec } from '../strategies/index.ts';
import { strategyKinds } from '../strategies/index.ts';
import { ledgerRows, type BacktestResult } from '../backtest/index.ts';
import { isMlStrategy, planMlJob, riskModelOf, runMlTask } from './ml-tasks.ts';
import {
  agentCurves,
  agentMembers,
  distanceFromEqualWeight,
  formatAgentMembers,
  memberRows,
} from './agent-training.ts';
import type {
  AgentMembersTable,
  MemberFigures,
  FeatureImportance,
  ForecastQualityRow,
  FrontierSnapshot,
  IcSeries,
  ModelSelectionRow,
  MonitorEventRow,
  ReportModel,
  ReportSection,
  ShapWaterfall,
  StrategySeries,
  TrainingCurve,
  WeightsHistory,
} from './model.ts';
import { reportToJson } from './model.ts';
import { renderReportHtml } from './html.ts';
import { globalImportance, recordOutput, type ForecastExplanation } from '../explain/index.ts';
import { ceilingQuality, ceilingSource } from './ceiling.ts';
import { distillationOf, shapSummaryOf, whyWeightsOf } from './explain-panels.ts';
import { activeDeflatedSharpe, activeInformationRatio, activityOf, navFrom } from './series.ts';

export interface MlJobInput {
  readonly panel: Panel;
  readonly records?: PitRecords;
  readonly name: string;
  readonly title?: string;
  readonly seed: number;
  /** The study's backtest section (costs required). */
  readonly backtest: unknown;
  readonly strategies: readonly StrategySpec[];
  readonly baselines?: readonly StrategySpec[];
  /** Seeds of the strategies other than ml-forecast, by name (`MlTask.seed`). */
  readonly strategySeeds?: Readonly<Record<string, number>>;
  readonly onProgress?: (done: number, total: number, note?: string) => void;
  /** Findings reported before this job (data fixes…), shown with the job's own in the report's Findings panel. */
  readonly priorFindings?: readonly Finding[];
}

export interface SummaryRow {
  readonly section: string;
  readonly strategy: string;
  readonly baseline: boolean;
  readonly annualReturn: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly deflatedSharpe: number;
  /**
   * Deflated Sharpe of the daily return over 1/N: over the volatility-matched 1/N of the strategy's own target
   * volatility when one ran (`equalWeightBaseline` names it), else over plain 1/N (NaN for 1/N itself or without one).
   */
  readonly deflatedSharpeVsEqualWeight: number;
  /** The same over plain, fully invested 1/N. */
  readonly deflatedSharpeVsPlainEqualWeight: number;
  /** The 1/N baseline `deflatedSharpeVsEqualWeight` compares with, and whether it is volatility-matched. */
  readonly equalWeightBaseline?: string;
  readonly equalWeightVolatilityMatched?: boolean;
  readonly maxDrawdown: number;
  readonly turnover: number;
  /** Mean over the invested dates of Σ|w − 1/N| of the post-trade weights (1/N over the section's assets). */
  readonly l1FromEqualWeight: number;
  readonly ic: number;
  /** ML strategies: t-statistic of the mean IC and the mean rank IC. */
  readonly icT?: number;
  readonly rankIc?: number;
  /** Synthetic data: IC of the planted expected return on the same cross sections (the ceiling). */
  readonly ceilingIc?: number;
  /** An rl-agent ensemble's agents acting alone (`<name>#k`): not extra trials. */
  readonly members?: readonly MemberFigures[];
}

export interface MlJobOutput {
  readonly model: ReportModel;
  readonly reportJson: string;
  readonly reportHtml: string;
  readonly weightsCsv: string;
  readonly tradesCsv: string;
  readonly summary: readonly SummaryRow[];
  /** The terminal summary table, one string per line. */
  readonly table: readonly string[];
  /** rl-agent ensembles beside each of their agents acting alone, for the terminal ([] without ensembles). */
  readonly agentsTable: readonly string[];
  /** The job's own findings (every backtest's, skipped baselines), in task order. */
  readonly findings: readonly Finding[];
  /** One log line per refit of a strategy with `selection` (what was chosen, its inner score). */
  readonly selectionLog: readonly string[];
  /** Monitor events of every ML strategy (events.json when the study has a monitor section). */
  readonly events: readonly (MonitorEventRow & { readonly section: string })[];
}

interface Run {
  readonly spec: StrategySpec;
  readonly label: string;
  readonly baseline: boolean;
  readonly result: BacktestResult;
}

const isEqualWeight = (r: Run): boolean => r.spec.kind === 'equal-weight';
/** The annualised target volatility of an ML strategy (schema default filled in) or a volatility-matched 1/N. */
function targetVolOf(r: Run): number | undefined {
  if (isEqualWeight(r)) return (r.spec as { targetVolatility?: number }).targetVolatility;
  if (!isMlStrategy(r.spec)) return undefined;
  const { kind: _k, name: _n, ...params } = r.spec;
  const p = strategyKinds['ml-forecast'].schema.safeParse(params);
  return p.success ? p.data.portfolio.targetVolatility : undefined;
}

/** The covariance window of an ML strategy's risk model (schema default filled in). */
function covarianceWindowOf(r: Run): number | undefined {
  if (!isMlStrategy(r.spec)) return undefined;
  const { kind: _k, name: _n, ...params } = r.spec;
  const p = strategyKinds['ml-forecast'].schema.safeParse(params);
  return p.success ? p.data.covarianceWindow : undefined;
}

function universeTitle(panel: Panel, ids: readonly string[]): string {
  const sectors = new Set(
    ids.map((id) => panel.meta[panel.assets.indexOf(id)]?.sector).filter((s): s is string => !!s),
  );
  return ids.length <= 6
    ? `${ids.length} assets: ${ids.join(', ')}`
    : `${ids.length} assets in ${sectors.size} sectors`;
}

/** Baselines that name assets (fixed-mix weights) run only in universes holding all of them. */

function mlOf(d: { diagnostics?: Readonly<Record<string, unknown>> }): MlDiagnostics | undefined {
  return d.diagnostics?.['ml'] as MlDiagnostics | undefined;
}

/** Out-of-sample cross-sections: each decision's forecasts vs the realised h-period return from that close. */
type ScoredSection = ForecastCrossSection & { readonly fold: string; readonly universe: readonly string[] };

/** The label horizon of an ML run (from its first scored decision). */
function horizonOf(run: Run): number {
  for (const d of run.result.decisions) {
    const ml = mlOf(d);
    if (ml && !ml.warmingUp) return ml.horizon;
  }
  return 1;
}

function crossSections(run: Run, panel: Panel): ScoredSection[] {
  const out: ScoredSection[] = [];
  const close = panel.field('close');
  const n = panel.nAssets;
  for (const d of run.result.decisions) {
    const ml = mlOf(d);
    if (!ml || ml.warmingUp) continue;
    const date = run.result.dates[d.dateIndex]!;
    const t = panel.dateIndex(date);
    if (t + ml.horizon >= panel.nDates) continue;
    const realized = ml.universe.map((id) => {
      const a = panel.assets.indexOf(id);
      return close[(t + ml.horizon) * n + a]! / close[t * n + a]! - 1;
    });
    out.push({
      date,
      fold: ml.fitDate,
      universe: ml.universe,
      predicted: ml.forecast,
      realized,
      historicalMean: ml.historicalMean,
    });
  }
  return out;
}

function frontierFor(run: Run, panel: Panel): FrontierSnapshot | undefined {
  const last = [...run.result.decisions].reverse().find((d) => {
    const ml = mlOf(d);
    return ml && !ml.warmingUp;
  });
  const ml = last && mlOf(last);
  if (!last || !ml) return undefined;
  const nA = ml.universe.length;
  const cov = new Matrix(nA, nA, Float64Array.from(ml.cov));
  const mu = Float64Array.from(ml.mu);
  const maxWeight = (run.spec as { portfolio?: { maxWeight?: number } }).portfolio?.maxWeight ?? 1;
  const constraints: Constraints = { weightBounds: [0, Math.max(maxWeight, 1 / nA)] };
  const dist = { assets: ml.universe, mu, cov, riskFreeRate: 0 };
  let curve: { risk: number; ret: number }[] = [];
  try {
    curve = efficientFrontier(dist, 24, constraints).map((p) => ({ risk: p.volatility, ret: p.expectedReturn }));
  } catch {
    curve = []; // a degenerate μ (all equal) has no frontier to draw; the chart is then left out
  }
  const w = ml.universe.map((id) => last.target[panel.assets.indexOf(id)] ?? 0);
  let ret = 0;
  let v = 0;
  for (let i = 0; i < nA; i++) {
    ret += w[i]! * mu[i]!;
    for (let j = 0; j < nA; j++) v += w[i]! * cov.data[i * nA + j]! * w[j]!;
  }
  return {
    asOf: run.result.dates[last.dateIndex]!,
    strategy: run.label,
    curve,
    assets: ml.universe.map((id, i) => ({ id, risk: Math.sqrt(cov.data[i * nA + i]!), ret: mu[i]! })),
    chosen: { risk: Math.sqrt(Math.max(0, v)), ret },
  };
}

function weightsHistory(run: Run, ids: readonly string[], panel: Panel): WeightsHistory {
  const idx = ids.map((id) => panel.assets.indexOf(id));
  return {
    strategy: run.label,
    assets: ids,
    dates: run.result.decisions.map((d) => run.result.dates[d.dateIndex]!),
    weights: run.result.decisions.map((d) => idx.map((a) => d.target[a]!)),
  };
}

/** Training curves of every refit of a neural forecaster (empty for models without one). */
function trainingCurvesOf(run: Run): TrainingCurve[] {
  const out: TrainingCurve[] = [];
  for (const d of run.result.decisions) {
    const ml = mlOf(d);
    if (ml?.training) out.push({ model: run.label, fitDate: ml.fitDate, ...ml.training });
  }
  return out;
}

/** Mean |SHAP| per feature over every explained decision of the run, as shares of the total. */
function shapImportanceOf(run: Run): FeatureImportance | undefined {
  const recs: ForecastExplanation[] = [];
  let names: readonly string[] = [];
  for (const d of run.result.decisions) {
    const e = d.diagnostics?.['explain'] as ForecastExplanation | undefined;
    if (!e) continue;
    recs.push(e);
    names = mlOf(d)?.featureNames ?? names;
  }
  if (recs.length === 0) return undefined;
  const g = globalImportance(recs, names.length);
  const s = g.reduce((a, b) => a + b, 0);
  return { model: run.label, names, values: g.map((v) => (s > 0 ? v / s : 0)) };
}

/** The run's last explained decision: the forecast of its largest holding, as base + top contributions + rest. */
function waterfallOf(run: Run): ShapWaterfall | undefined {
  const d = [...run.result.decisions].reverse().find((x) => x.diagnostics?.['explain']);
  if (!d) return undefined;
  const e = d.diagnostics!['explain'] as ForecastExplanation;
  const names = mlOf(d)?.featureNames ?? [];
  let best = 0;
  e.rows.forEach((id, i) => {
    const a = run.result.assets.indexOf(id);
    if (d.target[a]! > d.target[run.result.assets.indexOf(e.rows[best]!)]!) best = i;
  });
  const steps = e.top[best]!.map(([j, v]) => ({ feature: names[j] ?? `x${j}`, value: v }));
  steps.push({ feature: `${names.length - steps.length} other features`, value: e.rest[best]! });
  return {
    model: run.label,
    date: run.result.dates[d.dateIndex]!,
    asset: e.rows[best]!,
    base: e.base[best]!,
    steps,
    output: recordOutput(e, best),
  };
}

function importanceOf(run: Run): FeatureImportance | undefined {
  const last = [...run.result.decisions]
    .reverse()
    .map(mlOf)
    .find((ml) => ml?.importance);
  if (!last?.importance) return undefined;
  const s = last.importance.reduce((a, b) => a + b, 0);
  return { model: run.label, names: last.featureNames, values: last.importance.map((v) => (s > 0 ? v / s : 0)) };
}

/** Every monitor event of a run (empty without the study's `monitor:` section). */
function monitorEventsOf(run: Run): MonitorEventRow[] {
  const out: MonitorEventRow[] = [];
  for (const d of run.result.decisions) {
    const m = d.diagnostics?.['monitor'] as { events?: readonly Omit<MonitorEventRow, 'strategy'>[] } | undefined;
    for (const e of m?.events ?? []) out.push({ strategy: run.label, ...e });
  }
  return out;
}

/** What the inner model selection chose at each refit of a run (empty without `selection`). */
function modelSelectionOf(run: Run): ModelSelectionRow[] {
  const out: ModelSelectionRow[] = [];
  for (const d of run.result.decisions) {
    const sel = mlOf(d)?.selection;
    if (!sel) continue;
    out.push({
      model: run.label,
      fitDate: mlOf(d)!.fitDate,
      chosen: sel.failed
        ? 'model as given (no candidate could be scored)'
        : Object.entries(sel.chosen)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', '),
      objective: sel.objective,
      score: sel.score,
      candidates: sel.candidates.length,
    });
  }
  return out;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
const fix = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export function formatSummaryTable(rows: readonly SummaryRow[]): string[] {
  const w = Math.max(8, ...rows.map((r) => r.strategy.length + (r.baseline ? 2 : 0)));
  const sw = Math.max(7, ...rows.map((r) => r.section.length));
  const ceiling = rows.some((r) => r.ceilingIc !== undefined);
  const ceil = (r: SummaryRow): string =>
    ceiling ? `  ${(r.ceilingIc === undefined ? '' : fix(r.ceilingIc, 3)).padStart(7)}` : '';
  // With strategies that are not forecasters (agents, rules; no rank IC) beside them: how far each is from 1/N.
  const l1 = rows.some((r) => !r.baseline && r.rankIc === undefined);
  const l1Cell = (r: SummaryRow): string => (l1 ? `  ${fix(r.l1FromEqualWeight).padStart(6)}` : '');
  // DSR-1/N@vol: over the 1/N scaled to the strategy's own target volatility; DSR-1/N: over plain 1/N.
  const matched = (r: SummaryRow): number => (r.equalWeightVolatilityMatched ? r.deflatedSharpeVsEqualWeight : NaN);
  const head = `${'section'.padEnd(sw)}  ${'strategy'.padEnd(w)}  ${'return/yr'.padStart(9)}  ${'vol/yr'.padStart(7)}  ${'Sharpe'.padStart(6)}  ${'DSR'.padStart(5)}  ${'DSR-1/N@vol'.padStart(11)}  ${'DSR-1/N'.padStart(7)}  ${'max DD'.padStart(7)}  ${'turnover'.padStart(8)}${l1 ? `  ${'L1-1/N'.padStart(6)}` : ''}  ${'IC'.padStart(6)}${ceiling ? `  ${'ceiling'.padStart(7)}` : ''}`;
  return [
    head,
    '-'.repeat(head.length),
    ...rows.map(
      (r) =>
        `${r.section.padEnd(sw)}  ${(r.baseline ? `(${r.strategy})` : r.strategy).padEnd(w)}  ${pct(r.annualReturn).padStart(9)}  ${pct(r.volatility).padStart(7)}  ${fix(r.sharpe).padStart(6)}  ${fix(r.deflatedSharpe).padStart(5)}  ${fix(matched(r)).padStart(11)}  ${fix(r.deflatedSharpeVsPlainEqualWeight).padStart(7)}  ${pct(r.maxDrawdown).padStart(7)}  ${fix(r.turnover).padStart(8)}${l1Cell(r)}  ${fix(r.ic, 3).padStart(6)}${ceil(r)}`,
    ),
  ];
}

/**
 * Run the job and assemble its outputs. `results`, when given, are the backtests of `planMlJob(input).tasks` in that
 * order, computed elsewhere (the study runs them on worker threads); otherwise each task runs here, in order.
 */
export function runMlJob(input: MlJobInput, results?: readonly BacktestResult[]): MlJobOutput {
  const { panel } = input;
  const plan = planMlJob(input);
  const { nTrials, tasks } = plan;
  if (results !== undefined && results.length !== tasks.length)
    throw new Error(`runMlJob: ${results.length} results for ${tasks.length} tasks`);
  const total = tasks.length;
  const expectationAt = ceilingSource(input.records);
  const notes: string[] = [];
  const findings: Finding[] = [];
  const sections: ReportSection[] = [];
  const summary: SummaryRow[] = [];
  const weightLines: string[] = ['section,strategy,date,asset,weight'];
  const tradeLines: string[] = ['section,strategy,date,asset,side,quantity,price,notional,cost'];
  const volMatchedNames = new Set<string>();
  const selectionLog: string[] = [];
  const events: (MonitorEventRow & { section: string })[] = [];
  const agentTables: AgentMembersTable[] = [];

  plan.universes.forEach((ids, k) => {
    const sectionId = `universe-${k + 1}`;
    const sub = panel.selectAssets(ids);
    const runs: Run[] = [];
    tasks.forEach((task, i) => {
      if (task.section !== k) return;
      let result = results?.[i];
      if (result === undefined) {
        input.onProgress?.(i, total, `${sectionId} ${task.label}`);
        result = runMlTask(input, plan, task);
      }
      runs.push({ spec: task.spec, label: task.label, baseline: task.baseline, result });
    });
    for (const skip of plan.skipped.filter((x) => x.section === k))
      findings.push({
        severity: 'warning',
        kind: 'baseline-skipped',
        strategy: skip.label,
        message: `${universeTitle(panel, ids)}: ${skip.message ?? `baseline ${skip.label} was not run (it names assets outside this universe)`}`,
        fix: skip.fix ?? 'give the baseline weights over assets of this universe, or drop it from baselines:',
      });
    for (const a of plan.added.filter((x) => x.section === k))
      findings.push({
        severity: 'info',
        kind: 'baseline-added',
        strategy: a.label,
        message: `${universeTitle(panel, ids)}: baseline ${a.label} was added to the listed baselines: the ML strategies hold that volatility target, so their deflated Sharpe over 1/N is taken over this 1/N at the same volatility, scaled by their risk model (${a.riskModel})`,
        fix: 'list it under baselines: yourself to silence this, or baselines: [] for no baselines at all',
      });
    for (const r of runs) findings.push(...r.result.findings);
    const mlRuns = runs.filter((r) => !r.baseline && isMlStrategy(r.spec));
    // A section may hold only strategies of other kinds (they run on all assets, the forecasters on a universe).
    const others = runs.filter((r) => !r.baseline && !isMlStrategy(r.spec));
    const sectionsByRun = new Map(mlRuns.map((r) => [r.label, crossSections(r, sub)]));
    const quality = new Map(mlRuns.map((r) => [r.label, forecastQuality(sectionsByRun.get(r.label)!)]));
    // On synthetic data: the planted expected return scored on each strategy's own cross sections (the ceiling).
    const ceilings = new Map(
      expectationAt
        ? mlRuns.map((r) => {
            const xs = sectionsByRun.get(r.label)!;
            const h = xs.length > 0 ? horizonOf(r) : 1;
            return [r.label, ceilingQuality(expectationAt(h), xs)] as const;
          })
        : [],
    );
    // Per fold (one fold = the rebalances served by one fitted model, named by its fit date).
    const byFold: ForecastQualityRow[] = mlRuns.flatMap((r) => {
      const xs = sectionsByRun.get(r.label)!;
      const folds = [...new Set(xs.map((x) => x.fold))];
      return folds.map((fold) => {
        return qualityRow(r.label, forecastQuality(xs.filter((x) => x.fold === fold)), fold);
      });
    });
    const best = [...mlRuns].sort(
      (a, b) => (b.result.metrics.sharpe || -Infinity) - (a.result.metrics.sharpe || -Infinity),
    )[0];
    // Edge over 1/N: the deflated Sharpe of the daily active return (strategy − 1/N), same nTrials; over the 1/N
    // scaled to the strategy's own target volatility when one ran (else the comparison measures leverage).
    const plainOneOverN = runs.find((r) => r.baseline && isEqualWeight(r) && targetVolOf(r) === undefined);
    // Of those, the one scaled by the strategy's own risk model (Ledoit-Wolf on its covariance window) when it ran.
    const equalWeightFor = (r: Run): Run | undefined => {
      const v = r.baseline ? undefined : targetVolOf(r);
      const same = v === undefined ? [] : runs.filter((b) => b.baseline && isEqualWeight(b) && targetVolOf(b) === v);
      const window = covarianceWindowOf(r);
      const own = same.find((b) => {
        const p = b.spec as { riskModel?: string; window?: number };
        return p.riskModel === 'ledoit-wolf' && (p.window ?? 252) === window;
      });
      return own ?? same[0] ?? plainOneOverN;
    };
    // A listed 1/N@vol scaled otherwise than the strategy (e.g. by the sample covariance) is still used, but not
    // silently: the DSR over it mixes an estimator difference into the edge (docs/forecast-quality.md).
    for (const r of mlRuns) {
      const yardstick = equalWeightFor(r);
      const p = yardstick?.spec as { riskModel?: string; window?: number } | undefined;
      const window = covarianceWindowOf(r);
      if (!yardstick || window === undefined || targetVolOf(yardstick) === undefined) continue;
      if (p?.riskModel === 'ledoit-wolf' && (p.window ?? 252) === window) continue;
      findings.push({
        severity: 'warning',
        kind: 'yardstick-risk-model',
        strategy: r.label,
        message: `${universeTitle(panel, ids)}: ${r.label} is compared with the listed ${yardstick.label}, scaled by ${riskModelOf(yardstick.spec)}, while ${r.label} meets its volatility target with Ledoit-Wolf on ${window} returns: its DSR vs 1/N includes the difference between the two estimates`,
        fix: `give the listed baseline riskModel: ledoit-wolf${window === 252 ? '' : ` and window: ${window}`}, or drop it and let the job add a matched one`,
      });
    }
    const activeDsr = (r: Run, oneOverN = equalWeightFor(r)): number =>
      activeDeflatedSharpe(r.result, oneOverN?.result, nTrials);
    for (const r of runs)
      if (r.baseline && isEqualWeight(r) && targetVolOf(r) !== undefined)
        volMatchedNames.add(`${r.label}: ${riskModelOf(r.spec)}`);
    const strategies: StrategySeries[] = runs.map((r) => ({
      name: r.label,
      baseline: r.baseline,
      ...navFrom(r.result),
      activity: activityOf(r.result),
      metrics: {
        ...(r.result.metrics as unknown as Record<string, number>),
        deflatedSharpeVsEqualWeight: activeDsr(r),
        deflatedSharpeVsPlainEqualWeight: activeDsr(r, plainOneOverN),
        l1FromEqualWeight: distanceFromEqualWeight(r.result),
        // The annualised IR of the same active return (what `keel tune` can maximise; the DSR saturates at 1).
        informationRatioVsEqualWeight: activeInformationRatio(r.result, equalWeightFor(r)?.result),
      },
    }));
    const fq: ForecastQualityRow[] = mlRuns.map((r) => {
      const c = ceilings.get(r.label);
      return { ...qualityRow(r.label, quality.get(r.label)!), ...(c ? { ceilingIc: c.ic } : {}) };
    });
    if (best) {
      const naive = quality.get(best.label)!.naive.historicalMean;
      fq.push({
        model: 'naive: historical mean',
        ic: naive.ic,
        rankIc: NaN,
        icIR: NaN,
        icTStat: NaN,
        hitRate: naive.hitRate,
        r2VsZero: naive.r2VsZero,
        r2VsHistoricalMean: 0,
        nDates: quality.get(best.label)!.nDates,
      });
    }
    const ic: IcSeries[] = mlRuns.map((r) => {
      const s = quality.get(r.label)!.series;
      return { model: r.label, dates: s.map((p) => p.date), ic: s.map((p) => p.ic), rankIc: s.map((p) => p.rankIc) };
    });
    const importance = mlRuns.map(importanceOf).filter((x): x is FeatureImportance => x !== undefined);
    const shapImportance = mlRuns.map(shapImportanceOf).filter((x): x is FeatureImportance => x !== undefined);
    const shapWaterfall = best && waterfallOf(best);
    const shapSummary = best && shapSummaryOf(best.label, best.result);
    const whyWeights = best && whyWeightsOf(best.label, best.spec, best.result, sub);
    const distillation = distillationOf(mlRuns);
    const trainingCurves = mlRuns.flatMap(trainingCurvesOf);
    const modelSelection = mlRuns.flatMap(modelSelectionOf);
    for (const m of modelSelection)
      selectionLog.push(
        `model selection ${sectionId}/${m.model} refit ${m.fitDate}: ${m.chosen} (inner ${m.objective} ${fix(m.score, 4)}, ${m.candidates} candidates)`,
      );
    const monitorEvents = mlRuns.flatMap(monitorEventsOf);
    events.push(...monitorEvents.map((e) => ({ section: sectionId, ...e })));
    const frontier = best && frontierFor(best, sub);
    // The best forecaster's weights, then every strategy of another kind (each agent's distance from 1/N shows).
    const main = best ?? others[0];
    const moreWeights = others.filter((r) => r !== main).map((r) => weightsHistory(r, ids, sub));
    const agentTraining = others.flatMap((r) => agentCurves(r.label, r.result));
    const members = others.flatMap((r) => agentMembers(r.label, r.result));
    agentTables.push(...members);
    const what = [
      ...(best
        ? [
            `Walk-forward forecasts with periodic refits, allocated under constraints; best ML strategy by Sharpe: ${best.label}.`,
          ]
        : []),
      ...(others.length > 0
        ? [`Other strategies on the same data: ${others.map((r) => `${r.label} (${r.spec.kind})`).join(', ')}.`]
        : []),
    ].join(' ');
    sections.push({
      id: sectionId,
      title: universeTitle(panel, ids),
      description: `${what} ${runs.some((r) => r.baseline) ? 'Baselines run under the same costs and schedule.' : 'No baseline ran in this universe (see the findings, or baselines: [] in the study).'}`,
      strategies,
      ...(plainOneOverN ? { benchmark: plainOneOverN.label } : {}),
      ...(main ? { weights: weightsHistory(main, ids, sub) } : {}),
      ...(moreWeights.length > 0 ? { moreWeights } : {}),
      ...(agentTraining.length > 0 ? { agentTraining } : {}),
      ...(members.length > 0 ? { agentMembers: members } : {}),
      ...(frontier ? { frontier } : {}),
      featureImportance: importance,
      ...(shapImportance.length > 0 ? { shapImportance } : {}),
      ...(shapWaterfall ? { shapWaterfall } : {}),
      ...(shapSummary ? { shapSummary } : {}),
      ...(whyWeights ? { whyWeights } : {}),
      ...(distillation ? { distillation } : {}),
      ...(trainingCurves.length > 0 ? { trainingCurves } : {}),
      ic,
      forecastQuality: fq,
      forecastQualityByFold: byFold,
      ...(modelSelection.length > 0 ? { modelSelection } : {}),
      ...(monitorEvents.length > 0 ? { monitorEvents } : {}),
    });
    for (const r of runs) {
      const m = r.result.metrics;
      summary.push({
        section: sectionId,
        strategy: r.label,
        baseline: r.baseline,
        annualReturn: m.annualizedReturn,
        volatility: m.annualizedVolatility,
        sharpe: m.sharpe,
        deflatedSharpe: m.deflatedSharpe,
        deflatedSharpeVsEqualWeight: strategies.find((x) => x.name === r.label)!.metrics[
          'deflatedSharpeVsEqualWeight'
        ]!,
        deflatedSharpeVsPlainEqualWeight: strategies.find((x) => x.name === r.label)!.metrics[
          'deflatedSharpeVsPlainEqualWeight'
        ]!,
        ...(equalWeightFor(r) && equalWeightFor(r) !== r
          ? {
              equalWeightBaseline: equalWeightFor(r)!.label,
              equalWeightVolatilityMatched: equalWeightFor(r) !== plainOneOverN,
            }
          : {}),
        maxDrawdown: m.maxDrawdown,
        turnover: m.turnover ?? NaN,
        l1FromEqualWeight: distanceFromEqualWeight(r.result),
        ic: quality.get(r.label)?.ic ?? NaN,
        ...(quality.has(r.label)
          ? {
              icT: quality.get(r.label)!.icTStat,
              rankIc: quality.get(r.label)!.rankIc,
              ...(ceilings.get(r.label) ? { ceilingIc: ceilings.get(r.label)!.ic } : {}),
            }
          : {}),
        ...(memberRows(r.result).length > 0 ? { members: memberRows(r.result) } : {}),
      });
      for (const d of r.result.decisions) {
        const date = r.result.dates[d.dateIndex]!;
        ids.forEach((id, a) => weightLines.push(`${sectionId},${r.label},${date},${id},${d.target[a]}`));
      }
      for (const x of ledgerRows(r.result.ledger)) {
        tradeLines.push(
          `${sectionId},${r.label},${x.date},${x.asset},${x.side},${x.quantity},${x.price},${x.notional},${x.cost}`,
        );
      }
    }
  });
  input.onProgress?.(total, total);
  if (volMatchedNames.size > 0)
    notes.push(
      `DSR vs 1/N compares each ML strategy with the 1/N scaled to its own target volatility by its own risk model (${[...volMatchedNames].join('; ')}); the figure over plain 1/N is deflatedSharpeVsPlainEqualWeight in report.json and the DSR-1/N column of the terminal summary.`,
    );
  notes.push(
    `Deflated Sharpe uses ${nTrials} configurations tried (the strategies of this study); baselines are not counted as trials.`,
    'All figures are out of sample and after costs: each decision at the close of t uses data ≤ t; models train on labels that ended h + embargo bars before the refit date.',
  );
  const model: ReportModel = {
    format: 'keel-report',
    version: 1,
    title: input.title ?? `Keel — ${input.name}`,
    study: input.name,
    seed: input.seed,
    nTrials,
    sections,
    notes,
    findings: groupFindings([...(input.priorFindings ?? []), ...findings]),
  };
  const reportJson = reportToJson(model);
  return {
    model,
    reportJson,
    reportHtml: renderReportHtml(model),
    weightsCsv: `${weightLines.join('\n')}\n`,
    tradesCsv: `${tradeLines.join('\n')}\n`,
    summary,
    table: formatSummaryTable(summary),
    agentsTable: formatAgentMembers(agentTables),
    findings,
    selectionLog,
    events,
  };
}

/** One row of the forecast-quality table (per fold when `fold` is given). */
function qualityRow(model: string, q: ReturnType<typeof forecastQuality>, fold?: string): ForecastQualityRow {
  return {
    model,
    ...(fold === undefined ? {} : { fold }),
    ic: q.ic,
    rankIc: q.rankIc,
    icIR: q.icIR,
    icTStat: q.icTStat,
    hitRate: q.hitRate,
    r2VsZero: q.r2VsZero,
    r2VsHistoricalMean: q.r2VsHistoricalMean,
    nDates: q.nDates,
  };
}
