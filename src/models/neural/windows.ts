import { dataError } from '../../core/index.ts';

/** Sliding windows over a (nRows × nFeatures) row-major series, ready for a sequence model. */
export interface Windows {
  /** n × (steps × nFeatures), step-major within a window (oldest step first). */
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly steps: number;
  /** Row index (in the input series) of each window's last step. */
  readonly endRow: Int32Array;
}

/**
 * Every window of `steps` consecutive rows of `values` (nRows × nFeatures, row-major): window w covers rows
 * w .. w + steps − 1. Throws a one-line data error when the window is longer than the data.
 */
export function slidingWindows(values: Float64Array, nRows: number, nFeatures: number, steps: number): Windows {
  if (!Number.isInteger(steps) || steps < 1) {
    throw dataError(`window steps must be a positive integer, got ${steps}. Use e.g. steps: 60.`);
  }
  if (values.length !== nRows * nFeatures) {
    throw dataError(`series has ${values.length} values, expected nRows·nFeatures = ${nRows}·${nFeatures}.`);
  }
  if (steps > nRows) {
    throw dataError(
      `window of ${steps} steps is longer than the data (${nRows} rows); shorten steps to at most ${nRows} or supply more history.`,
    );
  }
  const n = nRows - steps + 1;
  const p = steps * nFeatures;
  const X = new Float64Array(n * p);
  const endRow = new Int32Array(n);
  for (let w = 0; w < n; w++) {
    X.set(values.subarray(w * nFeatures, (w + steps) * nFeatures), w * p);
    endRow[w] = w + steps - 1;
  }
  return { X, n, p, steps, endRow };
}
