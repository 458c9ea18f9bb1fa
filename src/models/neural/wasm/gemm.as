// AssemblyScript source of the WebAssembly SIMD (f64x2, f32x4) kernels used by ../kernels.ts and the fused layers.
// Build: `node scripts/build-wasm.mjs neural` (runs asc from the assemblyscript devDependency and writes
// gemm-wasm.ts with the module bytes, so nothing is compiled or downloaded at install or run time).
// Memory layout is the caller's: pointers are byte offsets into this module's memory, strides in elements.
// No allocation happens here (stub runtime); the caller places operands above heapBase() and grows memory.
// Tuning notes (V8 on x86-64, measured in-process A/B): inner loops step one pointer per operand and no separate
// counter (fewer live registers: +5-17 %); unrolling p by 2 or 5-row register blocks were slower (spills).

export function heapBase(): usize {
  return __heap_base;
}

@inline function ld(p: usize): v128 {
  return v128.load(p);
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** C(i,j) (+)= Σ_p A[i·lda + p] · B[j·ldb + p]  (dot products of rows; blocks of 2 rows × 4 columns). */
export function gemmNT(m: i32, n: i32, k: i32, pA: usize, lda: i32, pB: usize, ldb: i32, pC: usize, ldc: i32, acc: i32): void {
  const k2 = k & ~1;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = pA + ((<usize>(i * lda)) << 3);
    const a1 = a0 + ((<usize>lda) << 3);
    const c0 = pC + ((<usize>(i * ldc)) << 3);
    const c1 = c0 + ((<usize>ldc) << 3);
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = pB + ((<usize>(j * ldb)) << 3);
      const b1 = b0 + ((<usize>ldb) << 3);
      const b2 = b1 + ((<usize>ldb) << 3);
      const b3 = b2 + ((<usize>ldb) << 3);
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let p = 0; p < k2; p += 2) {
        const o = (<usize>p) << 3;
        const x0 = ld(a0 + o), x1 = ld(a1 + o);
        const y0 = ld(b0 + o), y1 = ld(b1 + o), y2 = ld(b2 + o), y3 = ld(b3 + o);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      let r00 = hsum(s00), r01 = hsum(s01), r02 = hsum(s02), r03 = hsum(s03);
      let r10 = hsum(s10), r11 = hsum(s11), r12 = hsum(s12), r13 = hsum(s13);
      if (k2 < k) {
        const o = (<usize>k2) << 3;
        const x0 = load<f64>(a0 + o), x1 = load<f64>(a1 + o);
        const y0 = load<f64>(b0 + o), y1 = load<f64>(b1 + o), y2 = load<f64>(b2 + o), y3 = load<f64>(b3 + o);
        r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
        r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
      }
      const cj0 = c0 + ((<usize>j) << 3);
      const cj1 = c1 + ((<usize>j) << 3);
      if (acc) {
        r00 += load<f64>(cj0); r01 += load<f64>(cj0, 8); r02 += load<f64>(cj0, 16); r03 += load<f64>(cj0, 24);
        r10 += load<f64>(cj1); r11 += load<f64>(cj1, 8); r12 += load<f64>(cj1, 16); r13 += load<f64>(cj1, 24);
      }
      store<f64>(cj0, r00); store<f64>(cj0, r01, 8); store<f64>(cj0, r02, 16); store<f64>(cj0, r03, 24);
      store<f64>(cj1, r10); store<f64>(cj1, r11, 8); store<f64>(cj1, r12, 16); store<f64>(cj1, r13, 24);
    }
    for (; j < n; j++) {
      // the last columns (all of them for a one-output layer): pairs of p in f64x2, like the blocks above
      const b0 = pB + ((<usize>(j * ldb)) << 3);
      let t0 = f64x2.splat(0), t1 = f64x2.splat(0);
      for (let p = 0; p < k2; p += 2) {
        const o = (<usize>p) << 3;
        const y = ld(b0 + o);
        t0 = f64x2.add(t0, f64x2.mul(ld(a0 + o), y));
        t1 = f64x2.add(t1, f64x2.mul(ld(a1 + o), y));
      }
      let s0 = hsum(t0), s1 = hsum(t1);
      if (k2 < k) {
        const o = (<usize>k2) << 3;
        const y = load<f64>(b0 + o);
        s0 += load<f64>(a0 + o) * y;
        s1 += load<f64>(a1 + o) * y;
      }
      const cj0 = c0 + ((<usize>j) << 3);
      const cj1 = c1 + ((<usize>j) << 3);
      if (acc) { s0 += load<f64>(cj0); s1 += load<f64>(cj1); }
      store<f64>(cj0, s0);
      store<f64>(cj1, s1);
    }
  }
  for (; i < m; i++) {
    const a0 = pA + ((<usize>(i * lda)) << 3);
    const c0 = pC + ((<usize>(i * ldc)) << 3);
    for (let j = 0; j < n; j++) {
      const b0 = pB + ((<usize>(j * ldb)) << 3);
      let s: f64 = 0;
      for (let p = 0; p < k; p++) {
        const o = (<usize>p) << 3;
        s += load<f64>(a0 + o) * load<f64>(b0 + o);
      }
      const cj = c0 + ((<usize>j) << 3);
      if (acc) s += load<f64>(cj);
      store<f64>(cj, s);
    }
  }
}

/** Rows of B (and columns of A) per pass of gemmNN: a 128-row slice of B and A stays in L2 for the whole pass. */
const KC: i32 = 128;

/**
 * C(i,j) (+)= Σ_p A[i·ai + p·ap] · B[p·ldb + j]  (A with any strides, so Aᵀ works too). The p range is cut into
 * KC-long passes (cache blocking: the weight-gradient products have p = steps × batch ≈ 2000, whose operands do not
 * fit in cache), each pass a register-blocked panel product.
 */
export function gemmNN(m: i32, n: i32, k: i32, pA: usize, ai: i32, ap: i32, pB: usize, ldb: i32, pC: usize, ldc: i32, acc: i32): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    gemmNNPanel(m, n, kc, pA + ((<usize>(p0 * ap)) << 3), ai, ap, pB + ((<usize>(p0 * ldb)) << 3), ldb, pC, ldc, acc || p0 > 0 ? 1 : 0);
  }
}

/** One pass of gemmNN: register blocks of 4 rows × 4 columns in eight f64x2 accumulators over the p loop. */
function gemmNNPanel(m: i32, n: i32, k: i32, pA: usize, ai: i32, ap: i32, pB: usize, ldb: i32, pC: usize, ldc: i32, acc: i32): void {
  const apB = (<usize>ap) << 3;
  const ldbB = (<usize>ldb) << 3;
  const aiB = (<usize>ai) << 3;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = pA + ((<usize>(i * ai)) << 3);
    const r1 = r0 + ((<usize>ai) << 3);
    const r2 = r1 + ((<usize>ai) << 3);
    const r3 = r2 + ((<usize>ai) << 3);
    const c0 = pC + ((<usize>(i * ldc)) << 3);
    const c1 = c0 + ((<usize>ldc) << 3);
    const c2 = c1 + ((<usize>ldc) << 3);
    const c3 = c2 + ((<usize>ldc) << 3);
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const jo = (<usize>j) << 3;
      let u0 = f64x2.splat(0), v0 = f64x2.splat(0), u1 = f64x2.splat(0), v1 = f64x2.splat(0);
      let u2 = f64x2.splat(0), v2 = f64x2.splat(0), u3 = f64x2.splat(0), v3 = f64x2.splat(0);
      if (acc) {
        u0 = ld(c0 + jo); v0 = ld(c0 + jo + 16);
        u1 = ld(c1 + jo); v1 = ld(c1 + jo + 16);
        u2 = ld(c2 + jo); v2 = ld(c2 + jo + 16);
        u3 = ld(c3 + jo); v3 = ld(c3 + jo + 16);
      }
      // one induction pointer per operand (no separate counter): fewer live registers in the loop, measured faster
      let pa = r0;
      const paEnd = r0 + (<usize>k) * apB;
      let pb = pB + jo;
      for (; pa < paEnd; pa += apB) {
        const b0 = ld(pb), b1 = ld(pb + 16);
        const x0 = v128.load64_splat(pa);
        const x1 = v128.load64_splat(pa + aiB);
        const x2 = v128.load64_splat(pa + 2 * aiB);
        const x3 = v128.load64_splat(pa + 3 * aiB);
        u0 = f64x2.add(u0, f64x2.mul(x0, b0)); v0 = f64x2.add(v0, f64x2.mul(x0, b1));
        u1 = f64x2.add(u1, f64x2.mul(x1, b0)); v1 = f64x2.add(v1, f64x2.mul(x1, b1));
        u2 = f64x2.add(u2, f64x2.mul(x2, b0)); v2 = f64x2.add(v2, f64x2.mul(x2, b1));
        u3 = f64x2.add(u3, f64x2.mul(x3, b0)); v3 = f64x2.add(v3, f64x2.mul(x3, b1));
        pb += ldbB;
      }
      v128.store(c0 + jo, u0); v128.store(c0 + jo + 16, v0);
      v128.store(c1 + jo, u1); v128.store(c1 + jo + 16, v1);
      v128.store(c2 + jo, u2); v128.store(c2 + jo + 16, v2);
      v128.store(c3 + jo, u3); v128.store(c3 + jo + 16, v3);
    }
    for (; j < n; j++) {
      const jo = (<usize>j) << 3;
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      if (acc) { s0 = load<f64>(c0 + jo); s1 = load<f64>(c1 + jo); s2 = load<f64>(c2 + jo); s3 = load<f64>(c3 + jo); }
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        const b = load<f64>(pb);
        s0 += load<f64>(r0 + pa) * b;
        s1 += load<f64>(r1 + pa) * b;
        s2 += load<f64>(r2 + pa) * b;
        s3 += load<f64>(r3 + pa) * b;
        pa += apB;
        pb += ldbB;
      }
      store<f64>(c0 + jo, s0); store<f64>(c1 + jo, s1); store<f64>(c2 + jo, s2); store<f64>(c3 + jo, s3);
    }
  }
  for (; i < m; i++) {
    const r0 = pA + ((<usize>(i * ai)) << 3);
    const c0 = pC + ((<usize>(i * ldc)) << 3);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const jo = (<usize>j) << 3;
      let u = acc ? ld(c0 + jo) : f64x2.splat(0);
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        u = f64x2.add(u, f64x2.mul(v128.load64_splat(r0 + pa), ld(pb)));
        pa += apB;
        pb += ldbB;
      }
      v128.store(c0 + jo, u);
    }
    for (; j < n; j++) {
      const jo = (<usize>j) << 3;
      let s: f64 = acc ? load<f64>(c0 + jo) : 0;
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        s += load<f64>(r0 + pa) * load<f64>(pb);
        pa += apB;
        pb += ldbB;
      }
      store<f64>(c0 + jo, s);
    }
  }
}

