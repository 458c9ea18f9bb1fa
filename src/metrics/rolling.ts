/**
 * Rolling measures over a trailing window of `window` periods ending at each index (inclusive). The first
 * window − 1 outputs are NaN, as pandas `.rolling(window)` with min_periods = window. Windows holding a NaN give NaN.
 */
import { amean, astd } from './stats.ts';

function rolling(x: ArrayLike<number>, window: number, f: (w: Float64Array) => number): Float64Array {
  if (!(Number.isInteger(window) && window >= 2))
    throw new RangeError(`window must be an integer ≥ 2 periods, got ${window}.`);
  const out = new Float64Array(x.length).fill(NaN);
  const buf = Float64Array.from(x);
  for (let i = window - 1; i < x.length; i++) {
    const w = buf.subarray(i - window + 1, i + 1);
    let ok = true;
    for (const v of w) if (!Number.isFinite(v)) ok = false;
    out[i] = ok ? f(w) : NaN;
  }
  return out;
}

/** Rolling annualised volatility: sd(window, ddof 1) · √periodsPerYear. */
export function rollingVolatility(returns: ArrayLike<number>, window: number, periodsPerYear = 1): Float64Array {
  return rolling(returns, window, (w) => astd(w) * Math.sqrt(periodsPerYear));
}

/** Rolling Sharpe: mean/sd(ddof 1) of the window · √periodsPerYear (rf = 0; pass excess returns otherwise). */
export function rollingSharpe(returns: ArrayLike<number>, window: number, periodsPerYear = 1): Float64Array {
  return rolling(returns, window, (w) => (amean(w) / astd(w)) * Math.sqrt(periodsPerYear));
}
