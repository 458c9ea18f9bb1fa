/**
 * Two-sample Kolmogorov–Smirnov test against a fixed reference (two-sided), as scipy.stats.ks_2samp:
 *   D = sup_x |F_ref(x) − F_cur(x)| over the pooled sample (ties handled by stepping past equal values),
 *   exact p-value: 1 − P(D < d) by counting lattice paths that stay inside the band (R's psmirnov2x recursion,
 *                  normalised at every step so it never overflows), O(n·m);
 *   asymptotic:    Kolmogorov's limit, P(K > √(nm/(n+m))·D) (scipy's `kstwobign.sf`).
 * `method: 'auto'` is exact when n·m ≤ 1e6 (scipy's auto switches on max(n, m) ≤ 10000, which can cost 1e8 steps).
 * Dependent samples: with a design effect deff > 1 (effective-size.ts) both sizes shrink to n / deff and the p-value is
 * Kolmogorov's limit at √(n·m / ((n + m)·deff))·D (the exact lattice count assumes independent values).
 * Default significance level 0.05. NaN values are ignored.
 */
import { configError } from '../core/index.ts';
import { pValueResult, sortedFinite, type DriftResult } from './types.ts';

export const KS_DEFAULT_THRESHOLD = 0.05;
export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymp';
}

/** KS statistic and two-sided p-value of two samples. */
export function ks2samp(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  method: KsMethod = 'auto',
  designEffect = 1,
): KsResult {
  return ks2sampSorted(sortedFinite(a), sortedFinite(b), method, designEffect);
}

function ks2sampSorted(x: Float64Array, y: Float64Array, method: KsMethod, deff = 1): KsResult {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw configError('ks needs at least one finite value in each sample; got an empty sample');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n && x[i]! <= v) i++;
    while (j < m && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  if (deff > 1) {
    const p = kolmogorovSf(Math.sqrt((n * m) / ((n + m) * deff)) * d);
    return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymp' };
  }
  const use = method === 'auto' ? (n * m <= 1e6 ? 'exact' : 'asymp') : method;
  const p = use === 'exact' ? 1 - pSmirnovInside(d, n, m) : kolmogorovSf(Math.sqrt((n * m) / (n + m)) * d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: use };
}

/** P(D < d) for samples of sizes n and m under H0 (all (n+m choose n) orderings equally likely). */
function pSmirnovInside(d: number, n: number, m: number): number {
  // The band test uses q just below d so that paths reaching exactly D = d count as outside.
  const q = (0.5 + Math.floor(d * n * m - 1e-7)) / (n * m);
  const u = new Float64Array(m + 1);
  for (let j = 0; j <= m; j++) u[j] = j / m > q ? 0 : 1;
  for (let i = 1; i <= n; i++) {
    const w = i / (i + m);
    u[0] = i / n > q ? 0 : w * u[0]!;
    for (let j = 1; j <= m; j++) u[j] = Math.abs(i / n - j / m) > q ? 0 : w * u[j]! + u[j - 1]!;
  }
  return u[m]!;
}

/** Survival function of Kolmogorov's limiting distribution, P(K > λ). */
export function kolmogorovSf(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    // Jacobi theta form converges fast for small λ: P(K ≤ λ) = √(2π)/λ Σ_{k≥1} exp(−(2k−1)²π²/(8λ²)).
    const c = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let s = 0;
    for (let k = 1; k <= 20; k++) s += Math.exp(c * (2 * k - 1) ** 2);
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * s;
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += (k % 2 === 1 ? 2 : -2) * term;
    if (term < 1e-18) break;
  }
  return s;
}

export class KsDetector {
  readonly reference: Float64Array;
  readonly threshold: number;
  readonly method: KsMethod;
  /** Design effect of the samples (≥ 1; 1 = independent values): sizes count as n / designEffect. */
  readonly designEffect: number;

  constructor(
    reference: ArrayLike<number>,
    options: { threshold?: number; method?: KsMethod; designEffect?: number } = {},
  ) {
    this.reference = sortedFinite(reference);
    if (this.reference.length === 0)
      throw configError('ks needs a reference with at least one finite value; lengthen the reference window');
    this.threshold = options.threshold ?? KS_DEFAULT_THRESHOLD;
    this.method = options.method ?? 'auto';
    this.designEffect = Math.max(1, options.designEffect ?? 1);
  }

  /** p-value of the two-sided test (pure: the reference never changes). */
  predict(current: ArrayLike<number>, threshold = this.threshold): DriftResult {
    const cur = sortedFinite(current);
    if (cur.length === 0) return { statistic: NaN, kind: 'pValue', threshold, drifted: false };
    return pValueResult(ks2sampSorted(this.reference, cur, this.method, this.designEffect).pValue, threshold);
  }
}