// ---------------------------------------------------------------- sequence layout

/** Dst (T·b rows, time-major) ← Src (b·T rows, batch-major); rows of `rowBytes` bytes. */
export function toTimeMajor(pSrc: usize, pDst: usize, b: i32, T: i32, rowBytes: i32): void {
  const rb = <usize>rowBytes;
  for (let s = 0; s < b; s++) {
    for (let t = 0; t < T; t++) {
      memory.copy(pDst + (<usize>(t * b + s)) * rb, pSrc + (<usize>(s * T + t)) * rb, rb);
    }
  }
}

/** Dst (b·T rows, batch-major) ← Src (T·b rows, time-major); rows of `rowBytes` bytes. */
export function toBatchMajor(pSrc: usize, pDst: usize, b: i32, T: i32, rowBytes: i32): void {
  const rb = <usize>rowBytes;
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < b; s++) {
      memory.copy(pDst + (<usize>(s * T + t)) * rb, pSrc + (<usize>(t * b + s)) * rb, rb);
    }
  }
}

// ---------------------------------------------------------------- fused LSTM layer (time-major, PyTorch gate order)

@inline function sig(x: f64): f64 {
  return 1.0 / (1.0 + Math.exp(-x));
}

@inline function th(x: f64): f64 {
  return 1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0);
}

// e^x on two f64 lanes, Cephes exp: x = n·ln2 + r, |r| ≤ ln2/2, e^r = (Q(r²) + r·P(r²)) / (Q(r²) − r·P(r²)), 2^n from
// the exponent bits (relative error ≈ 3e-16). x is clamped to [−708, 709] (pmin/pmax: one instruction each, NaN passes
// through) so 2^n stays a normal number and the gates saturate as with the scalar exp. It comes in pieces so sigmoid
// and tanh fold its division into their own: 1/(1 + e^x) = (q − p) / ((q − p) + (q + p)·2^n), one division per gate
// instead of two ((q + p)·2^n ≤ 1.5·2^1023 stays finite).
@inline function expClamp2(x: v128): v128 {
  return f64x2.pmin(f64x2.pmax(x, f64x2.splat(-708.0)), f64x2.splat(709.0));
}
@inline function expN2(v: v128): v128 {
  return f64x2.nearest(f64x2.mul(v, f64x2.splat(1.4426950408889634073599)));
}
@inline function expR2(v: v128, fx: v128): v128 {
  const r = f64x2.sub(v, f64x2.mul(fx, f64x2.splat(6.93145751953125e-1)));
  return f64x2.sub(r, f64x2.mul(fx, f64x2.splat(1.42860682030941723212e-6)));
}
@inline function expP2(r: v128): v128 {
  const xx = f64x2.mul(r, r);
  const p = f64x2.add(f64x2.mul(f64x2.splat(1.26177193074810590878e-4), xx), f64x2.splat(3.02994407707441961300e-2));
  return f64x2.mul(r, f64x2.add(f64x2.mul(p, xx), f64x2.splat(9.99999999999999999910e-1)));
}
@inline function expQ2(r: v128): v128 {
  const xx = f64x2.mul(r, r);
  let q = f64x2.add(f64x2.mul(f64x2.splat(3.00198505138664455042e-6), xx), f64x2.splat(2.52448340349684104192e-3));
  q = f64x2.add(f64x2.mul(q, xx), f64x2.splat(2.27265548208155028766e-1));
  return f64x2.add(f64x2.mul(q, xx), f64x2.splat(2.00000000000000000009e0));
}
@inline function expScale2(fx: v128): v128 {
  const n = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(fx));
  return i64x2.shl(i64x2.add(n, i64x2.splat(1023)), 52);
}

/** 1 / (1 + e^x) on two f64 lanes, one division (see above). */
@inline function invOnePlusExp2(x: v128): v128 {
  const v = expClamp2(x);
  const fx = expN2(v);
  const r = expR2(v, fx);
  const p = expP2(r);
  const q = expQ2(r);
  const den = f64x2.sub(q, p);
  return f64x2.div(den, f64x2.add(den, f64x2.mul(f64x2.add(q, p), expScale2(fx))));
}

/** σ(x) = 1 / (1 + e^−x) on two f64 lanes. */
@inline function sig2(x: v128): v128 {
  return invOnePlusExp2(f64x2.neg(x));
}

/** tanh x = 1 − 2 / (e^{2x} + 1) on two f64 lanes. */
@inline function th2(x: v128): v128 {
  const two = f64x2.splat(2.0);
  return f64x2.sub(f64x2.splat(1.0), f64x2.mul(two, invOnePlusExp2(f64x2.mul(two, x))));
}

/**
 * Forward pass of one LSTM layer over T steps for b sequences (see ../layers/lstm.ts for the equations).
 * X: T·b × F; W_ih: 4H × F; W_hh: 4H × H; bias: 4H (b_ih + b_hh). Writes G (T·b × 4H, activated i f g o),
 * C, TC = tanh(C) and Hs (T·b × H each).
 */
