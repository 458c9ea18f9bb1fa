/**
 * The WebAssembly SIMD (f64x2 / f32x4) kernels (source: gemm.as, bytes: gemm-wasm.ts): `gemmNT` / `gemmNN` and the
 * fused dense, conv1d, LSTM and GRU layers. Operands are copied into the module's own memory, computed there and the
 * results copied back: the copies are O(mk + kn + mn) against O(mnk) work, and no JavaScript array ever lives in wasm
 * memory, so nothing can be detached when that memory grows. What a layer's backward pass needs from its forward pass
 * (inputs, outputs, LSTM gates and cell states) stays in a per-layer block of wasm memory (`wasmBlock`, released at
 * the end of training and after each inference pass) instead of travelling to JavaScript and back. Per-call scratch sits above the
 * blocks; memory grows to the largest need seen and then stays.
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

/** Signature of the fused LSTM backward exports (float64 and float32 share it). */
type LstmBackwardFn = (
  T: number,
  b: number,
  F: number,
  H: number,
  returnSeq: number,
  pDy: number,
  pX: number,
  pWih: number,
  pWhh: number,
  pG: number,
  pC: number,
  pTC: number,
  pH: number,
  pDG: number,
  pDh: number,
  pDc: number,
  pGWih: number,
  pGWhh: number,
  pGB: number,
  pDx: number,
) => void;

interface GemmExports {
  readonly memory: WasmMemory;
  adamStep(
    n: number,
    pW: number,
    pG: number,
    pM: number,
    pV: number,
    stepSize: number,
    sqrtBc2: number,
    b1: number,
    b2: number,
    eps: number,
    l2: number,
  ): void;
  denseForward(
    b: number,
    I: number,
    O: number,
    act: number,
    pX: number,
    pW: number,
    pB: number,
    pWt: number,
    pOut: number,
  ): void;
  denseBackward(
    b: number,
    I: number,
    O: number,
    act: number,
    needDx: number,
    pDy: number,
    pY: number,
    pX: number,
    pW: number,
    pGW: number,
    pGB: number,
    pD: number,
    pDx: number,
  ): void;
  convForward(
    batch: number,
    T: number,
    C: number,
    K: number,
    O: number,
    act: number,
    pX: number,
    pW: number,
    pB: number,
    pWt: number,
    pOut: number,
  ): void;
  convBackward(
    batch: number,
    T: number,
    C: number,
    K: number,
    O: number,
    act: number,
    needDx: number,
    pDy: number,
    pY: number,
    pX: number,
    pW: number,
    pGW: number,
    pGB: number,
    pFull: number,
    pWf: number,
    pDx: number,
  ): void;
  gruForward(
    T: number,
    b: number,
    F: number,
    H: number,
    pX: number,
    pWih: number,
    pWhh: number,
    pBih: number,
    pBhh: number,
    pA: number,
    pBn: number,
    pHH: number,
    pH: number,
  ): void;
  gruBackward(
    T: number,
    b: number,
    F: number,
    H: number,
    returnSeq: number,
    pDy: number,
    pX: number,
    pWih: number,
    pWhh: number,
    pA: number,
    pBn: number,
    pH: number,
    pDA: number,
    pDB: number,
    pDh: number,
    pGWih: number,
    pGWhh: number,
    pGBih: number,
    pGBhh: number,
    pDx: number,
  ): void;
  lstmForward32(
    T: number,
    b: number,
    F: number,
    H: number,
    pX: number,
    pWih: number,
    pWhh: number,
    pBias: number,
    pWt: number,
    pG: number,
    pC: number,
    pTC: number,
    pH: number,
  ): void;
  readonly lstmBackward32: LstmBackwardFn;
  heapBase(): number;
  toTimeMajor(pSrc: number, pDst: number, b: number, T: number, rowBytes: number): void;
  toBatchMajor(pSrc: number, pDst: number, b: number, T: number, rowBytes: number): void;
  gemmNT(
    m: number,
    n: number,
    k: number,
    pA: number,
    lda: number,
    pB: number,
    ldb: number,
    pC: number,
    ldc: number,
    acc: number,
  ): void;
  gemmNN(
    m: number,
    n: number,
    k: number,
    pA: number,
    ai: number,
    ap: number,
    pB: number,
    ldb: number,
    pC: number,
    ldc: number,
    acc: number,
  ): void;
  lstmForward(
    T: number,
    b: number,
    F: number,
    H: number,
    pX: number,
    pWih: number,
    pWhh: number,
    pBias: number,
    pG: number,
    pC: number,
    pTC: number,
    pH: number,
  ): void;
  readonly lstmBackward: LstmBackwardFn;
}

