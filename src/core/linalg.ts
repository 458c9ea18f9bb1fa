/**
 * Dense linear algebra on `Matrix`: Cholesky, LU solves, inverses, the symmetric eigendecomposition
 * (Householder tridiagonalisation + implicit QL, O(n³), about 10× faster than Jacobi at n = 500) and a
 * nearest-PSD repair. Every routine leaves its inputs untouched.
 */
import { numericError } from './errors.ts';
import { Matrix } from './matrix.ts';
import { EPS } from './tolerances.ts';

function assertSquare(a: Matrix, op: string): number {
  if (!a.isSquare()) throw numericError(`${op} needs a square matrix, got ${a.rows} × ${a.cols}.`);
  return a.rows;
}

function assertFinite(a: Matrix, op: string): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) {
      throw numericError(
        `${op}: entry (${Math.floor(i / a.cols)}, ${i % a.cols}) is ${a.data[i]}; inputs must be finite.`,
      );
    }
  }
}

/** Lower-triangular L with A = L Lᵀ, or null when A is not (numerically) positive definite. */
export function cholesky(a: Matrix): Matrix | null {
  const n = assertSquare(a, 'cholesky');
  const A = a.data;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    const lj = j * n;
    for (let k = 0; k < j; k++) d -= L[lj + k]! * L[lj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    L[lj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      let s = A[li + j]!;
      for (let k = 0; k < j; k++) s -= L[li + k]! * L[lj + k]!;
      L[li + j] = s / ljj;
    }
  }
  return new Matrix(n, n, L);
}

/** Solves L Lᵀ x = b given the Cholesky factor L. */
export function choleskySolve(l: Matrix, b: ArrayLike<number>): Float64Array {
  const n = l.rows;
  if (b.length !== n)
    throw numericError(`choleskySolve: factor is ${n} × ${n}, right-hand side has ${b.length} values.`);
  const L = l.data;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  return y;
}

interface LU {
  lu: Float64Array;
  piv: Int32Array;
  n: number;
}

function luDecompose(a: Matrix, op: string): LU {
  const n = assertSquare(a, op);
  assertFinite(a, op);
  const lu = a.data.slice();
  const piv = new Int32Array(n);
  let scale = 0;
  for (let i = 0; i < lu.length; i++) scale = Math.max(scale, Math.abs(lu[i]!));
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    if (max <= EPS.pivot * Math.max(scale, Number.MIN_VALUE)) {
      throw numericError(
        `${op}: the matrix is singular (pivot ${k + 1} of ${n} is ~0). Remove redundant rows/columns or add a ridge.`,
      );
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = piv[k]!;
      piv[k] = piv[p]!;
      piv[p] = t;
    }
    const pivot = lu[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, piv, n };
}

function luSolve({ lu, piv, n }: LU, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b[piv[i]!]!;
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) x[i]! -= lu[i * n + k]! * x[k]!;
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i]! -= lu[i * n + k]! * x[k]!;
    x[i]! /= lu[i * n + i]!;
  }
  return x;
}

/** Solves A x = b by LU with partial pivoting; throws a one-line error when A is singular. */
export function solve(a: Matrix, b: ArrayLike<number>): Float64Array {
  if (b.length !== a.rows)
    throw numericError(`solve: matrix has ${a.rows} rows, right-hand side has ${b.length} values.`);
  return luSolve(luDecompose(a, 'solve'), b);
}

/** A⁻¹ by LU (general square matrices). */
export function inverse(a: Matrix): Matrix {
  const f = luDecompose(a, 'inverse');
  const n = f.n;
  const out = new Matrix(n, n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = luSolve(f, e);
    for (let i = 0; i < n; i++) out.data[i * n + j] = col[i]!;
  }
  return out;
}

