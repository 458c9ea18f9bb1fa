/**
 * Dense primal active-set QP over Float64Array (Nocedal & Wright, Numerical Optimization, §16.5), specialised for
 * portfolio problems: many simple bounds, a handful of general rows.
 *
 *   minimise ½ xᵀPx + qᵀx   subject to   lb ≤ x ≤ ub,   lo_r ≤ a_rᵀx ≤ hi_r  (lo_r = hi_r: an equality)
 *
 * Variables at a bound are *fixed* and drop out of the linear algebra; the Cholesky factor of P over the free
 * variables is grown one column at a time (O(nf²) per release), so a 500-asset long-only problem whose answer holds
 * 60 assets costs about 60 small updates instead of an interior-point method's 30 dense n³ factorisations.
 * Working general rows are handled through their Schur complement (Y = L⁻¹C_Fᵀ, a few columns).
 *
 * The caller supplies a feasible starting point (see `feasibleStart`); the method is exact: at termination the
 * KKT conditions hold to rounding (stationarity on free variables by construction, multiplier signs checked with
 * `tolerance` relative to the gradient scale).
 */

/** One general row lo ≤ aᵀx ≤ hi (use ±Infinity for a missing side; lo = hi for an equality). */
export interface QpRow {
  readonly a: Float64Array;
  readonly lo: number;
  readonly hi: number;
  /** Human name used in infeasibility messages, e.g. "sum of weights". */
  readonly name: string;
}

export interface QpProblem {
  readonly n: number;
  /** n × n symmetric positive (semi)definite, row-major. */
  readonly P: Float64Array;
  readonly q: Float64Array;
  readonly lb: Float64Array;
  readonly ub: Float64Array;
  readonly rows: readonly QpRow[];
}

export interface QpResult {
  readonly x: Float64Array;
  readonly status: 'optimal' | 'max-iterations' | 'singular';
  readonly iterations: number;
  /** Objective ½xᵀPx + qᵀx at x. */
  readonly objective: number;
  /** Indices of variables strictly between their bounds at the end. */
  readonly free: readonly number[];
  /** Largest violation of stationarity/sign conditions at the end (in gradient units). */
  readonly kktResidual: number;
  /**
   * Shadow prices (status 'optimal'): the KKT multipliers written as ∂(optimal objective)/∂(active limit). Row r:
   * −λ_r for the limit it holds at (lo, hi, or the equality's value), 0 when the row is slack. Variable i at a bound:
   * g_i + Σ_r λ_r a_ri (its reduced gradient), 0 when free. Minimising, so a binding upper limit has a price ≤ 0
   * (raising it lowers the objective) and a binding lower limit a price ≥ 0.
   */
  readonly shadowPrices: { readonly rows: Float64Array; readonly bounds: Float64Array };
}

export interface QpOptions {
  readonly maxIterations?: number;
  /** Relative tolerance for multiplier signs and step lengths (default 1e-12). */
  readonly tolerance?: number;
}

let scratch = new Float64Array(0);

const enum Side {
  Lower = -1,
  Upper = 1,
  Equal = 0,
}

/**
 * Solve the QP from a feasible `x0` (not modified). Throws nothing; `status` says how it ended.
 * Requires P positive definite on the free subspace reached; a near-zero pivot gets a 1e-12·scale ridge
 * (reported as status 'singular' only if that still fails).
 */
