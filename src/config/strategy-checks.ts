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
