// AssemblyScript source of the WebAssembly SIMD (f64x2) inner loops of the ε-SVR solver (svr-smo.ts).
// Build: `node scripts/build-wasm.mjs svm` (asc from the assemblyscript devDependency; writes smo-wasm.ts with
// the module bytes, so nothing is compiled or downloaded at install or run time).
// Pointers are byte offsets into this module's memory (the solver lays out its arrays and kernel rows there); n is the
// number of base points. Every lane does exactly the scalar float64 operations of the JavaScript fallback in
// svr-smo.ts, in the same order, and the arg-max/arg-min rules are exact (ties → the larger index), so both backends
// give bit-identical results.

export function heapBase(): usize {
  return __heap_base;
}

const TAU: f64 = 1e-12;

/** Two float32 kernel entries at p, widened to f64x2. */
@inline function k2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * g_b += Ki_b·di + Kj_b·dj for b < n; returns the last b with the largest iOff_b − g_b and writes that value to out.
 * The arg-max keeps block maxima (64 entries) only and rescans the winning block (as `selectJUnit`).
 */
export function updatePickI(pG: usize, pIOff: usize, pKi: usize, pKj: usize, di: f64, dj: f64, n: i32, pOut: usize): i32 {
  const vdi = f64x2.splat(di);
  const vdj = f64x2.splat(dj);
  const vNone = f64x2.splat(-Infinity);
  let gmax: f64 = -Infinity;
  let bestBlock = -1;
  const nb = n & ~63;
  for (let b0 = 0; b0 < nb; b0 += 64) {
    let mA = vNone;
    let mB = vNone;
    for (let b = b0; b < b0 + 64; b += 4) {
      const o8 = pG + ((<usize>b) << 3);
      const oi = pIOff + ((<usize>b) << 3);
      const ki = pKi + ((<usize>b) << 2);
      const kj = pKj + ((<usize>b) << 2);
      const vA = f64x2.add(f64x2.add(v128.load(o8), f64x2.mul(k2(ki), vdi)), f64x2.mul(k2(kj), vdj));
      const vB = f64x2.add(f64x2.add(v128.load(o8, 16), f64x2.mul(k2(ki + 8), vdi)), f64x2.mul(k2(kj + 8), vdj));
      v128.store(o8, vA);
      v128.store(o8, vB, 16);
      mA = f64x2.pmax(mA, f64x2.sub(v128.load(oi), vA));
      mB = f64x2.pmax(mB, f64x2.sub(v128.load(oi, 16), vB));
    }
    const m = f64x2.pmax(mA, mB);
    const v0 = f64x2.extract_lane(m, 0);
    const v1 = f64x2.extract_lane(m, 1);
    const v = v0 > v1 ? v0 : v1;
    if (v >= gmax) { gmax = v; bestBlock = b0; }
  }
  let imax = -1;
  if (bestBlock >= 0) {
    for (let b = bestBlock; b < bestBlock + 64; b++) {
      const o8 = (<usize>b) << 3;
      if (load<f64>(pIOff + o8) - load<f64>(pG + o8) == gmax) imax = b;
    }
  }
  for (let b = nb; b < n; b++) {
    const o8 = pG + ((<usize>b) << 3);
    const v = load<f64>(o8) + <f64>load<f32>(pKi + ((<usize>b) << 2)) * di + <f64>load<f32>(pKj + ((<usize>b) << 2)) * dj;
    store<f64>(o8, v);
    const c = load<f64>(pIOff + ((<usize>b) << 3)) - v;
    if (c >= gmax) { gmax = c; imax = b; }
  }
  store<f64>(pOut, gmax);
  return imax;
}

/** The last b with the largest iOff_b − g_b (value to out). */
export function pickI(pG: usize, pIOff: usize, n: i32, pOut: usize): i32 {
  let best = f64x2.splat(-Infinity);
  let idx = f64x2(0, 1);
  let at = f64x2.splat(-1);
  const two = f64x2.splat(2);
  let b = 0;
  for (; b + 1 < n; b += 2) {
    const c = f64x2.sub(v128.load(pIOff + ((<usize>b) << 3)), v128.load(pG + ((<usize>b) << 3)));
    const m = f64x2.ge(c, best);
    best = v128.bitselect(c, best, m);
    at = v128.bitselect(idx, at, m);
    idx = f64x2.add(idx, two);
  }
  let gmax: f64 = -Infinity;
  let imax: f64 = -1;
  for (let q = 0; q < 2; q++) {
    const v = q == 0 ? f64x2.extract_lane(best, 0) : f64x2.extract_lane(best, 1);
    const a = q == 0 ? f64x2.extract_lane(at, 0) : f64x2.extract_lane(at, 1);
    if (a >= 0 && (v > gmax || (v == gmax && a > imax))) { gmax = v; imax = a; }
  }
  for (; b < n; b++) {
    const c = load<f64>(pIOff + ((<usize>b) << 3)) - load<f64>(pG + ((<usize>b) << 3));
    if (c >= gmax) { gmax = c; imax = <f64>b; }
  }
  store<f64>(pOut, gmax);
  return <i32>imax;
}

