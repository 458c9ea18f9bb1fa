/**
 * Markov regimes of the synthetic market (0 calm bull, 1 volatile bear, 2 crisis). A regime lasts a geometric number
 * of business days with mean `meanDurationDays`; on leaving, the next regime is drawn from fixed destination weights
 * (calm mostly turns into a bear market, a crisis mostly eases into a bear market or recovers to calm).
 */
import type { Rng } from '../core/index.ts';
import { REGIME_NAMES, type SynthMarketParams } from './params.ts';

/** Where a regime goes when it ends: row = from, column = to (the diagonal is unused). */
export const REGIME_DESTINATIONS: readonly (readonly number[])[] = [
  [0, 0.75, 0.25],
  [0.6, 0, 0.4],
  [0.5, 0.5, 0],
];

/** Daily transition matrix P[from][to] implied by the parameters (rows sum to 1). */
export function regimeTransitionMatrix(params: SynthMarketParams): number[][] {
  return REGIME_NAMES.map((name, i) => {
    const leave = 1 / params.regimes[name].meanDurationDays;
    return REGIME_DESTINATIONS[i]!.map((w, j) => (i === j ? 1 - leave : leave * w));
  });
}

/** Long-run share of days in each regime (stationary distribution of the transition matrix, by power iteration). */
export function stationaryRegimeShares(params: SynthMarketParams): number[] {
  const p = regimeTransitionMatrix(params);
  let pi = [1 / 3, 1 / 3, 1 / 3];
  for (let it = 0; it < 20_000; it++) {
    const next = [0, 0, 0];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) next[j]! += pi[i]! * p[i]![j]!;
    pi = next;
  }
  return pi;
}

/** The regime of every business day (starts calm). */
export function simulateRegimes(nDates: number, params: SynthMarketParams, rng: Rng): Uint8Array {
  const p = regimeTransitionMatrix(params);
  const path = new Uint8Array(nDates);
  let r = 0;
  for (let t = 0; t < nDates; t++) {
    if (t > 0) {
      const u = rng.uniform();
      const row = p[r]!;
      let acc = 0;
      let next = 2;
      for (let j = 0; j < 3; j++) {
        acc += row[j]!;
        if (u < acc) {
          next = j;
          break;
        }
      }
      r = next;
    }
    path[t] = r;
  }
  return path;
}
