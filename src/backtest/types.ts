/**
 * The backtest contract (TEAM.md): a strategy decides target weights at the close of `asOf` from a panel view that
 * holds ONLY data dated ≤ asOf; the engine fills the orders later (next open / next close by default).
 */
import type { FindingDraft } from '../core/index.ts';
import type { Panel, IsoDate } from '../data/index.ts';
import type { RebalanceSpec } from './rebalance.ts';

/** Minimal shape of an allocation result, as the allocation stage defines it (kept structural to avoid a cycle). */
export interface AllocationLike {
  readonly weights: Float64Array;
  readonly status: 'ok' | 'fallback' | 'failed';
  readonly trail: readonly { by: string; outcome: string }[];
  readonly diagnostics: Readonly<Record<string, number | string>>;
}

export interface DecisionContext {
  readonly asOf: IsoDate;
  /** Row index of asOf in the FULL panel (equals view.nDates − 1). */
  readonly t: number;
  /** Weights held at the close of asOf after drift (before this decision's trades), one per asset; cash = 1 − Σw. */
  readonly previousWeights: Float64Array;
  readonly seed: number;
}

export interface Decision {
  /** Target weight per asset (fraction of NAV); cash = 1 − Σw; negative = short. */
  readonly weights: Float64Array;
  readonly allocation?: AllocationLike;
  readonly diagnostics?: Readonly<Record<string, unknown>>;
  /**
   * What this decision did differently from what the strategy's parameters ask (less history than the window,
   * cash because nothing was allocatable, a substituted method). The engine stamps the strategy and the date
   * (a draft's own date wins). An allocation's fallback or failure is reported by the engine itself.
   */
  readonly findings?: readonly FindingDraft[];
}

export interface Strategy {
  readonly name: string;
  /** The strategy's own rebalancing rule (e.g. a 60/40 with 5 % bands); wins over the backtest's `rebalance`. */
  readonly rebalance?: RebalanceSpec;
  decide(view: Panel, ctx: DecisionContext): Decision;
}

/** When orders decided at the close of t are filled. `same-close` fills at the close of t and is flagged in results. */
export type FillTiming = 'next-open' | 'next-close' | 'same-close';
export const fillTimings = ['next-open', 'next-close', 'same-close'] as const satisfies readonly FillTiming[];