export function lstmForward(T: i32, b: i32, F: i32, H: i32, pX: usize, pWih: usize, pWhh: usize, pBias: usize, pG: usize, pC: usize, pTC: usize, pH: usize): void {
  const G4 = 4 * H;
  const Ho = (<usize>H) << 3;
  const bHo = (<usize>(b * H)) << 3;
  gemmNT(T * b, G4, F, pX, F, pWih, F, pG, G4, 0);
  for (let t = 0; t < T; t++) {
    const gBase = pG + ((<usize>(t * b * G4)) << 3);
    const sOff = (<usize>(t * b * H)) << 3;
    if (t > 0) gemmNT(b, G4, H, pH + sOff - bHo, H, pWhh, H, gBase, G4, 1);
    for (let s = 0; s < b; s++) {
      const g0 = gBase + ((<usize>(s * G4)) << 3);
      const s0 = sOff + ((<usize>(s * H)) << 3);
      let u = 0;
      for (; u + 1 < H; u += 2) {
        const uo = (<usize>u) << 3;
        const gi = g0 + uo;
        const bi = pBias + uo;
        const ig = sig2(f64x2.add(ld(gi), ld(bi)));
        const fg = sig2(f64x2.add(ld(gi + Ho), ld(bi + Ho)));
        const gg = th2(f64x2.add(ld(gi + 2 * Ho), ld(bi + 2 * Ho)));
        const og = sig2(f64x2.add(ld(gi + 3 * Ho), ld(bi + 3 * Ho)));
        v128.store(gi, ig);
        v128.store(gi + Ho, fg);
        v128.store(gi + 2 * Ho, gg);
        v128.store(gi + 3 * Ho, og);
        const cv = t > 0 ? f64x2.add(f64x2.mul(fg, ld(pC + s0 - bHo + uo)), f64x2.mul(ig, gg)) : f64x2.mul(ig, gg);
        const tcv = th2(cv);
        v128.store(pC + s0 + uo, cv);
        v128.store(pTC + s0 + uo, tcv);
        v128.store(pH + s0 + uo, f64x2.mul(og, tcv));
      }
      for (; u < H; u++) {
        const uo = (<usize>u) << 3;
        const gi = g0 + uo;
        const bi = pBias + uo;
        const ig = sig(load<f64>(gi) + load<f64>(bi));
        const fg = sig(load<f64>(gi + Ho) + load<f64>(bi + Ho));
        const gg = th(load<f64>(gi + 2 * Ho) + load<f64>(bi + 2 * Ho));
        const og = sig(load<f64>(gi + 3 * Ho) + load<f64>(bi + 3 * Ho));
        store<f64>(gi, ig);
        store<f64>(gi + Ho, fg);
        store<f64>(gi + 2 * Ho, gg);
        store<f64>(gi + 3 * Ho, og);
        const cv = (t > 0 ? fg * load<f64>(pC + s0 - bHo + uo) : 0.0) + ig * gg;
        const tcv = th(cv);
        store<f64>(pC + s0 + uo, cv);
        store<f64>(pTC + s0 + uo, tcv);
        store<f64>(pH + s0 + uo, og * tcv);
      }
    }
  }
}

/**
 * Backward pass of lstmForward. Dy: T·b × H (returnSeq = 1) or b × H (last step only). Uses Dh, Dc (b × H each)
 * and DG (T·b × 4H) as scratch; writes fresh (not accumulated) gradients GWih (4H × F), GWhh (4H × H),
 * GB (4H, the same for b_ih and b_hh) and Dx (T·b × F; skipped when pDx is 0).
 */
export function lstmBackward(T: i32, b: i32, F: i32, H: i32, returnSeq: i32, pDy: usize, pX: usize, pWih: usize, pWhh: usize, pG: usize, pC: usize, pTC: usize, pH: usize, pDG: usize, pDh: usize, pDc: usize, pGWih: usize, pGWhh: usize, pGB: usize, pDx: usize): void {
  const G4 = 4 * H;
  const Ho = (<usize>H) << 3;
  const bH = b * H;
  const bHo = (<usize>bH) << 3;
  memory.fill(pDc, 0, bHo);
  for (let t = T - 1; t >= 0; t--) {
    const gBase = (<usize>(t * b * G4)) << 3;
    const sOff = (<usize>(t * bH)) << 3;
    if (returnSeq) {
      if (t == T - 1) memory.copy(pDh, pDy + sOff, bHo);
      else for (let k = 0; k < bH; k++) {
        const ko = (<usize>k) << 3;
        store<f64>(pDh + ko, load<f64>(pDh + ko) + load<f64>(pDy + sOff + ko));
      }
    } else if (t == T - 1) {
      memory.copy(pDh, pDy, bHo);
    }
    for (let s = 0; s < b; s++) {
      const g0 = pG + gBase + ((<usize>(s * G4)) << 3);
      const d0g = pDG + gBase + ((<usize>(s * G4)) << 3);
      const s0 = sOff + ((<usize>(s * H)) << 3);
      const d0 = (<usize>(s * H)) << 3;
      let u = 0;
      for (; u + 1 < H; u += 2) {
        // the scalar loop below, two units at a time (the same f64 operations in the same order)
        const uo = (<usize>u) << 3;
        const one = f64x2.splat(1.0);
        const ig = ld(g0 + uo);
        const fg = ld(g0 + Ho + uo);
        const gg = ld(g0 + 2 * Ho + uo);
        const og = ld(g0 + 3 * Ho + uo);
        const tcv = ld(pTC + s0 + uo);
        const dhv = ld(pDh + d0 + uo);
        const dcv = f64x2.add(ld(pDc + d0 + uo), f64x2.mul(f64x2.mul(dhv, og), f64x2.sub(one, f64x2.mul(tcv, tcv))));
        const cPrev = t > 0 ? ld(pC + s0 - bHo + uo) : f64x2.splat(0);
        v128.store(d0g + uo, f64x2.mul(f64x2.mul(f64x2.mul(dcv, gg), ig), f64x2.sub(one, ig)));
        v128.store(d0g + Ho + uo, f64x2.mul(f64x2.mul(f64x2.mul(dcv, cPrev), fg), f64x2.sub(one, fg)));
        v128.store(d0g + 2 * Ho + uo, f64x2.mul(f64x2.mul(dcv, ig), f64x2.sub(one, f64x2.mul(gg, gg))));
        v128.store(d0g + 3 * Ho + uo, f64x2.mul(f64x2.mul(f64x2.mul(dhv, tcv), og), f64x2.sub(one, og)));
        v128.store(pDc + d0 + uo, f64x2.mul(dcv, fg));
      }
      for (; u < H; u++) {
        const uo = (<usize>u) << 3;
        const ig = load<f64>(g0 + uo);
        const fg = load<f64>(g0 + Ho + uo);
        const gg = load<f64>(g0 + 2 * Ho + uo);
        const og = load<f64>(g0 + 3 * Ho + uo);
        const tcv = load<f64>(pTC + s0 + uo);
        const dhv = load<f64>(pDh + d0 + uo);
        const dcv = load<f64>(pDc + d0 + uo) + dhv * og * (1.0 - tcv * tcv);
        const cPrev = t > 0 ? load<f64>(pC + s0 - bHo + uo) : 0.0;
        store<f64>(d0g + uo, dcv * gg * ig * (1.0 - ig));
        store<f64>(d0g + Ho + uo, dcv * cPrev * fg * (1.0 - fg));
        store<f64>(d0g + 2 * Ho + uo, dcv * ig * (1.0 - gg * gg));
        store<f64>(d0g + 3 * Ho + uo, dhv * tcv * og * (1.0 - og));
        store<f64>(pDc + d0 + uo, dcv * fg);
      }
    }
    if (t > 0) gemmNN(b, H, G4, pDG + gBase, G4, 1, pWhh, H, pDh, H, 0);
  }
  const rows = T * b;
  if (T > 1) gemmNN(G4, H, rows - b, pDG + ((<usize>(b * G4)) << 3), 1, G4, pH, H, pGWhh, H, 0);
  else memory.fill(pGWhh, 0, (<usize>(G4 * H)) << 3);
  gemmNN(G4, F, rows, pDG, 1, G4, pX, F, pGWih, F, 0);
  memory.fill(pGB, 0, (<usize>G4) << 3);
  for (let r = 0; r < rows; r++) {
    const ro = pDG + ((<usize>(r * G4)) << 3);
    let j = 0;
    for (; j + 1 < G4; j += 2) {
      const jo = (<usize>j) << 3;
      v128.store(pGB + jo, f64x2.add(ld(pGB + jo), ld(ro + jo)));
    }
    for (; j < G4; j++) {
      const jo = (<usize>j) << 3;
      store<f64>(pGB + jo, load<f64>(pGB + jo) + load<f64>(ro + jo));
    }
  }
  if (pDx != 0) gemmNN(rows, F, G4, pDG, G4, 1, pWih, F, pDx, F, 0);
}

// ---------------------------------------------------------------- float32 (f32x4) versions, opt-in precision
// Same layouts and semantics as the float64 kernels above with 4-byte elements: twice the lanes per instruction and
// half the memory traffic, at float32 rounding (PyTorch's default precision). Weights stay float64 in the caller.

