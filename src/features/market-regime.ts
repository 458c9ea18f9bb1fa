/**
 * `market-regime`: each asset's trailing market beta × a trailing calm-vs-stress state of the market,
 *
 *   x[t, a] = β_a(t) · log( mean(σ over the last `reference` bars) / σ(t) ),
 *
 * σ(t) the standard deviation of the market's daily returns over the last `window` bars and β_a(t) the OLS slope
 * of the asset's daily returns on the market's over the last `betaWindow` bars. The state is > 0 when the market
 * is calmer than its own recent norm, < 0 in stress. Why: in a regime-switching market the equity drift differs by
 * regime (calm up, bear and crisis down) and each asset earns it in proportion to its beta, so the ranking across
 * assets flips with the regime; a market-wide state alone cannot rank assets and the beta alone cannot flip, the
 * product can. Across assets at one date the column is β × one number, so per-date z-scoring keeps β's ranking
 * with the state's sign (what a cross-sectional rank needs). Everything at t reads closes dated ≤ t.
 * The market is the named asset's returns, or the equal-weighted mean return of the panel's assets.
 */
import { dataError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import { defineFeature, type Feature } from './feature.ts';
import { rollingStd, sma } from './indicators.ts';

export interface MarketRegimeParams {
  /** Asset id whose returns are the market (default: the equal-weighted mean return of the panel's assets). */
  readonly market?: string | undefined;
  /** Bars of the market volatility σ(t). */
  readonly window: number;
  /** Bars over which σ is averaged for the reference level. */
  readonly reference: number;
  /** Bars of the beta regressions. */
  readonly betaWindow: number;
}

/** Daily simple returns of one close series (NaN at the first bar and next to a missing close). */
function dailyReturns(close: Float64Array): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  for (let t = 1; t < close.length; t++) out[t] = close[t]! / close[t - 1]! - 1;
  return out;
}

/** The market's daily returns: the named asset's, or the mean over the assets with a return that day. */
function marketReturns(returns: readonly Float64Array[], panel: Panel, market: string | undefined): Float64Array {
  if (market !== undefined) {
    const a = panel.assets.indexOf(market);
    if (a < 0)
      throw dataError(
        `feature market-regime: market "${market}" is not among the assets it is computed on (${panel.assets.join(', ')}); name one of them or leave market out for the equal-weighted mean`,
      );
    return returns[a]!;
  }
  const out = new Float64Array(panel.nDates).fill(NaN);
  for (let t = 0; t < panel.nDates; t++) {
    let s = 0;
    let k = 0;
    for (const r of returns) {
      if (Number.isFinite(r[t]!)) {
        s += r[t]!;
        k++;
      }
    }
    if (k > 0) out[t] = s / k;
  }
  return out;
}

/** OLS slope of y on x over the last n bars (NaN unless all n pairs are finite and x varies). */
export function rollingBeta(y: Float64Array, x: Float64Array, n: number): Float64Array {
  const len = y.length;
  const out = new Float64Array(len).fill(NaN);
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let sxx = 0;
  let bad = 0;
  const ok = (t: number): boolean => Number.isFinite(x[t]!) && Number.isFinite(y[t]!);
  for (let t = 0; t < len; t++) {
    if (ok(t)) {
      sx += x[t]!;
      sy += y[t]!;
      sxy += x[t]! * y[t]!;
      sxx += x[t]! * x[t]!;
    } else bad++;
    if (t >= n) {
      const o = t - n;
      if (ok(o)) {
        sx -= x[o]!;
        sy -= y[o]!;
        sxy -= x[o]! * y[o]!;
        sxx -= x[o]! * x[o]!;
      } else bad--;
    }
    if (t < n - 1 || bad > 0) continue;
    if ((t & 1023) === 1023) {
      // Re-accumulate now and then so rounding in the running sums never builds up.
      sx = sy = sxy = sxx = 0;
      for (let k = t - n + 1; k <= t; k++) {
        sx += x[k]!;
        sy += y[k]!;
        sxy += x[k]! * y[k]!;
        sxx += x[k]! * x[k]!;
      }
    }
    const vxx = sxx - (sx * sx) / n;
    if (vxx > 0) out[t] = (sxy - (sx * sy) / n) / vxx;
  }
  return out;
}

export function marketRegimeFeature(p: MarketRegimeParams): Feature {
  // σ needs window + 1 closes, its mean `reference` − 1 more; β needs betaWindow + 1 closes.
  const warmup = Math.max(p.window + p.reference - 1, p.betaWindow) + 1;
  return defineFeature(
    'market-regime',
    warmup,
    ({ panel }) => {
      const n = panel.nAssets;
      const returns = panel.assets.map((_, a) => dailyReturns(panel.series('close', a)));
      const m = marketReturns(returns, panel, p.market);
      const sigma = rollingStd(m, p.window);
      const ref = sma(sigma, p.reference);
      const out = new Float64Array(panel.nDates * n).fill(NaN);
      for (let a = 0; a < n; a++) {
        const beta = rollingBeta(returns[a]!, m, p.betaWindow);
        for (let t = 0; t < panel.nDates; t++) {
          const state = sigma[t]! > 0 ? Math.log(ref[t]! / sigma[t]!) : NaN;
          out[t * n + a] = beta[t]! * state;
        }
      }
      return { names: [`regime_beta_${p.window}_${p.reference}`], values: [out] };
    },
    'market-regime',
  );
}