export function solveQpActiveSet(prob: QpProblem, x0: Float64Array, options: QpOptions = {}): QpResult {
  const { n, P, q, lb, ub, rows } = prob;
  const tol = options.tolerance ?? 1e-12;
  const maxIter = options.maxIterations ?? 20 * (n + rows.length) + 100;
  const x = Float64Array.from(x0);

  let diagScale = 0;
  for (let i = 0; i < n; i++) diagScale = Math.max(diagScale, Math.abs(P[i * n + i]!));
  if (diagScale === 0) diagScale = 1;
  const ridge = 1e-12 * diagScale;

  // gradient g = Px + q
  const g = new Float64Array(n);
  initGradient(P, q, x, n, g);

  // free set, in factor order; state per variable: 0 free, -1 at lb, +1 at ub
  const state = new Int8Array(n);
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    const atLo = Number.isFinite(lb[i]!) && x[i]! <= lb[i]!;
    const atHi = Number.isFinite(ub[i]!) && x[i]! >= ub[i]!;
    if (atLo) {
      x[i] = lb[i]!;
      state[i] = -1;
    } else if (atHi) {
      x[i] = ub[i]!;
      state[i] = 1;
    } else free.push(i);
  }
  // Fixed-and-equal bounds stay fixed forever.

  // Working rows: index + side.
  const working: { r: number; side: Side }[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.lo === row.hi) working.push({ r, side: Side.Equal });
  }
  const rowValue = (r: number): number => {
    const a = rows[r]!.a;
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * x[i]!;
    return s;
  };
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.lo === row.hi) continue;
    const v = rowValue(r);
    const scale = 1e-12 * (1 + Math.abs(v));
    if (Number.isFinite(row.hi) && v >= row.hi - scale) working.push({ r, side: Side.Upper });
    else if (Number.isFinite(row.lo) && v <= row.lo + scale) working.push({ r, side: Side.Lower });
  }

  // Cholesky factor of P_FF (lower, stride n), Y columns (one per working row, free order).
  // The factor lives in a module-level scratch buffer: allocating n² doubles per solve (2 MB at 500 assets) made
  // V8 collect garbage every few solves. Safe because solves never nest (phase 1 finishes before the main solve).
  if (scratch.length < n * n) scratch = new Float64Array(n * n);
  const L = scratch;
  let nf = 0;
  let singular = false;
  const appendToFactor = (j: number): void => {
    // new row k = nf: l = L⁻¹ P[F, j], d = sqrt(P_jj - l·l)
    const k = nf;
    const rowK = k * n;
    let d = P[j * n + j]! - appendRow(L, P, n, k, free, j);
    if (!(d > ridge)) {
      // A clearly negative pivot means P is not positive semidefinite on the free set: the problem is not
      // convex and any answer would be arbitrary, so report it. Tiny pivots (rank-deficient PSD) get the ridge.
      if (!(d >= -1e-9 * Math.max(P[j * n + j]!, diagScale * 1e-6))) singular = true;
      d = Math.max(d, 0) + ridge;
    }
    L[rowK + k] = Math.sqrt(d);
    nf = k + 1;
  };
  const refactor = (): void => {
    nf = 0;
    const list = free.slice();
    free.length = 0;
    for (const j of list) {
      free.push(j);
      appendToFactor(j);
    }
  };
  // A vertex start leaves fewer free variables than working rows: free one per under-represented row.
  for (let guard = 0; free.length < working.length && guard < n; guard++) {
    const a = rows[working[free.length]!.r]!.a;
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (state[i] === 0 || lb[i] === ub[i] || a[i] === 0) continue;
      if (best < 0 || Math.abs(a[i]!) > Math.abs(a[best]!)) best = i;
    }
    if (best < 0) break;
    state[best] = 0;
    free.push(best);
  }
  refactor();

  // Y[w] = L⁻¹ (a_w restricted to free, in free order)
  let Y: Float64Array[] = [];
  const yColumn = (r: number): Float64Array => {
    const a = rows[r]!.a;
    const y = new Float64Array(n);
    forwardSolve(L, n, nf, free, a, y);
    return y;
  };
  const rebuildY = (): void => {
    Y = working.map((w) => yColumn(w.r));
  };
  rebuildY();

  const u = new Float64Array(n);
  const p = new Float64Array(n); // step on free vars, free order
  const tmp = new Float64Array(n);
  let lambda: Float64Array = new Float64Array(0);
  let it = 0;
  let status: QpResult['status'] = 'optimal';
  let kkt = 0;
  let batch = 1;
  const violators: { i: number; viol: number }[] = [];
  const justReleased = new Set<number>();

  for (; it < maxIter && !singular; it++) {
    // ---- subproblem: minimise over free vars with working rows held: Lagrange system via Schur complement
    forwardSolve(L, n, nf, free, g, u);
    const m = working.length;
    lambda = new Float64Array(m);
    if (m > 0) {
      const S = new Float64Array(m * m);
      const rhs = new Float64Array(m);
      for (let a = 0; a < m; a++) {
        const ya = Y[a]!;
        let s = 0;
        for (let k = 0; k < nf; k++) s += ya[k]! * u[k]!;
        rhs[a] = -s;
        for (let b = 0; b <= a; b++) {
          const yb = Y[b]!;
          let t = 0;
          for (let k = 0; k < nf; k++) t += ya[k]! * yb[k]!;
          S[a * m + b] = t;
          S[b * m + a] = t;
        }
      }
      lambda = solveSmallSymmetric(S, rhs, m);
    }
    // p = -L⁻ᵀ(u + Yλ)
    for (let k = 0; k < nf; k++) {
      let s = u[k]!;
      for (let a = 0; a < m; a++) s += Y[a]![k]! * lambda[a]!;
      tmp[k] = s;
    }
    // Enforce C_F p = 0 exactly even when the working rows are dependent on the free set (S singular):
    // remove from tmp its component in range(Y) (modified Gram–Schmidt, twice, dependent columns dropped).
    if (m > 0) projectOutRange(Y, m, nf, tmp);
    backSolve(L, n, nf, tmp, p);
    let pMax = 0;
    let xMax = 0;
    for (let k = 0; k < nf; k++) {
      p[k] = -p[k]!;
      pMax = Math.max(pMax, Math.abs(p[k]!));
      xMax = Math.max(xMax, Math.abs(x[free[k]!]!));
    }

    // ---- step length, blocked by free variables' bounds and non-working rows
    let alpha = 1;
    let blockVar = -1;
    let blockVarSide = 0;
    let blockRow = -1;
    let blockRowSide: Side = Side.Upper;
    if (pMax > 1e-15 * (1 + xMax)) {
      for (let k = 0; k < nf; k++) {
        const pk = p[k]!;
        // A component at rounding level of the step (0 in exact arithmetic: a working row pins the variable) is
        // dropped; it must not block at length 0 from its own bound: that re-fixed a just-released variable every
        // time and the method cycled release / re-fix until max-iterations (efficient-risk with cash, a trading
        // cost and a sector at its cap).
        if (Math.abs(pk) <= 1e-14 * pMax) {
          p[k] = 0;
          continue;
        }
        const i = free[k]!;
        if (pk < 0 && Number.isFinite(lb[i]!)) {
          const t = (lb[i]! - x[i]!) / pk;
          if (t < alpha) {
            alpha = Math.max(t, 0);
            blockVar = i;
            blockVarSide = -1;
          }
        } else if (pk > 0 && Number.isFinite(ub[i]!)) {
          const t = (ub[i]! - x[i]!) / pk;
          if (t < alpha) {
            alpha = Math.max(t, 0);
            blockVar = i;
            blockVarSide = 1;
          }
        }
      }
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        if (row.lo === row.hi || working.some((w) => w.r === r)) continue;
        let ap = 0;
        for (let k = 0; k < nf; k++) ap += row.a[free[k]!]! * p[k]!;
        if (Math.abs(ap) < 1e-300) continue;
        const v = rowValue(r);
        if (ap > 0 && Number.isFinite(row.hi)) {
          const t = (row.hi - v) / ap;
          if (t < alpha) {
            alpha = Math.max(t, 0);
            blockRow = r;
            blockRowSide = Side.Upper;
            blockVar = -1;
          }
        } else if (ap < 0 && Number.isFinite(row.lo)) {
          const t = (row.lo - v) / ap;
          if (t < alpha) {
            alpha = Math.max(t, 0);
            blockRow = r;
            blockRowSide = Side.Lower;
            blockVar = -1;
          }
        }
      }
      // x += αp; g += α P[:,F] p
      if (alpha > 0) applyStep(P, n, free, nf, p, alpha, x, g);
      if (alpha === 0 && blockVar >= 0 && justReleased.has(blockVar)) batch = 1;
      else if (alpha > 0) batch = Math.min(batch * 2, n);
      justReleased.clear();
      if (blockVar >= 0 || blockRow >= 0) {
        if (blockVar >= 0) {
          x[blockVar] = blockVarSide < 0 ? lb[blockVar]! : ub[blockVar]!;
          state[blockVar] = blockVarSide;
          const pos = free.indexOf(blockVar);
          removeFromFactor(L, n, nf, pos);
          free.splice(pos, 1);
          nf--;
          rebuildY();
        } else {
          working.push({ r: blockRow, side: blockRowSide });
          Y.push(yColumn(blockRow));
        }
        continue;
      }
    }

    // ---- at the subspace minimum: check multipliers of fixed variables and working inequality rows
    let gScale = 0;
    for (let i = 0; i < n; i++) gScale = Math.max(gScale, Math.abs(g[i]!));
    const thr = tol * (gScale + diagScale * 1e-3);
    let worst = thr;
    let releaseVar = -1;
    let releaseRow = -1;
    violators.length = 0;
    // reduced gradient for fixed vars: g_i + Σ λ_w a_{w,i}
    const wa = working.map((w) => rows[w.r]!.a);
    const top = collectViolators(state, lb, ub, g, lambda, wa, thr, violators);
    if (top.viol > worst) {
      worst = top.viol;
      releaseVar = top.i;
      releaseRow = -1;
    }
    for (let a = 0; a < m; a++) {
      const w = working[a]!;
      if (w.side === Side.Equal) continue;
      const viol = w.side === Side.Upper ? -lambda[a]! : lambda[a]!; // upper needs λ ≥ 0, lower λ ≤ 0
      const rowNorm = maxAbs(rows[w.r]!.a);
      if (viol * rowNorm > worst) {
        worst = viol * rowNorm;
        releaseRow = a;
        releaseVar = -1;
      }
    }
    kkt = worst === thr ? 0 : worst;
    if (releaseVar < 0 && releaseRow < 0) {
      kkt = 0;
      break;
    }
    if (releaseVar >= 0) {
      // Release the `batch` worst violators at once (batch doubles while steps make progress, resets to 1
      // after a zero-length step) — dense answers then need O(log n) rounds instead of n.
      violators.sort((a, b) => b.viol - a.viol || a.i - b.i);
      const take = Math.min(batch, violators.length);
      justReleased.clear();
      for (let k = 0; k < take; k++) {
        const j = violators[k]!.i;
        state[j] = 0;
        free.push(j);
        justReleased.add(j);
        appendToFactor(j);
        for (let a = 0; a < working.length; a++) extendYColumn(L, n, nf, free, Y[a]!, rows[working[a]!.r]!.a);
      }
    } else {
      working.splice(releaseRow, 1);
      Y.splice(releaseRow, 1);
    }
  }
  if (it >= maxIter) status = 'max-iterations';
  if (singular) status = 'singular';

  let obj = 0;
  for (let i = 0; i < n; i++) obj += x[i]! * (0.5 * (g[i]! - q[i]!) + q[i]!);
  return {
    x,
    status,
    iterations: it,
    objective: obj,
    free: free.slice().sort((a, b) => a - b),
    kktResidual: kkt,
    shadowPrices: shadowPrices(state, lb, ub, g, lambda, working, rows),
  };
}

