/**
 * Robust spike detection (a Hampel identifier) on one series of log prices: each value is compared with the median
 * of its window — the `halfWindow` values before and after it plus itself, truncated at the ends — and with the
 * window's median absolute deviation (MAD, scaled by 1.4826 so it estimates σ under normality).
 *
 * A value is an `extreme` spike when |x − median| > `extremeLog` (default ln 1000: a price 1000× above or below its
 * neighbours, or a subnormal such as 5e-324 in a series near 100): such a value makes returns and covariances
 * overflow. It is an `outlier` when |x − median| > `mads` × 1.4826 × MAD and > `minDeviation` (default 0.1 in log,
 * about 10 %, so a pegged or stale series with MAD 0 does not flag every tick).
 *
 * Because the window is centred, a lasting level shift (a real re-rating, an unadjusted split) moves the median
 * with it and is not a spike: that is what the one-day-move and split rules are for.
 */

export interface SpikeOptions {
  /** Values on each side of the centre. Default 10 (a 21-value window, about a trading month). */
  readonly halfWindow?: number;
  /** Threshold in scaled MADs. Default 10. */
  readonly mads?: number;
  /** Smallest |log deviation| ever reported as an outlier. Default 0.1. */
  readonly minDeviation?: number;
  /** |log deviation| above which a value is `extreme` whatever the MAD. Default ln 1000. */
  readonly extremeLog?: number;
  /** Windows with fewer values than this are not judged. Default 5. */
  readonly minWindow?: number;
}

export interface Spike {
  /** Index into the input series. */
  readonly index: number;
  readonly kind: 'extreme' | 'outlier';
  /** exp(median of the window's log values): the level the value is compared with. */
  readonly median: number;
  /** |log value − log median|. */
  readonly deviation: number;
}

const MAD_TO_SIGMA = 1.4826;

/**
 * Spikes in `logValues` (finite log prices, in date order). Most values have more than half of their window within
 * `minDeviation` of them, which puts the median there too, so they are passed after a few comparisons (nearest
 * neighbours first); only the rest get a sorted window, its median and MAD.
 */
export function findSpikes(logValues: Float64Array, options: SpikeOptions = {}): Spike[] {
  const h = options.halfWindow ?? 10;
  const k = options.mads ?? 10;
  const minDev = options.minDeviation ?? 0.1;
  const extreme = options.extremeLog ?? Math.log(1000);
  const minWindow = options.minWindow ?? 5;
  const n = logValues.length;
  const out: Spike[] = [];
  if (n < minWindow) return out;
  const win = new Float64Array(2 * h + 1);
  const dev = new Float64Array(2 * h + 1);
  const medianOf = (a: Float64Array, m: number): number =>
    m % 2 === 1 ? a[(m - 1) >> 1]! : (a[m / 2 - 1]! + a[m / 2]!) / 2;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - h);
    const hi = Math.min(n - 1, i + h);
    const len = hi - lo + 1;
    if (len < minWindow) continue;
    const x = logValues[i]!;
    // more than half the window within minDev of x ⇒ the median is too ⇒ not a spike
    const need = (len >> 1) + 1;
    let near = 1;
    for (let step = 1; step <= h && near < need; step++) {
      if (i - step >= lo && Math.abs(logValues[i - step]! - x) <= minDev) near++;
      if (i + step <= hi && Math.abs(logValues[i + step]! - x) <= minDev) near++;
    }
    if (near >= need) continue;
    for (let j = 0; j < len; j++) win[j] = logValues[lo + j]!;
    const sorted = win.subarray(0, len).sort();
    const med = medianOf(sorted, len);
    const d = Math.abs(x - med);
    if (!(d > minDev)) continue;
    if (d > extreme) {
      out.push({ index: i, kind: 'extreme', median: Math.exp(med), deviation: d });
      continue;
    }
    for (let j = 0; j < len; j++) dev[j] = Math.abs(sorted[j]! - med);
    const scale = MAD_TO_SIGMA * medianOf(dev.subarray(0, len).sort(), len);
    if (d > k * scale) out.push({ index: i, kind: 'outlier', median: Math.exp(med), deviation: d });
  }
  return out;
}
