/**
 * The WebAssembly SIMD (f64x2) versions of `gemmNT` / `gemmNN` (source: gemm.as, bytes: gemm-wasm.ts). Operands are
 * copied into the module's own memory, multiplied there and the result copied back: the copies are O(mk + kn + mn)
 * against O(mnk) work (≈ 2–5 % for the LSTM's products), and no JavaScript array ever lives in wasm memory, so
 * nothing can be detached when that memory grows. Memory grows to the largest product seen and then stays.
 */
import { GEMM_WASM_BASE64 } from './gemm-wasm.ts';

/** The slice of the WebAssembly API used here (tsconfig's lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface GemmExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  gemmNT(m: number, n: number, k: number, pA: number, lda: number, pB: number, ldb: number, pC: number, ldc: number, acc: number): void;
  gemmNN(m: number, n: number, k: number, pA: number, ai: number, ap: number, pB: number, ldb: number, pC: number, ldc: number, acc: number): void;
}

let mod: GemmExports | null | undefined;
let heap = new Float64Array(0);
let base = 0;

/** The instantiated module, or null where WebAssembly SIMD is unavailable (the JavaScript kernels are used then). */
export function wasmGemm(): GemmExports | null {
  if (mod !== undefined) return mod;
  try {
    const bin = atob(GEMM_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wa === undefined) throw new Error('no WebAssembly');
    const inst = new wa.Instance(new wa.Module(bytes), { env: { abort: () => undefined } });
    mod = inst.exports as unknown as GemmExports;
    base = (mod.heapBase() + 15) & ~15;
    heap = new Float64Array(mod.memory.buffer);
  } catch {
    mod = null;
  }
  return mod;
}

const align = (bytes: number): number => (bytes + 15) & ~15;

function reserve(m: GemmExports, endByte: number): void {
  const have = m.memory.buffer.byteLength;
  if (endByte > have) m.memory.grow(Math.ceil((endByte - have) / 65536));
  if (heap.buffer !== m.memory.buffer) heap = new Float64Array(m.memory.buffer);
}

export function wasmGemmNT(
  m: number, n: number, k: number,
  A: Float64Array, aOff: number, lda: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const w = mod!;
  const lenA = (m - 1) * lda + k;
  const lenB = (n - 1) * ldb + k;
  const lenC = (m - 1) * ldc + n;
  const pA = base;
  const pB = align(pA + lenA * 8);
  const pC = align(pB + lenB * 8);
  reserve(w, pC + lenC * 8);
  heap.set(A.subarray(aOff, aOff + lenA), pA >> 3);
  heap.set(B.subarray(bOff, bOff + lenB), pB >> 3);
  if (accumulate || ldc !== n) heap.set(C.subarray(cOff, cOff + lenC), pC >> 3);
  w.gemmNT(m, n, k, pA, lda, pB, ldb, pC, ldc, accumulate ? 1 : 0);
  C.set(heap.subarray(pC >> 3, (pC >> 3) + lenC), cOff);
}

export function wasmGemmNN(
  m: number, n: number, k: number,
  A: Float64Array, aOff: number, ai: number, ap: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const w = mod!;
  const lenA = (m - 1) * ai + (k - 1) * ap + 1;
  const lenB = (k - 1) * ldb + n;
  const lenC = (m - 1) * ldc + n;
  const pA = base;
  const pB = align(pA + lenA * 8);
  const pC = align(pB + lenB * 8);
  reserve(w, pC + lenC * 8);
  heap.set(A.subarray(aOff, aOff + lenA), pA >> 3);
  heap.set(B.subarray(bOff, bOff + lenB), pB >> 3);
  if (accumulate || ldc !== n) heap.set(C.subarray(cOff, cOff + lenC), pC >> 3);
  w.gemmNN(m, n, k, pA, ai, ap, pB, ldb, pC, ldc, accumulate ? 1 : 0);
  C.set(heap.subarray(pC >> 3, (pC >> 3) + lenC), cOff);
}
