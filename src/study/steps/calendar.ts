/**
 * Periods per year of a study: what annualises μ, Σ, volatility targets and every metric. Given in the study
 * (`report.periodsPerYear` or `backtest.periodsPerYear`), or inferred once from the data's dates — then the run is
 * told with one `info` finding, so an annualisation is never assumed silently.
 */
import { inferPeriodsPerYear } from '../../backtest/index.ts';
import type { PanelLike, RunContext } from '../context.ts';

export function resolvePeriodsPerYear(ctx: RunContext, panel: PanelLike, step: string): number {
  const given = ctx.study.report.periodsPerYear ?? ctx.study.backtest?.periodsPerYear;
  const periodsPerYear = given ?? inferPeriodsPerYear(panel.dates);
  if (given === undefined)
    ctx.report({
      severity: 'info',
      kind: 'assumed-periods-per-year',
      message: `periods per year were not given, so ${periodsPerYear} was inferred from the dates (median gap between them); μ, Σ, volatility targets and the metrics are annualised with it`,
      fix: `set backtest.periodsPerYear (e.g. ${periodsPerYear}) to state the calendar`,
    });
  ctx.log(`${step}: annualised with ${periodsPerYear} periods per year${given === undefined ? ' (inferred)' : ''}`);
  return periodsPerYear;
}
