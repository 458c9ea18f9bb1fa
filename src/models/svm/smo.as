// AssemblyScript source of the WebAssembly SIMD (f64x2) inner loops of the ε-SVR solver (svr-smo.ts).
// Build: `node src/models/svm/build-smo-wasm.mjs` (asc from the assemblyscript devDependency; writes smo-wasm.ts with
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
 */
export function updatePickI(pG: usize, pIOff: usize, pKi: usize, pKj: usize, di: f64, dj: f64, n: i32, pOut: usize): i32 {
  const vdi = f64x2.splat(di);
  const vdj = f64x2.splat(dj);
  let bestA = f64x2.splat(-Infinity);
  let bestB = f64x2.splat(-Infinity);
  let idxA = f64x2(0, 1);
  let idxB = f64x2(2, 3);
  let atA = f64x2.splat(-1);
  let atB = f64x2.splat(-1);
  const four = f64x2.splat(4);
  let b = 0;
  for (; b + 3 < n; b += 4) {
    const o8 = pG + ((<usize>b) << 3);
    const oi = pIOff + ((<usize>b) << 3);
    const ki = pKi + ((<usize>b) << 2);
    const kj = pKj + ((<usize>b) << 2);
    const vA = f64x2.add(f64x2.add(v128.load(o8), f64x2.mul(k2(ki), vdi)), f64x2.mul(k2(kj), vdj));
    const vB = f64x2.add(f64x2.add(v128.load(o8, 16), f64x2.mul(k2(ki + 8), vdi)), f64x2.mul(k2(kj + 8), vdj));
    v128.store(o8, vA);
    v128.store(o8, vB, 16);
    const cA = f64x2.sub(v128.load(oi), vA);
    const cB = f64x2.sub(v128.load(oi, 16), vB);
    const mA = f64x2.ge(cA, bestA);
    const mB = f64x2.ge(cB, bestB);
    bestA = v128.bitselect(cA, bestA, mA);
    bestB = v128.bitselect(cB, bestB, mB);
    atA = v128.bitselect(idxA, atA, mA);
    atB = v128.bitselect(idxB, atB, mB);
    idxA = f64x2.add(idxA, four);
    idxB = f64x2.add(idxB, four);
  }
  let gmax: f64 = -Infinity;
  let imax: f64 = -1;
  // lanes hold the last index of their residue class with the lane maximum: max value, ties → larger index
  for (let q = 0; q < 4; q++) {
    let v: f64, at: f64;
    if (q == 0) { v = f64x2.extract_lane(bestA, 0); at = f64x2.extract_lane(atA, 0); }
    else if (q == 1) { v = f64x2.extract_lane(bestA, 1); at = f64x2.extract_lane(atA, 1); }
    else if (q == 2) { v = f64x2.extract_lane(bestB, 0); at = f64x2.extract_lane(atB, 0); }
    else { v = f64x2.extract_lane(bestB, 1); at = f64x2.extract_lane(atB, 1); }
    if (at >= 0 && (v > gmax || (v == gmax && at > imax))) { gmax = v; imax = at; }
  }
  for (; b < n; b++) {
    const o8 = pG + ((<usize>b) << 3);
    const v = load<f64>(o8) + <f64>load<f32>(pKi + ((<usize>b) << 2)) * di + <f64>load<f32>(pKj + ((<usize>b) << 2)) * dj;
    store<f64>(o8, v);
    const c = load<f64>(pIOff + ((<usize>b) << 3)) - v;
    if (c >= gmax) { gmax = c; imax = <f64>b; }
  }
  store<f64>(pOut, gmax);
  return <i32>imax;
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
