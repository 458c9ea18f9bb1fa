/**
 * Shrinkage covariance estimators (annualised × frequency). Like PyPortfolioOpt's `CovarianceShrinkage`, they work
 * on the returns with NaN set to 0 (`np.nan_to_num`), so a ragged table is treated as zero returns before listing.
 *
 *  - 'constant-variance': sklearn `ledoit_wolf` (Ledoit & Wolf 2004), target μI with μ = tr(S)/p, S = XᵀX/T.
 *  - 'single-factor': Ledoit & Wolf (2001/2003) with the equal-weighted market as the factor (PyPortfolioOpt's code).
 *  - 'constant-correlation': Ledoit & Wolf (2004, "Honey, I shrunk…"), target = average correlation.
 *  - OAS: Chen et al. (2010) oracle approximating shrinkage, sklearn's formula.
 */
import { Matrix, dataError } from '../core/index.ts';
import { markPositiveSemidefinite, sampleCov, type CovarianceEstimate } from './covariance.ts';
import { gram, gramFromFiller } from './gram.ts';
import { assertUsable, type ReturnsTable } from './returns.ts';

export type LedoitWolfTarget = 'constant-variance' | 'single-factor' | 'constant-correlation';

/** Demeaned returns, NaN → 0 first, column-major; plus T and n. Tiled transpose keeps both sides in cache. */
function demeaned(r: ReturnsTable): { X: Float64Array; T: number; n: number } {
  const X = new Float64Array(r.nDates * r.nAssets);
  writeDemeaned(r, X);
  return { X, T: r.nDates, n: r.nAssets };
}

/** Write the NaN→0 demeaned returns, column-major, into X (length nDates·nAssets). */
function writeDemeaned(r: ReturnsTable, X: Float64Array): void {
  const T = r.nDates;
  const n = r.nAssets;
  const v = r.values;
  const means = new Float64Array(n);
  for (let t = 0; t < T; t++) {
    const off = t * n;
    for (let j = 0; j < n; j++) {
      const x = v[off + j]!;
      if (x === x) means[j] = means[j]! + x;
    }
  }
  for (let j = 0; j < n; j++) means[j] = means[j]! / T;
  const B = 32;
  for (let t0 = 0; t0 < T; t0 += B) {
    const t1 = Math.min(T, t0 + B);
    for (let j0 = 0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let t = t0; t < t1; t++) {
        const off = t * n;
        for (let j = j0; j < j1; j++) {
          const x = v[off + j]!;
          X[j * T + t] = (x === x ? x : 0) - means[j]!;
        }
      }
    }
  }
}

export function ledoitWolf(
  r: ReturnsTable,
  options: { target?: LedoitWolfTarget; frequency?: number } = {},
): CovarianceEstimate {
  const target = options.target ?? 'constant-variance';
  const frequency = options.frequency ?? 252;
  if (r.nAssets === 0) throw dataError('returns table has no assets. Pass at least one asset column.');
  if (target === 'constant-variance') return lwConstantVariance(r, frequency); // validates in its fused pass
  assertUsable(r, 2);
  if (target === 'single-factor') return lwSingleFactor(r, frequency);
  if (target === 'constant-correlation') return lwConstantCorrelation(r, frequency);
  throw dataError(
    `Ledoit-Wolf target must be constant-variance, single-factor or constant-correlation, got ${String(target)}.`,
  );
}

function finish(
  S: Float64Array,
  F: Float64Array,
  delta: number,
  n: number,
  frequency: number,
  psd = true,
): CovarianceEstimate {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) out[i] = (delta * F[i]! + (1 - delta) * S[i]!) * frequency;
  // δF + (1−δ)S with F, S PSD is PSD; S is a Gram matrix except for the pairwise constant-correlation input
  const m = new Matrix(n, n, out);
  return { matrix: psd ? markPositiveSemidefinite(m) : m, repaired: false, shrinkage: delta };
}

