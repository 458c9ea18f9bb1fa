/**
 * SMO solver for the SVM dual (libsvm's `Solver`, Fan, Chen & Lin 2005: second-order working-set selection):
 *   min ½ αᵀQα + pᵀα  s.t.  yᵀα = 0,  0 ≤ α_t ≤ C_t,  y_t ∈ {−1, +1},  Q_st = y_s y_t K(base_s, base_t).
 * C-SVC uses l = n variables; ε-SVR uses l = 2n over the same n base points (base_t = t mod n).
 * Kernel rows are computed on demand and cached as Float32 (as libsvm does) up to `cacheBytes`.
 */

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
}

const TAU = 1e-12;

/** Solves the dual to KKT tolerance `eps` (libsvm default 1e-3), at most `maxIter` SMO steps. */
export function solveSmo(prob: SmoProblem, eps: number, maxIter: number): SmoResult {
  const { l, y, C, base, row, diag } = prob;
  const alpha = new Float64Array(l);
  const G = Float64Array.from(prob.p); // gradient Qα + p at α = 0
  const QD = new Float64Array(l);
  for (let t = 0; t < l; t++) QD[t] = diag[base[t]!]!;
  let iter = 0;
  let converged = false;
  while (iter < maxIter) {
    // ---- working set selection (WSS3)
    let Gmax = -Infinity;
    let iSel = -1;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t]! < C[t]! && -G[t]! >= Gmax) { Gmax = -G[t]!; iSel = t; }
      } else if (alpha[t]! > 0 && G[t]! >= Gmax) { Gmax = G[t]!; iSel = t; }
    }
    if (iSel < 0) { converged = true; break; }
    const yi = y[iSel]!;
    const Ki = row(base[iSel]!);
    let Gmax2 = -Infinity;
    let jSel = -1;
    let objMin = Infinity;
    const QDi = QD[iSel]!;
    for (let t = 0; t < l; t++) {
      const yt = y[t]!;
      const kit = Ki[base[t]!]!; // K(i, t); Q_it = yi·yt·kit
      if (yt === 1) {
        if (alpha[t]! > 0) {
          const Gt = G[t]!;
          if (Gt >= Gmax2) Gmax2 = Gt;
          const gd = Gmax + Gt;
          if (gd > 0) {
            const quad = QDi + QD[t]! - 2 * yi * kit;
            const obj = -(gd * gd) / (quad > 0 ? quad : TAU);
            if (obj <= objMin) { objMin = obj; jSel = t; }
          }
        }
      } else if (alpha[t]! < C[t]!) {
        const Gt = G[t]!;
        if (-Gt >= Gmax2) Gmax2 = -Gt;
        const gd = Gmax - Gt;
        if (gd > 0) {
          const quad = QDi + QD[t]! + 2 * yi * kit;
          const obj = -(gd * gd) / (quad > 0 ? quad : TAU);
          if (obj <= objMin) { objMin = obj; jSel = t; }
        }
      }
    }
    if (Gmax + Gmax2 < eps || jSel < 0) { converged = true; break; }
    iter++;
    // ---- two-variable update (libsvm's clipping)
    const i = iSel;
    const j = jSel;
    const Kj = row(base[j]!);
    const yj = y[j]!;
    const Qij = yi * yj * Ki[base[j]!]!;
    const Ci = C[i]!;
    const Cj = C[j]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let ai = oldI;
    let aj = oldJ;
    if (yi !== yj) {
      let quad = QD[i]! + QD[j]! + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) { if (aj < 0) { aj = 0; ai = diff; } }
      else if (ai < 0) { ai = 0; aj = -diff; }
      if (diff > Ci - Cj) { if (ai > Ci) { ai = Ci; aj = Ci - diff; } }
      else if (aj > Cj) { aj = Cj; ai = Cj + diff; }
    } else {
      let quad = QD[i]! + QD[j]! - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) { if (ai > Ci) { ai = Ci; aj = sum - Ci; } }
      else if (aj < 0) { aj = 0; ai = sum; }
      if (sum > Cj) { if (aj > Cj) { aj = Cj; ai = sum - Cj; } }
      else if (ai < 0) { ai = 0; aj = sum; }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    // G_t += Q_ti Δα_i + Q_tj Δα_j, with Q_ts = y_t y_s K(t, s)
    const di = (ai - oldI) * yi;
    const dj = (aj - oldJ) * yj;
    for (let t = 0; t < l; t++) {
      const b = base[t]!;
      G[t] = G[t]! + y[t]! * (Ki[b]! * di + Kj[b]! * dj);
    }
  }
  // ---- rho (libsvm calculate_rho)
  let nFree = 0;
  let sumFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  for (let t = 0; t < l; t++) {
    const yG = y[t]! * G[t]!;
    if (alpha[t]! >= C[t]!) { if (y[t] === -1) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else if (alpha[t]! <= 0) { if (y[t] === 1) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else { nFree++; sumFree += yG; }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter, converged };
}

/**
 * Kernel-row provider over n base points (row-major n × p), with a Float32 row cache of at most `cacheBytes`
 * (rows beyond it are evicted first-in first-out).
 */
export function kernelRows(
  X: Float64Array, n: number, p: number, kernel: 'rbf' | 'linear', gamma: number, cacheBytes: number,
): { row: KernelRow; diag: Float64Array } {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < p; f++) s += X[i * p + f]! * X[i * p + f]!;
    norms[i] = s;
  }
  const diag = kernel === 'rbf' ? new Float64Array(n).fill(1) : Float64Array.from(norms);
  const maxRows = Math.max(2, Math.floor(cacheBytes / (4 * n)));
  const cache = new Map<number, Float32Array>();
  const order: number[] = [];
  let head = 0;
  const row: KernelRow = (b) => {
    const hit = cache.get(b);
    if (hit !== undefined) return hit;
    // a fresh buffer even on eviction: the caller may still hold the evicted row (the solver keeps rows i and j)
    if (cache.size >= maxRows) cache.delete(order[head++]!);
    const out = new Float32Array(n);
    const ob = b * p;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      const oj = j * p;
      for (let f = 0; f < p; f++) dot += X[ob + f]! * X[oj + f]!;
      out[j] = kernel === 'rbf' ? Math.exp(-gamma * Math.max(0, norms[b]! + norms[j]! - 2 * dot)) : dot;
    }
    cache.set(b, out);
    order.push(b);
    if (head > 4096 && head * 2 > order.length) { order.splice(0, head); head = 0; }
    return out;
  };
  return { row, diag };
}