@inline function hsum4(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

export function gemmNT32(m: i32, n: i32, k: i32, pA: usize, lda: i32, pB: usize, ldb: i32, pC: usize, ldc: i32, acc: i32): void {
  const k4 = k & ~3;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = pA + ((<usize>(i * lda)) << 2);
    const a1 = a0 + ((<usize>lda) << 2);
    const c0 = pC + ((<usize>(i * ldc)) << 2);
    const c1 = c0 + ((<usize>ldc) << 2);
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = pB + ((<usize>(j * ldb)) << 2);
      const b1 = b0 + ((<usize>ldb) << 2);
      const b2 = b1 + ((<usize>ldb) << 2);
      const b3 = b2 + ((<usize>ldb) << 2);
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = (<usize>p) << 2;
        const x0 = ld(a0 + o), x1 = ld(a1 + o);
        const y0 = ld(b0 + o), y1 = ld(b1 + o), y2 = ld(b2 + o), y3 = ld(b3 + o);
        s00 = f32x4.add(s00, f32x4.mul(x0, y0));
        s01 = f32x4.add(s01, f32x4.mul(x0, y1));
        s02 = f32x4.add(s02, f32x4.mul(x0, y2));
        s03 = f32x4.add(s03, f32x4.mul(x0, y3));
        s10 = f32x4.add(s10, f32x4.mul(x1, y0));
        s11 = f32x4.add(s11, f32x4.mul(x1, y1));
        s12 = f32x4.add(s12, f32x4.mul(x1, y2));
        s13 = f32x4.add(s13, f32x4.mul(x1, y3));
      }
      let r00 = hsum4(s00), r01 = hsum4(s01), r02 = hsum4(s02), r03 = hsum4(s03);
      let r10 = hsum4(s10), r11 = hsum4(s11), r12 = hsum4(s12), r13 = hsum4(s13);
      for (let p = k4; p < k; p++) {
        const o = (<usize>p) << 2;
        const x0 = load<f32>(a0 + o), x1 = load<f32>(a1 + o);
        const y0 = load<f32>(b0 + o), y1 = load<f32>(b1 + o), y2 = load<f32>(b2 + o), y3 = load<f32>(b3 + o);
        r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
        r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
      }
      const cj0 = c0 + ((<usize>j) << 2);
      const cj1 = c1 + ((<usize>j) << 2);
      if (acc) {
        r00 += load<f32>(cj0); r01 += load<f32>(cj0, 4); r02 += load<f32>(cj0, 8); r03 += load<f32>(cj0, 12);
        r10 += load<f32>(cj1); r11 += load<f32>(cj1, 4); r12 += load<f32>(cj1, 8); r13 += load<f32>(cj1, 12);
      }
      store<f32>(cj0, r00); store<f32>(cj0, r01, 4); store<f32>(cj0, r02, 8); store<f32>(cj0, r03, 12);
      store<f32>(cj1, r10); store<f32>(cj1, r11, 4); store<f32>(cj1, r12, 8); store<f32>(cj1, r13, 12);
    }
    for (; j < n; j++) {
      const b0 = pB + ((<usize>(j * ldb)) << 2);
      let s0: f32 = 0, s1: f32 = 0;
      for (let p = 0; p < k; p++) {
        const o = (<usize>p) << 2;
        const y = load<f32>(b0 + o);
        s0 += load<f32>(a0 + o) * y;
        s1 += load<f32>(a1 + o) * y;
      }
      const cj0 = c0 + ((<usize>j) << 2);
      const cj1 = c1 + ((<usize>j) << 2);
      if (acc) { s0 += load<f32>(cj0); s1 += load<f32>(cj1); }
      store<f32>(cj0, s0);
      store<f32>(cj1, s1);
    }
  }
  for (; i < m; i++) {
    const a0 = pA + ((<usize>(i * lda)) << 2);
    const c0 = pC + ((<usize>(i * ldc)) << 2);
    for (let j = 0; j < n; j++) {
      const b0 = pB + ((<usize>(j * ldb)) << 2);
      let s: f32 = 0;
      for (let p = 0; p < k; p++) {
        const o = (<usize>p) << 2;
        s += load<f32>(a0 + o) * load<f32>(b0 + o);
      }
      const cj = c0 + ((<usize>j) << 2);
      if (acc) s += load<f32>(cj);
      store<f32>(cj, s);
    }
  }
}

export function gemmNN32(m: i32, n: i32, k: i32, pA: usize, ai: i32, ap: i32, pB: usize, ldb: i32, pC: usize, ldc: i32, acc: i32): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    gemmNNPanel32(m, n, kc, pA + ((<usize>(p0 * ap)) << 2), ai, ap, pB + ((<usize>(p0 * ldb)) << 2), ldb, pC, ldc, acc || p0 > 0 ? 1 : 0);
  }
}

/** Register blocks of 4 rows × 8 columns in eight f32x4 accumulators. */
function gemmNNPanel32(m: i32, n: i32, k: i32, pA: usize, ai: i32, ap: i32, pB: usize, ldb: i32, pC: usize, ldc: i32, acc: i32): void {
  const apB = (<usize>ap) << 2;
  const ldbB = (<usize>ldb) << 2;
  const aiB = (<usize>ai) << 2;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = pA + ((<usize>(i * ai)) << 2);
    const r1 = r0 + ((<usize>ai) << 2);
    const r2 = r1 + ((<usize>ai) << 2);
    const r3 = r2 + ((<usize>ai) << 2);
    const c0 = pC + ((<usize>(i * ldc)) << 2);
    const c1 = c0 + ((<usize>ldc) << 2);
    const c2 = c1 + ((<usize>ldc) << 2);
    const c3 = c2 + ((<usize>ldc) << 2);
    let j = 0;
    for (; j + 7 < n; j += 8) {
      const jo = (<usize>j) << 2;
      let u0 = f32x4.splat(0), v0 = f32x4.splat(0), u1 = f32x4.splat(0), v1 = f32x4.splat(0);
      let u2 = f32x4.splat(0), v2 = f32x4.splat(0), u3 = f32x4.splat(0), v3 = f32x4.splat(0);
      if (acc) {
        u0 = ld(c0 + jo); v0 = ld(c0 + jo + 16);
        u1 = ld(c1 + jo); v1 = ld(c1 + jo + 16);
        u2 = ld(c2 + jo); v2 = ld(c2 + jo + 16);
        u3 = ld(c3 + jo); v3 = ld(c3 + jo + 16);
      }
      // one induction pointer per operand (no separate counter): fewer live registers in the loop, measured faster
      let pa = r0;
      const paEnd = r0 + (<usize>k) * apB;
      let pb = pB + jo;
      for (; pa < paEnd; pa += apB) {
        const b0 = ld(pb), b1 = ld(pb + 16);
        const x0 = v128.load32_splat(pa);
        const x1 = v128.load32_splat(pa + aiB);
        const x2 = v128.load32_splat(pa + 2 * aiB);
        const x3 = v128.load32_splat(pa + 3 * aiB);
        u0 = f32x4.add(u0, f32x4.mul(x0, b0)); v0 = f32x4.add(v0, f32x4.mul(x0, b1));
        u1 = f32x4.add(u1, f32x4.mul(x1, b0)); v1 = f32x4.add(v1, f32x4.mul(x1, b1));
        u2 = f32x4.add(u2, f32x4.mul(x2, b0)); v2 = f32x4.add(v2, f32x4.mul(x2, b1));
        u3 = f32x4.add(u3, f32x4.mul(x3, b0)); v3 = f32x4.add(v3, f32x4.mul(x3, b1));
        pb += ldbB;
      }
      v128.store(c0 + jo, u0); v128.store(c0 + jo + 16, v0);
      v128.store(c1 + jo, u1); v128.store(c1 + jo + 16, v1);
      v128.store(c2 + jo, u2); v128.store(c2 + jo + 16, v2);
      v128.store(c3 + jo, u3); v128.store(c3 + jo + 16, v3);
    }
    for (; j + 3 < n; j += 4) {
      // four columns left (e.g. the 4-feature input weights): one f32x4 per row, the same sums as the scalar loop
      const jo = (<usize>j) << 2;
      let u0 = f32x4.splat(0), u1 = f32x4.splat(0), u2 = f32x4.splat(0), u3 = f32x4.splat(0);
      if (acc) { u0 = ld(c0 + jo); u1 = ld(c1 + jo); u2 = ld(c2 + jo); u3 = ld(c3 + jo); }
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        const b0 = ld(pb);
        u0 = f32x4.add(u0, f32x4.mul(v128.load32_splat(r0 + pa), b0));
        u1 = f32x4.add(u1, f32x4.mul(v128.load32_splat(r1 + pa), b0));
        u2 = f32x4.add(u2, f32x4.mul(v128.load32_splat(r2 + pa), b0));
        u3 = f32x4.add(u3, f32x4.mul(v128.load32_splat(r3 + pa), b0));
        pa += apB;
        pb += ldbB;
      }
      v128.store(c0 + jo, u0); v128.store(c1 + jo, u1); v128.store(c2 + jo, u2); v128.store(c3 + jo, u3);
    }
    for (; j < n; j++) {
      const jo = (<usize>j) << 2;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      if (acc) { s0 = load<f32>(c0 + jo); s1 = load<f32>(c1 + jo); s2 = load<f32>(c2 + jo); s3 = load<f32>(c3 + jo); }
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        const b = load<f32>(pb);
        s0 += load<f32>(r0 + pa) * b;
        s1 += load<f32>(r1 + pa) * b;
        s2 += load<f32>(r2 + pa) * b;
        s3 += load<f32>(r3 + pa) * b;
        pa += apB;
        pb += ldbB;
      }
      store<f32>(c0 + jo, s0); store<f32>(c1 + jo, s1); store<f32>(c2 + jo, s2); store<f32>(c3 + jo, s3);
    }
  }
  for (; i < m; i++) {
    const r0 = pA + ((<usize>(i * ai)) << 2);
    const c0 = pC + ((<usize>(i * ldc)) << 2);
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const jo = (<usize>j) << 2;
      let u = acc ? ld(c0 + jo) : f32x4.splat(0);
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        u = f32x4.add(u, f32x4.mul(v128.load32_splat(r0 + pa), ld(pb)));
        pa += apB;
        pb += ldbB;
      }
      v128.store(c0 + jo, u);
    }
    for (; j < n; j++) {
      const jo = (<usize>j) << 2;
      let s: f32 = acc ? load<f32>(c0 + jo) : 0;
      let pa: usize = 0;
      let pb = pB + jo;
      for (let p = 0; p < k; p++) {
        s += load<f32>(r0 + pa) * load<f32>(pb);
        pa += apB;
        pb += ldbB;
      }
      store<f32>(c0 + jo, s);
    }
  }
}