/** sklearn `ledoit_wolf(X)` (assume_centered = false) on NaN→0 returns. Works in place on the Gram matrix. */
function lwConstantVariance(r: ReturnsTable, frequency: number): CovarianceEstimate {
  const T = r.nDates;
  const n = r.nAssets;
  // β̂ uses Σ_ij (X²ᵀX²)_ij = Σ_t (Σ_i x_ti²)², an O(nT) identity instead of a second Gram.
  const rowSq = new Float64Array(T);
  // Two fused passes instead of four: (1) validate + tiled transpose (NaN → 0) + column sums,
  // (2) per column, subtract the mean and accumulate Σ_i x_ti².
  const G = gramFromFiller(n, T, (X) => {
    const v = r.values;
    const sums = new Float64Array(n);
    const counts = new Int32Array(n);
    const B = 32;
    for (let t0 = 0; t0 < T; t0 += B) {
      const t1 = Math.min(T, t0 + B);
      for (let j0 = 0; j0 < n; j0 += B) {
        const j1 = Math.min(n, j0 + B);
        for (let t = t0; t < t1; t++) {
          const off = t * n;
          for (let j = j0; j < j1; j++) {
            const x = v[off + j]!;
            if (x === x) {
              if (x === Infinity || x === -Infinity)
                throw dataError(`return of ${r.assets[j]} on row ${t} is ${x}; returns must be finite.`);
              X[j * T + t] = x;
              sums[j] = sums[j]! + x;
              counts[j] = counts[j]! + 1;
            } else X[j * T + t] = 0;
          }
        }
      }
    }
    for (let j = 0; j < n; j++) {
      if (counts[j]! < 2) {
        throw dataError(
          `asset ${r.assets[j]} has ${counts[j]} return observations; at least 2 are needed. Drop it or extend its history.`,
        );
      }
      const m = sums[j]! / T; // NaN counts as a zero return, as np.nan_to_num then demeaning does
      const off = j * T;
      for (let t = 0; t < T; t++) {
        const y = X[off + t]! - m;
        X[off + t] = y;
        rowSq[t] = rowSq[t]! + y * y;
      }
    }
  }); // XᵀX
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * n + i]! / T;
  const mu = trace / n;
  let beta_ = 0;
  for (let t = 0; t < T; t++) beta_ += rowSq[t]! * rowSq[t]!;
  let delta_ = 0;
  for (let i = 0; i < n * n; i++) delta_ += G[i]! * G[i]!;
  delta_ /= T * T;
  let beta = (1 / (n * T)) * (beta_ / T - delta_);
  let delta = delta_ - 2 * mu * trace + n * mu * mu;
  delta /= n;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  // (1 − δ)S + δμI, S = G/T, annualised — written into G
  const f = ((1 - shrinkage) / T) * frequency;
  for (let i = 0; i < n * n; i++) G[i] = G[i]! * f;
  for (let i = 0; i < n; i++) G[i * n + i] = G[i * n + i]! + shrinkage * mu * frequency;
  return { matrix: markPositiveSemidefinite(new Matrix(n, n, G)), repaired: false, shrinkage };
}

/** PyPortfolioOpt `_ledoit_wolf_single_factor` (market = cross-sectional mean of demeaned returns). */
function lwSingleFactor(r: ReturnsTable, frequency: number): CovarianceEstimate {
  const { X, T, n } = demeaned(r);
  const xm = new Float64Array(T);
  for (let j = 0; j < n; j++) for (let t = 0; t < T; t++) xm[t] = xm[t]! + X[j * T + t]! / n;
  let xmMean = 0;
  for (let t = 0; t < T; t++) xmMean += xm[t]!;
  xmMean /= T;
  // sample = np.cov([Xm, xmkt]) * (t-1)/t, i.e. population covariance (Xm is already centred; xmkt centred too)
  const G = gram(X, n, X, n, T, true);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) S[i] = G[i]! / T;
  const betas = new Float64Array(n);
  let varmkt = 0;
  for (let t = 0; t < T; t++) varmkt += (xm[t]! - xmMean) ** 2;
  varmkt /= T;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += X[j * T + t]! * (xm[t]! - xmMean);
    betas[j] = s / T;
  }
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) F[i * n + j] = i === j ? S[i * n + i]! : (betas[i]! * betas[j]!) / varmkt;
  let c = 0;
  for (let i = 0; i < n * n; i++) c += (S[i]! - F[i]!) ** 2;
  const Y = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) Y[i] = X[i]! * X[i]!;
  const YY = gram(Y, n, Y, n, T, true);
  let p = 0;
  let sumS2 = 0;
  for (let i = 0; i < n * n; i++) {
    p += YY[i]!;
    sumS2 += S[i]! * S[i]!;
  }
  p = p / T - sumS2;
  let y2 = 0;
  for (let i = 0; i < Y.length; i++) y2 += Y[i]! * Y[i]!;
  let diagS2 = 0;
  for (let i = 0; i < n; i++) diagS2 += S[i * n + i]! ** 2;
  const rdiag = y2 / T - diagS2;
  // z = Xm * xmkt (the raw, uncentred xmkt as in PyPortfolioOpt)
  const Z = new Float64Array(X.length);
  for (let j = 0; j < n; j++) for (let t = 0; t < T; t++) Z[j * T + t] = X[j * T + t]! * xm[t]!;
  const YZ = gram(Y, n, Z, n, T);
  const ZZ = gram(Z, n, Z, n, T, true);
  let roff1a = 0;
  let roff1b = 0;
  let roff3a = 0;
  let roff3b = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v1 = YZ[i * n + j]! / T - betas[i]! * S[i * n + j]!;
      roff1a += v1 * betas[j]!;
      if (i === j) roff1b += v1 * betas[i]!;
      const v3 = ZZ[i * n + j]! / T - varmkt * S[i * n + j]!;
      roff3a += v3 * betas[i]! * betas[j]!;
      if (i === j) roff3b += v3 * betas[i]! * betas[i]!;
    }
  }
  const roff1 = roff1a / varmkt - roff1b / varmkt;
  const roff3 = roff3a / varmkt ** 2 - roff3b / varmkt ** 2;
  const rr = rdiag + 2 * roff1 - roff3;
  const k = (p - rr) / c;
  const delta = Math.max(0, Math.min(1, k / T));
  return finish(S, F, delta, n, frequency);
}

