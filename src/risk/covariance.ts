/**
 * Covariance estimators over a `ReturnsTable`. Every result is an annualised nAssets × nAssets `Matrix`
 * (× `frequency`), symmetric by construction. Ragged data: pairwise-complete (each pair uses the dates where both
 * assets have a return), as pandas `DataFrame.cov` and PyPortfolioOpt's `sample_cov` do.
 */
import { Matrix, cholesky, dataError, nearestPSD } from '../core/index.ts';
import { gram, toColumnMajor } from './gram.ts';
import { assertUsable, type ReturnsTable } from './returns.ts';

/** A covariance matrix plus what was done to it. `repaired` is true when a nearest-PSD fix changed it. */
export interface CovarianceEstimate {
  readonly matrix: Matrix;
  readonly repaired: boolean;
  readonly minEigenvalueBefore?: number;
  /** Shrinkage intensity for shrinkage estimators, in [0, 1]. */
  readonly shrinkage?: number;
}

function hasNaN(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) return true;
  return false;
}

function columnMeans(r: ReturnsTable): Float64Array {
  const n = r.nAssets;
  const s = new Float64Array(n);
  const c = new Float64Array(n);
  for (let t = 0; t < r.nDates; t++) {
    for (let j = 0; j < n; j++) {
      const v = r.values[t * n + j]!;
      if (!Number.isNaN(v)) {
        s[j] = s[j]! + v;
        c[j] = c[j]! + 1;
      }
    }
  }
  for (let j = 0; j < n; j++) s[j] = s[j]! / c[j]!;
  return s;
}

/**
 * Sample covariance (ddof = 1) × frequency. Complete data: centre, then one Gram (two-pass, exact).
 * Ragged data: each pair (i, j) uses its common dates with means over those dates; computed from shifted data
 * (x − full-column mean) with Σxy − ΣxΣy/n to keep cancellation small.
 */
export function sampleCov(r: ReturnsTable, options: { frequency?: number } = {}): Matrix {
  const frequency = options.frequency ?? 252;
  assertUsable(r, 2);
  const T = r.nDates;
  const n = r.nAssets;
  const means = columnMeans(r);
  if (!hasNaN(r.values)) {
    const X = toColumnMajor(r.values, T, n, (v, _t, j) => v - means[j]!);
    const G = gram(X, n, X, n, T, true);
    const f = frequency / (T - 1);
    for (let i = 0; i < G.length; i++) G[i] = G[i]! * f;
    return markPositiveSemidefinite(new Matrix(n, n, G)); // a scaled Gram matrix
  }
  const X = toColumnMajor(r.values, T, n, (v, _t, j) => (Number.isNaN(v) ? 0 : v - means[j]!));
  const M = toColumnMajor(r.values, T, n, (v) => (Number.isNaN(v) ? 0 : 1));
  const Sxy = gram(X, n, X, n, T, true);
  const Sx = gram(X, n, M, n, T); // Sx[i][j] = Σ over common dates of x_i
  const N = gram(M, n, M, n, T, true);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const c = N[i * n + j]!;
      const v = c > 1 ? ((Sxy[i * n + j]! - (Sx[i * n + j]! * Sx[j * n + i]!) / c) / (c - 1)) * frequency : NaN;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (Number.isNaN(out[i * n + j]!)) {
        throw dataError(
          `assets ${r.assets[i]} and ${r.assets[j]} share fewer than 2 return dates, so their covariance is undefined. Drop one or use a longer common history.`,
        );
      }
    }
  }
  return new Matrix(n, n, out);
}

/**
 * Exponentially weighted covariance (PyPortfolioOpt `exp_cov`): per pair, the pandas `ewm(span).mean()` (adjust,
 * ignore_na = false) of (x − mean x)(y − mean y) at the last date, × frequency. Means are each asset's full mean.
 */
