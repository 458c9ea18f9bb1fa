/**
 * Small statistics used by the synth tests (kept here, not in core, because only tests read them).
 * Pearson correlation, sample moments, autocorrelation: plain loops over arrays.
 */

import { correlation } from '../core/index.ts';

export { correlation };

/** Sample mean, standard deviation (ddof 0) and kurtosis (normal = 3). */
export function moments(x: ArrayLike<number>): { mean: number; sd: number; kurtosis: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  const v = s2 / n;
  return { mean: m, sd: Math.sqrt(v), kurtosis: s4 / n / (v * v) };
}

/** Autocorrelation of x at `lag`. */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  const a = Array.from(x);
  return correlation(a.slice(lag), a.slice(0, a.length - lag));
}