/** PyPortfolioOpt `_ledoit_wolf_constant_correlation`; S is the pairwise sample covariance of the raw returns. */
function lwConstantCorrelation(r: ReturnsTable, frequency: number): CovarianceEstimate {
  const { X, T, n } = demeaned(r);
  // S = returns.cov() (daily, pairwise, ddof 1) — reuse the sample estimator with frequency 1.
  const S = sampleCovDaily(r);
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) sd[i] = Math.sqrt(S[i * n + i]!);
  let rbar = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rbar += S[i * n + j]! / (sd[i]! * sd[j]!);
  rbar = (rbar - n) / (n * (n - 1));
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) F[i * n + j] = i === j ? S[i * n + i]! : rbar * sd[i]! * sd[j]!;
  const Y = new Float64Array(X.length);
  const X3 = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) {
    Y[i] = X[i]! * X[i]!;
    X3[i] = Y[i]! * X[i]!;
  }
  const YY = gram(Y, n, Y, n, T, true);
  const XX = gram(X, n, X, n, T, true);
  const X3X = gram(X3, n, X, n, T);
  let piHat = 0;
  let piDiag = 0;
  let thetaSum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const s = S[i * n + j]!;
      const pij = YY[i * n + j]! / T - (2 * XX[i * n + j]! * s) / T + s * s;
      piHat += pij;
      if (i === j) {
        piDiag += pij;
        continue;
      }
      const help = XX[i * n + j]! / T;
      const theta = X3X[i * n + j]! / T - (XX[i * n + i]! / T) * s - help * S[i * n + i]! + S[i * n + i]! * s;
      thetaSum += (sd[j]! / sd[i]!) * theta;
    }
  }
  const rhoHat = piDiag + rbar * thetaSum;
  let gamma = 0;
  for (let i = 0; i < n * n; i++) gamma += (S[i]! - F[i]!) ** 2;
  const kappa = (piHat - rhoHat) / gamma;
  const delta = Math.max(0, Math.min(1, kappa / T));
  return finish(S, F, delta, n, frequency, false);
}

function sampleCovDaily(r: ReturnsTable): Float64Array {
  return sampleCov(r, { frequency: 1 }).data;
}

/** sklearn `oas(X)` on NaN→0 returns (assume_centered = false), × frequency. */
export function oas(r: ReturnsTable, options: { frequency?: number } = {}): CovarianceEstimate {
  const frequency = options.frequency ?? 252;
  assertUsable(r, 2);
  const { X, T, n } = demeaned(r);
  const G = gram(X, n, X, n, T, true);
  const S = new Float64Array(n * n);
  let trace = 0;
  let alpha = 0;
  for (let i = 0; i < n * n; i++) {
    S[i] = G[i]! / T;
    alpha += S[i]! * S[i]!;
  }
  for (let i = 0; i < n; i++) trace += S[i * n + i]!;
  const mu = trace / n;
  alpha /= n * n;
  const num = alpha + mu * mu;
  const den = (T + 1) * (alpha - (mu * mu) / n);
  const shrinkage = den === 0 ? 1 : Math.min(num / den, 1);
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) F[i * n + i] = mu;
  return finish(S, F, shrinkage, n, frequency);
}

/** Shrink towards the scaled identity with a fixed intensity δ ∈ [0,1] (PyPortfolioOpt `shrunk_covariance`). */
export function shrunkCovariance(sample: Matrix, delta: number): CovarianceEstimate {
  if (!(delta >= 0 && delta <= 1)) throw dataError(`shrinkage delta must be in [0, 1], got ${delta}.`);
  const n = sample.rows;
  let tr = 0;
  for (let i = 0; i < n; i++) tr += sample.data[i * n + i]!;
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) F[i * n + i] = tr / n;
  return finish(sample.data, F, delta, n, 1, false);
}
