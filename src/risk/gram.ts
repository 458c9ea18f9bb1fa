import { gramWasm, gramWasmFilled } from './gram-wasm.ts';

/**
 * Dense Gram kernels over column-major panels: the one hot loop behind every covariance estimator.
 * `cols` holds nVars columns of length nRows back to back (column j = cols[j*nRows … (j+1)*nRows)).
 */

/**
 * G = AᵀB for column-major A (nRows × nA) and B (nRows × nB); returns nA × nB row-major.
 * When `symmetric` (A = B), only j ≥ i is computed and mirrored. 4×4 register blocking: 16 running sums share
 * 8 loads per step, which is what lets a scalar JIT approach memory speed.
 */
export function gram(
  A: Float64Array,
  nA: number,
  B: Float64Array,
  nB: number,
  nRows: number,
  symmetric = false,
): Float64Array {
  // SIMD WebAssembly kernel when available (≈3× faster); the scalar kernel below is the fallback and the spec.
  if (nA * nB * nRows >= 4096) {
    const w = gramWasm(A, nA, B, nB, nRows, symmetric);
    if (w) return w;
  }
  return gramJs(A, nA, B, nB, nRows, symmetric);
}

/** Scalar JavaScript Gram kernel (same contract as `gram`). */
export function gramJs(
  A: Float64Array,
  nA: number,
  B: Float64Array,
  nB: number,
  nRows: number,
  symmetric = false,
): Float64Array {
  const G = new Float64Array(nA * nB);
  // Rows are processed in chunks so that the chunk's slice of every column stays in L2 across the (i, j) blocks.
  const chunk = 96;
  for (let c0 = 0; c0 < nRows; c0 += chunk)
    gramChunk(A, nA, B, nB, nRows, c0, Math.min(nRows, c0 + chunk), symmetric, G);
  if (symmetric) {
    for (let i = 0; i < nA; i++) for (let j = 0; j < i; j++) G[i * nB + j] = G[j * nB + i]!;
  }
  return G;
}

function gramChunk(
  A: Float64Array,
  nA: number,
  B: Float64Array,
  nB: number,
  T: number,
  tStart: number,
  tEnd: number,
  symmetric: boolean,
  G: Float64Array,
): void {
  for (let i0 = 0; i0 < nA; i0 += 4) {
    const iN = Math.min(4, nA - i0);
    const jStart = symmetric ? i0 : 0;
    for (let j0 = jStart; j0 < nB; j0 += 4) {
      const jN = Math.min(4, nB - j0);
      if (iN === 4 && jN === 4) {
        const a0 = i0 * T,
          a1 = a0 + T,
          a2 = a1 + T,
          a3 = a2 + T;
        const b0 = j0 * T,
          b1 = b0 + T,
          b2 = b1 + T,
          b3 = b2 + T;
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s23 = 0,
          s30 = 0,
          s31 = 0,
          s32 = 0,
          s33 = 0;
        for (let t = tStart; t < tEnd; t++) {
          const x0 = A[a0 + t]!,
            x1 = A[a1 + t]!,
            x2 = A[a2 + t]!,
            x3 = A[a3 + t]!;
          const y0 = B[b0 + t]!,
            y1 = B[b1 + t]!,
            y2 = B[b2 + t]!,
            y3 = B[b3 + t]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
          s20 += x2 * y0;
          s21 += x2 * y1;
          s22 += x2 * y2;
          s23 += x2 * y3;
          s30 += x3 * y0;
          s31 += x3 * y1;
          s32 += x3 * y2;
          s33 += x3 * y3;
        }
        const r0 = i0 * nB + j0,
          r1 = r0 + nB,
          r2 = r1 + nB,
          r3 = r2 + nB;
        G[r0] = G[r0]! + s00;
        G[r0 + 1] = G[r0 + 1]! + s01;
        G[r0 + 2] = G[r0 + 2]! + s02;
        G[r0 + 3] = G[r0 + 3]! + s03;
        G[r1] = G[r1]! + s10;
        G[r1 + 1] = G[r1 + 1]! + s11;
        G[r1 + 2] = G[r1 + 2]! + s12;
        G[r1 + 3] = G[r1 + 3]! + s13;
        G[r2] = G[r2]! + s20;
        G[r2 + 1] = G[r2 + 1]! + s21;
        G[r2 + 2] = G[r2 + 2]! + s22;
        G[r2 + 3] = G[r2 + 3]! + s23;
        G[r3] = G[r3]! + s30;
        G[r3 + 1] = G[r3 + 1]! + s31;
        G[r3 + 2] = G[r3 + 2]! + s32;
        G[r3 + 3] = G[r3 + 3]! + s33;
      } else {
        for (let i = i0; i < i0 + iN; i++) {
          for (let j = j0; j < j0 + jN; j++) {
            let s = 0;
            const a = i * T,
              b = j * T;
            for (let t = tStart; t < tEnd; t++) s += A[a + t]! * B[b + t]!;
            G[i * nB + j] = G[i * nB + j]! + s;
          }
        }
      }
    }
  }
}

/** Row-major (nRows × nCols) → column-major copy, optionally mapping each value. */
export function toColumnMajor(
  x: Float64Array,
  nRows: number,
  nCols: number,
  map?: (v: number, row: number, col: number) => number,
): Float64Array {
  const out = new Float64Array(nRows * nCols);
  for (let t = 0; t < nRows; t++) {
    const off = t * nCols;
    for (let j = 0; j < nCols; j++) {
      const v = x[off + j]!;
      out[j * nRows + t] = map ? map(v, t, j) : v;
    }
  }
  return out;
}

/**
 * XᵀX for a column-major X (nRows × nCols) produced by `fill`, written in place (into WebAssembly memory when the
 * SIMD kernel is available); `inspect` sees X before the product. Saves one n·T allocation and copy.
 */
export function gramFromFiller(
  nCols: number,
  nRows: number,
  fill: (X: Float64Array) => void,
  inspect?: (X: Float64Array) => void,
): Float64Array {
  if (nCols * nCols * nRows >= 4096) {
    const w = gramWasmFilled(nCols, nRows, fill, inspect);
    if (w) return w;
  }
  const X = new Float64Array(nCols * nRows);
  fill(X);
  inspect?.(X);
  return gramJs(X, nCols, X, nCols, nRows, true);
}
