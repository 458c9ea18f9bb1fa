/**
 * The planted expected return as known at the close of each day: what a perfect forecaster of the synthetic market
 * could know. Row t holds E[log return of day t+1 | close of t] split into its parts:
 *   drift      asset drift + market beta × the equity drift of the regime in force at t (the regime is latent to a
 *              user; the truth knows it, so this is an upper bound of what the drift part can give);
 *   momentum, meanReversion, macro, sentiment   dailyVol × strength × the planted signal (known at t by design).
 * `total` is their sum; the last row is NaN (no day t+1). Forecast quality on synthetic data is judged against the
 * IC of `total` with the realised returns at the study's horizon: the ceiling. Beyond one day the later planted
 * signals are not yet known at t, so `total` is what is known, not an oracle of the whole horizon.
 */
import type { SyntheticTruth } from './market.ts';

export const plantedComponents = ['drift', 'momentum', 'meanReversion', 'macro', 'sentiment'] as const;
export type PlantedComponent = (typeof plantedComponents)[number];

export interface PlantedExpectation {
  readonly dates: readonly string[];
  readonly assets: readonly string[];
  /** (nDates × nAssets, row-major) expected log return of day t+1 known at the close of t. */
  readonly total: Float64Array;
  readonly components: Readonly<Record<PlantedComponent, Float64Array>>;
}

export function plantedExpectation(
  truth: SyntheticTruth,
  dates: readonly string[],
  assets: readonly string[],
): PlantedExpectation {
  const T = dates.length;
  const n = assets.length;
  const { loadings, signals, strengths, marketDrift } = truth;
  const make = () => new Float64Array(T * n).fill(NaN);
  const components = {
    drift: make(),
    momentum: make(),
    meanReversion: make(),
    macro: make(),
    sentiment: make(),
  };
  const total = make();
  for (let t = 0; t + 1 < T; t++) {
    const next = (t + 1) * n;
    for (let a = 0; a < n; a++) {
      const i = t * n + a;
      const sd = loadings.dailyVol[a]!;
      const drift = loadings.drift[a]! / 252 + (loadings.market[a]! * marketDrift[t]!) / 252;
      const mom = sd * strengths.momentum * signals.momentum[next + a]!;
      const rev = sd * strengths.meanReversion * signals.meanReversion[next + a]!;
      const mac = sd * strengths.macro * signals.macro[next + a]!;
      const sen = sd * strengths.sentiment * signals.sentiment[next + a]!;
      components.drift[i] = drift;
      components.momentum[i] = mom;
      components.meanReversion[i] = rev;
      components.macro[i] = mac;
      components.sentiment[i] = sen;
      total[i] = drift + mom + rev + mac + sen;
    }
  }
  return { dates, assets, total, components };
}
