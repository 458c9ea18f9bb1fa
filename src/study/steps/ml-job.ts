/**
 * The ML allocation job step: runs when the study has an `ml-forecast` strategy. It runs every strategy of the
 * study, of any kind, and the baselines per universe (report/ml-job.ts) and writes report.json, report.html,
 * weights.csv, trades.csv and explanations.json (and `<name>/rl-training.json` per rl-agent strategy, as the plain
 * backtest step does); the terminal summary table goes to summary.json (`ml.table`) and the log.
 */
import type { Panel } from '../../data/index.ts';
import type { PitRecords } from '../../features/index.ts';
import {
  agentWeightsCsv,
  explanationsArtefact,
  planMlJob,
  rlTraining,
  runMlJob,
  runMlTask,
  runMlTaskYielding,
  type SummaryRow,
} from '../../report/index.ts';
import { strategyFolder, strategyLabel } from '../../config/index.ts';
import type { BacktestResult } from '../../backtest/index.ts';
import { runMlTasksInWorkers, workerCount } from '../workers/ml-tasks-parallel.ts';
import type { StrategySpec } from '../../strategies/index.ts';
import type { StudyStep } from '../context.ts';
import { resolvePeriodsPerYear } from './calendar.ts';

/**
 * summary.json `forecastQuality`: per ML strategy (not the other kinds beside them) `{ section, ic, icT, rankIc, ceilingIc?, shareOfCeiling? }`, and
 * on synthetic data `ceilingIc` per universe section (the first ML strategy's; strategies with another horizon
 * carry their own in their entry).
 */