@inline function sig32(x: f32): f32 {
  return <f32>1.0 / (<f32>1.0 + Mathf.exp(-x));
}

@inline function th32(x: f32): f32 {
  return <f32>1.0 - <f32>2.0 / (Mathf.exp(<f32>2.0 * x) + <f32>1.0);
}

/**
 * e^x on four f32 lanes (Cephes expf: x = k·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, 2^k from the exponent
 * bits; ≈ 1 ulp). x is clamped to [−87, 88] so 2^k stays a normal number: sigmoid and tanh saturate as before.
 * NaN stays NaN (pmin/pmax pass it through), so a diverging net is still caught.
 */
@inline function exp4(x: v128): v128 {
  // pmax(x, lo) = x < lo ? lo : x and pmin(·, hi) = hi < · ? hi : ·: one instruction each (min/max need NaN and
  // ±0 fix-ups), and a NaN x compares false both times, so it passes through
  let v = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(v, f32x4.splat(1.44269504088896341)));
  v = f32x4.sub(v, f32x4.mul(fx, f32x4.splat(0.693359375)));
  v = f32x4.sub(v, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.mul(f32x4.mul(y, v), v), f32x4.add(v, f32x4.splat(1.0)));
  const k = i32x4.trunc_sat_f32x4_s(fx);
  return f32x4.mul(y, i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23));
}

/** σ(x) = 1 / (1 + e^−x) on four f32 lanes. */
@inline function sig4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh x = 1 − 2 / (e^{2x} + 1) on four f32 lanes. */
@inline function th4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  const two = f32x4.splat(2.0);
  return f32x4.sub(one, f32x4.div(two, f32x4.add(exp4(f32x4.mul(two, x)), one)));
}

/** Dst (cols × rows) = Src (rows × cols)ᵀ, f32. */
function transpose32(pSrc: usize, rows: i32, cols: i32, pDst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(pDst + ((<usize>(c * rows + r)) << 2), load<f32>(pSrc + ((<usize>(r * cols + c)) << 2)));
    }
  }
}

/** lstmForward in float32: every array holds f32. */
export function lstmForward32(T: i32, b: i32, F: i32, H: i32, pX: usize, pWih: usize, pWhh: usize, pBias: usize, pWt: usize, pG: usize, pC: usize, pTC: usize, pH: usize): void {
  const G4 = 4 * H;
  const Ho = (<usize>H) << 2;
  const bHo = (<usize>(b * H)) << 2;
  // Wt = [W_ihᵀ; W_hhᵀ] ((F + H) × 4H, scratch): the products run as broadcast panels (gemmNN32, no horizontal sums),
  // measured faster in f32 than row dot products (gemmNT32), most for the short input rows of a first layer
  transpose32(pWih, G4, F, pWt);
  const pWhhT = pWt + ((<usize>(F * G4)) << 2);
  transpose32(pWhh, G4, H, pWhhT);
  gemmNN32(T * b, G4, F, pX, F, 1, pWt, G4, pG, G4, 0);
  for (let t = 0; t < T; t++) {
    const gBase = pG + ((<usize>(t * b * G4)) << 2);
    const sOff = (<usize>(t * b * H)) << 2;
    if (t > 0) gemmNN32(b, G4, H, pH + sOff - bHo, H, 1, pWhhT, G4, gBase, G4, 1);
    for (let s = 0; s < b; s++) {
      const g0 = gBase + ((<usize>(s * G4)) << 2);
      const s0 = sOff + ((<usize>(s * H)) << 2);
      let u = 0;
      for (; u + 3 < H; u += 4) {
        const uo = (<usize>u) << 2;
        const gi = g0 + uo;
        const bi = pBias + uo;
        const ig = sig4(f32x4.add(ld(gi), ld(bi)));
        const fg = sig4(f32x4.add(ld(gi + Ho), ld(bi + Ho)));
        const gg = th4(f32x4.add(ld(gi + 2 * Ho), ld(bi + 2 * Ho)));
        const og = sig4(f32x4.add(ld(gi + 3 * Ho), ld(bi + 3 * Ho)));
        v128.store(gi, ig);
        v128.store(gi + Ho, fg);
        v128.store(gi + 2 * Ho, gg);
        v128.store(gi + 3 * Ho, og);
        const cv = t > 0 ? f32x4.add(f32x4.mul(fg, ld(pC + s0 - bHo + uo)), f32x4.mul(ig, gg)) : f32x4.mul(ig, gg);
        const tcv = th4(cv);
        v128.store(pC + s0 + uo, cv);
        v128.store(pTC + s0 + uo, tcv);
        v128.store(pH + s0 + uo, f32x4.mul(og, tcv));
      }
      for (; u < H; u++) {
        const uo = (<usize>u) << 2;
        const gi = g0 + uo;
        const bi = pBias + uo;
        const ig = sig32(load<f32>(gi) + load<f32>(bi));
        const fg = sig32(load<f32>(gi + Ho) + load<f32>(bi + Ho));
        const gg = th32(load<f32>(gi + 2 * Ho) + load<f32>(bi + 2 * Ho));
        const og = sig32(load<f32>(gi + 3 * Ho) + load<f32>(bi + 3 * Ho));
        store<f32>(gi, ig);
        store<f32>(gi + Ho, fg);
        store<f32>(gi + 2 * Ho, gg);
        store<f32>(gi + 3 * Ho, og);
        const cv = (t > 0 ? fg * load<f32>(pC + s0 - bHo + uo) : <f32>0.0) + ig * gg;
        const tcv = th32(cv);
        store<f32>(pC + s0 + uo, cv);
        store<f32>(pTC + s0 + uo, tcv);
        store<f32>(pH + s0 + uo, og * tcv);
      }
    }
  }
}

