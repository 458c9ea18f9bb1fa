/**
 * SMO solver for the SVM dual (libsvm's `Solver`, Fan, Chen & Lin 2005: second-order working-set selection):
 *   min ½ αᵀQα + pᵀα  s.t.  yᵀα = 0,  0 ≤ α_t ≤ C_t,  y_t ∈ {−1, +1},  Q_st = y_s y_t K(base_s, base_t).
 * C-SVC uses l = n variables; ε-SVR uses l = 2n over the same n base points (base_t = t mod n).
 * Kernel rows are computed on demand and cached as Float32 (as libsvm does) up to `cacheBytes`.
 * The SVR fit uses the pair-structured WebAssembly solver in svr-smo.ts instead; this general solver serves C-SVC and
 * is the reference the SVR solver is tested against.
 */

import { gemmNT } from '../neural/kernels.ts';

export type KernelRow = (b: number) => Float32Array;

export interface SmoProblem {
  /** Number of dual variables. */
  readonly l: number;
  readonly y: Int8Array;
  readonly p: Float64Array;
  readonly C: Float64Array;
  /** Base point of each variable. */
  readonly base: Int32Array;
  /** K(base b, ·) over the base points. */
  readonly row: KernelRow;
  /** K(b, b) per base point. */
  readonly diag: Float64Array;
}

export interface SmoResult {
  readonly alpha: Float64Array;
  readonly rho: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Average active-set size per step (shrinking diagnostics). */
  readonly meanActive: number;
}

const TAU = 1e-12;

/**
 * libsvm's analytic step on the two chosen variables (labels ±1, F = y∘∇, diagonal QD, Q_ij = y_i y_j K_ij), then
 * clipped back into the box [0, C_i] × [0, C_j] along the constraint line; writes the new (α_i, α_j) to `out`.
 */