export function forecastQualitySummary(rows: readonly SummaryRow[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ceilingIc: Record<string, number> = {};
  for (const r of rows) {
    if (r.baseline || r.rankIc === undefined) continue; // only forecasters have forecasts to score
    out[r.strategy] = {
      section: r.section,
      ic: r.ic,
      icT: r.icT ?? NaN,
      rankIc: r.rankIc ?? NaN,
      ...(r.ceilingIc === undefined ? {} : { ceilingIc: r.ceilingIc, shareOfCeiling: r.ic / r.ceilingIc }),
    };
    if (r.ceilingIc !== undefined && !(r.section in ceilingIc)) ceilingIc[r.section] = r.ceilingIc;
  }
  if (Object.keys(ceilingIc).length > 0) out['ceilingIc'] = ceilingIc;
  return out;
}

export const mlJobStep: StudyStep = {
  name: 'ml-job',
  sections: ['strategies', 'baselines', 'backtest', 'monitor'],
  applies: (study) => study.strategies.some((s) => (s as { kind: string }).kind === 'ml-forecast'),
  async run(ctx) {
    const { study, state } = ctx;
    const records = state.records as PitRecords | undefined;
    const panel = state.panel as Panel;
    // Periods per year annualise the strategies' μ and Σ (so the volatility target means the same on any calendar)
    // and the metrics. Resolved once here and written into the backtest section every task reads; when inferred
    // from the dates rather than given, the study is told once.
    const periodsPerYear = resolvePeriodsPerYear(ctx, panel, 'ml-job');
    const input = {
      panel,
      ...(records ? { records } : {}),
      name: study.name,
      ...(study.report.title ? { title: study.report.title } : {}),
      seed: ctx.seedFor('ml-job'),
      backtest: study.backtest === undefined ? undefined : { ...study.backtest, periodsPerYear },
      ...(study.monitor ? { monitor: study.monitor } : {}),
      strategies: study.strategies as unknown as StrategySpec[],
      // Strategies of other kinds draw from their own seed, as in a study without ml-forecast strategies.
      strategySeeds: Object.fromEntries(
        (study.strategies as unknown as StrategySpec[])
          .filter((s) => s.kind !== 'ml-forecast')
          .map((s) => [strategyLabel(s), ctx.seedFor(`strategy:${strategyLabel(s)}`)]),
      ),
      ...(study.baselines ? { baselines: study.baselines as unknown as StrategySpec[] } : {}),
      onProgress: (done: number, total: number, note?: string) => ctx.progress(done, total, note),
      priorFindings: [...state.findings],
    };
    // Each backtest is independent: with --workers N they run on worker threads (same bytes either way).
    const plan = planMlJob(input);
    const workers = workerCount(ctx.workers, plan);
    ctx.log(
      `ml-job: ${plan.tasks.length} walk-forward backtests on ${workers > 1 ? `${workers} worker threads` : 'the main thread'}`,
    );
    const results =
      workers > 1
        ? await runMlTasksInWorkers(input, plan, workers, undefined, ctx.progress)
        : await runTasksYielding(input, plan, (done, total, label) => ctx.progress(done, total, label));
    const out = runMlJob(input, results);
    ctx.report(...out.findings);
    ctx.artefacts.writeText('report.json', out.reportJson);
    if (study.report.html) ctx.artefacts.writeText('report.html', out.reportHtml);
    ctx.artefacts.writeText('weights.csv', out.weightsCsv);
    ctx.artefacts.writeText('trades.csv', out.tradesCsv);
    // per-decision SHAP records and portfolio inputs, for `keel explain RUN` (docs/explain.md)
    ctx.artefacts.writeText('explanations.json', JSON.stringify(explanationsArtefact(panel, plan, results)) + '\n');
    plan.tasks.forEach((task, i) => {
      const refits = task.baseline ? [] : rlTraining(results[i]!);
      if (refits.length > 0) ctx.artefacts.writeJson(`${strategyFolder(task.label)}/rl-training.json`, { refits });
      const agentWeights = task.baseline ? '' : agentWeightsCsv(task.label, results[i]!);
      if (agentWeights !== '') ctx.artefacts.writeText(`${strategyFolder(task.label)}/agent-weights.csv`, agentWeights);
    });
    for (const line of out.selectionLog) ctx.log(line);
    for (const line of out.table) ctx.log(line);
    state.summary['ml'] = { table: out.table, strategies: out.summary };
    if (out.agentsTable.length > 0) state.summary['agents'] = { table: out.agentsTable };
    state.summary['forecastQuality'] = forecastQualitySummary(out.summary);
    if (study.monitor) {
      // Every firing of a monitor detector: events.json, summary.json (counts) and the report's monitor table.
      ctx.artefacts.writeJson('events.json', out.events);
      const byAction: Record<string, number> = {};
      for (const e of out.events) byAction[e.action] = (byAction[e.action] ?? 0) + 1;
      state.summary['monitor'] = { events: out.events.length, byAction };
      ctx.log(
        `monitor: ${out.events.length} events (${
          Object.entries(byAction)
            .map(([a, n]) => `${a} ${n}`)
            .join(', ') || 'none'
        }), events.json`,
      );
    }
  },
};

/**
 * The tasks one after another on the main thread, back to the event loop between them: signals (Ctrl-C) are only
 * delivered when the loop is free, so this keeps an interrupted run from waiting for the whole job (measured: 25 s
 * on examples/ml-allocation.yaml under load before). Same results as runMlJob running them itself.
 */
async function runTasksYielding(
  input: Parameters<typeof runMlTask>[0],
  plan: ReturnType<typeof planMlJob>,
  onProgress: (done: number, total: number, label: string) => void,
): Promise<BacktestResult[]> {
  const results: BacktestResult[] = [];
  for (const [i, task] of plan.tasks.entries()) {
    const label = `universe-${task.section + 1} ${task.label}`;
    onProgress(i, plan.tasks.length, label);
    // Within a task: its walk-forward's decision dates and each refit's epochs / trees move the bar.
    // Within a task too, between agents' trainings (an rl-agent's walk-forward trains for many seconds).
    results.push(
      await runMlTaskYielding(input, plan, task, (f, note) =>
        onProgress(i + f, plan.tasks.length, note === task.label ? label : `${label} ${note}`),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}