/** lstmBackward in float32: every array holds f32. */
export function lstmBackward32(T: i32, b: i32, F: i32, H: i32, returnSeq: i32, pDy: usize, pX: usize, pWih: usize, pWhh: usize, pG: usize, pC: usize, pTC: usize, pH: usize, pDG: usize, pDh: usize, pDc: usize, pGWih: usize, pGWhh: usize, pGB: usize, pDx: usize): void {
  const G4 = 4 * H;
  const Ho = (<usize>H) << 2;
  const bH = b * H;
  const bHo = (<usize>bH) << 2;
  memory.fill(pDc, 0, bHo);
  for (let t = T - 1; t >= 0; t--) {
    const gBase = (<usize>(t * b * G4)) << 2;
    const sOff = (<usize>(t * bH)) << 2;
    if (returnSeq) {
      if (t == T - 1) memory.copy(pDh, pDy + sOff, bHo);
      else for (let k = 0; k < bH; k++) {
        const ko = (<usize>k) << 2;
        store<f32>(pDh + ko, load<f32>(pDh + ko) + load<f32>(pDy + sOff + ko));
      }
    } else if (t == T - 1) {
      memory.copy(pDh, pDy, bHo);
    }
    for (let s = 0; s < b; s++) {
      const g0 = pG + gBase + ((<usize>(s * G4)) << 2);
      const d0g = pDG + gBase + ((<usize>(s * G4)) << 2);
      const s0 = sOff + ((<usize>(s * H)) << 2);
      const d0 = (<usize>(s * H)) << 2;
      let u = 0;
      for (; u + 3 < H; u += 4) {
        // the scalar loop below, four units at a time (the same f32 operations in the same order)
        const uo = (<usize>u) << 2;
        const one = f32x4.splat(1.0);
        const ig = ld(g0 + uo);
        const fg = ld(g0 + Ho + uo);
        const gg = ld(g0 + 2 * Ho + uo);
        const og = ld(g0 + 3 * Ho + uo);
        const tcv = ld(pTC + s0 + uo);
        const dhv = ld(pDh + d0 + uo);
        const dcv = f32x4.add(ld(pDc + d0 + uo), f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(tcv, tcv))));
        const cPrev = t > 0 ? ld(pC + s0 - bHo + uo) : f32x4.splat(0);
        v128.store(d0g + uo, f32x4.mul(f32x4.mul(f32x4.mul(dcv, gg), ig), f32x4.sub(one, ig)));
        v128.store(d0g + Ho + uo, f32x4.mul(f32x4.mul(f32x4.mul(dcv, cPrev), fg), f32x4.sub(one, fg)));
        v128.store(d0g + 2 * Ho + uo, f32x4.mul(f32x4.mul(dcv, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
        v128.store(d0g + 3 * Ho + uo, f32x4.mul(f32x4.mul(f32x4.mul(dhv, tcv), og), f32x4.sub(one, og)));
        v128.store(pDc + d0 + uo, f32x4.mul(dcv, fg));
      }
      for (; u < H; u++) {
        const uo = (<usize>u) << 2;
        const ig = load<f32>(g0 + uo);
        const fg = load<f32>(g0 + Ho + uo);
        const gg = load<f32>(g0 + 2 * Ho + uo);
        const og = load<f32>(g0 + 3 * Ho + uo);
        const tcv = load<f32>(pTC + s0 + uo);
        const dhv = load<f32>(pDh + d0 + uo);
        const one: f32 = 1.0;
        const dcv = load<f32>(pDc + d0 + uo) + dhv * og * (one - tcv * tcv);
        const cPrev: f32 = t > 0 ? load<f32>(pC + s0 - bHo + uo) : 0.0;
        store<f32>(d0g + uo, dcv * gg * ig * (one - ig));
        store<f32>(d0g + Ho + uo, dcv * cPrev * fg * (one - fg));
        store<f32>(d0g + 2 * Ho + uo, dcv * ig * (one - gg * gg));
        store<f32>(d0g + 3 * Ho + uo, dhv * tcv * og * (one - og));
        store<f32>(pDc + d0 + uo, dcv * fg);
      }
    }
    if (t > 0) gemmNN32(b, H, G4, pDG + gBase, G4, 1, pWhh, H, pDh, H, 0);
  }
  const rows = T * b;
  if (T > 1) gemmNN32(G4, H, rows - b, pDG + ((<usize>(b * G4)) << 2), 1, G4, pH, H, pGWhh, H, 0);
  else memory.fill(pGWhh, 0, (<usize>(G4 * H)) << 2);
  gemmNN32(G4, F, rows, pDG, 1, G4, pX, F, pGWih, F, 0);
  memory.fill(pGB, 0, (<usize>G4) << 2);
  for (let r = 0; r < rows; r++) {
    const ro = pDG + ((<usize>(r * G4)) << 2);
    let j = 0;
    for (; j + 3 < G4; j += 4) {
      const jo = (<usize>j) << 2;
      v128.store(pGB + jo, f32x4.add(ld(pGB + jo), ld(ro + jo)));
    }
    for (; j < G4; j++) {
      const jo = (<usize>j) << 2;
      store<f32>(pGB + jo, load<f32>(pGB + jo) + load<f32>(ro + jo));
    }
  }
  if (pDx != 0) gemmNN32(rows, F, G4, pDG, G4, 1, pWih, F, pDx, F, 0);
}

// ---------------------------------------------------------------- fused GRU layer (float64, PyTorch gate order r z n)

/**
 * Forward pass of one GRU layer (see ../layers/gru.ts). X: T·b × F; W_ih: 3H × F; W_hh: 3H × H; biases 3H each.
 * Writes A (T·b × 3H, activated r z n), Bn (T·b × H, W_hn·h + b_hn) and Hs (T·b × H); HH (b × 3H) is scratch.
 */
export function gruForward(T: i32, b: i32, F: i32, H: i32, pX: usize, pWih: usize, pWhh: usize, pBih: usize, pBhh: usize, pA: usize, pBn: usize, pHH: usize, pH: usize): void {
  const G3 = 3 * H;
  const Ho = (<usize>H) << 3;
  const bHo = (<usize>(b * H)) << 3;
  gemmNT(T * b, G3, F, pX, F, pWih, F, pA, G3, 0);
  for (let t = 0; t < T; t++) {
    const gBase = pA + ((<usize>(t * b * G3)) << 3);
    const sOff = (<usize>(t * b * H)) << 3;
    if (t > 0) gemmNT(b, G3, H, pH + sOff - bHo, H, pWhh, H, pHH, G3, 0);
    for (let s = 0; s < b; s++) {
      const g0 = gBase + ((<usize>(s * G3)) << 3);
      const q0 = pHH + ((<usize>(s * G3)) << 3);
      const s0 = sOff + ((<usize>(s * H)) << 3);
      for (let u = 0; u < H; u++) {
        const uo = (<usize>u) << 3;
        const hr = (t > 0 ? load<f64>(q0 + uo) : 0.0) + load<f64>(pBhh + uo);
        const hz = (t > 0 ? load<f64>(q0 + Ho + uo) : 0.0) + load<f64>(pBhh + Ho + uo);
        const hn = (t > 0 ? load<f64>(q0 + 2 * Ho + uo) : 0.0) + load<f64>(pBhh + 2 * Ho + uo);
        const r = sig(load<f64>(g0 + uo) + load<f64>(pBih + uo) + hr);
        const z = sig(load<f64>(g0 + Ho + uo) + load<f64>(pBih + Ho + uo) + hz);
        const nv = th(load<f64>(g0 + 2 * Ho + uo) + load<f64>(pBih + 2 * Ho + uo) + r * hn);
        store<f64>(g0 + uo, r);
        store<f64>(g0 + Ho + uo, z);
        store<f64>(g0 + 2 * Ho + uo, nv);
        store<f64>(pBn + s0 + uo, hn);
        const hp = t > 0 ? load<f64>(pH + s0 - bHo + uo) : 0.0;
        store<f64>(pH + s0 + uo, (1.0 - z) * nv + z * hp);
      }
    }
  }
}

/**
 * Backward pass of gruForward; fresh (not accumulated) gradients, DA/DB (T·b × 3H) and Dh (b × H) as scratch; Dx
 * skipped when pDx is 0.
 */
export function gruBackward(T: i32, b: i32, F: i32, H: i32, returnSeq: i32, pDy: usize, pX: usize, pWih: usize, pWhh: usize, pA: usize, pBn: usize, pH: usize, pDA: usize, pDB: usize, pDh: usize, pGWih: usize, pGWhh: usize, pGBih: usize, pGBhh: usize, pDx: usize): void {
  const G3 = 3 * H;
  const Ho = (<usize>H) << 3;
  const bH = b * H;
  const bHo = (<usize>bH) << 3;
  for (let t = T - 1; t >= 0; t--) {
    const gBase = (<usize>(t * b * G3)) << 3;
    const sOff = (<usize>(t * bH)) << 3;
    if (returnSeq) {
      if (t == T - 1) memory.copy(pDh, pDy + sOff, bHo);
      else for (let k = 0; k < bH; k++) {
        const ko = (<usize>k) << 3;
        store<f64>(pDh + ko, load<f64>(pDh + ko) + load<f64>(pDy + sOff + ko));
      }
    } else if (t == T - 1) {
      memory.copy(pDh, pDy, bHo);
    }
    for (let s = 0; s < b; s++) {
      const g0 = pA + gBase + ((<usize>(s * G3)) << 3);
      const a0 = pDA + gBase + ((<usize>(s * G3)) << 3);
      const b0 = pDB + gBase + ((<usize>(s * G3)) << 3);
      const s0 = sOff + ((<usize>(s * H)) << 3);
      const d0 = (<usize>(s * H)) << 3;
      for (let u = 0; u < H; u++) {
        const uo = (<usize>u) << 3;
        const r = load<f64>(g0 + uo);
        const z = load<f64>(g0 + Ho + uo);
        const nv = load<f64>(g0 + 2 * Ho + uo);
        const hp = t > 0 ? load<f64>(pH + s0 - bHo + uo) : 0.0;
        const dhv = load<f64>(pDh + d0 + uo);
        const dan = dhv * (1.0 - z) * (1.0 - nv * nv);
        const dar = dan * load<f64>(pBn + s0 + uo) * r * (1.0 - r);
        const daz = dhv * (hp - nv) * z * (1.0 - z);
        store<f64>(a0 + uo, dar);
        store<f64>(a0 + Ho + uo, daz);
        store<f64>(a0 + 2 * Ho + uo, dan);
        store<f64>(b0 + uo, dar);
        store<f64>(b0 + Ho + uo, daz);
        store<f64>(b0 + 2 * Ho + uo, dan * r);
        store<f64>(pDh + d0 + uo, dhv * z);
      }
    }
    if (t > 0) gemmNN(b, H, G3, pDB + gBase, G3, 1, pWhh, H, pDh, H, 1);
  }
  const rows = T * b;
  if (T > 1) gemmNN(G3, H, rows - b, pDB + ((<usize>(b * G3)) << 3), 1, G3, pH, H, pGWhh, H, 0);
  else memory.fill(pGWhh, 0, (<usize>(G3 * H)) << 3);
  gemmNN(G3, F, rows, pDA, 1, G3, pX, F, pGWih, F, 0);
  memory.fill(pGBih, 0, (<usize>G3) << 3);
  memory.fill(pGBhh, 0, (<usize>G3) << 3);
  for (let r = 0; r < rows; r++) {
    const ao = pDA + ((<usize>(r * G3)) << 3);
    const bo = pDB + ((<usize>(r * G3)) << 3);
    for (let j = 0; j < G3; j++) {
      const jo = (<usize>j) << 3;
      store<f64>(pGBih + jo, load<f64>(pGBih + jo) + load<f64>(ao + jo));
      store<f64>(pGBhh + jo, load<f64>(pGBhh + jo) + load<f64>(bo + jo));
    }
  }
  if (pDx != 0) gemmNN(rows, F, G3, pDA, G3, 1, pWih, F, pDx, F, 0);
}

// ---------------------------------------------------------------- fused conv1d layer (float64)

/** act: 0 identity, 1 relu, 2 tanh, 3 sigmoid (the same formulas as ../kernels.ts). */
@inline function activate(v: f64, act: i32): f64 {
  if (act == 1) return v > 0 ? v : 0.0;
  if (act == 2) return th(v);
  if (act == 3) return sig(v);
  return v;
}

/** d act / d pre-activation times dy, from the activated output y. */
@inline function activateGrad(dy: f64, y: f64, act: i32): f64 {
  if (act == 1) return y > 0 ? dy : 0.0;
  if (act == 2) return dy * (1.0 - y * y);
  if (act == 3) return dy * y * (1.0 - y);
  return dy;
}

/** activate on both lanes: relu as a mask (v > 0 ? v : +0, NaN → 0 like the scalar form), others lane by lane. */
@inline function activate2(v: v128, act: i32): v128 {
  if (act == 0) return v;
  if (act == 1) return v128.and(v, f64x2.gt(v, f64x2.splat(0)));
  return f64x2.replace_lane(f64x2.splat(activate(f64x2.extract_lane(v, 0), act)), 1, activate(f64x2.extract_lane(v, 1), act));
}

/**
 * Out rows i < m (4 at a time), all n columns (n % 4 == 0): Out[i, j] = act(bias[j] + Σ_{p<k} A[i·lda + p] · Wt[p·n + j]),
 * accumulators started at the bias and activated before the one store (register blocks of 4 rows × 4 columns).
 */
function convPanel(m: i32, n: i32, k: i32, pA: usize, lda: i32, pWt: usize, pBias: usize, pOut: usize, act: i32): void {
  const ldaB = (<usize>lda) << 3;
  const nB = (<usize>n) << 3;
  for (let i = 0; i + 3 < m; i += 4) {
    const r0 = pA + ((<usize>(i * lda)) << 3);
    const r1 = r0 + ldaB;
    const r2 = r1 + ldaB;
    const r3 = r2 + ldaB;
    const c0 = pOut + ((<usize>(i * n)) << 3);
    const c1 = c0 + nB;
    const c2 = c1 + nB;
    const c3 = c2 + nB;
    for (let j = 0; j < n; j += 4) {
      const jo = (<usize>j) << 3;
      const b0 = ld(pBias + jo), b1 = ld(pBias + jo + 16);
      let u0 = b0, v0 = b1, u1 = b0, v1 = b1, u2 = b0, v2 = b1, u3 = b0, v3 = b1;
      // one induction pointer per operand (no separate counter): fewer live registers in the loop
      let pa = r0;
      const paEnd = r0 + ((<usize>k) << 3);
      let pb = pWt + jo;
      for (; pa < paEnd; pa += 8) {
        const w0 = ld(pb), w1 = ld(pb + 16);
        const x0 = v128.load64_splat(pa);
        const x1 = v128.load64_splat(pa + ldaB);
        const x2 = v128.load64_splat(pa + 2 * ldaB);
        const x3 = v128.load64_splat(pa + 3 * ldaB);
        u0 = f64x2.add(u0, f64x2.mul(x0, w0)); v0 = f64x2.add(v0, f64x2.mul(x0, w1));
        u1 = f64x2.add(u1, f64x2.mul(x1, w0)); v1 = f64x2.add(v1, f64x2.mul(x1, w1));
        u2 = f64x2.add(u2, f64x2.mul(x2, w0)); v2 = f64x2.add(v2, f64x2.mul(x2, w1));
        u3 = f64x2.add(u3, f64x2.mul(x3, w0)); v3 = f64x2.add(v3, f64x2.mul(x3, w1));
        pb += nB;
      }
      v128.store(c0 + jo, activate2(u0, act)); v128.store(c0 + jo + 16, activate2(v0, act));
      v128.store(c1 + jo, activate2(u1, act)); v128.store(c1 + jo + 16, activate2(v1, act));
      v128.store(c2 + jo, activate2(u2, act)); v128.store(c2 + jo + 16, activate2(v2, act));
      v128.store(c3 + jo, activate2(u3, act)); v128.store(c3 + jo + 16, activate2(v3, act));
    }
  }
}

/**
 * Forward pass of a batched valid 1-D convolution, channels last (see ../layers/conv1d.ts), KC = K·C,
 * Tout = T − K + 1: Out[s, t, o] = act(b[o] + Σ_{q<KC} X[(s·T + t)·C + q] · W[o, q]). Window t of a sample is the
 * KC numbers from X[(s·T + t)·C], so each sample is one panel product of overlapping rows (stride C) with
 * Wt = Wᵀ (KC × O, scratch written here); bias and activation are applied in the registers (O % 4 == 0) or in a
 * pass over the sample's block while it is in cache.
 */
export function convForward(batch: i32, T: i32, C: i32, K: i32, O: i32, act: i32, pX: usize, pW: usize, pB: usize, pWt: usize, pOut: usize): void {
  const KC = K * C;
  const Tout = T - K + 1;
  for (let o = 0; o < O; o++) {
    for (let q = 0; q < KC; q++) {
      store<f64>(pWt + ((<usize>(q * O + o)) << 3), load<f64>(pW + ((<usize>(o * KC + q)) << 3)));
    }
  }
  const n = Tout * O;
  const fast = (O & 3) == 0 ? Tout & ~3 : 0; // rows done by convPanel
  for (let s = 0; s < batch; s++) {
    const out = pOut + ((<usize>(s * n)) << 3);
    const x = pX + ((<usize>(s * T * C)) << 3);
    if (fast > 0) convPanel(fast, O, KC, x, C, pWt, pB, out, act);
    if (fast == Tout) continue;
    const rest = out + ((<usize>(fast * O)) << 3);
    gemmNN(Tout - fast, O, KC, x + ((<usize>(fast * C)) << 3), C, 1, pWt, O, rest, O, 0);
    for (let t = fast; t < Tout; t++) {
      const ro = out + ((<usize>(t * O)) << 3);
      for (let o = 0; o < O; o++) {
        const oo = (<usize>o) << 3;
        store<f64>(ro + oo, activate(load<f64>(ro + oo) + load<f64>(pB + oo), act));
      }
    }
  }
}

/** activateGrad on both lanes (the same arithmetic lane by lane; relu as a mask on y > 0). */
@inline function activateGrad2(dy: v128, y: v128, act: i32): v128 {
  if (act == 1) return v128.and(dy, f64x2.gt(y, f64x2.splat(0)));
  const one = f64x2.splat(1.0);
  if (act == 2) return f64x2.mul(dy, f64x2.sub(one, f64x2.mul(y, y)));
  if (act == 3) return f64x2.mul(f64x2.mul(dy, y), f64x2.sub(one, y));
  return dy;
}

/**
 * Backward pass of convForward. Dy and Y (batch × Tout × O): the output gradient and the forward's output.
 * Writes fresh GW (O × KC) and GB (O) and, when needDx, Dx (batch·T × C). Scratch: Full ((K − 1 + batch·T) × O):
 * K − 1 zero rows, then per sample T rows: the Tout pre-activation gradients and K − 1 zero rows; Wf (K·O × C).
 *   GW[o, q] = Σ_r D[r, o] · X[r·C + q] over the window starts r < batch·T − K + 1 (straddling rows have D = 0);
 *   Dx[r, c] = Σ_k Σ_o D[r − k, o] · W[o, k, c] = Σ_{j<K·O} Full[r·O + j] · Wf[j, c] with Wf[k'·O + o, c] =
 *   W[o, K − 1 − k', c]: one product of overlapping rows (stride O) of the zero-padded D, no overlap-add pass.
 */
export function convBackward(batch: i32, T: i32, C: i32, K: i32, O: i32, act: i32, needDx: i32, pDy: usize, pY: usize, pX: usize, pW: usize, pGW: usize, pGB: usize, pFull: usize, pWf: usize, pDx: usize): void {
  const KC = K * C;
  const Tout = T - K + 1;
  const padB = (<usize>((K - 1) * O)) << 3;
  memory.fill(pFull, 0, padB);
  const pD = pFull + padB;
  memory.fill(pGB, 0, (<usize>O) << 3);
  const n = Tout * O;
  const O2 = O & ~1;
  for (let s = 0; s < batch; s++) {
    const src = (<usize>(s * n)) << 3;
    const dst = pD + ((<usize>(s * T * O)) << 3);
    for (let t = 0; t < Tout; t++) {
      const ro = (<usize>(t * O)) << 3;
      let o = 0;
      for (; o < O2; o += 2) {
        const oo = ro + ((<usize>o) << 3);
        const d = activateGrad2(ld(pDy + src + oo), ld(pY + src + oo), act);
        v128.store(dst + oo, d);
        const go = pGB + ((<usize>o) << 3);
        v128.store(go, f64x2.add(ld(go), d));
      }
      for (; o < O; o++) {
        const oo = ro + ((<usize>o) << 3);
        const d = activateGrad(load<f64>(pDy + src + oo), load<f64>(pY + src + oo), act);
        store<f64>(dst + oo, d);
        const go = pGB + ((<usize>o) << 3);
        store<f64>(go, load<f64>(go) + d);
      }
    }
    memory.fill(dst + ((<usize>n) << 3), 0, padB);
  }
  // GWᵀ (KC × O) = windowsᵀ · D over each sample's Tout window starts (none straddling two samples), in passes of at
  // most 64 starts (both operands stay in L1), into Wf's space, then transposed into GW
  for (let s = 0; s < batch; s++) {
    for (let t0 = 0; t0 < Tout; t0 += 64) {
      const r0 = s * T + t0;
      const kc = min(64, Tout - t0);
      const acc = s > 0 || t0 > 0 ? 1 : 0;
      gemmNNPanel(KC, O, kc, pX + ((<usize>(r0 * C)) << 3), 1, C, pD + ((<usize>(r0 * O)) << 3), O, pWf, O, acc);
    }
  }
  for (let q = 0; q < KC; q++) {
    for (let o = 0; o < O; o++) {
      store<f64>(pGW + ((<usize>(o * KC + q)) << 3), load<f64>(pWf + ((<usize>(q * O + o)) << 3)));
    }
  }
  if (!needDx) return;
  for (let k = 0; k < K; k++) {
    for (let o = 0; o < O; o++) {
      const from = pW + ((<usize>((o * K + K - 1 - k) * C)) << 3);
      const to = pWf + ((<usize>((k * O + o) * C)) << 3);
      memory.copy(to, from, (<usize>C) << 3);
    }
  }
  gemmNN(batch * T, C, K * O, pFull, O, 1, pWf, C, pDx, C, 0);
}

// ---------------------------------------------------------------- fused dense layer (float64)

/** Dst (cols × rows) = Src (rows × cols)ᵀ, f64. */
function transpose64(pSrc: usize, rows: i32, cols: i32, pDst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f64>(pDst + ((<usize>(c * rows + r)) << 3), load<f64>(pSrc + ((<usize>(r * cols + c)) << 3)));
    }
  }
}