let mod: GemmExports | null | undefined;
let heap = new Float64Array(0);
let heap32 = new Float32Array(0);
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
    heap32 = new Float32Array(mod.memory.buffer);
  } catch {
    mod = null;
  }
  return mod;
}

const align = (bytes: number): number => (bytes + 15) & ~15;

function reserve(m: GemmExports, endByte: number): void {
  const have = m.memory.buffer.byteLength;
  if (endByte > have) m.memory.grow(Math.ceil((endByte - have) / 65536));
  if (heap.buffer !== m.memory.buffer) {
    heap = new Float64Array(m.memory.buffer);
    heap32 = new Float32Array(m.memory.buffer);
  }
}

export function wasmGemmNT(
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
  const w = mod!;
  const lenA = (m - 1) * lda + k;
  const lenB = (n - 1) * ldb + k;
  const lenC = (m - 1) * ldc + n;
  const pA = scratchStart();
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
  const w = mod!;
  const lenA = (m - 1) * ai + (k - 1) * ap + 1;
  const lenB = (k - 1) * ldb + n;
  const lenC = (m - 1) * ldc + n;
  const pA = scratchStart();
  const pB = align(pA + lenA * 8);
  const pC = align(pB + lenB * 8);
  reserve(w, pC + lenC * 8);
  heap.set(A.subarray(aOff, aOff + lenA), pA >> 3);
  heap.set(B.subarray(bOff, bOff + lenB), pB >> 3);
  if (accumulate || ldc !== n) heap.set(C.subarray(cOff, cOff + lenC), pC >> 3);
  w.gemmNN(m, n, k, pA, ai, ap, pB, ldb, pC, ldc, accumulate ? 1 : 0);
  C.set(heap.subarray(pC >> 3, (pC >> 3) + lenC), cOff);
}

/** Arithmetic of the fused LSTM: float64 (exact, the default) or float32 (PyTorch's precision, twice the SIMD lanes). */
export type Precision = 'float64' | 'float32';

/**
 * A block of wasm memory that outlives one call: a layer's forward state, kept for its backward pass so it never
 * travels to JavaScript and back. Blocks sit right above the module's heap; per-call arenas start above the last.
 */
export interface WasmBlock {
  readonly ptr: number;
  readonly bytes: number;
}
const liveBlocks: WasmBlock[] = []; // sorted by ptr
const blockFinalizer = new FinalizationRegistry<WasmBlock>((b) => releaseBlock(b));

/** First byte of per-call scratch space: above every live block. */
function scratchStart(): number {
  const last = liveBlocks[liveBlocks.length - 1];
  return last === undefined ? base : align(last.ptr + last.bytes);
}

function releaseBlock(b: WasmBlock): void {
  const i = liveBlocks.indexOf(b);
  if (i >= 0) liveBlocks.splice(i, 1);
}

/** How many blocks are live (tests check that training and inference give theirs back). */
export function liveWasmBlocks(): number {
  return liveBlocks.length;
}

/**
 * Gives a block back now. Owners must call this when they are done (end of training, after an inference pass):
 * finalizers only run between event-loop tasks, so a long synchronous job (a walk-forward backtest refitting a
 * network many times) would otherwise grow wasm memory by every dropped layer's block until it returned.
 */
