/**
 * Step `check-strategies`: right after the data loads (the universe and the number of dates are known now even when
 * the study did not list `data.universe`), every strategy kind's `check` runs again, before any backtest. A setting
 * no decision could get past (4 assets × maxWeight 0.1 < 1, a window longer than the data) is refused with one line
 * per problem (exit 2, no run folder) instead of running as an all-cash strategy.
 */
import { StudyError, strategyLabel, strategyProblems } from '../../config/index.ts';
import { strategyKinds } from '../../strategies/index.ts';
import type { StudyStep } from '../context.ts';

export const checkStrategiesStep: StudyStep = {
  name: 'check-strategies',
  sections: [],
  applies: (study) => study.strategies.length > 0 || (study.baselines?.length ?? 0) > 0,
  run(ctx) {
    const panel = ctx.state.panel;
    if (panel === undefined) return;
    const problems = strategyProblems(ctx.study, strategyKinds, { assets: panel.assets, nDates: panel.nDates });
    if (problems.length === 0) return;
    const where = (p: (typeof problems)[number]): string => {
      const [section, i] = p.path as [string, number];
      const spec = (ctx.study[section as 'strategies'] ?? [])[i];
      return `${section}[${i}] (${strategyLabel(spec)})`;
    };
    throw new StudyError(
      problems.map((p) => `${where(p)}: ${p.message} (the data has ${panel.nAssets} assets × ${panel.nDates} dates)`),
    );
  },
};
