/**
 * The planted expected return as known at the close of each day: what a perfect forecaster of the synthetic market
 * could know. Row t holds E[log return over days t+1 … t+h | close of t] (h = `horizon`, default 1), split into:
 *   drift      h × (asset drift + market beta × the equity drift of the regime in force at t). The regime is latent
 *              to a user; the truth knows it, so this part is an upper bound of what drift can give.
 *   momentum, meanReversion, sentiment   Σₖ dailyVol × strength × E[signal of day t+k | close of t]: each signal is
 *              a trailing sum of returns net of α (or a headline tone) — the part of it dated ≤ t is known, the
 *              part dated after t has mean zero and counts as 0.
 *   macro      the signal of day t+1 held for the horizon (surprises persist until the next release; a release
 *              inside the horizon would reset a series to an unknown zero-mean surprise — ignoring that makes
 *              this part slightly optimistic, which is the safe side for a ceiling).
 * A planted break (truth.break) scales each broken signal's part of day t+k by its factor (−1 flip, 0 vanish) when
 * t+k is on or after the break: the expectation knows the break, as the truth does.
 * `total` is their sum; the last h rows are NaN. Forecast quality on synthetic data is judged against the IC of
 * `total` at the study's horizon (the ceiling). Note that summing the realised α over the horizon is NOT an
 * expectation: α after t reacts to returns inside the horizon (reversal), and that sum is anti-correlated with them.
 */
import type { SyntheticTruth } from './market.ts';
import { signalFactor } from './break.ts';

export const plantedComponents = ['drift', 'momentum', 'meanReversion', 'macro', 'sentiment'] as const;
export type PlantedComponent = (typeof plantedComponents)[number];

export interface PlantedExpectation {
  readonly dates: readonly string[];
  readonly assets: readonly string[];
  /** Days ahead the expectation covers. */
  readonly horizon: number;
  /** (nDates × nAssets, row-major) expected log return over days t+1 … t+h, known at the close of t. */
  readonly total: Float64Array;
  readonly components: Readonly<Record<PlantedComponent, Float64Array>>;
}

export function plantedExpectation(
  truth: SyntheticTruth,
  dates: readonly string[],
  assets: readonly string[],
  options: { readonly horizon?: number } = {},
): PlantedExpectation {
  const h = Math.max(1, Math.floor(options.horizon ?? 1));
  const T = dates.length;
  const n = assets.length;
  const { loadings, signals, strengths, marketDrift, signalWindows: win } = truth;
  const brk = truth.break;
  // Cumulative log return net of α through each day: what the momentum and reversal signals sum over.
  const cum = new Float64Array(T * n);
  for (let t = 1; t < T; t++)
    for (let a = 0; a < n; a++)
      cum[t * n + a] = cum[(t - 1) * n + a]! + truth.logReturns[t * n + a]! - truth.alpha[t * n + a]!;
  const make = () => new Float64Array(T * n).fill(NaN);
  const components = { drift: make(), momentum: make(), meanReversion: make(), macro: make(), sentiment: make() };
  const total = make();
  const L = win.momentumLookback;
  const S = win.meanReversionLookback;
  const known = (u: number, t: number, a: number): number => cum[Math.min(u, t) * n + a]!;
  for (let t = 0; t + h < T; t++) {
    for (let a = 0; a < n; a++) {
      const i = t * n + a;
      const sd = loadings.dailyVol[a]!;
      let mom = 0;
      let rev = 0;
      let sen = 0;
      let mac = 0; // Σₖ factor of the macro part (h without a break)
      for (let k = 1; k <= h; k++) {
        const end = t + k - 1 - win.momentumSkip;
        const d = t + k;
        if (end - L >= 0)
          mom += (signalFactor(brk, 'momentum', d) * (known(end, t, a) - known(end - L, t, a))) / (sd * Math.sqrt(L));
        if (t + k - 1 - S >= 0)
          rev -=
            (signalFactor(brk, 'meanReversion', d) * (known(t + k - 1, t, a) - known(t + k - 1 - S, t, a))) /
            (sd * Math.sqrt(S));
        // The headline behind day t+k's sentiment is dated t+k−lead: known at t when k ≤ lead.
        if (k <= win.sentimentLeadDays) sen += signalFactor(brk, 'sentiment', d) * signals.sentiment[d * n + a]!;
        mac += signalFactor(brk, 'macro', d);
      }
      const drift = h * (loadings.drift[a]! / 252 + (loadings.market[a]! * marketDrift[t]!) / 252);
      const parts = {
        drift,
        momentum: sd * strengths.momentum * mom,
        meanReversion: sd * strengths.meanReversion * rev,
        macro: mac * sd * strengths.macro * signals.macro[(t + 1) * n + a]!,
        sentiment: sd * strengths.sentiment * sen,
      };
      let sum = 0;
      for (const c of plantedComponents) {
        components[c][i] = parts[c];
        sum += parts[c];
      }
      total[i] = sum;
    }
  }
  return { dates, assets, horizon: h, total, components };
}
