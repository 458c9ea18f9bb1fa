/**
 * The agents of an `rl-agent` ensemble (`seeds: K`) acting alone, and backtests that stay responsive while agents
 * train. `members` of an ensemble strategy are K strategies (`<name>#1` … `<name>#K`) that share its trained
 * policies (no training of their own) and hold one agent's allocation on their own book; `backtestStrategy` runs
 * the strategy and then each member under the same options and attaches the members' results.
 *
 * Signals: training is synchronous, and a JS signal handler runs only when the event loop is free, so a long
 * training would hold SIGTERM until it ends. `backtestStrategyYielding` runs the backtest with training deferred:
 * decide() throws `TrainingNeeded` at an anchor not trained yet; the driver trains it one agent at a time, back to
 * the event loop between agents, and runs the backtest again from the start (every earlier anchor is cached, and
 * an anchor's agents depend on the anchor alone, so the final pass equals a backtest that trained inline).
 */
import { runBacktest, type BacktestOptions, type BacktestResult, type Strategy } from '../backtest/index.ts';
import type { Panel } from '../data/index.ts';

/** A member's name: the strategy's name, '#', the agent's number from 1 (its seed is fork k − 1 of the refit). */
export const memberName = (strategy: string, k: number): string => `${strategy}#${k + 1}`;

/** A strategy that trains agents: its members, and a switch to defer training to a driver. */
export interface EnsembleStrategy extends Strategy {
  readonly members: readonly Strategy[];
  deferTraining(on: boolean): void;
}

/** Thrown by decide() while training is deferred; `steps()` trains the missing anchor, yielding between agents. */
export class TrainingNeeded extends Error {
  constructor(readonly steps: () => Generator<void, unknown>) {
    super('rl-agent: training deferred to the driver (backtestStrategyYielding); not an error if seen there');
  }
}

export interface MemberRun {
  readonly name: string;
  readonly result: BacktestResult;
}

const isEnsemble = (s: Strategy): s is EnsembleStrategy =>
  Array.isArray((s as Partial<EnsembleStrategy>).members) &&
  typeof (s as Partial<EnsembleStrategy>).deferTraining === 'function';

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
 * agent's training at one refit). Same result to the byte; costs one more pass of the decisions per refit.
 */
export async function backtestStrategyYielding(
  panel: Panel,
  strategy: Strategy,
  options: BacktestOptions,
  yieldNow: () => Promise<void> = macrotask,
): Promise<BacktestResult> {
  if (!isEnsemble(strategy)) return runBacktest(panel, strategy, options);
  const run = async (s: Strategy): Promise<BacktestResult> => {
    for (;;) {
      try {
        return runBacktest(panel, s, options);
      } catch (e) {
        if (!(e instanceof TrainingNeeded)) throw e;
        for (const _ of e.steps()) await yieldNow();
        await yieldNow();
      }
    }
  };
  strategy.deferTraining(true);
  try {
    const result = await run(strategy);
    const members: MemberRun[] = [];
    for (const m of strategy.members) members.push({ name: m.name, result: await run(m) });
    return withMembers(result, members);
  } finally {
    strategy.deferTraining(false);
  }
}