/**
 * The working set's multipliers as sensitivities (see `QpResult.shadowPrices`). λ comes from the last Lagrange
 * system: after a full step to the subspace minimum, g + C_Fᵀλ = 0 holds on the free variables at the new point.
 */
function shadowPrices(
  state: Int8Array,
  lb: Float64Array,
  ub: Float64Array,
  g: Float64Array,
  lambda: Float64Array,
  working: readonly { r: number }[],
  rows: readonly QpRow[],
): { rows: Float64Array; bounds: Float64Array } {
  const n = g.length;
  const rowPrices = new Float64Array(rows.length);
  working.forEach((w, a) => (rowPrices[w.r] = -(lambda[a] ?? 0) + 0));
  const bounds = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (state[i] === 0 && lb[i] !== ub[i]) continue;
    let mu = g[i]!;
    working.forEach((w, a) => (mu += (lambda[a] ?? 0) * rows[w.r]!.a[i]!));
    bounds[i] = mu;
  }
  return { rows: rowPrices, bounds };
}

/**
 * Remove factor row/column k (a variable leaving the free set): drop row k of L, then restore lower-triangular
 * form with Givens rotations on column pairs (j, j+1), j = k … nf−2. O((nf−k)²).
 */
function removeFromFactor(L: Float64Array, n: number, nf: number, k: number): void {
  for (let i = k; i < nf - 1; i++) {
    const dst = i * n;
    const src = (i + 1) * n;
    for (let j = 0; j <= i + 1; j++) L[dst + j] = L[src + j]!;
  }
  for (let j = k; j < nf - 1; j++) {
    const a = L[j * n + j]!;
    const b = L[j * n + j + 1]!;
    const r = Math.hypot(a, b);
    if (b === 0) continue;
    const c = a / r;
    const s = b / r;
    for (let i = j; i < nf - 1; i++) {
      const off = i * n;
      const u = L[off + j]!;
      const v = L[off + j + 1]!;
      L[off + j] = c * u + s * v;
      L[off + j + 1] = -s * u + c * v;
    }
  }
  for (let i = 0; i < nf - 1; i++) L[i * n + nf - 1] = 0;
  // keep positive diagonal
  for (let j = k; j < nf - 1; j++) {
    if (L[j * n + j]! < 0) for (let i = j; i < nf - 1; i++) L[i * n + j] = -L[i * n + j]!;
  }
}

