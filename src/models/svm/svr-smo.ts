/**
 * SMO for the ε-SVR dual, specialised to its pair structure. The generic solver (smo.ts) sees 2n variables
 * α⁺_b = α_b and α⁻_b = α_{b+n} over n base points; with F_t = y_t G_t (G = Qα + p) the two variables of a base
 * point b always have
 *   F⁺_b = g_b + ε,   F⁻_b = g_b − ε,   g = K(α⁺ − α⁻) − z,
 * so one gradient g over the n base points carries all 2n. This solver keeps g in base-point order (no permutation),
 * which turns every hot loop into a contiguous pass over n entries of a cached Float32 kernel row (no gather through
 * a variable → base-point index), and updates it for all n points each step, so it is always exact and never needs
 * libsvm's gradient reconstruction. The steps are still libsvm's (WSS2 second-order selection, libsvm's shrinking
 * rule deciding which variables may be selected, the same clipping and rho), so it takes libsvm's path up to ties
 * and rounding.
 *
 * Per base point, the two variables reduce to one candidate for each side of the selection: for i (max of −F over
 * I_up) the minus variable dominates (−F⁻ = −g + ε > −g − ε), for j (max of F over I_low, and the same curvature
 * K_ii + K_bb − 2K_ib for both) the plus variable dominates. `iOff[b]` / `jOff[b]` hold the offset (±ε) of the
 * dominant eligible variable, or −∞ when neither is eligible (at the wrong bound, or shrunk).
 *
 * The hot loops (gradient update with the next i, the choice of j) and the kernel rows (dot products and exp) run as
 * WebAssembly SIMD (smo.as → smo-wasm.ts) over arrays and Float32 kernel rows that live in one module instance's
 * memory (a fresh instance per solve, so the row cache is freed with it); without WebAssembly the same loops run in
 * JavaScript. Both do the same float64 operations per entry in the same order, and the arg-max rules are exact
 * (ties → the larger index), so the two backends agree bit for bit (tested).
 *
 * Measured on the SVR benchmark (5 000 × 20, RBF, C = 10, 43 500 steps, this shared machine): the generic solver
 * took ~6 s, this one in JavaScript ~4.8 s, in WebAssembly ~1.0 s (j choice ~0.36 s, update ~0.24 s, kernel rows
 * ~0.3 s, of which half the entries are copied from cached rows by symmetry).
 */

import { twoVariableStep, type SmoResult } from './smo.ts';
import { SMO_WASM_BASE64 } from './smo-wasm.ts';

const TAU = 1e-12;
/** Rows computed together when a row is missing (SMO ends up asking for most rows), as kernelRows in smo.ts. */
const ROW_BLOCK = 16;

export interface SvrProblem {
  /** Base points (training rows), row-major n × p. */
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  /** Targets z_b. */
  readonly z: Float64Array;
  /** Tube half-width ε ≥ 0. */
  readonly epsilon: number;
  /** Box constraint C > 0 (the same for every variable, as libsvm's ε-SVR). */
  readonly C: number;
  readonly kernel: 'rbf' | 'linear';
  readonly gamma: number;
  /** Budget for cached Float32 kernel rows (bytes; at most 1 GiB is used). */
  readonly cacheBytes: number;
}

/** The solver's loops over byte offsets into one memory (see smo.as for the contracts). */
interface SmoLoops {
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  /** First byte free for the caller's arrays. */
  readonly base: number;
  updatePickI(
    pG: number,
    pIOff: number,
    pKi: number,
    pKj: number,
    di: number,
    dj: number,
    n: number,
    pOut: number,
  ): number;
  pickI(pG: number, pIOff: number, n: number, pOut: number): number;
  selectJ(
    pG: number,
    pJOff: number,
    pQD: number,
    pKi: number,
    QDi: number,
    Gmax: number,
    n: number,
    pOut: number,
  ): number;
  /** `selectJ` when every K(b, b) = 1 (RBF); qd1 = K(i, i) + 1. */
  selectJUnit(pG: number, pJOff: number, pKi: number, qd1: number, Gmax: number, n: number, pOut: number): number;
  kernelBlock(
    pX: number,
    pXT: number,
    pNorms: number,
    p: number,
    n: number,
    r0: number,
    m: number,
    negGamma: number,
    rbf: number,
    pDst: number,
    pSrc: number,
  ): void;
  kernelMatrix(
    pZ: number,
    pZNorm: number,
    m: number,
    pST: number,
    pSNorm: number,
    p: number,
    n: number,
    negGamma: number,
    rbf: number,
    pOut: number,
  ): void;
}

