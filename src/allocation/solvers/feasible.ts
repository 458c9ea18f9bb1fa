/**
 * Starting points for the active-set QP. `greedyBudgetPoint` satisfies bounds + Σw = budget exactly by filling
 * variables in a preferred order; `feasiblePoint` adds general rows through an exact-penalty phase-1 QP
 * (minimise Σ slack + ½ε‖·‖²): the slacks reach exactly 0 whenever the rows are satisfiable, otherwise the
 * remaining slacks name the rows in conflict.
 */
import { infeasible, round } from '../constraints.ts';
import { solveQpActiveSet, type QpRow } from './activeSetQp.ts';

/** x = clip(0, lb, ub), then move variables in `order` toward their bounds until Σx = budget. */
export function greedyBudgetPoint(
  lb: Float64Array,
  ub: Float64Array,
  budget: number,
  order: readonly number[],
  from: 'zero' | 'lower' = 'zero',
): Float64Array {
  const n = lb.length;
  const x = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    x[i] = from === 'lower' && Number.isFinite(lb[i]!) ? lb[i]! : Math.min(Math.max(0, lb[i]!), ub[i]!);
    s += x[i]!;
  }
  let gap = budget - s;
  if (gap > 0) {
    for (const i of order) {
      if (gap <= 0) break;
      const room = ub[i]! - x[i]!;
      const d = Math.min(room, gap);
      x[i] = x[i]! + d;
      gap -= d;
    }
  } else if (gap < 0) {
    for (let k = order.length - 1; k >= 0; k--) {
      if (gap >= 0) break;
      const i = order[k]!;
      const room = x[i]! - lb[i]!;
      const d = Math.min(room, -gap);
      x[i] = x[i]! - d;
      gap += d;
    }
  }
  return x;
}

/**
 * A point with lb ≤ x ≤ ub, Σx = budget and lo ≤ aᵀx ≤ hi for every row, or an `infeasible` KeelError naming
 * the rows that cannot be met.
 */
export function feasiblePoint(
  lb: Float64Array,
  ub: Float64Array,
  budget: number | null,
  rows: readonly QpRow[],
  order: readonly number[],
): Float64Array {
  const n = lb.length;
  const x0 = budget === null ? clip0(lb, ub) : greedyBudgetPoint(lb, ub, budget, order);
  const viol = rows.map((r) => rowViolation(r, x0));
  if (viol.every((v) => v <= 1e-12)) return x0;
  // phase 1: variables [x, s⁺ (m), s⁻ (m)], rows lo ≤ aᵀx + s⁺ − s⁻ ≤ hi, objective Σs + ½ε(‖x‖² + ‖s‖²)
  const m = rows.length;
  const N = n + 2 * m;
  const eps = 1e-9;
  const P = new Float64Array(N * N);
  for (let i = 0; i < N; i++) P[i * N + i] = eps;
  const q = new Float64Array(N);
  for (let k = n; k < N; k++) q[k] = 1;
  const LB = new Float64Array(N);
  const UB = new Float64Array(N).fill(Infinity);
  LB.set(lb);
  UB.set(ub);
  const start = new Float64Array(N);
  start.set(x0);
  const prow: QpRow[] = [];
  if (budget !== null) {
    const a = new Float64Array(N);
    a.fill(1, 0, n);
    prow.push({ a, lo: budget, hi: budget, name: 'sum of weights' });
  }
  rows.forEach((r, k) => {
    const a = new Float64Array(N);
    a.set(r.a);
    a[n + k] = 1;
    a[n + m + k] = -1;
    prow.push({ a, lo: r.lo, hi: r.hi, name: r.name });
    const v = dotN(r.a, x0, n);
    if (v < r.lo) start[n + k] = r.lo - v;
    if (v > r.hi) start[n + m + k] = v - r.hi;
  });
  const res = solveQpActiveSet({ n: N, P, q, lb: LB, ub: UB, rows: prow }, start);
  const bad: string[] = [];
  rows.forEach((r, k) => {
    const sp = res.x[n + k]!;
    const sm = res.x[n + m + k]!;
    if (sp > 1e-9) bad.push(`${r.name} ≥ ${round(r.lo)} (best reachable ${round(r.lo - sp)})`);
    if (sm > 1e-9) bad.push(`${r.name} ≤ ${round(r.hi)} (best reachable ${round(r.hi + sm)})`);
  });
  if (bad.length > 0) {
    throw infeasible(
      `constraints conflict: ${bad.join('; ')}${budget === null ? '' : ` with weights summing to ${budget}`} and the weight bounds. Relax one of them.`,
    );
  }
  const x = res.x.slice(0, n);
  for (let i = 0; i < n; i++) x[i] = Math.min(Math.max(x[i]!, lb[i]!), ub[i]!);
  return x;
}

function clip0(lb: Float64Array, ub: Float64Array): Float64Array {
  const x = new Float64Array(lb.length);
  for (let i = 0; i < lb.length; i++) x[i] = Math.min(Math.max(0, lb[i]!), ub[i]!);
  return x;
}

function dotN(a: Float64Array, x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * x[i]!;
  return s;
}

export function rowViolation(r: QpRow, x: Float64Array): number {
  const v = dotN(r.a, x, x.length);
  return Math.max(r.lo - v, v - r.hi, 0);
}