export function releaseWasmBlock(b: WasmBlock): void {
  blockFinalizer.unregister(b);
  releaseBlock(b);
}

/**
 * A block of at least `bytes` for `owner`: `current` when it is big enough, else a new one (first fit between the
 * live blocks; `current` is released). Owners release blocks explicitly (`releaseWasmBlock`); a finalizer on the
 * owner is only the backstop for one that forgets.
 */
export function wasmBlock(owner: object, current: WasmBlock | null, bytes: number): WasmBlock {
  if (current !== null && current.bytes >= bytes) return current;
  if (current !== null) {
    blockFinalizer.unregister(current);
    releaseBlock(current);
  }
  let p = base;
  let i = 0;
  for (; i < liveBlocks.length; i++) {
    const b = liveBlocks[i]!;
    if (b.ptr - p >= bytes) break;
    p = align(b.ptr + b.bytes);
  }
  const block = { ptr: p, bytes };
  liveBlocks.splice(i, 0, block);
  reserve(mod!, p + bytes);
  blockFinalizer.register(owner, block, block);
  return block;
}

/** Lays out consecutive 16-byte-aligned regions of `lengths[i]` elements above the live blocks; returns byte offsets. */
function arena(w: GemmExports, lengths: readonly number[], bytes: number): number[] {
  const ptrs: number[] = [];
  let p = scratchStart();
  for (const len of lengths) {
    ptrs.push(p);
    p = align(p + len * bytes);
  }
  reserve(w, p);
  return ptrs;
}

/** Copies into / out of wasm memory, converting to and from float32 when `f32` (the caller's arrays stay float64). */
function putter(f32: boolean): (ptr: number, src: Float64Array, len: number) => void {
  return f32
    ? (ptr, src, len) => heap32.set(src.subarray(0, len), ptr >> 2)
    : (ptr, src, len) => heap.set(src.subarray(0, len), ptr >> 3);
}
function getter(f32: boolean): (ptr: number, dst: Float64Array, len: number) => void {
  return f32
    ? (ptr, dst, len) => dst.set(heap32.subarray(ptr >> 2, (ptr >> 2) + len))
    : (ptr, dst, len) => dst.set(heap.subarray(ptr >> 3, (ptr >> 3) + len));
}

/** Byte offsets of one LSTM layer's forward state inside its kept block, all time-major (rows = T·b). */
interface LstmKept {
  readonly pX: number; // rows × F
  readonly pG: number; // rows × 4H, activated gates (i, f, g, o)
  readonly pC: number; // rows × H
  readonly pTC: number; // rows × H, tanh(c)
  readonly pH: number; // rows × H
}

function lstmKept(block: WasmBlock, rows: number, F: number, H: number, e: number): LstmKept {
  const pX = block.ptr;
  const pG = align(pX + rows * F * e);
  const pC = align(pG + rows * 4 * H * e);
  const pTC = align(pC + rows * H * e);
  const pH = align(pTC + rows * H * e);
  return { pX, pG, pC, pTC, pH };
}

/** Bytes of the kept block of an LSTM layer for batches of up to `batch` sequences. */
export function lstmKeptBytes(T: number, batch: number, F: number, H: number, precision: Precision): number {
  const e = precision === 'float32' ? 4 : 8;
  const rows = T * batch;
  return align(rows * F * e) + align(rows * 4 * H * e) + 3 * align(rows * H * e) + 16;
}

/**
 * The whole LSTM forward (input projection, every step's product and gates) in one wasm call. x is the layer's
 * batch-major input (b × T × F); the forward state stays in `block` for wasmLstmBackward; `out` receives the hidden
 * states batch-major (b × T × H) when `allSteps`, else the last step's (b × H).
 */
