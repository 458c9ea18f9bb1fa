/**
 * Quantile binning of features for histogram trees (as LightGBM / XGBoost `hist`): each feature gets at most
 * `maxBins` (≤ 256) bins, built once per fit from the training rows. Bin b holds values in (edges[b−1], edges[b]];
 * the last edge is +∞. A split "bin ≤ b" is the same as "x ≤ edges[b]" on raw values, so fitted trees predict on
 * raw features without binning them.
 */

/**
 * Row-major binned matrix: `bins[i * p + f]` is row i's bin for feature f. Row-major because histogram building
 * walks a node's rows through an index array and then touches all p bins of each row (measured here ~35% faster
 * than column-major with gathered gradients, in V8).
 */
export interface BinnedMatrix {
  readonly n: number;
  readonly p: number;
  readonly bins: Uint8Array;
  /** The same bins column-major (`cols[f * n + i]`): partitions and small-node scans read one feature at a time. */
  readonly cols: Uint8Array;
}

/**
 * Upper bin edges per feature (ascending, last = +∞), at most `maxBins` each. With ≤ maxBins distinct values every
 * value gets its own bin (edges at midpoints, so splits are exact); otherwise cuts follow the quantiles, re-spreading
 * the remaining rows over the remaining bins after heavy ties.
 */
export function computeBinEdges(X: Float64Array, n: number, p: number, maxBins: number): Float64Array[] {
  const edges: Float64Array[] = [];
  const col = new Float64Array(n);
  const e = new Float64Array(maxBins);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) col[i] = X[i * p + f]!;
    col.sort();
    let distinct = n > 0 ? 1 : 0;
    for (let i = 1; i < n; i++) if (col[i] !== col[i - 1]) distinct++;
    let ne = 0;
    if (distinct <= maxBins) {
      for (let i = 1; i < n; i++) if (col[i] !== col[i - 1]) e[ne++] = midpoint(col[i - 1]!, col[i]!);
    } else {
      // walk runs of equal values; cut after a run once the running count reaches the next target
      let cum = 0;
      let target = n / maxBins;
      let i = 0;
      while (i < n && ne < maxBins - 1) {
        const v = col[i]!;
        let j = i + 1;
        while (j < n && col[j] === v) j++;
        cum += j - i;
        if (j < n && cum >= target) {
          e[ne++] = midpoint(v, col[j]!);
          target = cum + (n - cum) / (maxBins - ne);
        }
        i = j;
      }
    }
    const out = new Float64Array(ne + 1);
    out.set(e.subarray(0, ne));
    out[ne] = Infinity;
    edges.push(out);
  }
  return edges;
}

function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a; // guard against rounding up to b for adjacent floats
}

/** Bins rows of a row-major n×p matrix with the given edges (binary search per value). */
export function applyBins(X: Float64Array, n: number, p: number, edges: readonly Float64Array[]): BinnedMatrix {
  const bins = new Uint8Array(n * p);
  const cols = new Uint8Array(n * p);
  for (let f = 0; f < p; f++) {
    const e = edges[f]!;
    const last = e.length - 1;
    for (let i = 0; i < n; i++) {
      const x = X[i * p + f]!;
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (x <= e[mid]!) hi = mid;
        else lo = mid + 1;
      }
      bins[i * p + f] = lo;
      cols[f * n + i] = lo;
    }
  }
  return { n, p, bins, cols };
}
