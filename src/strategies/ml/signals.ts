/**
 * Forecast → weights rules that need no optimiser (pure functions over plain arrays, one weight per asset):
 * top-k selection, the threshold rule (buy when the predicted return > threshold, else sell), the volatility-band
 * rule (buy when the last price change > one σ of changes, sell below −σ, else hold), forecast-proportional with a
 * cap, and volatility targeting by scaling (the rest in cash). Weights are fractions of NAV; cash = 1 − Σw.
 */
import type { Matrix } from '../../core/index.ts';

/** Trading signal per asset: +1 buy, −1 sell, 0 hold. */
export type Signal = -1 | 0 | 1;

/** Threshold rule on predicted returns: buy when r̂ > threshold, otherwise sell (NaN forecast → sell). */
export function thresholdSignals(forecast: ArrayLike<number>, threshold = 0.001): Signal[] {
  return Array.from(forecast, (f) => (f > threshold ? 1 : -1));
}

/**
 * Volatility-band rule on one price series: with Δp_t = p_t − p_{t−1} and σ the sample σ of the last `window`
 * changes (ending at t), buy when Δp_t > σ, sell when Δp_t < −σ, hold otherwise (also while history is short).
 */
export function volatilityBandSignal(prices: ArrayLike<number>, window = 20): Signal {
  const T = prices.length;
  if (T < window + 1) return 0;
  const d: number[] = [];
  for (let t = T - window; t < T; t++) d.push(prices[t]! - prices[t - 1]!);
  if (!d.every(Number.isFinite)) return 0;
  const m = d.reduce((a, b) => a + b, 0) / window;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (window - 1));
  const last = d[window - 1]!;
  return last > sd ? 1 : last < -sd ? -1 : 0;
}

/**
 * Signals → weights: sells go to 0, holds keep their previous weight, buys share what is left equally, each capped
 * at `maxWeight` (the excess stays in cash).
 *
 * Previous weights are fractions of NAV after drift and costs. A fill sizes orders on the NAV before costs and pays
 * the costs from cash, so after a fully invested fill cash is slightly negative and the previous weights sum to
 * 1 + costs/NAV (1.001 at 10 bp). Holding them as they are asked the engine for that leverage, which it refused
 * (Σ|w| > maxGross 1); held weights are therefore scaled down together so they never sum to more than 1.
 */
export function signalsToWeights(signals: readonly Signal[], previous: ArrayLike<number>, maxWeight = 1): Float64Array {
  const n = signals.length;
  const w = new Float64Array(n);
  let held = 0;
  let buys = 0;
  for (let a = 0; a < n; a++) {
    if (signals[a] === 0) {
      w[a] = Math.max(0, previous[a] ?? 0);
      held += w[a]!;
    } else if (signals[a] === 1) buys++;
  }
  if (held > 1) {
    for (let a = 0; a < n; a++) if (signals[a] === 0) w[a] = w[a]! / held;
    held = 1;
  }
  const each = buys > 0 ? Math.min(maxWeight, Math.max(0, 1 - held) / buys) : 0;
  for (let a = 0; a < n; a++) if (signals[a] === 1) w[a] = each;
  return w;
}

/** Equal weight (capped) on the k assets with the highest finite forecasts; only positive forecasts when `positiveOnly`. */
export function topK(forecast: ArrayLike<number>, k: number, maxWeight = 1, positiveOnly = true): Float64Array {
  const n = forecast.length;
  const idx = Array.from({ length: n }, (_, i) => i)
    .filter((i) => Number.isFinite(forecast[i]!) && (!positiveOnly || forecast[i]! > 0))
    .sort((i, j) => forecast[j]! - forecast[i]! || i - j)
    .slice(0, k);
  const w = new Float64Array(n);
  const each = idx.length > 0 ? Math.min(maxWeight, 1 / idx.length) : 0;
  for (const i of idx) w[i] = each;
  return w;
}

/** w ∝ max(r̂, 0), capped at maxWeight (excess in cash); all cash when no forecast is positive. */
export function cappedForecastProportional(forecast: ArrayLike<number>, maxWeight = 1): Float64Array {
  const n = forecast.length;
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const f = forecast[i]!;
    w[i] = Number.isFinite(f) && f > 0 ? f : 0;
    s += w[i]!;
  }
  if (!(s > 0)) return w;
  for (let i = 0; i < n; i++) w[i] = Math.min(maxWeight, w[i]! / s);
  return w;
}

/** Annualised volatility √(wᵀΣw) of weights under an annualised covariance. */
export function portfolioVol(w: ArrayLike<number>, cov: Matrix): number {
  const n = cov.rows;
  let v = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v += w[i]! * cov.data[i * n + j]! * w[j]!;
  return Math.sqrt(Math.max(0, v));
}

/** Scales w down (never up) so its ex-ante volatility is at most `target`; returns the scale applied. */
export function capVolatility(w: Float64Array, cov: Matrix, target: number): number {
  const vol = portfolioVol(w, cov);
  const k = vol > target ? target / vol : 1;
  for (let i = 0; i < w.length; i++) w[i] = w[i]! * k;
  return k;
}