export function expCov(r: ReturnsTable, options: { span?: number; frequency?: number } = {}): Matrix {
  const span = options.span ?? 180;
  const frequency = options.frequency ?? 252;
  if (!(span >= 1))
    throw dataError(`span must be ≥ 1 period, got ${span}. Use span: 180 for about nine months of days.`);
  assertUsable(r, 2);
  const T = r.nDates;
  const n = r.nAssets;
  const means = columnMeans(r);
  const decay = 1 - 2 / (span + 1);
  const w = new Float64Array(T);
  for (let t = 0; t < T; t++) w[t] = Math.pow(decay, T - 1 - t);
  const X = toColumnMajor(r.values, T, n, (v, _t, j) => (Number.isNaN(v) ? 0 : v - means[j]!));
  const XW = toColumnMajor(r.values, T, n, (v, t, j) => (Number.isNaN(v) ? 0 : (v - means[j]!) * w[t]!));
  const num = gram(XW, n, X, n, T);
  let den: Float64Array | null = null;
  if (hasNaN(r.values)) {
    const M = toColumnMajor(r.values, T, n, (v) => (Number.isNaN(v) ? 0 : 1));
    const MW = toColumnMajor(r.values, T, n, (v, t) => (Number.isNaN(v) ? 0 : w[t]!));
    den = gram(MW, n, M, n, T);
  }
  let wsum = 0;
  for (let t = 0; t < T; t++) wsum += w[t]!;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const d = den ? den[i * n + j]! : wsum;
      const v = ((0.5 * (num[i * n + j]! + num[j * n + i]!)) / d) * frequency;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  const m = new Matrix(n, n, out);
  return den ? m : markPositiveSemidefinite(m); // complete data: a weighted Gram matrix
}

/**
 * Semicovariance (PyPortfolioOpt `semicovariance`): D = min(r − benchmark, 0) with NaN → 0, then DᵀD / T × frequency,
 * T = all dates of the table. `benchmark` is a per-period return (0 by default).
 */
export function semicovariance(r: ReturnsTable, options: { benchmark?: number; frequency?: number } = {}): Matrix {
  const frequency = options.frequency ?? 252;
  const b = options.benchmark ?? 0;
  assertUsable(r, 1);
  const T = r.nDates;
  const n = r.nAssets;
  const D = toColumnMajor(r.values, T, n, (v) => (Number.isNaN(v) ? 0 : Math.min(v - b, 0)));
  const G = gram(D, n, D, n, T, true);
  for (let i = 0; i < G.length; i++) G[i] = (G[i]! / T) * frequency;
  return markPositiveSemidefinite(new Matrix(n, n, G)); // DᵀD/T
}

/**
 * Make a covariance usable by optimisers: if Cholesky fails, replace it by its nearest PSD matrix (eigenvalues
 * clipped at `minEig`) and report it. PyPortfolioOpt does the same ("spectral" fix) with a warning.
 */
export function repairCovariance(m: Matrix, minEig = 0): CovarianceEstimate {
  validateCovariance(m);
  if (isPositiveSemidefinite(m) && cholesky(m) !== null) return { matrix: m, repaired: false };
  const fix = nearestPSD(m, minEig);
  return {
    matrix: markPositiveSemidefinite(fix.matrix),
    repaired: fix.repaired,
    minEigenvalueBefore: fix.minEigenvalueBefore,
  };
}

/** Square, finite, symmetric (relative 1e-10) with a non-negative diagonal, or a one-line error naming the entry. */
export function validateCovariance(m: Matrix, assets?: readonly string[]): void {
  if (m.rows !== m.cols)
    throw dataError(`covariance must be square, got ${m.rows} × ${m.cols}. Pass one row and column per asset.`);
  if (assets && assets.length !== m.rows) {
    throw dataError(
      `covariance is ${m.rows} × ${m.rows} but ${assets.length} assets were given. Use the same asset list for μ and Σ.`,
    );
  }
  const n = m.rows;
  const name = (i: number): string => assets?.[i] ?? String(i);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(m.data[i * n + i]!));
  for (let i = 0; i < n; i++) {
    const d = m.data[i * n + i]!;
    if (!(d >= 0))
      throw dataError(`covariance diagonal (variance of ${name(i)}) is ${d}; variances must be finite and ≥ 0.`);
    for (let j = 0; j < n; j++) {
      const a = m.data[i * n + j]!;
      if (!Number.isFinite(a))
        throw dataError(`covariance[${name(i)}, ${name(j)}] is ${a}; every entry must be finite.`);
      if (j > i && Math.abs(a - m.data[j * n + i]!) > 1e-10 * (scale || 1)) {
        throw dataError(
          `covariance is not symmetric: [${name(i)}, ${name(j)}] = ${a} but [${name(j)}, ${name(i)}] = ${m.data[j * n + i]}. Symmetrise it ((Σ + Σᵀ)/2).`,
        );
      }
    }
  }
}

/**
 * Sample correlation, pairwise-complete like pandas `DataFrame.corr()`: each pair's means and standard deviations
 * come from the dates where both assets have a return (so it is not Σ_ij/√(Σ_ii Σ_jj) on ragged data).
 */