/**
 * Second-order j: the last b with the largest gd²/quad among gd = Gmax + F_b > 0, F_b = g_b + jOff_b,
 * quad = (QDi + QD_b) − 2·Ki_b (TAU when not positive); returns it (−1 when none) and writes max_b F_b to out.
 */
export function selectJ(pG: usize, pJOff: usize, pQD: usize, pKi: usize, QDi: f64, Gmax: f64, n: i32, pOut: usize): i32 {
  const vGmax = f64x2.splat(Gmax);
  const vQDi = f64x2.splat(QDi);
  const vTau = f64x2.splat(TAU);
  const vTwo = f64x2.splat(2);
  const zero = f64x2.splat(0);
  let fmaxA = f64x2.splat(-Infinity);
  let fmaxB = f64x2.splat(-Infinity);
  let bestA = f64x2.splat(-Infinity);
  let bestB = f64x2.splat(-Infinity);
  let idxA = f64x2(0, 1);
  let idxB = f64x2(2, 3);
  let atA = f64x2.splat(-1);
  let atB = f64x2.splat(-1);
  const four = f64x2.splat(4);
  let b = 0;
  for (; b + 3 < n; b += 4) {
    const o8 = (<usize>b) << 3;
    const ki = pKi + ((<usize>b) << 2);
    const FA = f64x2.add(v128.load(pG + o8), v128.load(pJOff + o8));
    const FB = f64x2.add(v128.load(pG + o8, 16), v128.load(pJOff + o8, 16));
    fmaxA = f64x2.pmax(fmaxA, FA);
    fmaxB = f64x2.pmax(fmaxB, FB);
    const gdA = f64x2.add(vGmax, FA);
    const gdB = f64x2.add(vGmax, FB);
    let qA = f64x2.sub(f64x2.add(vQDi, v128.load(pQD + o8)), f64x2.mul(vTwo, k2(ki)));
    let qB = f64x2.sub(f64x2.add(vQDi, v128.load(pQD + o8, 16)), f64x2.mul(vTwo, k2(ki + 8)));
    qA = v128.bitselect(qA, vTau, f64x2.gt(qA, zero));
    qB = v128.bitselect(qB, vTau, f64x2.gt(qB, zero));
    const rA = f64x2.div(f64x2.mul(gdA, gdA), qA);
    const rB = f64x2.div(f64x2.mul(gdB, gdB), qB);
    const mA = v128.and(f64x2.gt(gdA, zero), f64x2.ge(rA, bestA));
    const mB = v128.and(f64x2.gt(gdB, zero), f64x2.ge(rB, bestB));
    bestA = v128.bitselect(rA, bestA, mA);
    bestB = v128.bitselect(rB, bestB, mB);
    atA = v128.bitselect(idxA, atA, mA);
    atB = v128.bitselect(idxB, atB, mB);
    idxA = f64x2.add(idxA, four);
    idxB = f64x2.add(idxB, four);
  }
  let Gmax2: f64 = -Infinity;
  let best: f64 = -Infinity;
  let jSel: f64 = -1;
  for (let q = 0; q < 4; q++) {
    let v: f64, at: f64, fm: f64;
    if (q == 0) { v = f64x2.extract_lane(bestA, 0); at = f64x2.extract_lane(atA, 0); fm = f64x2.extract_lane(fmaxA, 0); }
    else if (q == 1) { v = f64x2.extract_lane(bestA, 1); at = f64x2.extract_lane(atA, 1); fm = f64x2.extract_lane(fmaxA, 1); }
    else if (q == 2) { v = f64x2.extract_lane(bestB, 0); at = f64x2.extract_lane(atB, 0); fm = f64x2.extract_lane(fmaxB, 0); }
    else { v = f64x2.extract_lane(bestB, 1); at = f64x2.extract_lane(atB, 1); fm = f64x2.extract_lane(fmaxB, 1); }
    if (fm > Gmax2) Gmax2 = fm;
    if (at >= 0 && (v > best || (v == best && at > jSel))) { best = v; jSel = at; }
  }
  for (; b < n; b++) {
    const o8 = (<usize>b) << 3;
    const F = load<f64>(pG + o8) + load<f64>(pJOff + o8);
    if (F > Gmax2) Gmax2 = F;
    const gd = Gmax + F;
    if (gd > 0) {
      let quad = QDi + load<f64>(pQD + o8) - 2 * <f64>load<f32>(pKi + ((<usize>b) << 2));
      if (!(quad > 0)) quad = TAU;
      const r = (gd * gd) / quad;
      if (r >= best) { best = r; jSel = <f64>b; }
    }
  }
  store<f64>(pOut, Gmax2);
  return <i32>jSel;
}

