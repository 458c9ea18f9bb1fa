/**
 * The planted structural break, resolved on the calendar: from day `index` on, each broken signal's effect on returns
 * is multiplied by `factor` (−1 flip, 0 vanish). Everything that reads the planted strengths — the return kernel and
 * plantedExpectation — asks `signalFactor` for the day whose return the signal moves.
 */
import { configError } from '../core/index.ts';
import type { SynthMarketParams } from './params.ts';

export const BREAKABLE_SIGNALS = ['momentum', 'meanReversion', 'macro', 'sentiment'] as const;
export type BreakableSignal = (typeof BREAKABLE_SIGNALS)[number];

export interface PlantedBreak {
  /** First business day whose return feels the break, and its row index. */
  readonly date: string;
  readonly index: number;
  readonly signals: readonly BreakableSignal[];
  readonly to: 'flip' | 'vanish';
  /** Multiplier on a broken signal's strength from `index` on: −1 (flip) or 0 (vanish). */
  readonly factor: number;
}

export function resolveBreak(params: SynthMarketParams, dates: readonly string[]): PlantedBreak | undefined {
  const b = params.break;
  if (!b) return undefined;
  let index: number;
  if (b.date !== undefined) {
    index = dates.findIndex((d) => d >= b.date!);
    if (index <= 0)
      throw configError(
        `synthetic market: break.date must fall inside the calendar (${dates[1]} … ${dates[dates.length - 1]}), got ${b.date}; use a date in that range or atFraction`,
      );
  } else index = Math.max(1, Math.floor(b.atFraction! * dates.length));
  return {
    date: dates[index]!,
    index,
    signals: b.signal === 'all' ? [...BREAKABLE_SIGNALS] : [b.signal],
    to: b.to,
    factor: b.to === 'flip' ? -1 : 0,
  };
}

/** Multiplier of `signal`'s strength on the return of day t (1 before the break or for unbroken signals). */
export function signalFactor(brk: PlantedBreak | undefined, signal: BreakableSignal, t: number): number {
  return brk !== undefined && t >= brk.index && brk.signals.includes(signal) ? brk.factor : 1;
}
