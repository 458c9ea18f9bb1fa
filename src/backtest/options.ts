/**
 * Backtest settings (what a study's `backtest:` section holds besides the strategy) and their validation.
 */
import * as z from 'zod';
import { configError } from '../core/index.ts';
import type { IsoDate } from '../data/index.ts';
import type { CostSpec } from './costs.ts';
import type { OverlaySpec } from './overlays.ts';
import { overlaySchema } from './overlays.ts';
import type { RebalanceSpec } from './rebalance.ts';
import { rebalanceSchema } from './rebalance.ts';
import type { FillTiming } from './types.ts';
import { fillTimings } from './types.ts';

export interface LeverageLimits {
  /** Largest Σ|w| (default 1: fully invested long-only or 50/50 long/short). */
  readonly maxGross?: number;
  /** Range of Σw (default −1 … 1). */
  readonly minNet?: number;
  readonly maxNet?: number;
  /** A target outside the limits: `error` (default) or `scale` it down into them (recorded as a leverage-scaled finding). */
  readonly onBreach?: 'error' | 'scale';
}

export interface BacktestOptions {
  /** Required: the cost model; `{ kind: 'none' }` for zero cost. */
  readonly costs: CostSpec;
  /** Default 'monthly'. A strategy that carries its own rule (`strategy.rebalance`) uses that one instead. */
  readonly rebalance?: RebalanceSpec;
  /** Default 'next-close'. 'same-close' is allowed but flagged in the result. */
  readonly fill?: FillTiming;
  /** First decision date (default: first date of the data). History before it is visible to the strategy. */
  readonly start?: IsoDate;
  /** Last date simulated (default: last date of the data). */
  readonly end?: IsoDate;
  /** Starting NAV, currency (default 1). */
  readonly initialCapital?: number;
  /** Annual rate earned on cash (compounded by calendar days / 365); default 0. */
  readonly cashRate?: number;
  /** Extra annual rate paid on negative cash (borrowing); default 0. */
  readonly borrowSpread?: number;
  /** Annual fee on the market value of short positions (securities lending); default 0. */
  readonly shortBorrowCost?: number;
  readonly leverage?: LeverageLimits;
  /** Valuation field (default 'close'); name a total-return index field to include dividends. */
  readonly priceField?: string;
  /** Open field for next-open fills (default 'open'; scaled by priceField/close when priceField is not close). */
  readonly openField?: string;
  readonly overlays?: readonly OverlaySpec[];
  /** Annualisation for metrics; default inferred from the calendar (252, 52, 12, 4 or 1). */
  readonly periodsPerYear?: number;
  /** Configurations tried to arrive at this backtest (deflated Sharpe); default 1. */
  readonly nTrials?: number;
  readonly seed?: number;
  /** Per-period risk-free return (aligned with the panel dates) for Sharpe; default 0 (pass excess returns). */
  readonly riskFreeField?: string;
  /** Asset id whose returns (of `priceField`) are the benchmark for beta, alpha, tracking error and IR. */
  readonly benchmarkAsset?: string;
}

/** zod schema of the settings, for the study file (the config engineer composes `costs` from `costModelKinds`). */
export const backtestSettingsSchema = z.strictObject({
  rebalance: rebalanceSchema.default('monthly'),
  fill: z.enum(fillTimings).default('next-close').describe('when orders decided at the close of t fill'),
  start: z.iso.date().optional(),
  end: z.iso.date().optional(),
  initialCapital: z.number().positive().default(1),
  cashRate: z.number().min(-0.1).max(1).default(0).describe('annual rate on cash'),
  borrowSpread: z.number().min(0).max(1).default(0),
  shortBorrowCost: z.number().min(0).max(1).default(0),
  leverage: z
    .strictObject({
      maxGross: z.number().positive().default(1),
      minNet: z.number().default(-1),
      maxNet: z.number().default(1),
      onBreach: z.enum(['error', 'scale']).default('error'),
    })
    .optional(),
  priceField: z.string().min(1).default('close'),
  openField: z.string().min(1).default('open'),
  overlays: z.array(overlaySchema).default([]),
  periodsPerYear: z.int().min(1).max(366).optional(),
  nTrials: z.int().min(1).default(1),
  riskFreeField: z.string().optional(),
  benchmarkAsset: z
    .string()
    .min(1)
    .optional()
    .describe('asset id used as the benchmark for beta, alpha, tracking error, IR'),
});

export function checkNumber(
  name: string,
  v: number | undefined,
  rule: (x: number) => boolean,
  ruleText: string,
  fix: string,
): void {
  if (v !== undefined && !(Number.isFinite(v) && rule(v)))
    throw configError(`backtest.${name} must be ${ruleText}, got ${v}. ${fix}`);
}

/** Infer periods per year from the median gap between dates. */
export function inferPeriodsPerYear(dates: readonly IsoDate[]): number {
  if (dates.length < 2) return 252;
  const gaps: number[] = [];
  for (let i = 1; i < Math.min(dates.length, 500); i++)
    gaps.push((Date.parse(dates[i]!) - Date.parse(dates[i - 1]!)) / 86_400_000);
  gaps.sort((a, b) => a - b);
  const g = gaps[gaps.length >> 1]!;
  return g <= 4 ? 252 : g <= 10 ? 52 : g <= 40 ? 12 : g <= 120 ? 4 : 1;
}