export function sampleCorr(r: ReturnsTable): Matrix {
  assertUsable(r, 2);
  const T = r.nDates;
  const n = r.nAssets;
  const means = columnMeans(r);
  const X = toColumnMajor(r.values, T, n, (v, _t, j) => (Number.isNaN(v) ? 0 : v - means[j]!));
  const X2 = toColumnMajor(r.values, T, n, (v, _t, j) => (Number.isNaN(v) ? 0 : (v - means[j]!) ** 2));
  const M = toColumnMajor(r.values, T, n, (v) => (Number.isNaN(v) ? 0 : 1));
  const Sxy = gram(X, n, X, n, T, true);
  const Sx = gram(X, n, M, n, T);
  const Sxx = gram(X2, n, M, n, T);
  const N = gram(M, n, M, n, T, true);
  const out = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const c = N[i * n + j]!;
      const sxi = Sx[i * n + j]!;
      const sxj = Sx[j * n + i]!;
      const cov = Sxy[i * n + j]! - (sxi * sxj) / c;
      const vi = Sxx[i * n + j]! - (sxi * sxi) / c;
      const vj = Sxx[j * n + i]! - (sxj * sxj) / c;
      out.data[i * n + j] = i === j ? 1 : cov / Math.sqrt(vi * vj);
    }
  }
  return out;
}

/**
 * Matrices known to be positive semidefinite by construction (Gram matrices XᵀX/T, convex combinations of them,
 * repaired matrices) or by an earlier check. Identity-based: Keel treats a Matrix as immutable once made, as the
 * input contract says, so `isPositiveSemidefinite` answers those at once instead of refactoring 500 × 500 again.
 */
const knownPsd = new WeakSet<Matrix>();

/** Record that `m` is PSD by construction (used by the estimators in this folder). */
export function markPositiveSemidefinite(m: Matrix): Matrix {
  knownPsd.add(m);
  return m;
}

/**
 * Positive-semidefinite test by a blocked Cholesky that tolerates zero pivots (rank-deficient PSD is fine):
 * false when a pivot is below −1e-10·max diag. Diagonal blocks and panels in JS, the trailing updates
 * (most of the n³/6 work) through the SIMD Gram kernel; block 96. 500 assets ≈ 50 ms on this loaded machine.
 */
export function isPositiveSemidefinite(m: Matrix): boolean {
  if (knownPsd.has(m)) return true;
  if (!psdCheck(m)) return false;
  knownPsd.add(m);
  return true;
}

function psdCheck(m: Matrix): boolean {
  const n = m.rows;
  const W = Float64Array.from(m.data); // lower triangle is updated in place
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(W[i * n + i]!));
  const tol = 1e-10 * (scale || 1);
  const offTol = 1e-7 * (scale || 1);
  const nb = 96;
  for (let j0 = 0; j0 < n; j0 += nb) {
    const jb = Math.min(nb, n - j0);
    // 1. unblocked Cholesky of the (already updated) diagonal block
    for (let j = j0; j < j0 + jb; j++) {
      const rj = j * n;
      let d = W[rj + j]!;
      for (let k = j0; k < j; k++) d -= W[rj + k]! * W[rj + k]!;
      if (d < -tol) return false;
      const sq = d <= tol ? 0 : Math.sqrt(d);
      W[rj + j] = sq;
      for (let i = j + 1; i < j0 + jb; i++) {
        const ri = i * n;
        let v = W[ri + j]!;
        for (let k = j0; k < j; k++) v -= W[ri + k]! * W[rj + k]!;
        if (sq === 0 && Math.abs(v) > offTol) return false; // zero pivot with a non-zero column: indefinite
        W[ri + j] = sq === 0 ? 0 : v / sq;
      }
    }
    const rest = n - j0 - jb;
    if (rest === 0) break;
    // 2. panel: L21 = A21 L11⁻ᵀ, row by row (forward substitution), packed row-major (rest × jb)
    const panel = new Float64Array(rest * jb);
    for (let r = 0; r < rest; r++) {
      const ri = (j0 + jb + r) * n;
      const pr = r * jb;
      for (let j = 0; j < jb; j++) {
        const rj = (j0 + j) * n;
        let v = W[ri + j0 + j]!;
        for (let k = 0; k < j; k++) v -= panel[pr + k]! * W[rj + j0 + k]!;
        const dj = W[rj + j0 + j]!;
        if (dj === 0 && Math.abs(v) > offTol) return false;
        panel[pr + j] = dj === 0 ? 0 : v / dj;
      }
    }
    // 3. trailing update A22 −= L21 L21ᵀ (each panel row is a length-jb "column" for the Gram kernel)
    const G = gram(panel, rest, panel, rest, jb, true);
    for (let r = 0; r < rest; r++) {
      const ri = (j0 + jb + r) * n + j0 + jb;
      const gr = r * rest;
      for (let c = 0; c <= r; c++) W[ri + c] = W[ri + c]! - G[gr + c]!;
    }
  }
  return true;
}