/**
 * Fully connected forward (see ../layers/dense.ts): Out (b × O) = act(X (b × I) · Wᵀ + bias), W (O × I). With
 * O % 4 == 0, rows in blocks of 4 through convPanel over Wt = Wᵀ (I × O, scratch), bias and activation in the
 * registers; other rows and widths through gemmNT and a bias/activation pass.
 */
export function denseForward(b: i32, I: i32, O: i32, act: i32, pX: usize, pW: usize, pB: usize, pWt: usize, pOut: usize): void {
  let fast = 0;
  if ((O & 3) == 0) {
    fast = b & ~3;
    if (fast > 0) {
      transpose64(pW, O, I, pWt);
      convPanel(fast, O, I, pX, I, pWt, pB, pOut, act);
    }
  }
  if (fast == b) return;
  const out = pOut + ((<usize>(fast * O)) << 3);
  gemmNT(b - fast, O, I, pX + ((<usize>(fast * I)) << 3), I, pW, I, out, O, 0);
  for (let r = fast; r < b; r++) {
    const ro = pOut + ((<usize>(r * O)) << 3);
    for (let o = 0; o < O; o++) {
      const oo = (<usize>o) << 3;
      store<f64>(ro + oo, activate(load<f64>(ro + oo) + load<f64>(pB + oo), act));
    }
  }
}

