/**
 * Model-agnostic Shapley values by permutation sampling (Štrumbelj & Kononenko 2014) with antithetic pairs
 * (each permutation and its reverse), for any `f(X, n) → n outputs`: SVM, neural, Bayesian, ensembles.
 *
 * Value function: interventional, v(S) = mean over background rows r of f(x_S, r_S̄) — the same as interventional
 * TreeSHAP, so the two can be compared. Every permutation's marginal contributions telescope to f(x) − E_r f(r),
 * so local accuracy holds exactly for the estimate too. Error bound: the standard error of each feature's mean over
 * the M antithetic pairs, s_j / √M; the estimate is within ±2 s.e. of the exact value about 95 % of the time.
 */
import type { Rng } from '../core/index.ts';

export type OutputFn = (X: Float64Array, n: number) => Float64Array;

export interface SamplingResult {
  /** p Shapley values of the row. */
  readonly phi: Float64Array;
  /** p standard errors (0 where every pair gave the same contribution). */
  readonly standardError: Float64Array;
  /** E_r f(r): the base value. */
  readonly base: number;
  /** f(x). */
  readonly fx: number;
}

/**
 * Shapley values of one row x (length p) against background R (nR × p) from `pairs` antithetic permutation pairs.
 * Every permutation starts at E_r f(r) (x on no feature) and ends at f(x) (x on all): those 1 + nR rows are
 * evaluated once; each permutation costs (p − 1) · nR model evaluations in between.
 */
export function samplingShap(
  f: OutputFn,
  x: Float64Array,
  R: Float64Array,
  nR: number,
  pairs: number,
  rng: Rng,
): SamplingResult {
  const p = x.length;
  const ends = new Float64Array((nR + 1) * p);
  ends.set(R.subarray(0, nR * p));
  ends.set(x, nR * p);
  const endOut = f(ends, nR + 1);
  let base = 0;
  for (let r = 0; r < nR; r++) base += endOut[r]!;
  base /= nR;
  const fx = endOut[nR]!;
  const rows = Math.max(0, p - 1) * nR; // one walk: x on the first k features of an order, k = 1 … p − 1
  // Walks are evaluated together, as many as fit in ~2^20 values, so a model pays its per-call overhead (a neural
  // network's forward set-up) once per batch rather than once per permutation.
  const walksPerCall = Math.max(1, Math.min(2 * pairs, Math.floor((1 << 20) / Math.max(1, rows * p))));
  const batch = new Float64Array(walksPerCall * rows * p);
  const orders = new Int32Array(2 * pairs * p);
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  for (let m = 0; m < pairs; m++) {
    rng.shuffle(perm);
    for (let q = 0; q < p; q++) {
      orders[2 * m * p + q] = perm[q]!;
      orders[(2 * m + 1) * p + q] = perm[p - 1 - q]!; // the antithetic partner: the same order reversed
    }
  }
  const sum = new Float64Array(p);
  const sumSq = new Float64Array(p);
  const pairPhi = new Float64Array(p);
  for (let w0 = 0; w0 < 2 * pairs; w0 += walksPerCall) {
    const nw = Math.min(walksPerCall, 2 * pairs - w0);
    for (let w = 0; w < nw; w++) {
      const order = orders.subarray((w0 + w) * p, (w0 + w + 1) * p);
      for (let k = 1; k < p; k++) {
        for (let r = 0; r < nR; r++) {
          const o = ((w * (p - 1) + k - 1) * nR + r) * p;
          batch.set(R.subarray(r * p, r * p + p), o);
          for (let q = 0; q < k; q++) {
            const j = order[q]!;
            batch[o + j] = x[j]!;
          }
        }
      }
    }
    const out = rows > 0 ? f(batch.subarray(0, nw * rows * p), nw * rows) : new Float64Array(0);
    for (let w = 0; w < nw; w++) {
      const walk = w0 + w;
      if (walk % 2 === 0) pairPhi.fill(0);
      const order = orders.subarray(walk * p, (walk + 1) * p);
      const ob = w * rows;
      let prev = base;
      for (let k = 1; k <= p; k++) {
        let v = fx;
        if (k < p) {
          v = 0;
          for (let r = 0; r < nR; r++) v += out[ob + (k - 1) * nR + r]!;
          v /= nR;
        }
        const j = order[k - 1]!;
        pairPhi[j] = pairPhi[j]! + 0.5 * (v - prev);
        prev = v;
      }
      if (walk % 2 === 1)
        for (let j = 0; j < p; j++) {
          sum[j] = sum[j]! + pairPhi[j]!;
          sumSq[j] = sumSq[j]! + pairPhi[j]! * pairPhi[j]!;
        }
    }
  }
  const phi = new Float64Array(p);
  const standardError = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const mean = sum[j]! / pairs;
    phi[j] = mean;
    if (pairs > 1) {
      const v = Math.max(0, (sumSq[j]! - pairs * mean * mean) / (pairs - 1));
      standardError[j] = Math.sqrt(v / pairs);
    } else standardError[j] = NaN;
  }
  return { phi, standardError, base, fx };
}
