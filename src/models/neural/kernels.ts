/**
 * Dense kernels for the neural layers: two matrix-product forms over row-major Float64Array with explicit offsets and
 * strides, so layers can multiply sub-blocks (one time step, one sample's sliding windows) without copying.
 *
 * Why float64: the gradient checks need it, JavaScript arithmetic is double anyway (Float32Array would round on every
 * store and convert on every load), and the matrices of these nets (≤ 256 × 128) stay cache-resident either way.
 * Why these two forms: `gemmNT` is a dot product over two contiguous rows (the fastest pattern in V8: the running
 * sums stay in registers), and `gemmNN` updates a contiguous output row from a contiguous input row with four terms
 * per pass (one load and one store of the output per four multiply-adds). Every product a layer needs —
 * `X·Wᵀ` (forward), `dY·W` (input gradient), `dYᵀ·X` (weight gradient) — maps onto one of them.
 */

import { wasmGemm, wasmGemmNN, wasmGemmNT } from './wasm/wasm-kernels.ts';

/**
 * Which implementation runs the products: 'wasm' (WebAssembly SIMD, f64x2, from wasm/gemm.as) for products of at
 * least `minWork` multiply-adds (4096 by default), else JavaScript; 'js' forces JavaScript everywhere (tests compare the two).
 * Both are exact float64 arithmetic; they differ only in summation order (≈ 1e-16 relative). A given backend and
 * shape always takes the same path, so a seed still reproduces bit for bit.
 */
export type KernelBackend = 'wasm' | 'js';
let backend: KernelBackend = wasmGemm() ? 'wasm' : 'js';
let wasmMinWork = 4096;

/** Chooses the backend; `minWork` (multiply-adds) is the smallest product sent to wasm (tests use 1). */
export function setKernelBackend(b: KernelBackend, minWork = 4096): void {
  backend = b === 'wasm' && wasmGemm() ? 'wasm' : 'js';
  wasmMinWork = minWork;
}

export function kernelBackend(): KernelBackend {
  return backend;
}

/** C(i,j) (+)= Σ_p A(i,p)·B(j,p): see `jsGemmNT` for the layout. */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (backend === 'wasm' && k > 0 && m * n * k >= wasmMinWork)
    wasmGemmNT(m, n, k, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
  else jsGemmNT(m, n, k, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
}

/** C(i,j) (+)= Σ_p A(i,p)·B(p,j): see `jsGemmNN` for the layout. */
export function gemmNN(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  aOff: number,
  ai: number,
  ap: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (backend === 'wasm' && k > 0 && m * n * k >= wasmMinWork)
    wasmGemmNN(m, n, k, A, aOff, ai, ap, B, bOff, ldb, C, cOff, ldc, accumulate);
  else jsGemmNN(m, n, k, A, aOff, ai, ap, B, bOff, ldb, C, cOff, ldc, accumulate);
}

/**
 * C(i,j) (+)= Σ_p A(i,p)·B(j,p) for i < m, j < n, p < k, where A(i,p) = A[aOff + i·lda + p], B(j,p) =
 * B[bOff + j·ldb + p] and C(i,j) = C[cOff + i·ldc + j]. Overwrites C when `accumulate` is false.
 */
export function jsGemmNT(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p]!;
        const x1 = A[a1 + p]!;
        const y0 = B[b0 + p]!;
        const y1 = B[b1 + p]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      if (accumulate) {
        C[c0 + j] = C[c0 + j]! + s00;
        C[c0 + j + 1] = C[c0 + j + 1]! + s01;
        C[c1 + j] = C[c1 + j]! + s10;
        C[c1 + j + 1] = C[c1 + j + 1]! + s11;
      } else {
        C[c0 + j] = s00;
        C[c0 + j + 1] = s01;
        C[c1 + j] = s10;
        C[c1 + j + 1] = s11;
      }
    }
    if (j < n) {
      const b0 = bOff + j * ldb;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = B[b0 + p]!;
        s0 += A[a0 + p]! * y0;
        s1 += A[a1 + p]! * y0;
      }
      if (accumulate) {
        C[c0 + j] = C[c0 + j]! + s0;
        C[c1 + j] = C[c1 + j]! + s1;
      } else {
        C[c0 + j] = s0;
        C[c1 + j] = s1;
      }
    }
  }
  if (i < m) {
    const a0 = aOff + i * lda;
    const c0 = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a0 + p]! * B[b0 + p]!;
      if (accumulate) C[c0 + j] = C[c0 + j]! + s;
      else C[c0 + j] = s;
    }
  }
}

/**
 * C(i,j) (+)= Σ_p A(i,p)·B(p,j) where A(i,p) = A[aOff + i·ai + p·ap] (any strides: `ai = lda, ap = 1` for A,
 * `ai = 1, ap = lda` for Aᵀ), B(p,j) = B[bOff + p·ldb + j] and C(i,j) = C[cOff + i·ldc + j].
 */
export function jsGemmNN(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  aOff: number,
  ai: number,
  ap: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const c0 = cOff + i * ldc;
    if (!accumulate) C.fill(0, c0, c0 + n);
    const aRow = aOff + i * ai;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const x0 = A[aRow + p * ap]!;
      const x1 = A[aRow + (p + 1) * ap]!;
      const x2 = A[aRow + (p + 2) * ap]!;
      const x3 = A[aRow + (p + 3) * ap]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const b0 = bOff + p * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      for (let j = 0; j < n; j++) {
        C[c0 + j] = C[c0 + j]! + x0 * B[b0 + j]! + x1 * B[b1 + j]! + x2 * B[b2 + j]! + x3 * B[b3 + j]!;
      }
    }
    for (; p < k; p++) {
      const x0 = A[aRow + p * ap]!;
      if (x0 === 0) continue;
      const b0 = bOff + p * ldb;
      for (let j = 0; j < n; j++) C[c0 + j] = C[c0 + j]! + x0 * B[b0 + j]!;
    }
  }
}

/** out[j] += Σ_i A[off + i·n + j] over m rows: column sums of an m × n block (bias gradients). */
export function addColumnSums(m: number, n: number, A: Float64Array, off: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const r = off + i * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + A[r + j]!;
  }
}

/** Logistic sigmoid 1 / (1 + e^−x): one exp; e^−x = ∞ for x < −709 gives exactly 0, never NaN. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * tanh as 1 − 2 / (e^{2x} + 1): one exp, about 1.7× faster than V8's Math.tanh; absolute error ≤ 2e-16
 * (relative error grows only for |x| < 1e-8, where the value itself is below 1e-8). Saturates to ±1 without NaN.
 */
export function tanh(x: number): number {
  return 1 - 2 / (Math.exp(2 * x) + 1);
}
