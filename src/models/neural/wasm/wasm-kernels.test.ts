import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/index.ts';
import { jsGemmNN, jsGemmNT, kernelBackend } from '../kernels.ts';
import { wasmBlock, wasmGemm, wasmGemmNN, wasmGemmNT, type WasmBlock } from './wasm-kernels.ts';

/** Naive triple loops: the definition both kernels must meet. */
function refNT(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
): number[][] {
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[aOff + i * lda + p]! * B[bOff + j * ldb + p]!;
      return s;
    }),
  );
}

describe('matrix kernels (JavaScript and WebAssembly SIMD) agree with the naive definition', () => {
  const rng = createRng(3);
  const rand = (n: number): Float64Array => new Float64Array(n).map(() => rng.normal());
  const shapes = [
    [1, 1, 1],
    [2, 4, 2],
    [3, 5, 7],
    [7, 9, 13],
    [33, 65, 31],
    [32, 256, 64],
    [6, 9, 300], // k > 128: several cache-blocking passes in the wasm gemmNN
  ] as const;

  it('the WebAssembly module loads on Node 20 and is the default backend', () => {
    expect(wasmGemm()).not.toBeNull();
    expect(kernelBackend()).toBe('wasm');
  });

  for (const [m, n, k] of shapes) {
    it(`gemmNT ${m}×${n}×${k} with offsets and strides, overwrite and accumulate`, () => {
      const lda = k + 3;
      const ldb = k + 1;
      const ldc = n + 2;
      const A = rand(5 + m * lda);
      const B = rand(2 + n * ldb);
      const ref = refNT(m, n, k, A, 5, lda, B, 2, ldb);
      for (const f of [jsGemmNT, wasmGemmNT]) {
        const C0 = rand(1 + m * ldc);
        const C = C0.slice();
        f(m, n, k, A, 5, lda, B, 2, ldb, C, 1, ldc, false);
        const D = C0.slice();
        f(m, n, k, A, 5, lda, B, 2, ldb, D, 1, ldc, true);
        let worst = 0;
        let gapsChanged = 0;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            worst = Math.max(worst, Math.abs(C[1 + i * ldc + j]! - ref[i]![j]!));
            worst = Math.max(worst, Math.abs(D[1 + i * ldc + j]! - ref[i]![j]! - C0[1 + i * ldc + j]!));
          }
          for (let j = n; j < ldc && 1 + i * ldc + j < C.length; j++)
            if (C[1 + i * ldc + j] !== C0[1 + i * ldc + j]) gapsChanged++;
        }
        expect(worst).toBeLessThan(1e-12);
        expect(gapsChanged).toBe(0); // elements between rows (ldc > n) are left alone
      }
    });

    it(`gemmNN ${m}×${n}×${k} for A and for Aᵀ (strided), overwrite and accumulate`, () => {
      const ldb = n + 1;
      const B = rand(3 + k * ldb);
      // B as rows j of Bᵀ for the reference: Bt[j·k + p] = B[3 + p·ldb + j]
      const Bt = new Float64Array(n * k);
      for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[3 + p * ldb + j]!;
      for (const [ai, ap] of [
        [k + 2, 1],
        [1, m + 1],
      ] as const) {
        const A = rand(4 + (m - 1) * ai + (k - 1) * ap + 1);
        const Ad = new Float64Array(m * k);
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) Ad[i * k + p] = A[4 + i * ai + p * ap]!;
        const ref = refNT(m, n, k, Ad, 0, k, Bt, 0, k);
        for (const f of [jsGemmNN, wasmGemmNN]) {
          const C0 = rand(m * n);
          const C = C0.slice();
          f(m, n, k, A, 4, ai, ap, B, 3, ldb, C, 0, n, false);
          const D = C0.slice();
          f(m, n, k, A, 4, ai, ap, B, 3, ldb, D, 0, n, true);
          let worst = 0;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              worst = Math.max(worst, Math.abs(C[i * n + j]! - ref[i]![j]!));
              worst = Math.max(worst, Math.abs(D[i * n + j]! - ref[i]![j]! - C0[i * n + j]!));
            }
          }
          expect(worst).toBeLessThan(1e-12);
        }
      }
    });
  }
});

describe('kept wasm blocks (layer state between forward and backward)', () => {
  const overlap = (a: WasmBlock, b: WasmBlock): boolean => a.ptr < b.ptr + b.bytes && b.ptr < a.ptr + a.bytes;

  it('never overlap, keep a block that is big enough and reuse the space of a released one', () => {
    const [o1, o2, o3] = [{}, {}, {}];
    const b1 = wasmBlock(o1, null, 4096);
    const b2 = wasmBlock(o2, null, 4096);
    expect(overlap(b1, b2)).toBe(false);
    expect(wasmBlock(o2, b2, 1000)).toBe(b2); // big enough: the same block
    const b1Big = wasmBlock(o1, b1, 3 * 4096); // too small: b1 is released, a new block elsewhere
    expect(overlap(b1Big, b2)).toBe(false);
    const b3 = wasmBlock(o3, null, 4000); // fits where b1 was (first fit), below the grown block
    expect(overlap(b3, b2) || overlap(b3, b1Big)).toBe(false);
    expect(b3.ptr).toBeLessThan(b1Big.ptr);
  });
});
