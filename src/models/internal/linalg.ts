/**
 * Small dense linear algebra the models need (row-major Float64Array, p × p). Kept local so models do not wait on
 * `core`; the lead may fold these into core's Cholesky/solve.
 */

/**
 * In-place lower Cholesky of a symmetric p×p matrix; returns false when it is not positive definite, or when a
 * pivot falls below relTol × its original diagonal (numerically singular, e.g. collinear regressors).
 */
export function choleskyInPlace(A: Float64Array, p: number, relTol = 0): boolean {
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j]!;
    const orig = d;
    for (let k = 0; k < j; k++) d -= A[j * p + k]! * A[j * p + k]!;
    if (!(d > 0) || d <= relTol * orig) return false;
    const ljj = Math.sqrt(d);
    A[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= A[i * p + k]! * A[j * p + k]!;
      A[i * p + j] = s / ljj;
    }
    for (let k = j + 1; k < p; k++) A[j * p + k] = 0;
  }
  return true;
}

/** Solves L Lᵀ x = b given the lower factor L (p×p); returns a new vector. */
export function choleskySolveVec(L: Float64Array, p: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  return x;
}

/** Inverse of an SPD matrix from its lower Cholesky factor. */
export function choleskyInverse(L: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolveVec(L, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i]!;
  }
  return inv;
}

/** Column means and population standard deviations (ddof 0) of an n×p row-major matrix (two-pass). */
export function columnMoments(X: Float64Array, n: number, p: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] = mean[j]! + X[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const d = X[i * p + j]! - mean[j]!;
      std[j] = std[j]! + d * d;
    }
  }
  for (let j = 0; j < p; j++) std[j] = Math.sqrt(std[j]! / n);
  return { mean, std };
}

/** XᵀX and Xᵀy of the centred (and optionally scaled) design: returns the p×p Gram and p-vector. */
export function centredGram(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  mean: Float64Array,
  scale: Float64Array | null,
  yMean: number,
): { G: Float64Array; c: Float64Array } {
  const G = new Float64Array(p * p);
  const c = new Float64Array(p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j] = (X[i * p + j]! - mean[j]!) / (scale === null ? 1 : scale[j]!);
    const yi = y[i]! - yMean;
    for (let j = 0; j < p; j++) {
      const rj = row[j]!;
      c[j] = c[j]! + rj * yi;
      for (let k = 0; k <= j; k++) G[j * p + k] = G[j * p + k]! + rj * row[k]!;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) G[k * p + j] = G[j * p + k]!;
  return { G, c };
}

export function meanOf(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return v.length === 0 ? 0 : s / v.length;
}

/** Weighted column means and standard deviations (Σw-normalised, ddof 0) of an n×p row-major matrix. */
export function weightedColumnMoments(
  X: Float64Array,
  n: number,
  p: number,
  w: Float64Array,
): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] = mean[j]! + w[i]! * X[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / sw;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const d = X[i * p + j]! - mean[j]!;
      std[j] = std[j]! + w[i]! * d * d;
    }
  }
  for (let j = 0; j < p; j++) std[j] = Math.sqrt(std[j]! / sw);
  return { mean, std };
}

/** Weighted mean Σ w_i v_i / Σ w_i. */
export function weightedMeanOf(v: Float64Array, w: Float64Array): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < v.length; i++) {
    s += w[i]! * v[i]!;
    sw += w[i]!;
  }
  return sw > 0 ? s / sw : 0;
}

/** XᵀWX and XᵀWy of the centred (and optionally scaled) design, W = diag(w): the weighted least-squares Gram. */
export function weightedCentredGram(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  mean: Float64Array,
  scale: Float64Array | null,
  yMean: number,
  w: Float64Array,
): { G: Float64Array; c: Float64Array } {
  const G = new Float64Array(p * p);
  const c = new Float64Array(p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let j = 0; j < p; j++) row[j] = (X[i * p + j]! - mean[j]!) / (scale === null ? 1 : scale[j]!);
    const yi = wi * (y[i]! - yMean);
    for (let j = 0; j < p; j++) {
      const rj = row[j]!;
      c[j] = c[j]! + rj * yi;
      for (let k = 0; k <= j; k++) G[j * p + k] = G[j * p + k]! + wi * rj * row[k]!;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) G[k * p + j] = G[j * p + k]!;
  return { G, c };
}