export function wasmLstmForward(
  T: number,
  b: number,
  F: number,
  H: number,
  block: WasmBlock,
  x: Float64Array,
  wih: Float64Array,
  whh: Float64Array,
  bias: Float64Array,
  out: Float64Array,
  allSteps: boolean,
  precision: Precision = 'float64',
): void {
  const w = mod!;
  const f32 = precision === 'float32';
  const e = f32 ? 4 : 8;
  const G4 = 4 * H;
  const rows = T * b;
  const k = lstmKept(block, rows, F, H, e);
  const [pWih, pWhh, pB, pWt, pIn, pOut] = arena(
    w,
    [G4 * F, G4 * H, G4, f32 ? (F + H) * G4 : 0, rows * F, allSteps ? rows * H : 0],
    e,
  ) as [number, number, number, number, number, number];
  const put = putter(f32);
  put(pWih, wih, G4 * F);
  put(pWhh, whh, G4 * H);
  put(pB, bias, G4);
  put(pIn, x, rows * F); // batch-major, converted on the way; wasm lays it out time-major in the block
  w.toTimeMajor(pIn, k.pX, b, T, F * e);
  if (f32) w.lstmForward32(T, b, F, H, k.pX, pWih, pWhh, pB, pWt, k.pG, k.pC, k.pTC, k.pH);
  else w.lstmForward(T, b, F, H, k.pX, pWih, pWhh, pB, k.pG, k.pC, k.pTC, k.pH);
  const get = getter(f32);
  if (allSteps) {
    w.toBatchMajor(k.pH, pOut, b, T, H * e);
    get(pOut, out, rows * H);
  } else get(k.pH + (T - 1) * b * H * e, out, b * H);
}

/**
 * The whole LSTM backward in one wasm call, from the state wasmLstmForward kept in `block`: `dy` is batch-major
 * b × T × H (returnSequences) or b × H. Adds the weight gradients into gWih, gWhh, gBih, gBhh and writes the
 * batch-major input gradient (b × T × F) into dx (skipped when null).
 */
export function wasmLstmBackward(
  T: number,
  b: number,
  F: number,
  H: number,
  returnSeq: boolean,
  block: WasmBlock,
  dy: Float64Array,
  wih: Float64Array,
  whh: Float64Array,
  gWih: Float64Array,
  gWhh: Float64Array,
  gBih: Float64Array,
  gBhh: Float64Array,
  dx: Float64Array | null,
  precision: Precision = 'float64',
): void {
  const w = mod!;
  const f32 = precision === 'float32';
  const e = f32 ? 4 : 8;
  const put = putter(f32);
  const rows = T * b;
  const G4 = 4 * H;
  const k = lstmKept(block, rows, F, H, e);
  const dyLen = returnSeq ? rows * H : b * H;
  const [pDy, pWih, pWhh, pDG, pDh, pDc, pGWih, pGWhh, pGB, pDx, pTmp] = arena(
    w,
    [dyLen, G4 * F, G4 * H, rows * G4, b * H, b * H, G4 * F, G4 * H, G4, rows * F, rows * Math.max(F, H)],
    e,
  ) as [number, number, number, number, number, number, number, number, number, number, number];
  if (returnSeq) {
    put(pTmp, dy, dyLen); // batch-major; wasm lays it out time-major
    w.toTimeMajor(pTmp, pDy, b, T, H * e);
  } else put(pDy, dy, dyLen);
  put(pWih, wih, G4 * F);
  put(pWhh, whh, G4 * H);
  (f32 ? w.lstmBackward32 : w.lstmBackward)(
    T,
    b,
    F,
    H,
    returnSeq ? 1 : 0,
    pDy,
    k.pX,
    pWih,
    pWhh,
    k.pG,
    k.pC,
    k.pTC,
    k.pH,
    pDG,
    pDh,
    pDc,
    pGWih,
    pGWhh,
    pGB,
    dx ? pDx : 0,
  );
  const v = f32 ? heap32 : heap;
  const add = (ptr: number, dst: Float64Array, len: number): void => {
    const o = ptr / e;
    for (let i = 0; i < len; i++) dst[i] = dst[i]! + v[o + i]!;
  };
  add(pGWih, gWih, G4 * F);
  add(pGWhh, gWhh, G4 * H);
  add(pGB, gBih, G4);
  add(pGB, gBhh, G4);
  if (dx) {
    w.toBatchMajor(pDx, pTmp, b, T, F * e);
    getter(f32)(pTmp, dx, rows * F);
  }
}