export function twoVariableStep(
  out: Float64Array,
  yi: number,
  yj: number,
  Fi: number,
  Fj: number,
  QDi: number,
  QDj: number,
  Qij: number,
  oldI: number,
  oldJ: number,
  Ci: number,
  Cj: number,
): void {
  let ai = oldI;
  let aj = oldJ;
  if (yi !== yj) {
    let quad = QDi + QDj + 2 * Qij;
    if (quad <= 0) quad = TAU;
    const delta = (-yi * Fi - yj * Fj) / quad;
    const diff = ai - aj;
    ai += delta;
    aj += delta;
    if (diff > 0) {
      if (aj < 0) {
        aj = 0;
        ai = diff;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = -diff;
    }
    if (diff > Ci - Cj) {
      if (ai > Ci) {
        ai = Ci;
        aj = Ci - diff;
      }
    } else if (aj > Cj) {
      aj = Cj;
      ai = Cj + diff;
    }
  } else {
    let quad = QDi + QDj - 2 * Qij;
    if (quad <= 0) quad = TAU;
    const delta = (yi * Fi - yj * Fj) / quad;
    const sum = ai + aj;
    ai -= delta;
    aj += delta;
    if (sum > Ci) {
      if (ai > Ci) {
        ai = Ci;
        aj = sum - Ci;
      }
    } else if (aj < 0) {
      aj = 0;
      ai = sum;
    }
    if (sum > Cj) {
      if (aj > Cj) {
        aj = Cj;
        ai = sum - Cj;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = sum;
    }
  }
  out[0] = ai;
  out[1] = aj;
}

/**
 * Solves the dual to KKT tolerance `eps` (libsvm default 1e-3), at most `maxIter` SMO steps, with libsvm's
 * shrinking: every min(l, 1000) steps, variables stuck at a bound whose gradient says they will stay there leave the
 * active set (loops and gradient updates then run over the active variables only); the full gradient is rebuilt
 * from Ḡ (the contribution of variables at their upper bound) before the final optimality check.
 */
export function solveSmo(prob: SmoProblem, eps: number, maxIter: number): SmoResult {
  const { l, row, diag } = prob;
  // per-variable state, permuted together so the active set is always [0, active)
  const y = Int8Array.from(prob.y);
  const C = Float64Array.from(prob.C);
  const base = Int32Array.from(prob.base);
  const lin = Float64Array.from(prob.p);
  const orig = Int32Array.from({ length: l }, (_, t) => t);
  const alpha = new Float64Array(l);
  const F = Float64Array.from(prob.p, (v, t) => v * prob.y[t]!); // y ∘ gradient (Qα + p), at α = 0
  // I_up / I_low membership (libsvm's alpha_status, folded with the sign y)
  const up = Uint8Array.from(prob.y, (v) => (v === 1 ? 1 : 0));
  const low = Uint8Array.from(prob.y, (v) => (v === 1 ? 0 : 1));
  const setStatus = (t: number): void => {
    const a = alpha[t]!;
    const atUpper = a >= C[t]!;
    const atLower = a <= 0;
    if (y[t] === 1) {
      up[t] = atUpper ? 0 : 1;
      low[t] = atLower ? 0 : 1;
    } else {
      up[t] = atLower ? 0 : 1;
      low[t] = atUpper ? 0 : 1;
    }
  };
  const Gbar = new Float64Array(l);
  const QD = new Float64Array(l);
  for (let t = 0; t < l; t++) QD[t] = diag[base[t]!]!;
  let active = l;
  let unshrink = false;
  let counter = Math.min(l, 1000) + 1;
  let iter = 0;
  let converged = false;
  let activeSum = 0;

  const swap = (a: number, b: number): void => {
    if (a === b) return;
    let v: number;
    v = y[a]!;
    y[a] = y[b]!;
    y[b] = v;
    v = C[a]!;
    C[a] = C[b]!;
    C[b] = v;
    v = base[a]!;
    base[a] = base[b]!;
    base[b] = v;
    v = lin[a]!;
    lin[a] = lin[b]!;
    lin[b] = v;
    v = orig[a]!;
    orig[a] = orig[b]!;
    orig[b] = v;
    v = alpha[a]!;
    alpha[a] = alpha[b]!;
    alpha[b] = v;
    v = F[a]!;
    F[a] = F[b]!;
    F[b] = v;
    v = up[a]!;
    up[a] = up[b]!;
    up[b] = v;
    v = low[a]!;
    low[a] = low[b]!;
    low[b] = v;
    v = Gbar[a]!;
    Gbar[a] = Gbar[b]!;
    Gbar[b] = v;
    v = QD[a]!;
    QD[a] = QD[b]!;
    QD[b] = v;
  };

  const reconstructGradient = (): void => {
    fusedValid = false;
    if (active === l) return;
    for (let j = active; j < l; j++) F[j] = y[j]! * (Gbar[j]! + lin[j]!);
    for (let i = 0; i < active; i++) {
      const ai = alpha[i]!;
      if (ai > 0 && ai < C[i]!) {
        const Ki = row(base[i]!);
        const c = ai * y[i]!;
        for (let j = active; j < l; j++) F[j] = F[j]! + c * Ki[base[j]!]!;
      }
    }
  };

  const shrinkable = (t: number, Gmax1: number, Gmax2: number): boolean => {
    const Gt = y[t]! * F[t]!;
    if (alpha[t]! >= C[t]!) return y[t] === 1 ? -Gt > Gmax1 : -Gt > Gmax2;
    if (alpha[t]! <= 0) return y[t] === 1 ? Gt > Gmax2 : Gt > Gmax1;
    return false;
  };

  const doShrinking = (): void => {
    fusedValid = false;
    let Gmax1 = -Infinity; // max over I_up of −y_t G_t
    let Gmax2 = -Infinity; // max over I_low of y_t G_t
    for (let t = 0; t < active; t++) {
      // −y_t G_t = −F_t over I_up, y_t G_t = F_t over I_low
      if (up[t] === 1) Gmax1 = Math.max(Gmax1, -F[t]!);
      if (low[t] === 1) Gmax2 = Math.max(Gmax2, F[t]!);
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      active = l;
    }
    for (let t = 0; t < active; t++) {
      if (!shrinkable(t, Gmax1, Gmax2)) continue;
      active--;
      while (active > t) {
        if (!shrinkable(active, Gmax1, Gmax2)) {
          swap(t, active);
          break;
        }
        active--;
      }
    }
  };

  /** WSS3 over the active set; returns false when the active set is optimal. */
  let iSel = -1;
  let jSel = -1;
  let fusedValid = false;
  const scratch = new Float64Array(2);
  let fusedGmax = -Infinity;
  let fusedI = -1;
  const select = (): boolean => {
    // with F_t = y_t G_t: i maximises −F over I_up; j minimises −(Gmax + F_t)²/quad over I_low with Gmax + F_t > 0
    let Gmax = -Infinity;
    iSel = -1;
    if (fusedValid) {
      // found by the previous step's gradient update loop (same scan order and tie rule)
      Gmax = fusedGmax;
      iSel = fusedI;
      fusedValid = false;
    } else {
      for (let t = 0; t < active; t++) {
        if (up[t] === 1 && -F[t]! >= Gmax) {
          Gmax = -F[t]!;
          iSel = t;
        }
      }
    }
    if (iSel < 0) return false;
    const Ki = row(base[iSel]!);
    const Gmax2 = selectJ(F, low, QD, base, Ki, QD[iSel]!, Gmax, active, scratch);
    jSel = scratch[0]!;
    return !(Gmax + Gmax2 < eps || jSel < 0);
  };

  const step = new Float64Array(2); // (α_i, α_j) after each two-variable step
  while (iter < maxIter) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      doShrinking();
    }
    if (!select()) {
      // optimal on the active set: rebuild the whole gradient and check everything once more
      reconstructGradient();
      active = l;
      fusedValid = false;
      if (!select()) {
        converged = true;
        break;
      }
      counter = 1; // shrink again at the next step
    }
    iter++;
    activeSum += active;
    const i = iSel;
    const j = jSel;
    const Ki = row(base[i]!);
    const Kj = row(base[j]!);
    const yi = y[i]!;
    const yj = y[j]!;
    const Qij = yi * yj * Ki[base[j]!]!;
    const Ci = C[i]!;
    const Cj = C[j]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    twoVariableStep(step, yi, yj, F[i]!, F[j]!, QD[i]!, QD[j]!, Qij, oldI, oldJ, Ci, Cj);
    const ai = step[0]!;
    const aj = step[1]!;
    alpha[i] = ai;
    alpha[j] = aj;
    setStatus(i);
    setStatus(j);
    // G_t += Q_ti Δα_i + Q_tj Δα_j with Q_ts = y_t y_s K(t, s), so F_t = y_t G_t gains K_ti y_i Δα_i + K_tj y_j Δα_j
    const di = (ai - oldI) * yi;
    const dj = (aj - oldJ) * yj;
    updateGradient(F, up, base, Ki, Kj, di, dj, active, scratch);
    const gmax = scratch[1]!;
    const imax = scratch[0]!;
    fusedGmax = gmax;
    fusedI = imax;
    fusedValid = true;
    // Ḡ tracks the variables at their upper bound, over all l
    const upI = oldI >= Ci;
    const upJ = oldJ >= Cj;
    if (upI !== ai >= Ci) {
      const c = (ai >= Ci ? Ci : -Ci) * yi;
      for (let t = 0; t < l; t++) Gbar[t] = Gbar[t]! + c * y[t]! * Ki[base[t]!]!;
    }
    if (upJ !== aj >= Cj) {
      const c = (aj >= Cj ? Cj : -Cj) * yj;
      for (let t = 0; t < l; t++) Gbar[t] = Gbar[t]! + c * y[t]! * Kj[base[t]!]!;
    }
  }
  if (!converged) {
    reconstructGradient();
    active = l;
  }
  // ---- rho (libsvm calculate_rho)
  let nFree = 0;
  let sumFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  for (let t = 0; t < l; t++) {
    const yG = F[t]!;
    if (alpha[t]! >= C[t]!) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (alpha[t]! <= 0) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const out = new Float64Array(l);
  for (let t = 0; t < l; t++) out[orig[t]!] = alpha[t]!;
  return { alpha: out, rho, iterations: iter, converged, meanActive: activeSum / Math.max(1, iter) };
}

// Hot loops as top-level functions over typed arrays (no closure state), so each is optimised on its own. Measured
// here: ~2.5 ns per element when the two kernel rows are cache-hot, ~4.5 ns when they come cold from the row cache;
// the solver's remaining gap to libsvm is mostly those cold rows and JavaScript's bounds-checked loads.

/**
 * Second-order choice of j (WSS3) over the active set, with F = y∘G: j maximises gd²/a over I_low with
 * gd = Gmax + F_t > 0 and a = K_ii + K_tt − 2K_it, compared as cross-products (no division per candidate).
 * Writes j to out[0]; returns Gmax2 = max over I_low of F_t.
 */
function selectJ(
  F: Float64Array,
  low: Uint8Array,
  QD: Float64Array,
  base: Int32Array,
  Ki: Float32Array,
  QDi: number,
  Gmax: number,
  active: number,
  out: Float64Array,
): number {
  let Gmax2 = -Infinity;
  let jSel = -1;
  let bestNum = 0;
  let bestDen = 1;
  for (let t = 0; t < active; t++) {
    if (low[t] !== 1) continue;
    const Ft = F[t]!;
    if (Ft >= Gmax2) Gmax2 = Ft;
    const gd = Gmax + Ft;
    if (gd > 0) {
      let quad = QDi + QD[t]! - 2 * Ki[base[t]!]!;
      if (!(quad > 0)) quad = TAU;
      const num = gd * gd;
      if (num * bestDen >= bestNum * quad) {
        bestNum = num;
        bestDen = quad;
        jSel = t;
      }
    }
  }
  out[0] = jSel;
  return Gmax2;
}

/**
 * F_t += K_ti·di + K_tj·dj over the active set (di = y_i Δα_i, dj = y_j Δα_j), finding on the way the next i:
 * the last t in I_up with the largest −F_t (out[0] = t, out[1] = −F_t).
 */
function updateGradient(
  F: Float64Array,
  up: Uint8Array,
  base: Int32Array,
  Ki: Float32Array,
  Kj: Float32Array,
  di: number,
  dj: number,
  active: number,
  out: Float64Array,
): void {
  let gmax = -Infinity;
  let imax = -1;
  for (let t = 0; t < active; t++) {
    const b = base[t]!;
    const f = F[t]! + Ki[b]! * di + Kj[b]! * dj;
    F[t] = f;
    if (up[t] === 1 && -f >= gmax) {
      gmax = -f;
      imax = t;
    }
  }
  out[0] = imax;
  out[1] = gmax;
}

/**
 * Kernel-row provider over n base points (row-major n × p), with a Float32 row cache of at most `cacheBytes`
 * (rows beyond it are evicted first-in first-out). A missing row is computed together with the other missing rows
 * of its block of ROW_BLOCK consecutive base points: the block's dot products are one matrix product (`gemmNT`,
 * WebAssembly SIMD where available — measured ~6× faster than per-row JavaScript dot products here), then the
 * kernel is applied per entry. SMO ends up asking for most rows, so the speculative rows are rarely wasted.
 */
export function kernelRows(
  X: Float64Array,
  n: number,
  p: number,
  kernel: 'rbf' | 'linear',
  gamma: number,
  cacheBytes: number,
): { row: KernelRow; diag: Float64Array } {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < p; f++) s += X[i * p + f]! * X[i * p + f]!;
    norms[i] = s;
  }
  const diag = kernel === 'rbf' ? new Float64Array(n).fill(1) : Float64Array.from(norms);
  const maxRows = Math.max(2, Math.floor(cacheBytes / (4 * n)));
  const block = maxRows >= 4 * ROW_BLOCK ? ROW_BLOCK : 1;
  const cache: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(n);
  let cached = 0;
  const order: number[] = [];
  let head = 0;
  const dots = new Float64Array(block * n);
  const rbf = kernel === 'rbf';
  const row: KernelRow = (b) => {
    const hit = cache[b];
    if (hit !== undefined) return hit;
    const start = b - (b % block);
    const m = Math.min(block, n - start);
    gemmNT(m, n, p, X, start * p, p, X, 0, p, dots, 0, n, false);
    for (let r = start; r < start + m; r++) {
      if (cache[r] !== undefined) continue;
      // a fresh buffer even on eviction: the caller may still hold the evicted row (the solver keeps rows i and j)
      if (cached >= maxRows) {
        const victim = order[head++]!;
        if (victim !== b) {
          cache[victim] = undefined;
          cached--;
        }
      }
      const out = new Float32Array(n);
      const o = (r - start) * n;
      const nr = norms[r]!;
      if (rbf) for (let j = 0; j < n; j++) out[j] = Math.exp(-gamma * Math.max(0, nr + norms[j]! - 2 * dots[o + j]!));
      else for (let j = 0; j < n; j++) out[j] = dots[o + j]!;
      cache[r] = out;
      cached++;
      order.push(r);
    }
    if (head > 4096 && head * 2 > order.length) {
      order.splice(0, head);
      head = 0;
    }
    return cache[b]!;
  };
  return { row, diag };
}

const ROW_BLOCK = 16;
