/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV; Bailey, Borwein,
 * López de Prado & Zhu 2017, "The Probability of Backtest Overfitting", J. Computational Finance 20(4)):
 * 1. Split the T periods into S contiguous groups (group g = rows ⌊gT/S⌋ … ⌊(g+1)T/S⌋ − 1).
 * 2. For every one of the C(S, S/2) choices of S/2 groups (lexicographic order): those rows are in-sample (IS), the
 *    rest out-of-sample (OOS). Score every configuration by its per-period Sharpe ratio (mean / sd, ddof 1) on each.
 * 3. n* = the best IS configuration (first on ties); ω = its OOS rank / (N + 1), rank 1 = worst … N = best (ties
 *    share the average rank); logit λ = ln(ω / (1 − ω)).
 * 4. PBO = the fraction of combinations with λ ≤ 0 (the paper's ∫_{−∞}^0 f(λ) dλ): the chosen configuration did no
 *    better than the median OOS. Performance degradation: the OLS line of OOS Sharpe on IS Sharpe of n*.
 */
import { dataError, olsFit, usageError } from '../core/index.ts';

export interface PboOptions {
  /** Number of groups S (even, ≥ 2; default 16 → 12 870 combinations). */
  readonly partitions?: number;
}

export interface PboResult {
  /** Probability of backtest overfitting: share of combinations with logit ≤ 0. */
  readonly pbo: number;
  readonly partitions: number;
  readonly nPeriods: number;
  readonly nStrategies: number;
  /** Per combination (lexicographic): logit λ of n*'s OOS relative rank. */
  readonly logits: Float64Array;
  /** Per combination: the IS-best configuration n* (column index). */
  readonly bestInSample: Int32Array;
  /** Per combination: n*'s OOS rank (1 = worst … N = best; ties averaged). */
  readonly oosRank: Float64Array;
  /** Per combination: n*'s IS and OOS per-period Sharpe ratios. */
  readonly isSharpe: Float64Array;
  readonly oosSharpe: Float64Array;
  /** OOS Sharpe ≈ intercept + slope · IS Sharpe over combinations (slope < 0: IS gains do not carry over). */
  readonly degradation: { readonly slope: number; readonly intercept: number; readonly probOosLoss: number };
}

/** Every k-subset of 0..n−1 in lexicographic order, calling `visit` with a reused array. */
export function forEachCombination(n: number, k: number, visit: (c: Int32Array) => void): void {
  const c = Int32Array.from({ length: k }, (_, i) => i);
  for (;;) {
    visit(c);
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return;
    c[i]!++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1]! + 1;
  }
}

function sharpe(s: number, ss: number, n: number): number {
  const m = s / n;
  const v = (ss - s * m) / (n - 1);
  if (!(v > 0)) return m > 0 ? Infinity : m < 0 ? -Infinity : 0;
  return m / Math.sqrt(v);
}

/**
 * CSCV PBO of N configurations from their (T × N, row-major) per-period returns. Needs T ≥ 2S so every group holds at
 * least two periods, N ≥ 2, finite values.
 */
export function probabilityOfBacktestOverfitting(
  returns: ArrayLike<number>,
  nPeriods: number,
  nStrategies: number,
  options: PboOptions = {},
): PboResult {
  const S = options.partitions ?? 16;
  const T = nPeriods;
  const N = nStrategies;
  if (!(Number.isInteger(S) && S >= 2 && S % 2 === 0 && S <= 24))
    throw usageError(`partitions S must be an even integer in [2, 24], got ${S}; use 16 (the paper's choice)`);
  if (!(Number.isInteger(N) && N >= 2))
    throw usageError(`PBO needs at least 2 configurations to choose among, got ${N}`);
  if (!(Number.isInteger(T) && T >= 2 * S))
    throw usageError(
      `PBO with S = ${S} groups needs T ≥ 2S = ${2 * S} periods, got ${T}; use fewer partitions or more periods`,
    );
  if (returns.length !== T * N)
    throw usageError(`returns has ${returns.length} values, expected T × N = ${T} × ${N} = ${T * N}`);
  for (let i = 0; i < returns.length; i++)
    if (!Number.isFinite(returns[i]!))
      throw dataError(
        `returns[${Math.floor(i / N)}][${i % N}] is ${returns[i]}; PBO needs finite returns (fill or drop the period first)`,
      );

  // Per group and configuration: sum and sum of squares (each combination adds S/2 groups).
  const gSum = new Float64Array(S * N);
  const gSq = new Float64Array(S * N);
  const gCount = new Float64Array(S);
  for (let g = 0; g < S; g++) {
    const r0 = Math.floor((g * T) / S);
    const r1 = Math.floor(((g + 1) * T) / S);
    gCount[g] = r1 - r0;
    for (let t = r0; t < r1; t++)
      for (let j = 0; j < N; j++) {
        const x = returns[t * N + j]!;
        gSum[g * N + j]! += x;
        gSq[g * N + j]! += x * x;
      }
  }
  let nComb = 1;
  for (let i = 1; i <= S / 2; i++) nComb = (nComb * (S / 2 + i)) / i;
  const logits = new Float64Array(nComb);
  const best = new Int32Array(nComb);
  const ranks = new Float64Array(nComb);
  const isS = new Float64Array(nComb);
  const oosS = new Float64Array(nComb);
  const inIS = new Uint8Array(S);
  const oos = new Float64Array(N);
  let c = 0;
  forEachCombination(S, S / 2, (comb) => {
    inIS.fill(0);
    for (const g of comb) inIS[g] = 1;
    let bestJ = 0;
    let bestIS = -Infinity;
    for (let j = 0; j < N; j++) {
      let s = 0;
      let ss = 0;
      let n = 0;
      let so = 0;
      let sso = 0;
      let no = 0;
      for (let g = 0; g < S; g++) {
        if (inIS[g]) {
          s += gSum[g * N + j]!;
          ss += gSq[g * N + j]!;
          n += gCount[g]!;
        } else {
          so += gSum[g * N + j]!;
          sso += gSq[g * N + j]!;
          no += gCount[g]!;
        }
      }
      const is = sharpe(s, ss, n);
      oos[j] = sharpe(so, sso, no);
      if (is > bestIS || j === 0) {
        bestIS = is;
        bestJ = j;
      }
    }
    let below = 0;
    let ties = 0;
    for (let j = 0; j < N; j++) {
      if (oos[j]! < oos[bestJ]!) below++;
      else if (oos[j] === oos[bestJ] && j !== bestJ) ties++;
    }
    const rank = below + 1 + ties / 2;
    const w = rank / (N + 1);
    logits[c] = Math.log(w / (1 - w));
    best[c] = bestJ;
    ranks[c] = rank;
    isS[c] = bestIS;
    oosS[c] = oos[bestJ]!;
    c++;
  });
  let overfit = 0;
  let loss = 0;
  for (let i = 0; i < nComb; i++) {
    if (logits[i]! <= 0) overfit++;
    if (oosS[i]! < 0) loss++;
  }
  return {
    pbo: overfit / nComb,
    partitions: S,
    nPeriods: T,
    nStrategies: N,
    logits,
    bestInSample: best,
    oosRank: ranks,
    isSharpe: isS,
    oosSharpe: oosS,
    degradation: { ...olsFit(isS, oosS), probOosLoss: loss / nComb },
  };
}
