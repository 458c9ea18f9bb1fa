/**
 * Pure, causal indicator kernels over one asset's series (a Float64Array of length nDates, NaN = missing).
 * Every output value at index t is computed from inputs at indices ≤ t only; indices inside the warm-up are NaN.
 * A NaN input resets nothing: windows that contain a NaN give NaN, recursive filters carry their state across it.
 *
 * Conventions (checked against trading-signals 8.3 in indicators.test.ts):
 * - SMA(n): arithmetic mean of the last n values.
 * - EMA(n): α = 2/(n+1), seeded with the SMA of the first n values (trading-signals seeds with the first price;
 *   the two agree to ~1e-10 after ~100 bars, DEPENDENCIES.md §6).
 * - RSI(n), ATR(n): Wilder smoothing (α = 1/n) seeded with the SMA of the first n gains/losses or true ranges.
 * - Bollinger bands: population standard deviation (ddof 0), as trading-signals and TA-Lib.
 */

/** Simple moving average over `n` values; NaN during warm-up or when the window holds a NaN. */
export function sma(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let sum = 0;
  let nans = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (Number.isNaN(v)) nans++;
    else sum += v;
    if (t >= n) {
      const old = x[t - n]!;
      if (Number.isNaN(old)) nans--;
      else sum -= old;
    }
    if (t >= n - 1 && nans === 0) out[t] = sum / n;
  }
  // Re-summing periodically would bound drift; a window sum over ≤ 10⁴ bars of prices drifts < 1e-10 relative.
  return out;
}

/** Exponential moving average, α = 2/(n+1), seeded with the SMA of the first n finite values. */
export function ema(x: Float64Array, n: number): Float64Array {
  return expSmooth(x, n, 2 / (n + 1));
}

/** Wilder's smoothing (α = 1/n) seeded with the SMA of the first n finite values. */
export function wilder(x: Float64Array, n: number): Float64Array {
  return expSmooth(x, n, 1 / n);
}

function expSmooth(x: Float64Array, n: number, alpha: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let count = 0;
  let seedSum = 0;
  let state = NaN;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (Number.isNaN(v)) continue;
    if (count < n) {
      seedSum += v;
      count++;
      if (count === n) {
        state = seedSum / n;
        out[t] = state;
      }
      continue;
    }
    state = state + alpha * (v - state);
    out[t] = state;
  }
  return out;
}

/**
 * Rolling standard deviation of the last n values (ddof as given, 1 = sample), O(length): running sums of the
 * deviations from a fixed reference K (the first finite value), var = (Σd² − (Σd)²/n)/(n − ddof) with d = x − K.
 * Shifting by K keeps the cancellation error near ε·(range/σ)² (≤ 1e-11 relative for prices), and the sums are
 * re-accumulated from scratch every 1024 steps so rounding never builds up.
 */
export function rollingStd(x: Float64Array, n: number, ddof = 1): Float64Array {
  const len = x.length;
  const out = new Float64Array(len).fill(NaN);
  let K = NaN;
  for (let t = 0; t < len; t++) {
    if (!Number.isNaN(x[t]!)) {
      K = x[t]!;
      break;
    }
  }
  let s1 = 0;
  let s2 = 0;
  let nans = 0;
  for (let t = 0; t < len; t++) {
    const v = x[t]!;
    if (Number.isNaN(v)) nans++;
    else {
      const d = v - K;
      s1 += d;
      s2 += d * d;
    }
    if (t >= n) {
      const old = x[t - n]!;
      if (Number.isNaN(old)) nans--;
      else {
        const d = old - K;
        s1 -= d;
        s2 -= d * d;
      }
    }
    if (t >= n - 1 && nans === 0) {
      if ((t & 1023) === 1023) {
        s1 = 0;
        s2 = 0;
        for (let k = t - n + 1; k <= t; k++) {
          const d = x[k]! - K;
          s1 += d;
          s2 += d * d;
        }
      }
      out[t] = Math.sqrt(Math.max(0, (s2 - (s1 * s1) / n) / (n - ddof)));
    }
  }
  return out;
}

