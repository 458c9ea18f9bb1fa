/**
 * Rebalancing rules: WHEN the engine asks the strategy for a target, and HOW MUCH of the gap it trades.
 *
 * - `calendar` (daily … yearly): trade to target at the first trading date of each new period. Period starts are
 *   found from dates ≤ t only (date t is in a different week/month/… than date t−1), so the schedule never peeks
 *   at the calendar ahead and passes the perturb-the-future audit even when future rows are deleted.
 * - `dates`: trade on the listed dates (each must be a date of the data calendar).
 * - `band`: check every period (or only on `every` dates: calendar + band) and trade fully back to target when any
 *   asset's drift |w − w*| exceeds `threshold` (absolute) or `threshold·|w*|` (relative).
 * - `no-trade-band`: like band, but trade only back to the band edge: w ← clamp(w, w* − b, w* + b).
 * - `signal`: ask every period; trade when the target moved by more than `tolerance` in any asset since the last
 *   trade (signal-driven strategies: trend, regime).
 * - `never`: only the initial trade (buy-and-hold).
 */
import * as z from 'zod';
import { configError } from '../core/index.ts';
import type { IsoDate } from '../data/index.ts';

export const frequencies = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type Frequency = (typeof frequencies)[number];

const freq = z.enum(frequencies);
const bandMode = z.enum(['absolute', 'relative']).default('absolute');

export const rebalanceSchema = z.union([
  freq,
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('calendar'), every: freq }),
    z.strictObject({ kind: z.literal('dates'), dates: z.array(z.iso.date()).min(1) }),
    z.strictObject({
      kind: z.literal('band'),
      threshold: z.number().gt(0).max(10),
      mode: bandMode,
      every: freq.optional(),
    }),
    z.strictObject({
      kind: z.literal('no-trade-band'),
      threshold: z.number().gt(0).max(10),
      mode: bandMode,
      every: freq.optional(),
    }),
    z.strictObject({ kind: z.literal('signal'), tolerance: z.number().min(0).default(1e-9) }),
    z.strictObject({ kind: z.literal('never') }),
  ]),
]);

export type RebalanceSpec =
  | Frequency
  | { kind: 'calendar'; every: Frequency }
  | { kind: 'dates'; dates: readonly IsoDate[] }
  | { kind: 'band' | 'no-trade-band'; threshold: number; mode?: 'absolute' | 'relative'; every?: Frequency }
  | { kind: 'signal'; tolerance?: number }
  | { kind: 'never' };

/** Period key of a date; a period starts where the key changes. */
export function periodKey(date: IsoDate, every: Frequency): string {
  switch (every) {
    case 'daily':
      return date;
    case 'weekly': {
      // Days since 1970-01-05 (a Monday) divided by 7.
      const days = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000) - 4;
      return String(Math.floor(days / 7));
    }
    case 'monthly':
      return date.slice(0, 7);
    case 'quarterly':
      return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3)}`;
    case 'yearly':
      return date.slice(0, 4);
  }
}

/** Is date t the first trading date of its period (judged from dates[t−1], dates[t] only)? */
export function isPeriodStart(dates: readonly IsoDate[], t: number, every: Frequency): boolean {
  return t === 0 || periodKey(dates[t]!, every) !== periodKey(dates[t - 1]!, every);
}

/** A compiled rule. */
export interface RebalanceRule {
  readonly kind: 'calendar' | 'dates' | 'band' | 'no-trade-band' | 'signal' | 'never';
  /** Does the engine ask the strategy for a target at row t? */
  isCheck(dates: readonly IsoDate[], t: number): boolean;
  /**
   * Given drifted weights and the new target, the weights to trade to, or null for no trade.
   * `lastTraded` is the target of the previous trade (signal rule). Never mutates its inputs.
   */
  tradeTo(drifted: Float64Array, target: Float64Array, lastTraded: Float64Array | null): Float64Array | null;
  /** True when `tradeTo` reads `drifted` (band rules); otherwise the engine may skip computing it. */
  readonly readsDrifted?: true;
}

function bandWidth(target: number, threshold: number, mode: 'absolute' | 'relative'): number {
  return mode === 'absolute' ? threshold : threshold * Math.abs(target);
}

/** Validate a rule and check explicit dates against the data calendar (one-line error naming the date). */
export function createRebalanceRule(spec: RebalanceSpec, calendar: readonly IsoDate[]): RebalanceRule {
  const parsed = rebalanceSchema.safeParse(spec);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw configError(
      `backtest.rebalance${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}, got ${JSON.stringify(spec)}. Use e.g. rebalance: monthly, or { kind: band, threshold: 0.05 }.`,
    );
  }
  const s = typeof parsed.data === 'string' ? { kind: 'calendar' as const, every: parsed.data } : parsed.data;
  const full = (_d: Float64Array, target: Float64Array): Float64Array => target;
  switch (s.kind) {
    case 'calendar':
      return { kind: 'calendar', isCheck: (dates, t) => isPeriodStart(dates, t, s.every), tradeTo: full };
    case 'dates': {
      const inCal = new Set(calendar);
      for (const d of s.dates) {
        if (!inCal.has(d)) {
          const next = calendar.find((c) => c > d);
          throw configError(
            `backtest.rebalance.dates: ${d} is not a date of the data calendar (${calendar[0]} … ${calendar[calendar.length - 1]}). Use a trading date${next ? `, e.g. ${next}` : ''}.`,
          );
        }
      }
      const set = new Set(s.dates);
      return { kind: 'dates', isCheck: (dates, t) => set.has(dates[t]!), tradeTo: full };
    }
    case 'band':
    case 'no-trade-band': {
      const every = s.every;
      const isCheck = every ? (dates: readonly IsoDate[], t: number) => isPeriodStart(dates, t, every) : () => true;
      const edge = s.kind === 'no-trade-band';
      return {
        kind: s.kind,
        isCheck,
        readsDrifted: true,
        tradeTo(drifted, target) {
          let breach = false;
          for (let a = 0; a < target.length; a++) {
            if (Math.abs(drifted[a]! - target[a]!) > bandWidth(target[a]!, s.threshold, s.mode) + 1e-12) breach = true;
          }
          if (!breach) return null;
          if (!edge) return target;
          const out = new Float64Array(target.length);
          for (let a = 0; a < target.length; a++) {
            const b = bandWidth(target[a]!, s.threshold, s.mode);
            out[a] = Math.min(target[a]! + b, Math.max(target[a]! - b, drifted[a]!));
          }
          return out;
        },
      };
    }
    case 'never':
      return { kind: 'never', isCheck: () => false, tradeTo: full };
    case 'signal':
      return {
        kind: 'signal',
        isCheck: () => true,
        tradeTo(_d, target, last) {
          if (last === null) return target;
          for (let a = 0; a < target.length; a++) if (Math.abs(target[a]! - last[a]!) > s.tolerance) return target;
          return null;
        },
      };
  }
}