/** Work arrays of one GRU layer call, all time-major (see ../layers/gru.ts). */
export interface GruArrays {
  readonly xT: Float64Array; // T·b × F
  readonly wih: Float64Array; // 3H × F
  readonly whh: Float64Array; // 3H × H
  readonly bih: Float64Array; // 3H
  readonly bhh: Float64Array; // 3H
  readonly a: Float64Array; // T·b × 3H, activated r z n
  readonly bn: Float64Array; // T·b × H
  readonly h: Float64Array; // T·b × H
}

/** The whole GRU forward in one wasm call (float64). */
export function wasmGruForward(T: number, b: number, F: number, H: number, g: GruArrays): void {
  const w = mod!;
  const rows = T * b;
  const G3 = 3 * H;
  const put = putter(false);
  const get = getter(false);
  const [pX, pWih, pWhh, pBih, pBhh, pA, pBn, pHH, pH] = arena(
    w,
    [rows * F, G3 * F, G3 * H, G3, G3, rows * G3, rows * H, b * G3, rows * H],
    8,
  ) as [number, number, number, number, number, number, number, number, number];
  put(pX, g.xT, rows * F);
  put(pWih, g.wih, G3 * F);
  put(pWhh, g.whh, G3 * H);
  put(pBih, g.bih, G3);
  put(pBhh, g.bhh, G3);
  w.gruForward(T, b, F, H, pX, pWih, pWhh, pBih, pBhh, pA, pBn, pHH, pH);
  get(pA, g.a, rows * G3);
  get(pBn, g.bn, rows * H);
  get(pH, g.h, rows * H);
}

/**
 * The whole GRU backward in one wasm call: adds weight gradients, writes the time-major input gradient (skipped when
 * dxT is null).
 */
export function wasmGruBackward(
  T: number,
  b: number,
  F: number,
  H: number,
  returnSeq: boolean,
  dy: Float64Array,
  g: GruArrays,
  grads: { wih: Float64Array; whh: Float64Array; bih: Float64Array; bhh: Float64Array },
  dxT: Float64Array | null,
): void {
  const w = mod!;
  const rows = T * b;
  const G3 = 3 * H;
  const put = putter(false);
  const get = getter(false);
  const dyLen = returnSeq ? rows * H : b * H;
  const ptrs = arena(
    w,
    [
      dyLen,
      rows * F,
      G3 * F,
      G3 * H,
      rows * G3,
      rows * H,
      rows * H,
      rows * G3,
      rows * G3,
      b * H,
      G3 * F,
      G3 * H,
      G3,
      G3,
      rows * F,
    ],
    8,
  );
  const [pDy, pX, pWih, pWhh, pA, pBn, pH, pDA, pDB, pDh, pGWih, pGWhh, pGBih, pGBhh, pDx] = ptrs as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  put(pDy, dy, dyLen);
  put(pX, g.xT, rows * F);
  put(pWih, g.wih, G3 * F);
  put(pWhh, g.whh, G3 * H);
  put(pA, g.a, rows * G3);
  put(pBn, g.bn, rows * H);
  put(pH, g.h, rows * H);
  w.gruBackward(
    T,
    b,
    F,
    H,
    returnSeq ? 1 : 0,
    pDy,
    pX,
    pWih,
    pWhh,
    pA,
    pBn,
    pH,
    pDA,
    pDB,
    pDh,
    pGWih,
    pGWhh,
    pGBih,
    pGBhh,
    dxT ? pDx : 0,
  );
  const add = (ptr: number, dst: Float64Array, len: number): void => {
    const o = ptr >> 3;
    for (let i = 0; i < len; i++) dst[i] = dst[i]! + heap[o + i]!;
  };
  add(pGWih, grads.wih, G3 * F);
  add(pGWhh, grads.whh, G3 * H);
  add(pGBih, grads.bih, G3);
  add(pGBhh, grads.bhh, G3);
  if (dxT) get(pDx, dxT, rows * F);
}

