/**
 * The backtest part of a study in one call, for the study runner and the library API:
 *
 *   const results = runStudyBacktests(panel, { backtest: study.backtest, strategies: study.strategies, baselines }, { seed });
 *
 * `backtest` is the study's backtest section (costs required; the other settings as `backtestSettingsSchema`);
 * each entry of `strategies` / `baselines` is `{ kind, name?, ...params }` from `strategyKinds`. Every strategy runs
 * under the same settings and costs. `nTrials` (for the deflated Sharpe) defaults to the configurations run (see
 * `configurationsTried`), or the backtest's `nTrials` when larger (record every configuration you tried there).
 */
import { configError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import { backtestSettingsSchema } from '../backtest/index.ts';
import { backtestStrategy } from './rl-agent-members.ts';
import type { BacktestOptions, BacktestResult, CostSpec, Strategy } from '../backtest/index.ts';
import { strategyKinds } from './index.ts';
import type { StrategyEnv } from './index.ts';

export interface StrategySpec {
  readonly kind: string;
  readonly name?: string;
  readonly [param: string]: unknown;
}

export interface BacktestSection {
  readonly backtest: unknown;
  readonly strategies: readonly StrategySpec[];
  readonly baselines?: readonly StrategySpec[];
}

type Kinds = Record<string, { create(params: unknown, env: StrategyEnv): Strategy }>;

/**
 * Configurations a list of strategies tried, for the deflated Sharpe: one per strategy, except an `rl-agent` with
 * `seeds: K`, which trains K agents and trades their mean — K draws of the training lottery, so K trials.
 */
export function configurationsTried(specs: readonly StrategySpec[]): number {
  let n = 0;
  for (const s of specs) n += s.kind === 'rl-agent' && typeof s['seeds'] === 'number' ? Math.max(1, s['seeds']) : 1;
  return n;
}

/** Build one strategy from its study entry. */
export function createStrategy(
  spec: StrategySpec,
  env: StrategyEnv = {},
  kinds: Kinds = strategyKinds as unknown as Kinds,
): Strategy {
  const { kind, name, ...params } = spec;
  const entry = kinds[kind];
  if (!entry) throw configError(`strategy kind "${kind}" is unknown; use one of ${Object.keys(kinds).join(', ')}.`);
  return entry.create(params, { ...env, name: name ?? kind });
}

/** Parse the study's backtest section into engine options (costs are required; see createCostModel). */
export function backtestOptionsFrom(section: unknown): BacktestOptions {
  if (section === undefined || section === null) {
    throw configError(
      'the study has strategies but no backtest section. Add backtest: { costs: { kind: proportional, bps: 5 } } (or costs: { kind: none }).',
    );
  }
  const { costs, ...rest } = section as { costs?: unknown };
  const r = backtestSettingsSchema.safeParse(rest);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw configError(`backtest.${i.path.join('.')}: ${i.message}.`);
  }
  return { ...(r.data as Omit<BacktestOptions, 'costs'>), costs: costs as CostSpec };
}

export function runStudyBacktests(panel: Panel, section: BacktestSection, env: StrategyEnv = {}): BacktestResult[] {
  const options = backtestOptionsFrom(section.backtest);
  const specs = [...section.strategies, ...(section.baselines ?? [])];
  if (specs.length === 0) throw configError('the study lists no strategies. Add strategies: [{ kind: equal-weight }].');
  const nTrials = Math.max(options.nTrials ?? 1, configurationsTried(specs));
  // an rl-agent ensemble's result carries its agents acting alone (`membersOf(result)`)
  return specs.map((s) =>
    backtestStrategy(panel, createStrategy(s, { ...env, backtest: options }), {
      ...options,
      nTrials,
      ...(env.seed === undefined ? {} : { seed: env.seed }),
    }),
  );
}