/** Simple return over `lag` periods: x[t]/x[t−lag] − 1 (fractions). */
export function pctChange(x: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = lag; t < x.length; t++) out[t] = x[t]! / x[t - lag]! - 1;
  return out;
}

/** Values shifted back by `lag` periods: out[t] = x[t−lag] (a lag never reads the future). */
export function shift(x: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = lag; t < x.length; t++) out[t] = x[t - lag]!;
  return out;
}

/** Relative strength index (0..100), Wilder smoothing of gains and losses, as trading-signals' RSI. */
export function rsi(close: Float64Array, n: number): Float64Array {
  const len = close.length;
  const gain = new Float64Array(len).fill(NaN);
  const loss = new Float64Array(len).fill(NaN);
  for (let t = 1; t < len; t++) {
    const d = close[t]! - close[t - 1]!;
    if (Number.isNaN(d)) continue;
    gain[t] = d > 0 ? d : 0;
    loss[t] = d < 0 ? -d : 0;
  }
  const ag = wilder(gain, n);
  const al = wilder(loss, n);
  const out = new Float64Array(len).fill(NaN);
  for (let t = 0; t < len; t++) {
    const g = ag[t]!;
    const l = al[t]!;
    if (Number.isNaN(g) || Number.isNaN(l)) continue;
    out[t] = l === 0 ? 100 : 100 - 100 / (1 + g / l);
  }
  return out;
}

export interface MacdSeries {
  readonly macd: Float64Array; // EMA(short) − EMA(long), price units
  readonly signal: Float64Array; // EMA(signal) of macd
  readonly histogram: Float64Array; // macd − signal
}

/** MACD(short, long, signal) with SMA-seeded EMAs; macd starts when the long EMA is seeded. */
export function macd(close: Float64Array, short = 12, long = 26, signalN = 9): MacdSeries {
  const es = ema(close, short);
  const el = ema(close, long);
  const m = new Float64Array(close.length).fill(NaN);
  for (let t = 0; t < close.length; t++) m[t] = es[t]! - el[t]!;
  const s = ema(m, signalN);
  const h = new Float64Array(close.length).fill(NaN);
  for (let t = 0; t < close.length; t++) h[t] = m[t]! - s[t]!;
  return { macd: m, signal: s, histogram: h };
}

/** Bollinger %b = (price − lower)/(upper − lower) with bands SMA(n) ± k·σ (population σ). 0.5 at the middle band. */
export function bollingerPctB(close: Float64Array, n = 20, k = 2): Float64Array {
  const mid = sma(close, n);
  const sd = rollingStd(close, n, 0);
  const out = new Float64Array(close.length).fill(NaN);
  for (let t = 0; t < close.length; t++) {
    const width = 2 * k * sd[t]!;
    if (!(width > 0)) continue;
    out[t] = (close[t]! - (mid[t]! - k * sd[t]!)) / width;
  }
  return out;
}

/** True range: max(high − low, |high − prevClose|, |low − prevClose|); high − low on the first bar. */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  for (let t = 0; t < close.length; t++) {
    const hl = high[t]! - low[t]!;
    if (t === 0 || Number.isNaN(close[t - 1]!)) {
      out[t] = hl;
      continue;
    }
    const pc = close[t - 1]!;
    out[t] = Math.max(hl, Math.abs(high[t]! - pc), Math.abs(low[t]! - pc));
  }
  return out;
}

/** Average true range (price units), Wilder smoothing seeded with the SMA of the first n true ranges. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, n = 14): Float64Array {
  return wilder(trueRange(high, low, close), n);
}

/** z-score of x[t] against the mean and sample σ of the trailing window of n values ending at t. */
export function rollingZ(x: Float64Array, n: number): Float64Array {
  const m = sma(x, n);
  const sd = rollingStd(x, n, 1);
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = 0; t < x.length; t++) if (sd[t]! > 0) out[t] = (x[t]! - m[t]!) / sd[t]!;
  return out;
}
