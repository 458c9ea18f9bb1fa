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
 */

import type { KernelRow, SmoResult } from './smo.ts';

const TAU = 1e-12;

export interface SvrProblem {
  /** Number of base points (training rows). */
  readonly n: number;
  /** Targets z_b. */
  readonly z: Float64Array;
  /** Tube half-width ε ≥ 0. */
  readonly epsilon: number;
  /** Box constraint C > 0 (the same for every variable, as libsvm's ε-SVR). */
  readonly C: number;
  /** K(b, ·) over the base points. */
  readonly row: KernelRow;
  /** K(b, b) per base point. */
  readonly diag: Float64Array;
}

/**
 * Solves the ε-SVR dual to KKT tolerance `eps`, at most `maxIter` SMO steps. Returns α over the 2n variables in
 * libsvm's order (α⁺ then α⁻) and rho, as `solveSmo` does for the same problem.
 */
export function solveSvrSmo(prob: SvrProblem, eps: number, maxIter: number): SmoResult {
  const { n, z, epsilon: e, C, row, diag } = prob;
  const l = 2 * n;
  const alpha = new Float64Array(l);
  const g = Float64Array.from(z, (v) => -v);
  // 1 = the variable may be selected (libsvm's active set); indices as alpha
  const act = new Uint8Array(l).fill(1);
  let nActive = l;
  const iOff = new Float64Array(n);
  const jOff = new Float64Array(n);
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
  const scratch = new Float64Array(2);
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
        if ((a >= C && -Fp > Gmax1) || (a <= 0 && Fp > Gmax2)) { act[b] = 0; nActive--; }
      }
      if (act[b + n] === 1) {
        const a = alpha[b + n]!;
        if ((a >= C && Fm > Gmax2) || (a <= 0 && -Fm > Gmax1)) { act[b + n] = 0; nActive--; }
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
      pickI(g, iOff, n, scratch);
      bi = scratch[0]!;
      Gmax = scratch[1]!;
    }
    if (bi < 0 || Gmax === -Infinity) return false;
    iVar = act[bi + n] === 1 && alpha[bi + n]! > 0 ? bi + n : bi;
    const Ki = row(bi);
    const Gmax2 = selectJ(g, jOff, diag, Ki, diag[bi]!, Gmax, n, scratch);
    const bj = scratch[0]!;
    if (Gmax + Gmax2 < eps || bj < 0) return false;
    jVar = act[bj] === 1 && alpha[bj]! > 0 ? bj : bj + n;
    return true;
  };

  while (iter < maxIter) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      doShrinking();
    }
    if (!select()) {
      // optimal on the active set: check every variable once more
      activateAll();
      if (!select()) { converged = true; break; }
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
    const Ki = row(bi);
    const Kj = row(bj);
    const Qij = yi * yj * Ki[bj]!;
    const QDi = diag[bi]!;
    const QDj = diag[bj]!;
    // F_i, F_j (y∘G) of the two variables
    const Fi = g[bi]! + yi * e;
    const Fj = g[bj]! + yj * e;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let ai = oldI;
    let aj = oldJ;
    if (yi !== yj) {
      let quad = QDi + QDj + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-yi * Fi - yj * Fj) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) { if (aj < 0) { aj = 0; ai = diff; } }
      else if (ai < 0) { ai = 0; aj = -diff; }
      if (diff > 0) { if (ai > C) { ai = C; aj = C - diff; } }
      else if (aj > C) { aj = C; ai = C + diff; }
    } else {
      let quad = QDi + QDj - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (yi * Fi - yj * Fj) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > C) { if (ai > C) { ai = C; aj = sum - C; } }
      else if (aj < 0) { aj = 0; ai = sum; }
      if (sum > C) { if (aj > C) { aj = C; ai = sum - C; } }
      else if (ai < 0) { ai = 0; aj = sum; }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    setOff(bi);
    setOff(bj);
    // g_b += K_b,bi·y_iΔα_i + K_b,bj·y_jΔα_j, finding on the way the next i
    updateAndPickI(g, iOff, Ki, Kj, (ai - oldI) * yi, (aj - oldJ) * yj, n, scratch);
    fusedB = scratch[0]!;
    fusedGmax = scratch[1]!;
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
    if (a >= C) { if (!plus) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else if (a <= 0) { if (plus) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else { nFree++; sumFree += yG; }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter, converged, meanActive: activeSum / Math.max(1, iter) };
}

// Hot loops as top-level functions over typed arrays, each a contiguous pass over the n base points.

/** i: the last b with the largest iOff_b − g_b (out[0] = b, out[1] = that value; −∞ when no variable is eligible). */
function pickI(g: Float64Array, iOff: Float64Array, n: number, out: Float64Array): void {
  let gmax = -Infinity;
  let imax = -1;
  for (let b = 0; b < n; b++) {
    const c = iOff[b]! - g[b]!;
    if (c >= gmax) { gmax = c; imax = b; }
  }
  out[0] = imax;
  out[1] = gmax;
}

/**
 * Second-order choice of j: maximises gd²/quad over eligible b with gd = Gmax + F_b > 0 (F_b = g_b + jOff_b) and
 * quad = K_ii + K_bb − 2K_ib, compared as cross-products. Writes b to out[0]; returns Gmax2 = max F_b.
 */
function selectJ(
  g: Float64Array, jOff: Float64Array, QD: Float64Array, Ki: Float32Array, QDi: number, Gmax: number, n: number,
  out: Float64Array,
): number {
  let Gmax2 = -Infinity;
  let jSel = -1;
  let bestNum = 0;
  let bestDen = 1;
  for (let b = 0; b < n; b++) {
    const F = g[b]! + jOff[b]!;
    if (F >= Gmax2) Gmax2 = F;
    const gd = Gmax + F;
    if (gd > 0) {
      let quad = QDi + QD[b]! - 2 * Ki[b]!;
      if (!(quad > 0)) quad = TAU;
      const num = gd * gd;
      if (num * bestDen >= bestNum * quad) { bestNum = num; bestDen = quad; jSel = b; }
    }
  }
  out[0] = jSel;
  return Gmax2;
}

/** g_b += Ki_b·di + Kj_b·dj for every b, and the next i as `pickI` finds it on the updated g. */
function updateAndPickI(
  g: Float64Array, iOff: Float64Array, Ki: Float32Array, Kj: Float32Array, di: number, dj: number, n: number,
  out: Float64Array,
): void {
  let gmax = -Infinity;
  let imax = -1;
  for (let b = 0; b < n; b++) {
    const v = g[b]! + Ki[b]! * di + Kj[b]! * dj;
    g[b] = v;
    const c = iOff[b]! - v;
    if (c >= gmax) { gmax = c; imax = b; }
  }
  out[0] = imax;
  out[1] = gmax;
}
