/**
 * What the `tune:` section can get wrong that the section alone cannot show: a validation period that reaches the
 * backtest (the objective would see the period the tuned study is judged on), folds too short to score, parameter
 * paths that name nothing in the study, an objective strategy that does not exist.
 */
import { closest } from './did-you-mean.ts';
import { studyPathProblem } from './tune-paths.ts';

/** Shortest fold, in calendar days: shorter gives too few periods for a Sharpe ratio or PBO's groups. */
export const MIN_FOLD_DAYS = 30;

interface StudyLike {
  readonly data: { readonly start?: string | undefined; readonly source?: string | undefined };
  readonly backtest?: { readonly start?: string | undefined } | undefined;
  readonly strategies: readonly unknown[];
  readonly baselines?: readonly unknown[] | undefined;
  readonly tune?:
    | {
        readonly validation: { readonly start: string; readonly end: string };
        readonly folds: number;
        readonly seeds?: number | undefined;
        readonly space: Readonly<Record<string, unknown>>;
        readonly objective: { readonly metric: string; readonly strategy: string };
      }
    | undefined;
}

const days = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 86_400_000;

export function tuneProblems(study: StudyLike): { path: (string | number)[]; message: string }[] {
  const t = study.tune;
  if (t === undefined) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  const { start, end } = t.validation;
  const bt = study.backtest?.start;
  if (bt === undefined)
    out.push({
      path: ['backtest', 'start'],
      message: `tune needs backtest.start so that tune.validation can end before it; add backtest.start after ${end}`,
    });
  else if (end >= bt)
    out.push({
      path: ['tune', 'validation', 'end'],
      message: `${end} is not before backtest.start ${bt}: the trials would see the backtest period; end the validation period before ${bt}`,
    });
  if (start >= end)
    out.push({
      path: ['tune', 'validation', 'end'],
      message: `must be after tune.validation.start (${start}), got ${end}`,
    });
  else if (days(start, end) / t.folds < MIN_FOLD_DAYS)
    out.push({
      path: ['tune', 'folds'],
      message: `${t.folds} folds over ${start}…${end} (${days(start, end)} days) leave ${Math.floor(days(start, end) / t.folds)} days per fold, fewer than ${MIN_FOLD_DAYS}; lengthen the validation period or use fewer folds`,
    });
  if ((t.seeds ?? 1) > 1 && study.data.source !== 'synthetic')
    out.push({
      path: ['tune', 'seeds'],
      message: `seeds ${t.seeds} scores trials on ${t.seeds} synthetic markets, but data.source is ${String(study.data.source)}: every seed would read the same data; use seeds: 1 (or folds for more scores)`,
    });
  if (study.data.start !== undefined && study.data.start > start)
    out.push({
      path: ['tune', 'validation', 'start'],
      message: `${start} is before data.start ${study.data.start}: there is no data to validate on; start it on or after ${study.data.start}`,
    });
  const labels = study.strategies.map((s) => {
    const o = s as { name?: unknown; kind?: unknown };
    return typeof o.name === 'string' ? o.name : String(o.kind);
  });
  const k = labels.indexOf(t.objective.strategy);
  if (k < 0) {
    const hint = closest(t.objective.strategy, labels);
    out.push({
      path: ['tune', 'objective', 'strategy'],
      message: `no strategy named "${t.objective.strategy}"${hint ? `; did you mean "${hint}"?` : ''} (strategies: ${labels.join(', ') || 'none'})`,
    });
  } else if (t.objective.metric === 'ic' && (study.strategies[k] as { kind?: unknown }).kind !== 'ml-forecast')
    out.push({
      path: ['tune', 'objective', 'metric'],
      message: `ic needs an ml-forecast strategy (forecasts to score), but "${t.objective.strategy}" is ${String((study.strategies[k] as { kind?: unknown }).kind)}; use metric: sharpe`,
    });
  else if (t.objective.metric === 'informationRatioVsEqualWeight') {
    const kind = (study.strategies[k] as { kind?: unknown }).kind;
    const oneOverN =
      study.baselines === undefined || study.baselines.some((b) => (b as { kind?: unknown }).kind === 'equal-weight');
    if (kind !== 'ml-forecast')
      out.push({
        path: ['tune', 'objective', 'metric'],
        message: `informationRatioVsEqualWeight is computed by the ML job for ml-forecast strategies, but "${t.objective.strategy}" is ${String(kind)}; use metric: sharpe`,
      });
    else if (!oneOverN)
      out.push({
        path: ['tune', 'objective', 'metric'],
        message: `informationRatioVsEqualWeight is measured against 1/N, but baselines: lists no equal-weight; add { kind: equal-weight, name: 1/N } (the 1/N at the strategy's volatility target is then added)`,
      });
  }
  for (const path of Object.keys(t.space)) {
    if (path.startsWith('tune.') || path === 'tune')
      out.push({ path: ['tune', 'space', path], message: `${path}: the tune section cannot tune itself` });
    else {
      const p = studyPathProblem(study, path);
      if (p !== undefined) out.push({ path: ['tune', 'space', path], message: p });
    }
  }
  return out;
}