// ---- kernel rows

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01; // low 21 bits zero: k·LN2_HI is exact for |k| < 2^21
const LN2_LO: f64 = 1.90821492927058770002e-10;
const MAGIC: f64 = 6755399441055744.0; // 1.5·2^52: (v + MAGIC) − MAGIC rounds v to the nearest integer, ties to even
const EXP_MIN: f64 = -200; // exp(−200) ≈ 1e−87 is 0 in float32: clamping keeps 2^k a normal double
const MAGIC_BITS: i64 = 0x4338000000000000;

/**
 * exp(x) for x ≤ 0 in f64x2 lanes, to a few float64 ulps (the rows are stored as float32): x = k·ln 2 + r with
 * |r| ≤ ln 2 / 2 (Cody–Waite), e^r by its Taylor polynomial to degree 13 (Horner, truncation < 1e−17), times 2^k
 * built from k's bits. The JavaScript twin is `expNeg` in svr-smo.ts (same operations, same order).
 */
@inline function expNeg2(x0: v128): v128 {
  const x = f64x2.pmax(x0, f64x2.splat(EXP_MIN));
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(MAGIC));
  const k = f64x2.sub(t, f64x2.splat(MAGIC));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let q = f64x2.splat(1.0 / 6227020800.0);
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 479001600.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 39916800.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 3628800.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 362880.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 40320.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 5040.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 720.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 120.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 24.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 6.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(0.5));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0));
  // 2^k: k sits in the low bits of t (t = 1.5·2^52 + k), so bits(2^k) = (bits(t) − bits(MAGIC) + 1023) << 52
  const scale = i64x2.shl(i64x2.add(i64x2.sub(t, i64x2.splat(MAGIC_BITS)), i64x2.splat(1023)), 52);
  return f64x2.mul(q, scale);
}

/**
 * Kernel rows r0 … r0+m−1 over all n base points, as float32: row k goes to byte offset dst[k] (an i32 array at pDst;
 * 0 skips the row). X is row-major at pX (p per row) and column-major (p × n) at pXT; norms_c = Σ x_c² at pNorms.
 * Entry c: dot = Σ_q x_r,q·x_c,q summed in q order, then RBF exp(negGamma·max(0, (‖x_r‖² + ‖x_c‖²) − 2·dot)), or the
 * dot itself when rbf = 0. K(r, c) and K(c, r) are therefore the same bits, so where row c is already cached (src_c,
 * an i32 array at pSrc, is its byte offset, else 0) the entry is copied from it instead: eight columns at a time when
 * all eight are cached. n must be a multiple of 8. Columns go in chunks of 64, so the chunk's slice of Xᵀ stays in
 * L1 across the block's rows; four column pairs at a time keep four independent dependency chains in flight.
 */