/** Activation codes of the fused conv1d kernels (gemm.as `activate`). */
export type ConvActivation = 0 | 1 | 2 | 3;

/** Shape of a conv1d layer call: batch samples of T steps × C channels, O filters of width K. */
export interface ConvShape {
  readonly batch: number;
  readonly T: number;
  readonly C: number;
  readonly K: number;
  readonly O: number;
  readonly act: ConvActivation;
}

/** Bytes of a conv1d layer's kept block (its input and output, for backward) for batches of up to `batch`. */
export function convKeptBytes(sh: Omit<ConvShape, 'act' | 'batch'>, batch: number): number {
  const { T, C, K, O } = sh;
  return align(batch * T * C * 8) + align(batch * (T - K + 1) * O * 8);
}

/**
 * The whole conv1d forward (windows × Wᵀ, bias, activation) in one wasm call: x (batch·T × C) → out
 * (batch × Tout × O). x and the output stay in `block` for wasmConvBackward.
 */
export function wasmConvForward(
  sh: ConvShape,
  block: WasmBlock,
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  out: Float64Array,
): void {
  const w = mod!;
  const { batch, T, C, K, O } = sh;
  const KC = K * C;
  const nX = batch * T * C;
  const nOut = batch * (T - K + 1) * O;
  const pX = block.ptr;
  const pOut = align(pX + nX * 8);
  const [pW, pB, pWt] = arena(w, [O * KC, O, KC * O], 8) as [number, number, number];
  const put = putter(false);
  put(pX, x, nX);
  put(pW, W, O * KC);
  put(pB, bias, O);
  w.convForward(batch, T, C, K, O, sh.act, pX, pW, pB, pWt, pOut);
  getter(false)(pOut, out, nOut);
}

/**
 * The whole conv1d backward in one wasm call, from the input and output wasmConvForward kept in `block`: dy
 * (batch × Tout × O) → adds the weight and bias gradients into gW, gB and, when `dx` is given, writes the input
 * gradient (batch·T × C).
 */
export function wasmConvBackward(
  sh: ConvShape,
  block: WasmBlock,
  dy: Float64Array,
  W: Float64Array,
  gW: Float64Array,
  gB: Float64Array,
  dx: Float64Array | null,
): void {
  const w = mod!;
  const { batch, T, C, K, O } = sh;
  const KC = K * C;
  const nOut = batch * (T - K + 1) * O;
  const nX = batch * T * C;
  const pX = block.ptr;
  const pY = align(pX + nX * 8);
  const [pDy, pW, pGW, pGB, pFull, pWf, pDx] = arena(
    w,
    [nOut, O * KC, O * KC, O, (K - 1 + batch * T) * O, K * O * C, nX],
    8,
  ) as [number, number, number, number, number, number, number];
  const put = putter(false);
  put(pDy, dy, nOut);
  put(pW, W, O * KC);
  w.convBackward(batch, T, C, K, O, sh.act, dx ? 1 : 0, pDy, pY, pX, pW, pGW, pGB, pFull, pWf, pDx);
  const add = (ptr: number, dst: Float64Array, len: number): void => {
    const o = ptr >> 3;
    for (let i = 0; i < len; i++) dst[i] = dst[i]! + heap[o + i]!;
  };
  add(pGW, gW, O * KC);
  add(pGB, gB, O);
  if (dx) getter(false)(pDx, dx, nX);
}

