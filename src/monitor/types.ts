/**
 * What every drift detector returns. `kind` says how to read `statistic` against `threshold`:
 * - `pValue`:   drifted when statistic ≤ threshold (a test's p-value against its significance level),
 * - `distance`: drifted when statistic ≥ threshold (a divergence, a CUSUM sum, a probability or a ratio).
 * evidently mixes the two under one `drift_score`; here the kind travels with the number.
 */
export interface DriftResult {
  readonly statistic: number;
  readonly kind: 'pValue' | 'distance';
  readonly threshold: number;
  readonly drifted: boolean;
}

export function pValueResult(p: number, alpha: number): DriftResult {
  return { statistic: p, kind: 'pValue', threshold: alpha, drifted: p <= alpha };
}

export function distanceResult(d: number, threshold: number): DriftResult {
  return { statistic: d, kind: 'distance', threshold, drifted: d >= threshold };
}

/** Finite values of `x`, sorted ascending (a new array: inputs are never mutated). */
export function sortedFinite(x: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out[j++] = x[i]!;
  return out.sort();
}