/**
 * Backward pass of denseForward. Dy, Y (b × O): the output gradient and the forward's output. Writes fresh GW (O × I),
 * GB (O) and, when needDx, Dx (b × I); D (b × O, the pre-activation gradient) is scratch.
 */
export function denseBackward(b: i32, I: i32, O: i32, act: i32, needDx: i32, pDy: usize, pY: usize, pX: usize, pW: usize, pGW: usize, pGB: usize, pD: usize, pDx: usize): void {
  memory.fill(pGB, 0, (<usize>O) << 3);
  const O2 = O & ~1;
  for (let r = 0; r < b; r++) {
    const ro = (<usize>(r * O)) << 3;
    let o = 0;
    for (; o < O2; o += 2) {
      const oo = ro + ((<usize>o) << 3);
      const d = activateGrad2(ld(pDy + oo), ld(pY + oo), act);
      v128.store(pD + oo, d);
      const go = pGB + ((<usize>o) << 3);
      v128.store(go, f64x2.add(ld(go), d));
    }
    for (; o < O; o++) {
      const oo = ro + ((<usize>o) << 3);
      const d = activateGrad(load<f64>(pDy + oo), load<f64>(pY + oo), act);
      store<f64>(pD + oo, d);
      const go = pGB + ((<usize>o) << 3);
      store<f64>(go, load<f64>(go) + d);
    }
  }
  gemmNN(O, I, b, pD, 1, O, pX, I, pGW, I, 0);
  if (needDx) gemmNN(b, I, O, pD, O, 1, pW, I, pDx, I, 0);
}

// ---------------------------------------------------------------- Adam step (float64)

/**
 * One Adam update of n parameters in place (see ../optimizers.ts; the same operations in the same order, two lanes at
 * a time, so the result is bit for bit the JavaScript one): g ← g + l2·w; m ← b1·m + (1 − b1)·g;
 * v ← b2·v + (1 − b2)·g·g; w ← w − stepSize·m / (√v / sqrtBc2 + eps).
 */
export function adamStep(n: i32, pW: usize, pG: usize, pM: usize, pV: usize, stepSize: f64, sqrtBc2: f64, b1: f64, b2: f64, eps: f64, l2: f64): void {
  const vl2 = f64x2.splat(l2), vb1 = f64x2.splat(b1), vb2 = f64x2.splat(b2);
  const c1 = f64x2.splat(1.0 - b1), c2 = f64x2.splat(1.0 - b2);
  const vs = f64x2.splat(stepSize), vbc = f64x2.splat(sqrtBc2), veps = f64x2.splat(eps);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = (<usize>i) << 3;
    const w = ld(pW + o);
    const g = f64x2.add(ld(pG + o), f64x2.mul(vl2, w));
    const m = f64x2.add(f64x2.mul(vb1, ld(pM + o)), f64x2.mul(c1, g));
    const v = f64x2.add(f64x2.mul(vb2, ld(pV + o)), f64x2.mul(f64x2.mul(c2, g), g));
    v128.store(pM + o, m);
    v128.store(pV + o, v);
    v128.store(pW + o, f64x2.sub(w, f64x2.div(f64x2.mul(vs, m), f64x2.add(f64x2.div(f64x2.sqrt(v), vbc), veps))));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    const w = load<f64>(pW + o);
    const g = load<f64>(pG + o) + l2 * w;
    const m = b1 * load<f64>(pM + o) + (1.0 - b1) * g;
    const v = b2 * load<f64>(pV + o) + (1.0 - b2) * g * g;
    store<f64>(pM + o, m);
    store<f64>(pV + o, v);
    store<f64>(pW + o, w - (stepSize * m) / (Math.sqrt(v) / sqrtBc2 + eps));
  }
}