/** Bytes of a dense layer's kept block (its input and output, for backward) for batches of up to `batch` rows. */
export function denseKeptBytes(I: number, O: number, batch: number): number {
  return align(batch * I * 8) + align(batch * O * 8);
}

/**
 * The whole dense forward (x·Wᵀ, bias, activation) in one wasm call: x (b × I) → out (b × O); x and the output stay
 * in `block` for wasmDenseBackward. act: 0 identity, 1 relu, 2 tanh, 3 sigmoid.
 */
export function wasmDenseForward(
  b: number,
  I: number,
  O: number,
  act: ConvActivation,
  block: WasmBlock,
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  out: Float64Array,
): void {
  const w = mod!;
  const pX = block.ptr;
  const pOut = align(pX + b * I * 8);
  const [pW, pB, pWt] = arena(w, [O * I, O, I * O], 8) as [number, number, number];
  const put = putter(false);
  put(pX, x, b * I);
  put(pW, W, O * I);
  put(pB, bias, O);
  w.denseForward(b, I, O, act, pX, pW, pB, pWt, pOut);
  getter(false)(pOut, out, b * O);
}

/**
 * The whole dense backward in one wasm call, from the input and output wasmDenseForward kept in `block`: dy (b × O)
 * → adds the weight and bias gradients into gW, gB and, when `dx` is given, writes the input gradient (b × I).
 */
export function wasmDenseBackward(
  b: number,
  I: number,
  O: number,
  act: ConvActivation,
  block: WasmBlock,
  dy: Float64Array,
  W: Float64Array,
  gW: Float64Array,
  gB: Float64Array,
  dx: Float64Array | null,
): void {
  const w = mod!;
  const pX = block.ptr;
  const pY = align(pX + b * I * 8);
  const [pDy, pW, pGW, pGB, pD, pDx] = arena(w, [b * O, O * I, O * I, O, b * O, b * I], 8) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const put = putter(false);
  put(pDy, dy, b * O);
  put(pW, W, O * I);
  w.denseBackward(b, I, O, act, dx ? 1 : 0, pDy, pY, pX, pW, pGW, pGB, pD, pDx);
  const gw = pGW >> 3;
  for (let i = 0; i < O * I; i++) gW[i] = gW[i]! + heap[gw + i]!;
  const gb = pGB >> 3;
  for (let i = 0; i < O; i++) gB[i] = gB[i]! + heap[gb + i]!;
  if (dx) getter(false)(pDx, dx, b * I);
}

/** Sets a block's bytes to zero (blocks reuse released memory, so they start with whatever was there). */
export function wasmZero(block: WasmBlock): void {
  heap.fill(0, block.ptr >> 3, (block.ptr + block.bytes) >> 3);
}

/** Bytes of an Adam state block: first and second moments of `total` parameters. */
export function adamKeptBytes(total: number): number {
  return 2 * align(total * 8);
}

/**
 * One Adam step over every parameter in one wasm call (gemm.as `adamStep`, bit for bit the JavaScript update): the
 * moments live in `block` (adamKeptBytes(total), zeroed at the start); values and gradients are copied in, values
 * copied back.
 */
export function wasmAdamStep(
  block: WasmBlock,
  params: readonly { readonly value: Float64Array; readonly grad: Float64Array }[],
  total: number,
  stepSize: number,
  sqrtBc2: number,
  b1: number,
  b2: number,
  eps: number,
  l2: number,
): void {
  const w = mod!;
  const [pW, pG] = arena(w, [total, total], 8) as [number, number];
  let off = 0;
  for (const p of params) {
    heap.set(p.value, (pW >> 3) + off);
    heap.set(p.grad, (pG >> 3) + off);
    off += p.value.length;
  }
  w.adamStep(total, pW, pG, block.ptr, block.ptr + align(total * 8), stepSize, sqrtBc2, b1, b2, eps, l2);
  off = pW >> 3;
  for (const p of params) {
    p.value.set(heap.subarray(off, off + p.value.length));
    off += p.value.length;
  }
}
