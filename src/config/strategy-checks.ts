/**
 * The strategy kinds' own `check` hooks over a study's strategies and baselines: settings no data of the universe
 * can get past (infeasible constraints, a window longer than the data, 4 assets × maxWeight 0.1 < 1). The
 * validator runs them when `data.universe` names the assets; the study runner again once the data has loaded.
 */
import type { KindTable } from './kind-table.ts';

export interface StrategyProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

type Spec = { readonly kind?: unknown; readonly name?: unknown } & Record<string, unknown>;

export function strategyProblems(
  study: { readonly strategies?: readonly unknown[]; readonly baselines?: readonly unknown[] | undefined },
  table: KindTable,
  shape: { readonly assets?: readonly string[]; readonly nDates?: number },
): StrategyProblem[] {
  const out: StrategyProblem[] = [];
  // A study with ml-forecast strategies runs through the ML job, which backtests those and the baselines only:
  // any other strategy beside them would silently not run, so it is refused here.
  const kinds = (study.strategies ?? []).map((s) => (s as Spec).kind);
  if (kinds.includes('ml-forecast'))
    (study.strategies ?? []).forEach((raw, i) => {
      const { kind, name } = raw as Spec;
      if (kind === 'ml-forecast' || typeof kind !== 'string') return;
      out.push({
        path: ['strategies', i],
        message: `strategy ${typeof name === 'string' ? name : kind} (kind ${kind}) cannot run beside ml-forecast strategies: a study with ml-forecast runs only those and its baselines; move it to baselines: (same settings and costs) or to its own study`,
      });
    });
  for (const section of ['strategies', 'baselines'] as const) {
    (study[section] ?? []).forEach((raw, i) => {
      const { kind, name, ...params } = raw as Spec;
      const entry = typeof kind === 'string' ? table[kind] : undefined;
      if (!entry?.check) return;
      const label = typeof name === 'string' ? name : String(kind);
      for (const message of entry.check(params, shape, label)) out.push({ path: [section, i], message });
    });
  }
  return out;
}