/** A⁻¹ for a symmetric positive-definite A via Cholesky; throws when A is not positive definite. */
export function inverseSPD(a: Matrix): Matrix {
  const n = assertSquare(a, 'inverseSPD');
  const l = cholesky(a);
  if (!l)
    throw numericError('inverseSPD: the matrix is not positive definite. Repair it with nearestPSD or add shrinkage.');
  const out = new Matrix(n, n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, e);
    for (let i = 0; i < n; i++) out.data[i * n + j] = col[i]!;
  }
  // Symmetrise away rounding so downstream symmetry checks hold exactly.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (out.data[i * n + j]! + out.data[j * n + i]!);
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Eigenvectors as columns, in the order of `values`; orthonormal. */
  readonly vectors: Matrix;
}

/**
 * Eigendecomposition of a symmetric matrix: A = V diag(λ) Vᵀ. Householder reduction to tridiagonal form, then the
 * implicit QL iteration with Wilkinson-style shifts. Only the lower triangle is read.
 */
export function symEig(a: Matrix): SymmetricEigen {
  const n = assertSquare(a, 'symEig');
  assertFinite(a, 'symEig');
  if (n === 0) return { values: new Float64Array(0), vectors: new Matrix(0, 0) };
  // V starts as A (row-major, V[i][j] = v[i*n+j]); d = diagonal, e = off-diagonal.
  const v = a.data.slice();
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) v[j * n + i] = v[i * n + j]!;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(v, d, e, n);
  tridiagonalQL(v, d, e, n);
  // Sort ascending (QL leaves them nearly sorted already).
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const values = new Float64Array(n);
  const vectors = new Matrix(n, n);
  for (let c = 0; c < n; c++) {
    const src = order[c]!;
    values[c] = d[src]!;
    for (let r = 0; r < n; r++) vectors.data[r * n + c] = v[r * n + src]!;
  }
  return { values, vectors };
}

/** Householder tridiagonalisation in place: on exit v holds the accumulated orthogonal transform. */
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j]! * d[k]!;
          e[k]! += v[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate transformations.
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
        for (let k = 0; k <= i; k++) v[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j]!;
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), accumulating rotations into v. */
function tridiagonalQL(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60)
          throw numericError(
            'symEig: the QL iteration did not converge in 60 sweeps; the matrix may contain huge or tiny values.',
          );
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            const vk = k * n;
            h = v[vk + i + 1]!;
            v[vk + i + 1] = s * v[vk + i]! + c * h;
            v[vk + i] = c * v[vk + i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

export interface PsdRepair {
  readonly matrix: Matrix;
  /** True when any eigenvalue was raised: the caller must report the repair. */
  readonly repaired: boolean;
  readonly minEigenvalueBefore: number;
}

/**
 * Nearest positive-semidefinite matrix in the spectral sense: clip eigenvalues below `minEig` up to `minEig`
 * and rebuild V diag(λ) Vᵀ (what PyPortfolioOpt's "spectral" fix does). The input is symmetrised first.
 * Returns the input unchanged (repaired: false) when it already satisfies λ_min ≥ minEig.
 */
export function nearestPSD(a: Matrix, minEig = 0): PsdRepair {
  const n = assertSquare(a, 'nearestPSD');
  const sym = a.clone();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (sym.data[i * n + j]! + sym.data[j * n + i]!);
      sym.data[i * n + j] = m;
      sym.data[j * n + i] = m;
    }
  }
  const { values, vectors } = symEig(sym);
  const minBefore = n === 0 ? 0 : values[0]!;
  if (minBefore >= minEig) return { matrix: sym, repaired: false, minEigenvalueBefore: minBefore };
  const out = new Matrix(n, n);
  const V = vectors.data;
  for (let k = 0; k < n; k++) {
    const lam = Math.max(values[k]!, minEig);
    if (lam === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = V[i * n + k]! * lam;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out.data[i * n + j]! += vik * V[j * n + k]!;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (out.data[i * n + j]! + out.data[j * n + i]!);
      out.data[i * n + j] = m;
      out.data[j * n + i] = m;
    }
  }
  return { matrix: out, repaired: true, minEigenvalueBefore: minBefore };
}
