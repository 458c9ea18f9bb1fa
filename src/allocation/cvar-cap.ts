/**
 * A historical CVaR cap inside solvers that take linear rows (the active-set QPs of mean-variance and
 * semivariance), by Kelley's cutting plane. CVaR(β) of the scenario losses L_t = −r_tᵀw is the maximum of Σ q_t L_t
 * over Σq = 1, 0 ≤ q_t ≤ 1/((1−β)T) (the dual of the Rockafellar–Uryasev LP), so every such q gives a valid linear
 * row (Σ q_t r_t)ᵀw ≥ −max, exact at the weights it is built from (q on their worst scenarios). Solve, add the row
 * of the answer's worst scenarios, solve again: each new row differs from the earlier ones and there are finitely
 * many, so the loop ends at the optimum of the capped problem (a handful of rounds in practice).
 */
import { isKeelError, numericError } from '../core/index.ts';
import {
  CONSTRAINT_TOL,
  cvarCapsOf,
  historicalCVaR,
  infeasible,
  round,
  type CvarCap,
  type LinearRow,
  type SolverConstraints,
} from './constraints.ts';
import { minCvarSolve } from './cvar.ts';
import type { ReturnDistribution } from './types.ts';

/** Rows stop being added once every cap holds to this (per-period loss units; far inside CONSTRAINT_TOL). */
const CUT_TOL = 1e-12;
const MAX_ROUNDS = 500;

/** The cut of `cap` at w: q = 1/((1−β)T) on w's worst scenarios (ties by index), the remainder on the next. */
export function cvarCut(w: Float64Array, dist: ReturnDistribution, cap: CvarCap): { row: LinearRow; key: string } {
  const S = dist.scenarios!;
  const n = S.cols;
  const T = S.rows;
  const loss = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let r = 0;
    for (let i = 0; i < n; i++) r += S.data[t * n + i]! * w[i]!;
    loss[t] = -r;
  }
  const order = Array.from({ length: T }, (_, t) => t).sort((a, b) => loss[b]! - loss[a]! || a - b);
  const K = (1 - cap.level) * T;
  const a = new Float64Array(n);
  const support: string[] = [];
  let left = 1;
  for (const t of order) {
    if (left <= 0) break;
    const q = Math.min(1 / K, left);
    left -= q;
    support.push(`${t}:${q}`);
    for (let i = 0; i < n; i++) a[i] = a[i]! + q * S.data[t * n + i]!;
  }
  return {
    row: { a, lo: -cap.max, hi: Infinity, name: `CVaR(${cap.level}) ≤ ${cap.max}` },
    key: `${cap.level}|${support.join(',')}`,
  };
}

/** Clear message when no portfolio can meet a cap: the minimum CVaR under the same bounds, groups and turnover. */
function assertReachable(dist: ReturnDistribution, c: SolverConstraints, cap: CvarCap): void {
  const { maxCVaR: _m, cvarCaps: _c, cuts: _k, ...plain } = c;
  const least = minCvarSolve(dist, { beta: cap.level }, plain).cvar;
  if (least > cap.max + CUT_TOL)
    throw infeasible(
      `the least historical CVaR(${cap.level}) any portfolio reaches under these constraints is ${round(least)} per period > the cap ${cap.max}. Raise the cap or relax the other constraints.`,
    );
}

/**
 * `fn` with every CVaR cap of the constraints (maxCVaR and the solver-only cvarCaps) optimised. `fn` must honour
 * `c.cuts` as linear rows; without caps it is called once, unchanged.
 */
export function withCvarCaps(
  fn: (dist: ReturnDistribution, c: SolverConstraints) => Float64Array,
): (dist: ReturnDistribution, c: SolverConstraints) => Float64Array {
  return (dist, c) => {
    const caps = cvarCapsOf(c);
    let w = fn(dist, c);
    if (caps.length === 0) return w;
    const cuts = [...(c.cuts ?? [])];
    const seen = new Set<string>();
    for (let k = 0; k < MAX_ROUNDS; k++) {
      const over = caps.filter((cap) => historicalCVaR(w, dist, cap.level) > cap.max + CUT_TOL);
      if (over.length === 0) return w;
      let added = 0;
      for (const cap of over) {
        const cut = cvarCut(w, dist, cap);
        if (seen.has(cut.key)) continue;
        seen.add(cut.key);
        cuts.push(cut.row);
        added++;
      }
      // the answer already meets all its own rows: only rounding separates it from the cap
      if (added === 0) break;
      try {
        w = fn(dist, { ...c, cuts });
      } catch (e) {
        // rows in conflict: say which cap no portfolio can meet, with the least CVaR reachable (one LP, only here)
        if (isKeelError(e) && e.kind === 'infeasible') for (const cap of caps) assertReachable(dist, c, cap);
        throw e;
      }
    }
    const worst = caps.map((cap) => historicalCVaR(w, dist, cap.level) - cap.max).reduce((a, b) => Math.max(a, b));
    if (worst <= CONSTRAINT_TOL / 10) return w;
    throw numericError(
      `the CVaR cap did not settle after ${cuts.length} cutting planes (still ${round(worst)} over). Use min-cvar or efficient-cvar, which solve the cap as one LP.`,
    );
  };
}
