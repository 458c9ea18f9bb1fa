/**
 * The ML job as a list of independent tasks: one walk-forward backtest per (universe, strategy or baseline). A task
 * depends only on the job's inputs, never on another task, so tasks may run in any order or at the same time (the
 * study runs them on worker threads) and `runMlJob` assembles the same bytes whatever ran them.
 *
 * Every strategy of the study is a task, whatever its kind: the ml-forecast strategies and any other (rl-agent,
 * rule strategies) run on the same data, costs and calendar and count in the same deflated-Sharpe family. A
 * strategy without a `universe` runs on every asset of the data.
 */
import { configError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import type { PitRecords } from '../features/index.ts';
import {
  backtestOptionsFrom,
  backtestStrategy,
  backtestStrategyYielding,
  configurationsTried,
  isEnsemble,
  createStrategy,
  defaultBaselines,
  describeRiskModel,
  strategyKinds,
  volMatchedBaselines,
  type StrategySpec,
} from '../strategies/index.ts';
import {
  type BacktestOptions,
  type BacktestResult,
  type Decision,
  type DecisionContext,
  type Strategy,
} from '../backtest/index.ts';
import type { MonitorSpec } from '../monitor/index.ts';

/** What every task of a job shares (plain data: it crosses to worker threads by structured clone). */
export interface MlTaskInputs {
  readonly panel: Panel;
  readonly records?: PitRecords;
  readonly seed: number;
  /** The study's backtest section (costs required). */
  readonly backtest: unknown;
  /** The study's monitor section, resolved (config's monitorSchema): handed to the ML strategies it names. */
  readonly monitor?: MonitorSpec & { readonly strategies?: readonly string[] | undefined };
}

export interface MlTask {
  /** Index of the universe (report section) in `MlJobPlan.universes`. */
  readonly section: number;
  readonly spec: StrategySpec;
  readonly label: string;
  readonly baseline: boolean;
  /**
   * The strategy's own seed, for strategies other than ml-forecast (the study's `strategy:<name>` seed, as the plain
   * backtest step gives them, so an agent draws the same numbers beside an ML strategy as without one). Absent: the
   * job's seed.
   */
  readonly seed?: number;
}

export interface MlJobPlan {
  /** Asset ids per universe, in order of first appearance among the strategies. */
  readonly universes: readonly (readonly string[])[];
  /** Per universe: its strategies (in study order), then the baselines that fit it. */
  readonly tasks: readonly MlTask[];
  /**
   * Configurations tried, for the deflated Sharpe: every strategy of the study (not the baselines), at least the
   * study's own `nTrials`.
   */
  readonly nTrials: number;
  /** Baselines left out of a universe: they name assets outside it, or a default (60/40) has nothing to mix. */
  readonly skipped: readonly SkippedBaseline[];
  /** Volatility-matched 1/N baselines added to a study's own `baselines:` list (reported as info findings). */
  readonly added: readonly { readonly section: number; readonly label: string; readonly riskModel: string }[];
}

export interface SkippedBaseline {
  readonly section: number;
  readonly label: string;
  /** Why, when it is not "names assets outside this universe" (a default baseline that cannot be built). */
  readonly message?: string;
  readonly fix?: string;
}

export const isMlStrategy = (s: StrategySpec): boolean => s.kind === 'ml-forecast';
export const strategyLabel = (s: StrategySpec): string => s.name ?? s.kind;
const universeOf = (s: StrategySpec, panel: Panel): readonly string[] =>
  (s as { universe?: string[] }).universe ?? panel.assets;

/** Whether a baseline can run on a universe (a fixed mix must name only assets inside it). */
function baselineFits(spec: StrategySpec, ids: readonly string[]): boolean {
  const w = (spec as { weights?: Record<string, number> }).weights;
  return !w || Object.keys(w).every((id) => ids.includes(id));
}

/** An ML strategy's resolved volatility target and covariance window (the schema's defaults filled in). */
function riskOf(s: StrategySpec): { targetVolatility: number; covarianceWindow: number } | undefined {
  const { kind: _k, name: _n, ...params } = s;
  const p = strategyKinds['ml-forecast'].schema.safeParse(params);
  return p.success
    ? { targetVolatility: p.data.portfolio.targetVolatility, covarianceWindow: p.data.covarianceWindow }
    : undefined;
}

/** The risk model of a volatility-matched 1/N spec, in words ("Ledoit-Wolf (…) covariance of the last 252 returns"). */
export function riskModelOf(b: StrategySpec): string {
  const p = b as { riskModel?: 'sample' | 'ledoit-wolf'; window?: number };
  return describeRiskModel(p.riskModel, p.window);
}

/** Two equal-weight specs held to the same target volatility by the same risk model (defaults filled in). */
function sameVolMatched(a: StrategySpec, b: StrategySpec): boolean {
  if (a.kind !== 'equal-weight' || b.kind !== 'equal-weight') return false;
  const f = (s: StrategySpec) => {
    const p = s as { targetVolatility?: number; riskModel?: string; window?: number };
    return `${p.targetVolatility}|${p.riskModel ?? 'sample'}|${p.window ?? 252}`;
  };
  return f(a) === f(b);
}

/**
 * Universes, tasks and the trial count of a job; throws a one-line error for an unknown universe asset. Without a
 * `baselines:` list each universe gets the study defaults (1/N and a 60/40 of its own equity and bond assets, as the
 * plain backtest step runs them); `baselines: []` runs none. Unless `baselines: []`, each universe also gets a 1/N
 * scaled to each distinct target volatility of its ML strategies ("1/N @ 10% vol"), its ex-ante volatility taken
 * with their own risk model (Ledoit-Wolf on their covariance window; one such 1/N per distinct window when strategies
 * of one target differ), even when the study lists its own baselines: every ML strategy here is held to a volatility
 * target, and its deflated Sharpe over a fully invested 1/N at another volatility — or at the same volatility by
 * another estimator — measures the leverage gap, not the forecasts. Added to a listed set, it is reported as an info
 * finding naming its risk model; a listed baseline with the same name, or an equal-weight with the same target and
 * risk model, replaces it (a listed one is run as listed: give it `riskModel: ledoit-wolf` to match the strategies).
 */
export function planMlJob(input: {
  readonly panel: Panel;
  readonly backtest: unknown;
  readonly strategies: readonly StrategySpec[];
  readonly baselines?: readonly StrategySpec[];
  /** Seeds of the strategies other than ml-forecast, by name (see `MlTask.seed`). */
  readonly strategySeeds?: Readonly<Record<string, number>>;
}): MlJobPlan {
  const { panel } = input;
  const all = input.strategies;
  if (!all.some(isMlStrategy)) throw configError('the ML job needs at least one strategy of kind ml-forecast.');
  const universes: string[][] = [];
  for (const s of all) {
    const ids = universeOf(s, panel).slice();
    for (const id of ids)
      if (!panel.assets.includes(id))
        throw configError(
          `strategy ${strategyLabel(s)}: universe asset "${id}" is not in the data (assets: ${panel.assets.slice(0, 12).join(', ')}, …).`,
        );
    if (!universes.some((u) => u.join() === ids.join())) universes.push(ids);
  }
  const tasks: MlTask[] = [];
  const skipped: SkippedBaseline[] = [];
  const added: { section: number; label: string; riskModel: string }[] = [];
  universes.forEach((ids, section) => {
    const own = all.filter((s) => universeOf(s, panel).join() === ids.join());
    for (const s of own) {
      const seed = isMlStrategy(s) ? undefined : input.strategySeeds?.[strategyLabel(s)];
      tasks.push({
        section,
        spec: s,
        label: strategyLabel(s),
        baseline: false,
        ...(seed === undefined ? {} : { seed }),
      });
    }
    const risks = own
      .filter(isMlStrategy)
      .map(riskOf)
      .filter((r) => r !== undefined);
    // Each 1/N@vol is scaled by the risk model of the strategies it judges (Ledoit-Wolf on their covariance window).
    const matched = volMatchedBaselines(
      risks.map((r) => ({
        targetVolatility: r.targetVolatility,
        riskModel: 'ledoit-wolf',
        window: r.covarianceWindow,
      })),
    );
    let baselines = input.baselines;
    if (baselines === undefined) {
      const defaults = defaultBaselines(panel.selectAssets(ids), 'this universe');
      baselines = [...defaults.baselines, ...matched];
      for (const f of defaults.skipped)
        skipped.push({ section, label: '60/40', message: f.message, ...(f.fix ? { fix: f.fix } : {}) });
    } else if (baselines.length > 0) {
      const listed = baselines;
      const extra = matched.filter((m) => !listed.some((b) => strategyLabel(b) === m.name || sameVolMatched(b, m)));
      for (const m of extra) added.push({ section, label: strategyLabel(m), riskModel: riskModelOf(m) });
      baselines = [...listed, ...extra];
    }
    for (const b of baselines) {
      if (baselineFits(b, ids)) tasks.push({ section, spec: b, label: strategyLabel(b), baseline: true });
      else skipped.push({ section, label: strategyLabel(b) });
    }
  });
  const nTrials = Math.max(backtestOptionsFrom(input.backtest).nTrials ?? 1, configurationsTried(all));
  return { universes, tasks, nTrials, skipped, added };
}

/** The monitor section for an ML strategy it names (every ML strategy when it names none); never a baseline. */
function monitorFor(inputs: MlTaskInputs, task: MlTask): MonitorSpec | undefined {
  const m = inputs.monitor;
  if (!m || task.baseline || !isMlStrategy(task.spec)) return undefined;
  if (m.strategies !== undefined && !m.strategies.includes(task.label)) return undefined;
  const { strategies: _s, ...spec } = m;
  return spec;
}

/**
 * Hears how far a task is: the fraction of its walk-forward done (decision dates passed, plus the current refit's
 * training share of the bars its model serves) and what it is doing ("refit 2020-12-31 epoch 2/3: …").
 */
export type MlTaskProgress = (fraction: number, note: string) => void;

/** What a task runs: its universe's panel, its strategy (with progress when heard) and the backtest options. */
function taskSetup(
  inputs: MlTaskInputs,
  plan: MlJobPlan,
  task: MlTask,
  onProgress?: MlTaskProgress,
): { sub: Panel; strategy: Strategy; onTraining: (anchor: number) => void; options: BacktestOptions } {
  const sub = inputs.panel.selectAssets(plan.universes[task.section]!);
  const options = backtestOptionsFrom(inputs.backtest);
  // Decision rows run from the first decision to the backtest's end (last row ≤ end, else the panel's last).
  const endRow = options.end === undefined ? sub.nDates - 1 : lastRowAtOrBefore(sub.dates, options.end);
  let first = -1;
  let row = 0;
  let reached = 0;
  // A refit is credited with the bars its model will serve while it trains (that is where a walk-forward spends its
  // time), and the fraction never goes back while the cheap decisions in that span catch up.
  const fraction = (bars: number): number =>
    (reached = Math.max(reached, first < 0 ? 0 : Math.min(1, (row - first + bars) / Math.max(1, endRow - first + 1))));
  // The strategy annualises with the same periods per year as the metrics (the study step resolves it into the
  // backtest section); without it the engine and the strategy each infer it from the same dates.
  const seed = task.seed ?? inputs.seed;
  const env = {
    seed,
    name: task.label,
    // Strategies that trade while they learn (rl-agent) train under these very costs and fill rules.
    backtest: { ...options, nTrials: plan.nTrials },
    ...(inputs.records ? { records: inputs.records } : {}),
    ...(options.periodsPerYear === undefined ? {} : { periodsPerYear: options.periodsPerYear }),
    ...(onProgress
      ? {
          onFitProgress: (f: number, note: string, bars: number) =>
            onProgress(fraction(f * Math.min(bars, endRow - row + 1)), note),
        }
      : {}),
    ...(monitorFor(inputs, task) ? { monitor: monitorFor(inputs, task) } : {}),
  };
  const created = createStrategy(task.spec, env as never);
  // Progress only: the same strategy, its decide() also noting the row (results are unchanged).
  const strategy: Strategy = onProgress
    ? Object.create(created, {
        decide: {
          value: (view: Panel, ctx: DecisionContext): Decision => {
            if (first < 0) first = ctx.t;
            // an agents' survey pass (backtestStrategyYielding) runs ahead of the training: it moves no bar
            if (isEnsemble(created) && created.training() === 'survey') return created.decide(view, ctx);
            row = ctx.t;
            onProgress(fraction(0), task.label);
            return created.decide(view, ctx);
          },
        },
      })
    : created;
  // The agents train before the real pass when the driver yields: their anchor row moves the bar meanwhile.
  const onTraining = (anchor: number): void => {
    if (!onProgress) return;
    row = anchor;
    onProgress(fraction(0), `${task.label} refit ${sub.dates[anchor]}`);
  };
  return { sub, strategy, onTraining, options: { ...options, nTrials: plan.nTrials, seed } };
}

/** Run one task: the strategy's walk-forward backtest on its universe (and an rl-agent ensemble's agents alone). */
export function runMlTask(
  inputs: MlTaskInputs,
  plan: MlJobPlan,
  task: MlTask,
  onProgress?: MlTaskProgress,
): BacktestResult {
  const { sub, strategy, options } = taskSetup(inputs, plan, task, onProgress);
  const result = backtestStrategy(sub, strategy, options);
  onProgress?.(1, task.label);
  return result;
}

/** `runMlTask` back to the event loop between agents' trainings (signals are heard); the same result. */
export async function runMlTaskYielding(
  inputs: MlTaskInputs,
  plan: MlJobPlan,
  task: MlTask,
  onProgress?: MlTaskProgress,
): Promise<BacktestResult> {
  const { sub, strategy, onTraining, options } = taskSetup(inputs, plan, task, onProgress);
  const result = await backtestStrategyYielding(sub, strategy, options, undefined, onTraining);
  onProgress?.(1, task.label);
  return result;
}

function lastRowAtOrBefore(dates: readonly string[], end: string): number {
  let i = dates.length - 1;
  while (i > 0 && dates[i]! > end) i--;
  return i;
}
