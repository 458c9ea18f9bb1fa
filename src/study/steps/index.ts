/**
 * The study pipeline, in order. A step runs when `applies(study)` is true; a study section that no applicable
 * step executes is refused up front (so a study never silently skips what it asked for).
 *
 * To plug in a stage (features → model → risk → allocation → backtest → report), add its step file here and one
 * line in this list; the step reads what earlier steps left in `ctx.state` and builds its parts from the kind tables.
 */
import type { StudyStep } from '../context.ts';
import { backtestStep } from './backtest.ts';
import { backtestReportStep } from './backtest-report.ts';
import { checkDataStep } from './check-data.ts';
import { checkStrategiesStep } from './check-strategies.ts';
import { loadDataStep } from './load-data.ts';
import { marketSummaryStep } from './market-summary.ts';
import { mlJobStep } from './ml-job.ts';

export const studySteps: readonly StudyStep[] = [
  loadDataStep,
  checkDataStep,
  checkStrategiesStep,
  marketSummaryStep,
  mlJobStep,
  backtestStep,
  backtestReportStep,
  // A new stage: one step file and one line here (see docs/study-files.md, "How stages plug in").
];