export function kernelBlock(pX: usize, pXT: usize, pNorms: usize, p: i32, n: i32, r0: i32, m: i32, negGamma: f64, rbf: i32, pDst: usize, pSrc: usize): void {
  const vNeg = f64x2.splat(negGamma);
  const vTwo = f64x2.splat(2);
  const zero = f64x2.splat(0);
  const colBytes = (<usize>n) << 3;
  for (let c0 = 0; c0 < n; c0 += 64) {
    const c1 = min(n, c0 + 64);
    for (let k = 0; k < m; k++) {
      const dst = <usize>load<i32>(pDst + ((<usize>k) << 2));
      if (dst == 0) continue;
      const r = r0 + k;
      const r4 = (<usize>r) << 2;
      const xr = pX + ((<usize>(r * p)) << 3);
      const vnr = v128.load64_splat(pNorms + ((<usize>r) << 3));
      for (let c = c0; c < c1; c += 8) {
        const ps = pSrc + ((<usize>c) << 2);
        const out = dst + ((<usize>c) << 2);
        if (i32x4.all_true(v128.load(ps)) && i32x4.all_true(v128.load(ps, 16))) {
          for (let u: usize = 0; u < 8; u++) store<f32>(out + (u << 2), load<f32>(<usize>load<i32>(ps + (u << 2)) + r4));
          continue;
        }
        let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
        let col = pXT + ((<usize>c) << 3);
        for (let q = 0; q < p; q++) {
          const x = v128.load64_splat(xr + ((<usize>q) << 3));
          a0 = f64x2.add(a0, f64x2.mul(x, v128.load(col)));
          a1 = f64x2.add(a1, f64x2.mul(x, v128.load(col, 16)));
          a2 = f64x2.add(a2, f64x2.mul(x, v128.load(col, 32)));
          a3 = f64x2.add(a3, f64x2.mul(x, v128.load(col, 48)));
          col += colBytes;
        }
        if (rbf) {
          const pn = pNorms + ((<usize>c) << 3);
          a0 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn)), f64x2.mul(vTwo, a0)))));
          a1 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn, 16)), f64x2.mul(vTwo, a1)))));
          a2 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn, 32)), f64x2.mul(vTwo, a2)))));
          a3 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn, 48)), f64x2.mul(vTwo, a3)))));
        }
        v128.store64_lane(out, f32x4.demote_f64x2_zero(a0), 0);
        v128.store64_lane(out, f32x4.demote_f64x2_zero(a1), 0, 8);
        v128.store64_lane(out, f32x4.demote_f64x2_zero(a2), 0, 16);
        v128.store64_lane(out, f32x4.demote_f64x2_zero(a3), 0, 24);
      }
    }
  }
}

/**
 * Prediction kernel: K(z_i, s_c) in float64 for m rows z (row-major m × p at pZ, norms at pZNorm) against n columns
 * s (column-major p × n at pST, norms at pSNorm), written row-major m × n at pOut. Same arithmetic per entry as
 * `kernelBlock` (the dot summed in q order, then the RBF exp), without the float32 rounding. n must be a multiple of 8.
 */
export function kernelMatrix(pZ: usize, pZNorm: usize, m: i32, pST: usize, pSNorm: usize, p: i32, n: i32, negGamma: f64, rbf: i32, pOut: usize): void {
  const vNeg = f64x2.splat(negGamma);
  const vTwo = f64x2.splat(2);
  const zero = f64x2.splat(0);
  const colBytes = (<usize>n) << 3;
  for (let c0 = 0; c0 < n; c0 += 64) {
    const c1 = min(n, c0 + 64);
    for (let i = 0; i < m; i++) {
      const zr = pZ + ((<usize>(i * p)) << 3);
      const vnr = v128.load64_splat(pZNorm + ((<usize>i) << 3));
      const orow = pOut + ((<usize>i) * colBytes);
      for (let c = c0; c < c1; c += 8) {
        let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
        let col = pST + ((<usize>c) << 3);
        for (let q = 0; q < p; q++) {
          const x = v128.load64_splat(zr + ((<usize>q) << 3));
          a0 = f64x2.add(a0, f64x2.mul(x, v128.load(col)));
          a1 = f64x2.add(a1, f64x2.mul(x, v128.load(col, 16)));
          a2 = f64x2.add(a2, f64x2.mul(x, v128.load(col, 32)));
          a3 = f64x2.add(a3, f64x2.mul(x, v128.load(col, 48)));
          col += colBytes;
        }
        if (rbf) {
          const pn = pSNorm + ((<usize>c) << 3);
          a0 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn)), f64x2.mul(vTwo, a0)))));
          a1 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn, 16)), f64x2.mul(vTwo, a1)))));
          a2 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn, 32)), f64x2.mul(vTwo, a2)))));
          a3 = expNeg2(f64x2.mul(vNeg, f64x2.pmax(zero, f64x2.sub(f64x2.add(vnr, v128.load(pn, 48)), f64x2.mul(vTwo, a3)))));
        }
        const o = orow + ((<usize>c) << 3);
        v128.store(o, a0);
        v128.store(o, a1, 16);
        v128.store(o, a2, 32);
        v128.store(o, a3, 48);
      }
    }
  }
}

