/**
 * Step `report`: report.json and report.html for studies backtested by the `backtest` step (the ML job writes its
 * own richer report). One section: every strategy's NAV (after costs, rebased to 1 at the first fill; baselines
 * dashed) with its headline metrics, and the target weights of the first non-baseline strategy at each decision.
 */
import {
  renderReportHtml,
  reportFromJson,
  reportToJson,
  type ReportModel,
  type StrategySeries,
  type WeightsHistory,
} from '../../report/index.ts';
import { groupFindings, type FindingGroup } from '../../core/index.ts';
import { deflatedSharpeRatio } from '../../metrics/index.ts';
import type { StudyStep } from '../context.ts';
import type { StrategyRun } from './backtest.ts';

/** The report model of a set of backtests (pure: same runs → same JSON). */
/**
 * Deflated Sharpe of the per-period return over 1/N (the `equal-weight` run), over the periods both are invested;
 * NaN for 1/N itself, without a 1/N run, or with fewer than 30 common periods.
 */
function dsrVsEqualWeight(run: StrategyRun, oneOverN: StrategyRun | undefined, nTrials: number): number {
  if (!oneOverN || run === oneOverN) return NaN;
  const a = run.result.returns;
  const b = oneOverN.result.returns;
  const start = Math.max(run.result.firstFillIndex, oneOverN.result.firstFillIndex) + 1;
  if (a.length !== b.length || a.length - start < 30) return NaN;
  const d = new Float64Array(a.length - start);
  for (let t = start; t < a.length; t++) d[t - start] = a[t]! - b[t]!;
  return deflatedSharpeRatio(d, nTrials).dsr;
}

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
    const start = Math.max(0, result.firstFillIndex);
    const base = result.nav[start]!;
    const nav = Array.from(result.nav.subarray(start), (v) => v / base);
    const metrics = {
      ...Object.fromEntries(
        Object.entries(result.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'),
      ),
      deflatedSharpeVsEqualWeight: dsrVsEqualWeight(run, oneOverN, meta.nTrials),
    };
    return { name, baseline, dates: result.dates.slice(start), nav, metrics };
  });
  const main = runs.find((r) => !r.baseline) ?? runs[0];
  let weights: WeightsHistory | undefined;
  if (main) {
    const r = main.result;
    weights = {
      strategy: main.name,
      assets: r.assets,
      dates: r.decisions.map((d) => r.dates[d.dateIndex]!),
      weights: r.decisions.map((d) => Array.from(d.target)),
    };
  }
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
        ...(weights ? { weights } : {}),
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
