/** Test support: mean over dates [from, to) of the cross-sectional Pearson correlation of rows of x and y (n per row). */
import { correlation } from '../core/index.ts';

export function meanIc(x: Float64Array, y: Float64Array, n: number, from: number, to: number): number {
  let s = 0;
  let k = 0;
  for (let t = from; t < to; t++) {
    const c = correlation(x.subarray(t * n, (t + 1) * n), y.subarray(t * n, (t + 1) * n));
    if (Number.isFinite(c)) {
      s += c;
      k++;
    }
  }
  return s / k;
}
