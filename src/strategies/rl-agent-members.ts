/**
 * The agents of an `rl-agent` ensemble (`seeds: K`) acting alone, and backtests that stay responsive while agents
 * train. `members` of an ensemble strategy are K strategies (`<name>#1` … `<name>#K`) that share its trained
 * policies (no training of their own) and hold one agent's allocation on their own book; `backtestStrategy` runs
 * the strategy and then each member under the same options and attaches the members' results.
 *
 * Signals: training is synchronous, and a JS signal handler runs only when the event loop is free, so a long
 * training would hold SIGTERM until it ends. `backtestStrategyYielding` takes training out of the backtest: a
 * survey pass lists the anchors it needs, the driver trains them one agent at a time, back to the event loop
 * between agents, then the real pass runs on the cached agents (an anchor's agents depend on the anchor alone, so
 * it equals a backtest that trained inline). Why not a worker thread: the run would have to move there (modules
 * loaded and the JIT warmed again, ~1.5 s of CPU; results, progress and artefacts crossing threads).
 */
import { runBacktest, type BacktestOptions, type BacktestResult, type Strategy } from '../backtest/index.ts';
import type { Panel } from '../data/index.ts';

/** A member's name: the strategy's name, '#', the agent's number from 1 (its seed is fork k − 1 of the refit). */
export const memberName = (strategy: string, k: number): string => `${strategy}#${k + 1}`;

/**
 * How decide() gets agents for an anchor not trained yet: 'inline' trains them (the default); 'survey' holds 1/N
 * there for this pass, caches nothing and notes the training (`takeSurveyed`).
 */
export type TrainingMode = 'inline' | 'survey';

/** A strategy that trains agents: its members, and how training is driven. */
export interface EnsembleStrategy extends Strategy {
  readonly members: readonly Strategy[];
  setTraining(mode: TrainingMode): void;
  training(): TrainingMode;
  /** The trainings noted in 'survey' mode, in order of first need (then forgotten). */
  takeSurveyed(): readonly TrainingNeeded[];
}

/** A training a survey pass noted: `steps()` trains the anchor's agents, yielding between agents. */
export class TrainingNeeded {
  constructor(
    /** The refit anchor's row in the panel. */
    readonly anchor: number,
    readonly steps: () => Generator<void, unknown>,
  ) {}
}

export interface MemberRun {
  readonly name: string;
  readonly result: BacktestResult;
}

/** Whether `s` is an rl-agent ensemble (members, training modes). */
export const isEnsemble = (s: Strategy): s is EnsembleStrategy =>
  Array.isArray((s as Partial<EnsembleStrategy>).members) &&
  typeof (s as Partial<EnsembleStrategy>).setTraining === 'function';

/** The members' backtests attached to an ensemble's result ([] for any other strategy). */
export function membersOf(result: BacktestResult): readonly MemberRun[] {
  return (result as { members?: readonly MemberRun[] }).members ?? [];
}

const withMembers = (result: BacktestResult, members: readonly MemberRun[]): BacktestResult =>
  members.length === 0 ? result : ({ ...result, members } as BacktestResult);

/** Backtest a strategy, then each member of an ensemble on the same panel and options (training inline). */
export function backtestStrategy(panel: Panel, strategy: Strategy, options: BacktestOptions): BacktestResult {
  const result = runBacktest(panel, strategy, options);
  if (!isEnsemble(strategy)) return result;
  return withMembers(
    result,
    strategy.members.map((m) => ({ name: m.name, result: runBacktest(panel, m, options) })),
  );
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `backtestStrategy` back to the event loop between agents' trainings (the longest step that cannot be cut is one
 * agent's training at one refit), the same result to the byte. First a survey pass (agents not trained yet hold
 * 1/N, nothing is cached) lists the anchors the backtest needs — the engine calls decide() on a schedule of dates
 * only, so they are the anchors of the real pass —, they are trained, then the real pass runs. Costs one more
 * pass of the decisions.
 */
export async function backtestStrategyYielding(
  panel: Panel,
  strategy: Strategy,
  options: BacktestOptions,
  yieldNow: () => Promise<void> = macrotask,
  /** Hears each anchor (row) as its training starts: for a progress bar (the survey pass moves none). */
  onTraining?: (anchor: number) => void,
): Promise<BacktestResult> {
  if (!isEnsemble(strategy)) return runBacktest(panel, strategy, options);
  const train = async (need: TrainingNeeded): Promise<void> => {
    onTraining?.(need.anchor);
    for (const _ of need.steps()) await yieldNow();
    await yieldNow();
  };
  try {
    strategy.setTraining('survey');
    runBacktest(panel, strategy, options);
    for (const need of strategy.takeSurveyed()) await train(need);
  } finally {
    strategy.takeSurveyed();
    strategy.setTraining('inline');
  }
  // The same passes as backtestStrategy, on trained agents (an anchor the survey missed would train inline).
  const result = runBacktest(panel, strategy, options);
  const members: MemberRun[] = [];
  for (const m of strategy.members) {
    await yieldNow();
    members.push({ name: m.name, result: runBacktest(panel, m, options) });
  }
  return withMembers(result, members);
}
