/**
 * Step `report`: report.json and report.html for studies backtested by the `backtest` step (the ML job writes its
 * own richer report). One section: every strategy's NAV (after costs, rebased to 1 at the first fill; baselines
 * dashed) with its headline metrics, and the target weights of each non-baseline strategy at each decision.
 */
import {
  renderReportHtml,
  reportFromJson,
  reportToJson,
  type ReportModel,
  type StrategySeries,
  type WeightsHistory,
  activeDeflatedSharpe,
  activityOf,
  agentCurves,
  agentMembers,
  distanceFromEqualWeight,
  navFrom,
} from '../../report/index.ts';
import { groupFindings, type FindingGroup } from '../../core/index.ts';
import type { StudyStep } from '../context.ts';
import type { StrategyRun } from './backtest.ts';

/** The report model of a set of backtests (pure: same runs → same JSON). */
export function backtestReportModel(
  runs: readonly StrategyRun[],
  meta: {
    title: string;
    study: string;
    seed: number;
    nTrials: number;
    notes?: readonly string[];
    findings?: readonly FindingGroup[];
  },
): ReportModel {
  const oneOverN =
    runs.find((r) => r.kind === 'equal-weight' && r.baseline) ?? runs.find((r) => r.kind === 'equal-weight');
  const strategies: StrategySeries[] = runs.map((run) => {
    const { name, baseline, result } = run;
    const metrics = {
      ...Object.fromEntries(
        Object.entries(result.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'),
      ),
      deflatedSharpeVsEqualWeight: activeDeflatedSharpe(result, oneOverN?.result, meta.nTrials),
      l1FromEqualWeight: distanceFromEqualWeight(result),
    };
    return { name, baseline, ...navFrom(result), metrics, activity: activityOf(result) };
  });
  const agentTraining = runs.flatMap((r) => agentCurves(r.name, r.result));
  const members = runs.flatMap((r) => agentMembers(r.name, r.result));
  const main = runs.find((r) => !r.baseline) ?? runs[0];
  const history = (run: StrategyRun): WeightsHistory => ({
    strategy: run.name,
    assets: run.result.assets,
    dates: run.result.decisions.map((d) => run.result.dates[d.dateIndex]!),
    weights: run.result.decisions.map((d) => Array.from(d.target)),
  });
  const weights = main ? history(main) : undefined;
  // every other strategy of the study (not the baselines) gets its own weights chart: how far each agent is from 1/N
  const moreWeights = runs.filter((r) => !r.baseline && r !== main).map(history);
  return {
    format: 'keel-report',
    version: 1,
    title: meta.title,
    study: meta.study,
    seed: meta.seed,
    nTrials: meta.nTrials,
    sections: [
      {
        id: 'backtest',
        title: 'Walk-forward backtest',
        description:
          'Net asset value after costs, rebased to 1 at the first fill; baselines under identical settings and costs.',
        strategies,
        ...(oneOverN ? { benchmark: oneOverN.name } : {}),
        ...(weights ? { weights } : {}),
        ...(moreWeights.length > 0 ? { moreWeights } : {}),
        ...(agentTraining.length > 0 ? { agentTraining } : {}),
        ...(members.length > 0 ? { agentMembers: members } : {}),
      },
    ],
    notes: meta.notes ?? [],
    findings: meta.findings ?? [],
  };
}

export const backtestReportStep: StudyStep = {
  name: 'report',
  sections: ['report'],
  applies: (study) =>
    study.backtest !== undefined && !study.strategies.some((s) => (s as { kind?: unknown }).kind === 'ml-forecast'),
  run(ctx) {
    const runs = ctx.state.extra['backtests'] as readonly StrategyRun[] | undefined;
    if (runs === undefined || runs.length === 0) return;
    const model = backtestReportModel(runs, {
      title: ctx.study.report.title ?? ctx.study.name,
      study: ctx.study.name,
      seed: ctx.study.seed,
      nTrials: (ctx.state.extra['nTrials'] as number | undefined) ?? ctx.study.backtest?.nTrials ?? 1,
      findings: groupFindings(ctx.state.findings),
    });
    const json = reportToJson(model);
    ctx.artefacts.writeText('report.json', json);
    if (ctx.study.report.html) {
      ctx.progress(0, 1, 'rendering report.html');
      ctx.artefacts.writeText('report.html', renderReportHtml(reportFromJson(json)));
    }
  },
};