/** y[nf-1] for a column after the factor grew by one row: (a_j − L[k,:k]·y[:k]) / L[k,k]. */
function extendYColumn(
  L: Float64Array,
  n: number,
  nf: number,
  free: readonly number[],
  y: Float64Array,
  a: Float64Array,
): void {
  const k = nf - 1;
  const off = k * n;
  let s = a[free[k]!]!;
  for (let m = 0; m < k; m++) s -= L[off + m]! * y[m]!;
  y[k] = s / L[off + k]!;
}

/** g = Px + q. */
function initGradient(P: Float64Array, q: Float64Array, x: Float64Array, n: number, g: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = q[i]!;
    const off = i * n;
    for (let j = 0; j < n; j++) s += P[off + j]! * x[j]!;
    g[i] = s;
  }
}

/** Row k of the factor for a new free variable j: L[k, :k] = L⁻¹ P[F, j]; returns ‖L[k, :k]‖². */
function appendRow(L: Float64Array, P: Float64Array, n: number, k: number, free: readonly number[], j: number): number {
  const rowK = k * n;
  const pj = j * n; // P symmetric: read row j contiguously instead of column j
  let ss = 0;
  for (let i = 0; i < k; i++) {
    let s = P[pj + free[i]!]!;
    const rowI = i * n;
    for (let m = 0; m < i; m++) s -= L[rowI + m]! * L[rowK + m]!;
    const v = s / L[rowI + i]!;
    L[rowK + i] = v;
    ss += v * v;
  }
  return ss;
}