/**
 * `selectJ` for a kernel with K(b, b) = 1 for every b (RBF), so quad = (QDi + 1) − 2·Ki_b, which is 0 or at least
 * 2^−23 (Ki_b is a float32 ≤ 1): clamping to TAU is then a plain max. The running arg-max is kept per block of 64
 * entries (block maxima only, no per-entry index bookkeeping) and the winning block is rescanned for the last index
 * attaining the maximum: the same answer as the entry-by-entry rule, with fewer instructions per entry.
 * qd1 = QDi + 1.
 */
export function selectJUnit(pG: usize, pJOff: usize, pKi: usize, qd1: f64, Gmax: f64, n: i32, pOut: usize): i32 {
  const vGmax = f64x2.splat(Gmax);
  const vQ = f64x2.splat(qd1);
  const vTau = f64x2.splat(TAU);
  const vTwo = f64x2.splat(2);
  const zero = f64x2.splat(0);
  const vNone = f64x2.splat(-Infinity);
  let fmaxA = vNone;
  let fmaxB = vNone;
  let best: f64 = -Infinity;
  let bestBlock = -1;
  const nb = n & ~63;
  for (let b0 = 0; b0 < nb; b0 += 64) {
    let mA = vNone;
    let mB = vNone;
    for (let b = b0; b < b0 + 64; b += 4) {
      const o8 = (<usize>b) << 3;
      const ki = pKi + ((<usize>b) << 2);
      const FA = f64x2.add(v128.load(pG + o8), v128.load(pJOff + o8));
      const FB = f64x2.add(v128.load(pG + o8, 16), v128.load(pJOff + o8, 16));
      fmaxA = f64x2.pmax(fmaxA, FA);
      fmaxB = f64x2.pmax(fmaxB, FB);
      const gdA = f64x2.add(vGmax, FA);
      const gdB = f64x2.add(vGmax, FB);
      const qA = f64x2.pmax(f64x2.sub(vQ, f64x2.mul(vTwo, k2(ki))), vTau);
      const qB = f64x2.pmax(f64x2.sub(vQ, f64x2.mul(vTwo, k2(ki + 8))), vTau);
      const rA = f64x2.div(f64x2.mul(gdA, gdA), qA);
      const rB = f64x2.div(f64x2.mul(gdB, gdB), qB);
      mA = f64x2.pmax(mA, v128.bitselect(rA, vNone, f64x2.gt(gdA, zero)));
      mB = f64x2.pmax(mB, v128.bitselect(rB, vNone, f64x2.gt(gdB, zero)));
    }
    const m = f64x2.pmax(mA, mB);
    const v0 = f64x2.extract_lane(m, 0);
    const v1 = f64x2.extract_lane(m, 1);
    const v = v0 > v1 ? v0 : v1;
    if (v != -Infinity && v >= best) { best = v; bestBlock = b0; }
  }
  let jSel = -1;
  if (bestBlock >= 0) {
    for (let b = bestBlock; b < bestBlock + 64; b++) {
      const o8 = (<usize>b) << 3;
      const gd = Gmax + (load<f64>(pG + o8) + load<f64>(pJOff + o8));
      if (gd > 0) {
        let quad = qd1 - 2 * <f64>load<f32>(pKi + ((<usize>b) << 2));
        if (quad < TAU) quad = TAU;
        if ((gd * gd) / quad == best) jSel = b;
      }
    }
  }
  let Gmax2: f64 = -Infinity;
  for (let q = 0; q < 4; q++) {
    const fm = q == 0 ? f64x2.extract_lane(fmaxA, 0) : q == 1 ? f64x2.extract_lane(fmaxA, 1) : q == 2 ? f64x2.extract_lane(fmaxB, 0) : f64x2.extract_lane(fmaxB, 1);
    if (fm > Gmax2) Gmax2 = fm;
  }
  for (let b = nb; b < n; b++) {
    const o8 = (<usize>b) << 3;
    const F = load<f64>(pG + o8) + load<f64>(pJOff + o8);
    if (F > Gmax2) Gmax2 = F;
    const gd = Gmax + F;
    if (gd > 0) {
      let quad = qd1 - 2 * <f64>load<f32>(pKi + ((<usize>b) << 2));
      if (quad < TAU) quad = TAU;
      const r = (gd * gd) / quad;
      if (r >= best) { best = r; jSel = b; }
    }
  }
  store<f64>(pOut, Gmax2);
  return jSel;
}