/** Which implementation runs the loops: 'wasm' where WebAssembly SIMD is available, else 'js' (tests force 'js'). */
export type SvrBackend = 'wasm' | 'js';
let backend: SvrBackend | undefined;

export function setSvrBackend(b: SvrBackend): void {
  backend = b === 'wasm' && wasmModule() !== null ? 'wasm' : 'js';
}

export function svrBackend(): SvrBackend {
  if (backend === undefined) backend = wasmModule() !== null ? 'wasm' : 'js';
  return backend;
}

/** The slice of the WebAssembly API used here (tsconfig's lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
interface SmoExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  updatePickI: SmoLoops['updatePickI'];
  pickI: SmoLoops['pickI'];
  selectJ: SmoLoops['selectJ'];
  selectJUnit: SmoLoops['selectJUnit'];
  kernelBlock: SmoLoops['kernelBlock'];
  kernelMatrix: SmoLoops['kernelMatrix'];
}

let compiled: object | null | undefined;
function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wa === undefined) throw new Error('no WebAssembly');
    const bin = atob(SMO_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    compiled = new wa.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Loops with at least `bytes` of memory above `base`: a fresh wasm instance, or JavaScript over a plain buffer. */
function createLoops(bytes: number): SmoLoops {
  const mod = svrBackend() === 'wasm' ? wasmModule() : null;
  if (mod !== null) {
    const wa = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const ex = new wa.Instance(mod, { env: { abort: () => undefined } }).exports as SmoExports;
    const base = (ex.heapBase() + 15) & ~15;
    const have = ex.memory.buffer.byteLength;
    if (base + bytes > have) ex.memory.grow(Math.ceil((base + bytes - have) / 65536));
    // memory never grows again, so these views stay valid for the whole solve
    const buf = ex.memory.buffer;
    return {
      f64: new Float64Array(buf),
      f32: new Float32Array(buf),
      base,
      updatePickI: ex.updatePickI,
      pickI: ex.pickI,
      selectJ: ex.selectJ,
      selectJUnit: ex.selectJUnit,
      kernelBlock: ex.kernelBlock,
      kernelMatrix: ex.kernelMatrix,
    };
  }
  const buf = new ArrayBuffer(bytes + 16);
  const f64 = new Float64Array(buf);
  const f32 = new Float32Array(buf);
  const i32 = new Int32Array(buf);
  return {
    f64,
    f32,
    base: 0,
    updatePickI: (pG, pIOff, pKi, pKj, di, dj, n, pOut) =>
      jsUpdatePickI(f64, f32, pG >> 3, pIOff >> 3, pKi >> 2, pKj >> 2, di, dj, n, pOut >> 3),
    pickI: (pG, pIOff, n, pOut) => jsPickI(f64, pG >> 3, pIOff >> 3, n, pOut >> 3),
    selectJ: (pG, pJOff, pQD, pKi, QDi, Gmax, n, pOut) =>
      jsSelectJ(f64, f32, pG >> 3, pJOff >> 3, pQD >> 3, pKi >> 2, QDi, Gmax, n, pOut >> 3),
    selectJUnit: (pG, pJOff, pKi, qd1, Gmax, n, pOut) =>
      jsSelectJUnit(f64, f32, pG >> 3, pJOff >> 3, pKi >> 2, qd1, Gmax, n, pOut >> 3),
    kernelBlock: (pX, _pXT, pNorms, p, n, r0, m, negGamma, rbf, pDst) =>
      // no copying from cached rows: same bits
      jsKernelBlock(f64, f32, i32, pX >> 3, pNorms >> 3, p, n, r0, m, negGamma, rbf, pDst >> 2),
    kernelMatrix: (pZ, pZNorm, m, pST, pSNorm, p, n, negGamma, rbf, pOut) =>
      jsKernelMatrix(f64, pZ >> 3, pZNorm >> 3, m, pST >> 3, pSNorm >> 3, p, n, negGamma, rbf, pOut >> 3),
  };
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * Solves the ε-SVR dual to KKT tolerance `eps`, at most `maxIter` SMO steps. Returns α over the 2n variables in
 * libsvm's order (α⁺ then α⁻) and rho, as `solveSmo` does for the same problem.
 */
export function solveSvrSmo(prob: SvrProblem, eps: number, maxIter: number): SmoResult {
  const { X, n, p, z, epsilon: e, C, kernel, gamma } = prob;
  const l = 2 * n;
  // ---- memory: g, iOff, jOff, QD (float64 × n each), out (2 × float64), X (n × p), Xᵀ (p × nPad), ‖x‖² (nPad),
  // row sources (nPad × int32), row destinations (ROW_BLOCK × int32), then the kernel-row slots (float32 × nPad
  // each). nPad = n rounded up to a multiple of 8: the SIMD kernel writes eight columns at a time (the pad entries
  // land in each row's slack and are never read).
  const nPad = (n + 7) & ~7;
  const vec = align16(8 * nPad);
  const rowBytes = align16(4 * nPad);
  // the cache is capped at 1 GiB so the module's 32-bit memory always fits
  const slots = Math.max(3, Math.min(n, Math.floor(Math.min(prob.cacheBytes, 2 ** 30) / rowBytes)));
  const xBytes = align16(8 * n * p);
  const xtBytes = align16(8 * p * nPad);
  const srcBytes = align16(4 * nPad);
  const loops = createLoops(4 * vec + 16 + xBytes + xtBytes + vec + srcBytes + 4 * ROW_BLOCK + slots * rowBytes);
  const { f64, f32 } = loops;
  const pG = loops.base;
  const pIOff = pG + vec;
  const pJOff = pIOff + vec;
  const pQD = pJOff + vec;
  const pOut = pQD + vec;
  const pX = pOut + 16;
  const pXT = pX + xBytes;
  const pNorms = pXT + xtBytes;
  const pSrc = pNorms + vec;
  const pDst = pSrc + srcBytes;
  const pRows = pDst + 4 * ROW_BLOCK;
  const g = f64.subarray(pG >> 3, (pG >> 3) + n);
  const iOff = f64.subarray(pIOff >> 3, (pIOff >> 3) + n);
  const jOff = f64.subarray(pJOff >> 3, (pJOff >> 3) + n);
  const QD = f64.subarray(pQD >> 3, (pQD >> 3) + n);
  const norms = f64.subarray(pNorms >> 3, (pNorms >> 3) + nPad);
  const dst = new Int32Array(f64.buffer, pDst, ROW_BLOCK);
  /** Byte offset of each cached row (0 when not cached): the kernel copies K(r, c) from row c where it can. */
  const src = new Int32Array(f64.buffer, pSrc, nPad);
  for (let b = 0; b < n; b++) g[b] = -z[b]!;
  f64.set(X.subarray(0, n * p), pX >> 3);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < p; f++) {
      const v = X[i * p + f]!;
      f64[(pXT >> 3) + f * nPad + i] = v;
      s += v * v;
    }
    norms[i] = s;
  }
  const rbf = kernel === 'rbf';
  for (let b = 0; b < n; b++) QD[b] = rbf ? 1 : norms[b]!;

  // ---- kernel rows: slot s holds K(owner[s], ·) at byte pRows + s·rowBytes; slots are reused first-in first-out
  const slotOf = new Int32Array(n).fill(-1);
  const owner = new Int32Array(slots).fill(-1);
  let nextSlot = 0;
  const block = slots >= 4 * ROW_BLOCK ? ROW_BLOCK : 1;
  /** Byte offset of row b, computing it (with the missing rows of its block) when missing; never evicts row `keep`. */
  const row = (b: number, keep: number): number => {
    const hit = slotOf[b]!;
    if (hit >= 0) return pRows + hit * rowBytes;
    const start = b - (b % block);
    const m = Math.min(block, n - start);
    for (let k = 0; k < m; k++) {
      const r = start + k;
      dst[k] = 0;
      if (slotOf[r]! >= 0) continue;
      if (keep >= 0 && owner[nextSlot] === keep) nextSlot = (nextSlot + 1) % slots;
      const victim = owner[nextSlot]!;
      if (victim >= 0) {
        slotOf[victim] = -1;
        src[victim] = 0;
      }
      owner[nextSlot] = r;
      slotOf[r] = nextSlot;
      dst[k] = pRows + nextSlot * rowBytes;
      nextSlot = (nextSlot + 1) % slots;
    }
    loops.kernelBlock(pX, pXT, pNorms, p, nPad, start, m, -gamma, rbf ? 1 : 0, pDst, pSrc);
    for (let k = 0; k < m; k++) if (dst[k] !== 0) src[start + k] = dst[k]!; // only now are these rows filled
    return pRows + slotOf[b]! * rowBytes;
  };

  const alpha = new Float64Array(l);
  // 1 = the variable may be selected (libsvm's active set); indices as alpha
  const act = new Uint8Array(l).fill(1);
  let nActive = l;
  const setOff = (b: number): void => {
    const ap = alpha[b]!;
    const am = alpha[b + n]!;
    iOff[b] = act[b + n] === 1 && am > 0 ? e : act[b] === 1 && ap < C ? -e : -Infinity;
    jOff[b] = act[b] === 1 && ap > 0 ? e : act[b + n] === 1 && am < C ? -e : -Infinity;
  };
  for (let b = 0; b < n; b++) setOff(b);

  let unshrink = false;
  let counter = Math.min(l, 1000) + 1;
  let iter = 0;
  let converged = false;
  let activeSum = 0;
  let fusedValid = false;
  let fusedGmax = -Infinity;
  let fusedB = -1;

  const activateAll = (): void => {
    if (nActive !== l) {
      act.fill(1);
      nActive = l;
      for (let b = 0; b < n; b++) setOff(b);
    }
    fusedValid = false;
  };

  const doShrinking = (): void => {
    fusedValid = false;
    // Gmax1 = max over active I_up of −F, Gmax2 = max over active I_low of F
    let Gmax1 = -Infinity;
    let Gmax2 = -Infinity;
    for (let b = 0; b < n; b++) {
      const gb = g[b]!;
      if (iOff[b] !== -Infinity) Gmax1 = Math.max(Gmax1, iOff[b]! - gb);
      if (jOff[b] !== -Infinity) Gmax2 = Math.max(Gmax2, gb + jOff[b]!);
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      activateAll(); // g is exact for every variable: nothing to reconstruct
    }
    // libsvm's be_shrunk with G_t = y_t F_t: plus variables (y = +1) G = F, minus variables G = −F
    for (let b = 0; b < n; b++) {
      const Fp = g[b]! + e;
      const Fm = g[b]! - e;
      if (act[b] === 1) {
        const a = alpha[b]!;
        if ((a >= C && -Fp > Gmax1) || (a <= 0 && Fp > Gmax2)) {
          act[b] = 0;
          nActive--;
        }
      }
      if (act[b + n] === 1) {
        const a = alpha[b + n]!;
        if ((a >= C && Fm > Gmax2) || (a <= 0 && -Fm > Gmax1)) {
          act[b + n] = 0;
          nActive--;
        }
      }
      setOff(b);
    }
  };

  let iVar = -1;
  let jVar = -1;
  /** WSS over the active variables; false when they are optimal. */
  const select = (): boolean => {
    let Gmax: number;
    let bi: number;
    if (fusedValid) {
      Gmax = fusedGmax;
      bi = fusedB;
      fusedValid = false;
    } else {
      bi = loops.pickI(pG, pIOff, n, pOut);
      Gmax = f64[pOut >> 3]!;
    }
    if (bi < 0 || Gmax === -Infinity) return false;
    iVar = act[bi + n] === 1 && alpha[bi + n]! > 0 ? bi + n : bi;
    const pKi = row(bi, -1);
    const bj = rbf
      ? loops.selectJUnit(pG, pJOff, pKi, QD[bi]! + 1, Gmax, n, pOut)
      : loops.selectJ(pG, pJOff, pQD, pKi, QD[bi]!, Gmax, n, pOut);
    const Gmax2 = f64[pOut >> 3]!;
    if (Gmax + Gmax2 < eps || bj < 0) return false;
    jVar = act[bj] === 1 && alpha[bj]! > 0 ? bj : bj + n;
    return true;
  };

  const step = new Float64Array(2); // (α_i, α_j) after each two-variable step
  while (iter < maxIter) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      doShrinking();
    }
    if (!select()) {
      // optimal on the active set: check every variable once more
      activateAll();
      if (!select()) {
        converged = true;
        break;
      }
      counter = 1; // shrink again at the next step
    }
    iter++;
    activeSum += nActive;
    const i = iVar;
    const j = jVar;
    const bi = i < n ? i : i - n;
    const bj = j < n ? j : j - n;
    const yi = i < n ? 1 : -1;
    const yj = j < n ? 1 : -1;
    const pKi = row(bi, -1);
    const pKj = row(bj, bi);
    const Qij = yi * yj * f32[(pKi >> 2) + bj]!;
    const QDi = QD[bi]!;
    const QDj = QD[bj]!;
    // F_i, F_j (y∘G) of the two variables
    const Fi = g[bi]! + yi * e;
    const Fj = g[bj]! + yj * e;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    twoVariableStep(step, yi, yj, Fi, Fj, QDi, QDj, Qij, oldI, oldJ, C, C);
    const ai = step[0]!;
    const aj = step[1]!;
    alpha[i] = ai;
    alpha[j] = aj;
    setOff(bi);
    setOff(bj);
    // g_b += K_b,bi·y_iΔα_i + K_b,bj·y_jΔα_j, finding on the way the next i
    fusedB = loops.updatePickI(pG, pIOff, pKi, pKj, (ai - oldI) * yi, (aj - oldJ) * yj, n, pOut);
    fusedGmax = f64[pOut >> 3]!;
    fusedValid = true;
  }
  // ---- rho (libsvm calculate_rho) over all variables, with y_t G_t = F_t
  let nFree = 0;
  let sumFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  for (let t = 0; t < l; t++) {
    const plus = t < n;
    const yG = plus ? g[t]! + e : g[t - n]! - e;
    const a = alpha[t]!;
    if (a >= C) {
      if (!plus) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (a <= 0) {
      if (plus) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter, converged, meanActive: activeSum / Math.max(1, iter) };
}

/** Rows per call of the prediction kernel. */
const PREDICT_BLOCK = 64;

/**
 * Kernel values for prediction: returns a function that writes K(z_i, s_c) (float64, row-major m × nS) for m rows z
 * (row-major m × p) against the nS rows s of S, by the solver's arithmetic (the dot summed in feature order, the same
 * exp), on WebAssembly SIMD where available. S (transposed) and the buffers live in one module instance, created
 * here and kept by the caller for its later calls.
 */
export function predictionKernel(
  S: Float64Array,
  nS: number,
  p: number,
  kernel: 'rbf' | 'linear',
  gamma: number,
): (Z: Float64Array, m: number, out: Float64Array) => void {
  const nPad = (nS + 7) & ~7;
  const B = PREDICT_BLOCK;
  const stBytes = align16(8 * p * nPad);
  const normBytes = align16(8 * nPad);
  const zBytes = align16(8 * B * p);
  const loops = createLoops(stBytes + normBytes + zBytes + align16(8 * B) + 8 * B * nPad);
  const { f64 } = loops;
  const pST = loops.base;
  const pSNorm = pST + stBytes;
  const pZ = pSNorm + normBytes;
  const pZNorm = pZ + zBytes;
  const pOut = pZNorm + align16(8 * B);
  for (let c = 0; c < nS; c++) {
    let s = 0;
    for (let f = 0; f < p; f++) {
      const v = S[c * p + f]!;
      f64[(pST >> 3) + f * nPad + c] = v;
      s += v * v;
    }
    f64[(pSNorm >> 3) + c] = s;
  }
  const rbf = kernel === 'rbf' ? 1 : 0;
  return (Z, m, out) => {
    for (let i0 = 0; i0 < m; i0 += B) {
      const mb = Math.min(B, m - i0);
      f64.set(Z.subarray(i0 * p, (i0 + mb) * p), pZ >> 3);
      for (let i = 0; i < mb; i++) {
        let s = 0;
        for (let f = 0; f < p; f++) s += Z[(i0 + i) * p + f]! * Z[(i0 + i) * p + f]!;
        f64[(pZNorm >> 3) + i] = s;
      }
      loops.kernelMatrix(pZ, pZNorm, mb, pST, pSNorm, p, nPad, -gamma, rbf, pOut);
      for (let i = 0; i < mb; i++) {
        const o = (pOut >> 3) + i * nPad;
        out.set(f64.subarray(o, o + nS), (i0 + i) * nS);
      }
    }
  };
}

// JavaScript fallbacks of smo.as (element indices instead of byte offsets): the same float64 operations in the same
// order and the same tie rule (the last index wins), so results equal the SIMD loops bit for bit.

function jsPickI(f64: Float64Array, g: number, iOff: number, n: number, out: number): number {
  let gmax = -Infinity;
  let imax = -1;
  for (let b = 0; b < n; b++) {
    const c = f64[iOff + b]! - f64[g + b]!;
    if (c >= gmax) {
      gmax = c;
      imax = b;
    }
  }
  f64[out] = gmax;
  return imax;
}

function jsSelectJ(
  f64: Float64Array,
  f32: Float32Array,
  g: number,
  jOff: number,
  QD: number,
  Ki: number,
  QDi: number,
  Gmax: number,
  n: number,
  out: number,
): number {
  let Gmax2 = -Infinity;
  let best = -Infinity;
  let jSel = -1;
  for (let b = 0; b < n; b++) {
    const F = f64[g + b]! + f64[jOff + b]!;
    if (F > Gmax2) Gmax2 = F;
    const gd = Gmax + F;
    if (gd > 0) {
      let quad = QDi + f64[QD + b]! - 2 * f32[Ki + b]!;
      if (!(quad > 0)) quad = TAU;
      const r = (gd * gd) / quad;
      if (r >= best) {
        best = r;
        jSel = b;
      }
    }
  }
  f64[out] = Gmax2;
  return jSel;
}

/** `jsSelectJ` with K(b, b) = 1: quad = qd1 − 2·Ki_b is the same number as (QDi + 1) − 2·Ki_b there. */
function jsSelectJUnit(
  f64: Float64Array,
  f32: Float32Array,
  g: number,
  jOff: number,
  Ki: number,
  qd1: number,
  Gmax: number,
  n: number,
  out: number,
): number {
  let Gmax2 = -Infinity;
  let best = -Infinity;
  let jSel = -1;
  for (let b = 0; b < n; b++) {
    const F = f64[g + b]! + f64[jOff + b]!;
    if (F > Gmax2) Gmax2 = F;
    const gd = Gmax + F;
    if (gd > 0) {
      let quad = qd1 - 2 * f32[Ki + b]!;
      if (!(quad > 0)) quad = TAU;
      const r = (gd * gd) / quad;
      if (r >= best) {
        best = r;
        jSel = b;
      }
    }
  }
  f64[out] = Gmax2;
  return jSel;
}

function jsUpdatePickI(
  f64: Float64Array,
  f32: Float32Array,
  g: number,
  iOff: number,
  Ki: number,
  Kj: number,
  di: number,
  dj: number,
  n: number,
  out: number,
): number {
  let gmax = -Infinity;
  let imax = -1;
  for (let b = 0; b < n; b++) {
    const v = f64[g + b]! + f32[Ki + b]! * di + f32[Kj + b]! * dj;
    f64[g + b] = v;
    const c = f64[iOff + b]! - v;
    if (c >= gmax) {
      gmax = c;
      imax = b;
    }
  }
  f64[out] = gmax;
  return imax;
}

const LOG2E = 1.4426950408889634;
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const MAGIC = 6755399441055744.0;
const EXP_MIN = -200;
/** 2^−k for k = 0 … 300, by exact halving. */
const POW2_NEG = (() => {
  const t = new Float64Array(301);
  t[0] = 1;
  for (let k = 1; k <= 300; k++) t[k] = t[k - 1]! * 0.5;
  return t;
})();

/** exp(x) for x ≤ 0: the twin of smo.as `expNeg2` (same operations and order; 2^k from a table instead of bits). */
export function expNeg(x0: number): number {
  const x = x0 < EXP_MIN ? EXP_MIN : x0;
  const t = x * LOG2E + MAGIC;
  const k = t - MAGIC;
  const r = x - k * LN2_HI - k * LN2_LO;
  let q = 1 / 6227020800;
  q = q * r + 1 / 479001600;
  q = q * r + 1 / 39916800;
  q = q * r + 1 / 3628800;
  q = q * r + 1 / 362880;
  q = q * r + 1 / 40320;
  q = q * r + 1 / 5040;
  q = q * r + 1 / 720;
  q = q * r + 1 / 120;
  q = q * r + 1 / 24;
  q = q * r + 1 / 6;
  q = q * r + 0.5;
  q = q * r + 1;
  q = q * r + 1;
  return q * POW2_NEG[-k]!;
}

function jsKernelBlock(
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  X: number,
  norms: number,
  p: number,
  n: number,
  r0: number,
  m: number,
  negGamma: number,
  rbf: number,
  dst: number,
): void {
  for (let k = 0; k < m; k++) {
    const out = i32[dst + k]! >> 2;
    if (out === 0) continue;
    const r = r0 + k;
    const xr = X + r * p;
    const nr = f64[norms + r]!;
    for (let c = 0; c < n; c++) {
      const xc = X + c * p;
      let acc = 0;
      for (let q = 0; q < p; q++) acc += f64[xr + q]! * f64[xc + q]!;
      f32[out + c] = rbf ? expNeg(negGamma * Math.max(0, nr + f64[norms + c]! - 2 * acc)) : acc;
    }
  }
}

function jsKernelMatrix(
  f64: Float64Array,
  Z: number,
  zNorm: number,
  m: number,
  ST: number,
  sNorm: number,
  p: number,
  n: number,
  negGamma: number,
  rbf: number,
  out: number,
): void {
  for (let i = 0; i < m; i++) {
    const nr = f64[zNorm + i]!;
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let q = 0; q < p; q++) acc += f64[Z + i * p + q]! * f64[ST + q * n + c]!;
      f64[out + i * n + c] = rbf ? expNeg(negGamma * Math.max(0, nr + f64[sNorm + c]! - 2 * acc)) : acc;
    }
  }
}