/** x_F += αp; g += α P[:, F] p. */
function applyStep(
  P: Float64Array,
  n: number,
  free: readonly number[],
  nf: number,
  p: Float64Array,
  alpha: number,
  x: Float64Array,
  g: Float64Array,
): void {
  for (let k = 0; k < nf; k++) {
    const j = free[k]!;
    x[j] = x[j]! + alpha * p[k]!;
  }
  for (let i = 0; i < n; i++) {
    const off = i * n;
    let s = 0;
    for (let k = 0; k < nf; k++) s += P[off + free[k]!]! * p[k]!;
    g[i] = g[i]! + alpha * s;
  }
}

/** Fixed variables whose reduced gradient has the wrong sign (into `out`); returns the worst. */
function collectViolators(
  state: Int8Array,
  lb: Float64Array,
  ub: Float64Array,
  g: Float64Array,
  lambda: Float64Array,
  wa: readonly Float64Array[],
  thr: number,
  out: { i: number; viol: number }[],
): { i: number; viol: number } {
  let best = -1;
  let worst = -Infinity;
  const m = wa.length;
  for (let i = 0; i < state.length; i++) {
    const s = state[i]!;
    if (s === 0 || lb[i] === ub[i]) continue;
    let mu = g[i]!;
    for (let a = 0; a < m; a++) mu += lambda[a]! * wa[a]![i]!;
    const viol = s < 0 ? -mu : mu; // at lb need mu ≥ 0; at ub need mu ≤ 0
    if (viol > thr) out.push({ i, viol });
    if (viol > worst) {
      worst = viol;
      best = i;
    }
  }
  return { i: best, viol: worst };
}

/** out[k] = (L⁻¹ v_F)[k] for the free variables in factor order. */
function forwardSolve(
  L: Float64Array,
  n: number,
  nf: number,
  free: readonly number[],
  v: Float64Array,
  out: Float64Array,
): void {
  for (let k = 0; k < nf; k++) {
    const off = k * n;
    let s = v[free[k]!]!;
    for (let m = 0; m < k; m++) s -= L[off + m]! * out[m]!;
    out[k] = s / L[off + k]!;
  }
}

/** out = L⁻ᵀ v (v, out in factor order). Column-oriented so the inner loop walks rows of L contiguously. */
function backSolve(L: Float64Array, n: number, nf: number, v: Float64Array, out: Float64Array): void {
  for (let k = 0; k < nf; k++) out[k] = v[k]!;
  for (let k = nf - 1; k >= 0; k--) {
    const off = k * n;
    const xk = out[k]! / L[off + k]!;
    out[k] = xk;
    for (let m = 0; m < k; m++) out[m] = out[m]! - L[off + m]! * xk;
  }
}

function projectOutRange(Y: readonly Float64Array[], m: number, nf: number, v: Float64Array): void {
  const basis: Float64Array[] = [];
  for (let a = 0; a < m; a++) {
    const qv = Y[a]!.slice(0, nf);
    let norm0 = 0;
    for (let k = 0; k < nf; k++) norm0 += qv[k]! * qv[k]!;
    norm0 = Math.sqrt(norm0);
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let d = 0;
        for (let k = 0; k < nf; k++) d += b[k]! * qv[k]!;
        for (let k = 0; k < nf; k++) qv[k] = qv[k]! - d * b[k]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < nf; k++) norm += qv[k]! * qv[k]!;
    norm = Math.sqrt(norm);
    if (norm <= 1e-10 * norm0) continue;
    for (let k = 0; k < nf; k++) qv[k] = qv[k]! / norm;
    basis.push(qv);
  }
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      let d = 0;
      for (let k = 0; k < nf; k++) d += b[k]! * v[k]!;
      for (let k = 0; k < nf; k++) v[k] = v[k]! - d * b[k]!;
    }
  }
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Solve a small symmetric system S z = b by Gaussian elimination with partial pivoting (tiny ridge if singular). */
export function solveSmallSymmetric(S: Float64Array, b: Float64Array, m: number): Float64Array {
  const A = Float64Array.from(S);
  const z = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(A[i * m + i]!));
  const tiny = 1e-14 * (scale || 1);
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]!) > Math.abs(A[piv * m + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < m; k++) {
        const t = A[c * m + k]!;
        A[c * m + k] = A[piv * m + k]!;
        A[piv * m + k] = t;
      }
      const t = z[c]!;
      z[c] = z[piv]!;
      z[piv] = t;
    }
    let d = A[c * m + c]!;
    if (Math.abs(d) < tiny) {
      d = d < 0 ? -tiny : tiny;
      A[c * m + c] = d;
    }
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < m; k++) A[r * m + k] = A[r * m + k]! - f * A[c * m + k]!;
      z[r] = z[r]! - f * z[c]!;
    }
  }
  for (let c = m - 1; c >= 0; c--) {
    let s = z[c]!;
    for (let k = c + 1; k < m; k++) s -= A[c * m + k]! * z[k]!;
    z[c] = s / A[c * m + c]!;
  }
  return z;
}
