/**
 * Mean-variance optimisers (PyPortfolioOpt's `EfficientFrontier` conventions): min variance, max Sharpe,
 * max quadratic utility, efficient return, efficient risk and the frontier. Each solves an exact QP with the
 * active-set solver and returns weights; constraint violations and infeasibility are KeelErrors that the
 * allocator wrapper turns into `Allocation` values.
 */
import { KeelError, dataError, numericError } from '../core/index.ts';
import { isPositiveSemidefinite, validateCovariance } from '../risk/index.ts';
import {
  CONSTRAINT_TOL,
  compileBounds,
  compileGroups,
  infeasible,
  round,
  valueAtRisk,
  type Constraints,
  type SolverConstraints,
} from './constraints.ts';
import { withCvarCaps } from './cvar-cap.ts';
import { portfolioPerformance, portfolioVariance } from './performance.ts';
import { solveQpActiveSet, type QpRow } from './solvers/activeSetQp.ts';
import { feasiblePoint, greedyBudgetPoint } from './solvers/feasible.ts';
import { solveLp } from './solvers/highs.ts';
import type { ReturnDistribution } from './types.ts';

/** Bounds, rows and the covariance of one problem, validated once. */
export interface MvSetup {
  readonly n: number;
  readonly cov: Float64Array;
  readonly mu: Float64Array;
  readonly lb: Float64Array;
  readonly ub: Float64Array;
  readonly budget: number;
  readonly groups: QpRow[];
  readonly l2: number;
  /** Assets ordered by variance, ascending: the greedy start fills low-variance assets first. */
  readonly byVariance: number[];
  /** Trading terms (present when transactionCost or maxTurnover is set): w = w0 + b − s, b, s ≥ 0. */
  readonly trade?: { readonly w0: Float64Array; readonly cost: number; readonly maxTurnover: number };
}

/** Validate μ, Σ and asset lists (one-line errors naming the entry). */
export function validateDistribution(dist: ReturnDistribution): void {
  const n = dist.assets.length;
  if (n === 0) throw dataError('the return distribution has no assets.');
  if (dist.mu.length !== n)
    throw dataError(`mu has ${dist.mu.length} values but there are ${n} assets. Give one expected return per asset.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(dist.mu[i]!))
      throw dataError(
        `expected return of ${dist.assets[i]} is ${dist.mu[i]}; mu must be finite. Drop the asset or fill its forecast.`,
      );
  }
  validateCovariance(dist.cov, dist.assets);
  if (dist.previousWeights && dist.previousWeights.length !== n) {
    throw dataError(`previousWeights has ${dist.previousWeights.length} values but there are ${n} assets.`);
  }
  const rf = dist.riskFreeRate;
  if (rf !== undefined && !Number.isFinite(rf)) throw dataError(`riskFreeRate must be finite, got ${rf}.`);
}

export function setup(dist: ReturnDistribution, c: SolverConstraints = {}): MvSetup {
  validateDistribution(dist);
  if (!isPositiveSemidefinite(dist.cov)) {
    throw numericError(
      'the covariance is not positive semidefinite, so mean-variance problems are not convex. Repair it (repairCovariance / nearestPSD) or use a shrinkage estimator such as ledoit-wolf.',
    );
  }
  const n = dist.assets.length;
  const { lb, ub, budget } = compileBounds(dist.assets, c);
  // the CVaR cutting plane's rows (cvar-cap.ts) ride along with the group rows
  const groups: QpRow[] = [...compileGroups(dist.assets, c), ...(c.cuts ?? [])];
  const cov = dist.cov.data;
  const byVariance = Array.from({ length: n }, (_, i) => i).sort((a, b) => cov[a * n + a]! - cov[b * n + b]! || a - b);
  const base = { n, cov, mu: dist.mu, lb, ub, budget, groups, l2: c.l2Gamma ?? 0, byVariance };
  if ((c.transactionCost ?? 0) > 0 || c.maxTurnover !== undefined) {
    const w0 = dist.previousWeights ? Float64Array.from(dist.previousWeights) : new Float64Array(n);
    return { ...base, trade: { w0, cost: c.transactionCost ?? 0, maxTurnover: c.maxTurnover ?? Infinity } };
  }
  return base;
}

function budgetRow(s: MvSetup): QpRow {
  return { a: new Float64Array(s.n).fill(1), lo: s.budget, hi: s.budget, name: 'sum of weights' };
}

/** P = κΣ + 2γI. */
function hessian(s: MvSetup, kappa: number): Float64Array {
  const P = new Float64Array(s.n * s.n);
  for (let i = 0; i < P.length; i++) P[i] = kappa * s.cov[i]!;
  for (let i = 0; i < s.n; i++) P[i * s.n + i] = P[i * s.n + i]! + 2 * s.l2;
  return P;
}

function solve(s: MvSetup, P: Float64Array, q: Float64Array, extraRows: QpRow[], start?: Float64Array): Float64Array {
  return solveDetailed(s, P, q, extraRows, start).w;
}

/** One binding limit of a solved problem: ∂(optimal QP objective)/∂(limit), from the solver's multipliers. */
interface RawPrice {
  readonly kind: 'budget' | 'upper' | 'lower' | 'row' | 'turnover';
  /** Asset index (upper / lower) or the row's name (row). */
  readonly asset?: number;
  readonly name?: string;
  readonly limit: number;
  readonly value: number;
}

function solveDetailed(
  s: MvSetup,
  P: Float64Array,
  q: Float64Array,
  extraRows: QpRow[],
  start?: Float64Array,
): { w: Float64Array; prices: RawPrice[] } {
  if (s.trade) return solveInTradeSpace(s, P, q, extraRows);
  const rows = [budgetRow(s), ...s.groups, ...extraRows];
  const x0 = start ?? feasiblePoint(s.lb, s.ub, s.budget, [...s.groups, ...extraRows], s.byVariance);
  const res = solveQpActiveSet({ n: s.n, P, q, lb: s.lb, ub: s.ub, rows }, x0);
  if (res.status !== 'optimal') {
    throw numericError(
      `the QP solver stopped with status ${res.status} after ${res.iterations} iterations; the covariance may be singular. Use a shrinkage covariance (ledoit-wolf).`,
    );
  }
  const w = clean(res.x, s.lb, s.ub);
  const prices: RawPrice[] = [];
  rows.forEach((r, k) => {
    const v = res.shadowPrices.rows[k]!;
    if (v === 0) return;
    const limit = Math.abs(rowDot(r.a, w) - r.lo) <= Math.abs(rowDot(r.a, w) - r.hi) ? r.lo : r.hi;
    prices.push(
      k === 0 ? { kind: 'budget', limit: s.budget, value: v } : { kind: 'row', name: r.name, limit, value: v },
    );
  });
  res.shadowPrices.bounds.forEach((v, i) => {
    if (v === 0) return;
    const upper = Math.abs(w[i]! - s.ub[i]!) <= Math.abs(w[i]! - s.lb[i]!);
    prices.push({ kind: upper ? 'upper' : 'lower', asset: i, limit: upper ? s.ub[i]! : s.lb[i]!, value: v });
  });
  return { w, prices };
}

function rowDot(a: Float64Array, x: Float64Array): number {
  let v = 0;
  for (let i = 0; i < x.length; i++) v += a[i]! * x[i]!;
  return v;
}

/**
 * The same QP over trades: variables [b, s] (buys, sells ≥ 0), w = w0 + b − s, objective
 * ½(b−s)ᵀP(b−s) + (Pw0 + q)ᵀ(b−s) + k·Σ(b + s), rows shifted by w0, turnover row Σ(b + s) ≤ T, and box bounds
 * b ≤ ub − w0, s ≤ w0 − lb (exact because an optimum never buys and sells the same asset). A ridge of
 * 1e-9·max diag(P) on [b, s] makes the Hessian definite; it moves weights by ~1e-9 relative.
 */
function solveInTradeSpace(
  s: MvSetup,
  P: Float64Array,
  q: Float64Array,
  extraRows: QpRow[],
): { w: Float64Array; prices: RawPrice[] } {
  const { n } = s;
  const t = s.trade!;
  const N = 2 * n;
  const H = new Float64Array(N * N);
  let dmax = 0;
  for (let i = 0; i < n; i++) dmax = Math.max(dmax, P[i * n + i]!);
  const ridge = 1e-9 * (dmax || 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = P[i * n + j]!;
      H[i * N + j] = v;
      H[(i + n) * N + j + n] = v;
      H[i * N + j + n] = -v;
      H[(i + n) * N + j] = -v;
    }
    H[i * N + i] = H[i * N + i]! + ridge;
    H[(i + n) * N + i + n] = H[(i + n) * N + i + n]! + ridge;
  }
  const g0 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = q[i]!;
    for (let j = 0; j < n; j++) v += P[i * n + j]! * t.w0[j]!;
    g0[i] = v;
  }
  const qq = new Float64Array(N);
  for (let i = 0; i < n; i++) {
    qq[i] = g0[i]! + t.cost;
    qq[i + n] = -g0[i]! + t.cost;
  }
  const lb = new Float64Array(N);
  const ub = new Float64Array(N);
  for (let i = 0; i < n; i++) {
    const w0 = t.w0[i]!;
    if (w0 < s.lb[i]! - 1e-12 || w0 > s.ub[i]! + 1e-12) {
      // previous weight outside the new bounds: trades must at least bring it back inside
      ub[i] = Math.max(s.ub[i]! - w0, 0);
      ub[i + n] = Math.max(w0 - s.lb[i]!, 0);
    } else {
      ub[i] = s.ub[i]! - w0;
      ub[i + n] = w0 - s.lb[i]!;
    }
  }
  const lift = (r: QpRow): QpRow => {
    const a = new Float64Array(N);
    let shift = 0;
    for (let i = 0; i < n; i++) {
      a[i] = r.a[i]!;
      a[i + n] = -r.a[i]!;
      shift += r.a[i]! * t.w0[i]!;
    }
    return { a, lo: r.lo - shift, hi: r.hi - shift, name: r.name };
  };
  const rows = [budgetRow(s), ...s.groups, ...extraRows].map(lift);
  // box rows for assets whose previous weight violates the new bounds
  for (let i = 0; i < n; i++) {
    const w0 = t.w0[i]!;
    if (w0 < s.lb[i]! - 1e-12 || w0 > s.ub[i]! + 1e-12) {
      const a = new Float64Array(n);
      a[i] = 1;
      rows.push(lift({ a, lo: s.lb[i]!, hi: s.ub[i]!, name: `bounds of asset ${i}` }));
    }
  }
  if (Number.isFinite(t.maxTurnover))
    rows.push({ a: new Float64Array(N).fill(1), lo: -Infinity, hi: t.maxTurnover, name: 'turnover' });
  const x0 = feasiblePoint(lb, ub, null, rows, []);
  const res = solveQpActiveSet({ n: N, P: H, q: qq, lb, ub, rows }, x0);
  if (res.status !== 'optimal')
    throw numericError(`the trade-space QP stopped with status ${res.status} after ${res.iterations} iterations.`);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = t.w0[i]! + res.x[i]! - res.x[i + n]!;
  // Back to weight space: b_i at its upper limit ub − w0 is w_i at ub (same derivative), s_i at w0 − lb is w_i at
  // lb (opposite sign); b or s at 0 is "no trade" (the cost's kink), not a limit of the study.
  const prices: RawPrice[] = [];
  const plain = [budgetRow(s), ...s.groups, ...extraRows];
  rows.forEach((r, k) => {
    const v = res.shadowPrices.rows[k]!;
    if (v === 0) return;
    const o = plain[k];
    if (k === 0) prices.push({ kind: 'budget', limit: s.budget, value: v });
    else if (o) {
      const limit = Math.abs(rowDot(o.a, w) - o.lo) <= Math.abs(rowDot(o.a, w) - o.hi) ? o.lo : o.hi;
      prices.push({ kind: 'row', name: o.name, limit, value: v });
    } else if (r.name === 'turnover') prices.push({ kind: 'turnover', limit: t.maxTurnover, value: v });
    else {
      const i = Number(r.name.slice('bounds of asset '.length));
      const upper = Math.abs(w[i]! - s.ub[i]!) <= Math.abs(w[i]! - s.lb[i]!);
      prices.push({ kind: upper ? 'upper' : 'lower', asset: i, limit: upper ? s.ub[i]! : s.lb[i]!, value: v });
    }
  });
  for (let i = 0; i < n; i++) {
    const vb = res.shadowPrices.bounds[i]!;
    const vs = res.shadowPrices.bounds[i + n]!;
    // at a limit it already held (w0 = ub: b pinned at 0) the price is one-sided: only a wish to buy binds
    if (res.x[i] === ub[i] && Math.min(0, vb) !== 0)
      prices.push({ kind: 'upper', asset: i, limit: s.ub[i]!, value: Math.min(0, vb) });
    if (res.x[i + n] === ub[i + n] && Math.min(0, vs) !== 0)
      prices.push({ kind: 'lower', asset: i, limit: s.lb[i]!, value: -Math.min(0, vs) });
  }
  return { w: clean(w, s.lb, s.ub), prices };
}

/** Snap values within 1e-14 of a bound onto it (the solver fixes bound-active weights exactly already). */
function clean(x: Float64Array, lb: Float64Array, ub: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i]!, lb[i]!), ub[i]!);
  return x;
}

/** min wᵀΣw (+ γ‖w‖²). */
export function minVariance(dist: ReturnDistribution, c: Constraints = {}, start?: Float64Array): Float64Array {
  const s = setup(dist, c);
  return solve(s, hessian(s, 2), new Float64Array(s.n), [], start);
}

/** max wᵀμ − ½δ wᵀΣw (− γ‖w‖²). */
export function maxQuadraticUtility(
  dist: ReturnDistribution,
  riskAversion: number,
  c: Constraints = {},
  start?: Float64Array,
): Float64Array {
  if (!(riskAversion > 0))
    throw dataError(`riskAversion must be > 0, got ${riskAversion}. Use 1 for a moderate investor.`);
  const s = setup(dist, c);
  const q = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) q[i] = -s.mu[i]!;
  return solve(s, hessian(s, riskAversion), q, [], start);
}

/** The largest wᵀμ reachable under bounds and budget (exact greedy when there are no group rows). */
export function maxAchievableReturn(
  dist: ReturnDistribution,
  c: Constraints = {},
): { weights: Float64Array; ret: number } {
  return maxReturnFor(setup(dist, c), dist.mu);
}

/**
 * max μᵀw over bounds, budget and groups: the exact greedy fill without groups, otherwise an LP (HiGHS).
 * (Turnover terms are ignored here: this bounds what any portfolio could earn.)
 */
function maxReturnFor(s: MvSetup, mu: Float64Array): { weights: Float64Array; ret: number } {
  let w: Float64Array;
  if (s.groups.length === 0) {
    const order = Array.from({ length: s.n }, (_, i) => i).sort((a, b) => mu[b]! - mu[a]! || a - b);
    w = greedyBudgetPoint(s.lb, s.ub, s.budget, order, 'lower');
  } else {
    const name = (i: number): string => `w${i}`;
    const bounds: Record<string, readonly [number, number]> = {};
    for (let i = 0; i < s.n; i++) bounds[name(i)] = [s.lb[i]!, s.ub[i]!];
    const rows = [budgetRow(s), ...s.groups].map((r, k) => ({
      name: `r${k}`,
      terms: Array.from(r.a, (c, i) => ({ v: name(i), c })).filter((t) => t.c !== 0),
      lo: r.lo,
      hi: r.hi,
    }));
    const sol = solveLp({ sense: 'max', objective: Array.from(mu, (c, i) => ({ v: name(i), c })), rows, bounds });
    if (sol.status !== 'Optimal')
      throw infeasible(
        `no portfolio satisfies the bounds, budget and group constraints (the LP is ${sol.status.toLowerCase()}). Relax them.`,
      );
    w = Float64Array.from({ length: s.n }, (_, i) => Math.min(Math.max(sol.value(name(i)), s.lb[i]!), s.ub[i]!));
  }
  let r = 0;
  for (let i = 0; i < s.n; i++) r += w[i]! * mu[i]!;
  return { weights: w, ret: r };
}

/**
 * The same problem without group rows or a turnover cap, exactly and without an LP: the objective is separable
 * and concave with one equality (the budget), so for a price ν of the budget each weight maximises
 * μ_i·w − k|w − w0_i| − ν·w on its bounds — ub when ν < μ_i − k, lb when ν > μ_i + k, else w0 clipped — and the sum
 * falls as ν rises. ν* is the breakpoint where the sum crosses the budget; assets tied at ν* fill the gap in index
 * order. (~0.3 s of HiGHS per main-job run otherwise.)
 */
function maxNetReturnSeparable(s: MvSetup): Float64Array {
  const { w0, cost: k } = s.trade!;
  const n = s.n;
  const held = Float64Array.from({ length: n }, (_, i) => Math.min(Math.max(w0[i]!, s.lb[i]!), s.ub[i]!));
  // w_i just below (side −1) or just above (side +1) a price b
  const at = (i: number, b: number, side: -1 | 1): number => {
    const up = s.mu[i]! - k;
    const down = s.mu[i]! + k;
    if (side < 0 ? up >= b : up > b) return s.ub[i]!;
    if (side < 0 ? down < b : down <= b) return s.lb[i]!;
    return held[i]!;
  };
  const prices = [...new Set(Array.from({ length: n }, (_, i) => [s.mu[i]! - k, s.mu[i]! + k]).flat())].sort(
    (a, b) => a - b,
  );
  const sum = (b: number, side: -1 | 1): number => {
    let t = 0;
    for (let i = 0; i < n; i++) t += at(i, b, side);
    return t;
  };
  for (const b of prices) {
    const lo = sum(b, 1);
    if (lo > s.budget || sum(b, -1) < s.budget) continue;
    const w = Float64Array.from({ length: n }, (_, i) => at(i, b, 1));
    let gap = s.budget - lo;
    for (let i = 0; i < n && gap > 0; i++) {
      const room = at(i, b, -1) - w[i]!;
      const take = Math.min(room, gap);
      w[i] = w[i]! + take;
      gap -= take;
    }
    return w;
  }
  throw infeasible('no portfolio satisfies the bounds and budget. Relax them.');
}

/**
 * max μᵀw − k·Σ|w − w0| under bounds, budget, groups and a turnover cap: the δ → 0 end of efficient-risk when
 * the study trades at a cost (maxReturnFor would drop the cost and the cap). An LP over the trades b, s ≥ 0
 * (w = w0 + b − s), so every row is shifted by w0; HiGHS.
 */
function maxNetReturnWithTrades(s: MvSetup): Float64Array {
  const t = s.trade!;
  const cap = (x: number): number => (Number.isFinite(x) ? Math.max(0, x) : 1e6);
  const bounds: Record<string, readonly [number, number]> = {};
  const objective: { v: string; c: number }[] = [];
  for (let i = 0; i < s.n; i++) {
    bounds[`b${i}`] = [0, cap(s.ub[i]! - t.w0[i]!)];
    bounds[`s${i}`] = [0, cap(t.w0[i]! - s.lb[i]!)];
    objective.push({ v: `b${i}`, c: s.mu[i]! - t.cost }, { v: `s${i}`, c: -s.mu[i]! - t.cost });
  }
  const net = (a: ArrayLike<number>): { v: string; c: number }[] =>
    Array.from(a).flatMap((c, i) =>
      c === 0
        ? []
        : [
            { v: `b${i}`, c },
            { v: `s${i}`, c: -c },
          ],
    );
  const rows = [budgetRow(s), ...s.groups].map((r, k) => {
    const shift = dotv(r.a, t.w0);
    return { name: `r${k}`, terms: net(r.a), lo: r.lo - shift, hi: r.hi - shift };
  });
  // each asset back inside its bounds (its previous weight may lie outside the new ones)
  for (let i = 0; i < s.n; i++) {
    const a = new Float64Array(s.n);
    a[i] = 1;
    rows.push({ name: `box${i}`, terms: net(a), lo: s.lb[i]! - t.w0[i]!, hi: s.ub[i]! - t.w0[i]! });
  }
  if (Number.isFinite(t.maxTurnover))
    rows.push({
      name: 'turnover',
      terms: Array.from({ length: s.n }, (_, i) => [
        { v: `b${i}`, c: 1 },
        { v: `s${i}`, c: 1 },
      ]).flat(),
      lo: -Infinity,
      hi: t.maxTurnover,
    });
  const sol = solveLp({ sense: 'max', objective, rows, bounds });
  if (sol.status !== 'Optimal')
    throw infeasible(
      `no portfolio satisfies the bounds, budget, group and turnover constraints (the LP is ${sol.status.toLowerCase()}). Relax them.`,
    );
  return Float64Array.from({ length: s.n }, (_, i) =>
    Math.min(Math.max(t.w0[i]! + sol.value(`b${i}`) - sol.value(`s${i}`), s.lb[i]!), s.ub[i]!),
  );
}

function maxDiag(cov: Float64Array): number {
  const n = Math.round(Math.sqrt(cov.length));
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, cov[i * n + i]!);
  return m || 1;
}

/** min wᵀΣw s.t. wᵀμ ≥ target (PyPortfolioOpt `efficient_return`). */
export function efficientReturn(dist: ReturnDistribution, targetReturn: number, c: Constraints = {}): Float64Array {
  if (!Number.isFinite(targetReturn)) throw dataError(`targetReturn must be finite, got ${targetReturn}.`);
  const s = setup(dist, c);
  const mv = solve(s, hessian(s, 2), new Float64Array(s.n), []);
  if (dotv(mv, s.mu) >= targetReturn) return mv;
  const best = maxReturnFor(s, s.mu).ret;
  if (targetReturn > best + 1e-12) {
    throw infeasible(
      `target return ${targetReturn} exceeds the maximum achievable ${round(best)} under these constraints. Lower the target.`,
    );
  }
  const row: QpRow = { a: Float64Array.from(s.mu), lo: targetReturn, hi: targetReturn, name: 'expected return' };
  return solve(s, hessian(s, 2), new Float64Array(s.n), [row]);
}

/**
 * max wᵀμ s.t. √(wᵀΣw) ≤ target (PyPortfolioOpt `efficient_risk`). Solved on the utility path: w(δ) maximises
 * wᵀμ − ½δwᵀΣw (− γ‖w‖², where γ enters the KKT system identically), and σ(δ) decreases in δ; a safeguarded
 * secant search on log δ finds σ(δ) = target to 1e-12 relative. Each step warm-starts from the previous weights.
 */
export function efficientRisk(dist: ReturnDistribution, targetVolatility: number, c: Constraints = {}): Float64Array {
  return efficientRiskPath(dist, targetVolatility, c).w;
}

/** efficientRisk's answer with the δ it ends on (null: the volatility cap does not bind, δ = 0). */
function efficientRiskPath(
  dist: ReturnDistribution,
  targetVolatility: number,
  c: Constraints,
): { w: Float64Array; s: MvSetup; q: Float64Array; delta: number | null } {
  if (!(targetVolatility > 0))
    throw dataError(`targetVolatility must be > 0 (annualised), got ${targetVolatility}. Use 0.1 for 10 % a year.`);
  const s = setup(dist, c);
  // The cap is on wᵀΣw alone: its floor is the minimum-variance portfolio without the L2 term and without the
  // trading-cost penalty (a turnover cap still binds). With the penalty in, the "floor" was the cost-aware
  // portfolio nearest the previous weights, so a target between the true floor and the previous portfolio's
  // volatility was declared infeasible.
  const { trade, ...rest } = s;
  const bare: MvSetup =
    trade && Number.isFinite(trade.maxTurnover) ? { ...rest, l2: 0, trade: { ...trade, cost: 0 } } : { ...rest, l2: 0 };
  const mv = solve(bare, hessian(bare, 2), new Float64Array(s.n), []);
  const vMin = Math.sqrt(portfolioVariance(mv, dist.cov));
  if (vMin > targetVolatility * (1 + 1e-12)) {
    throw infeasible(
      `volatility target ${targetVolatility} is below the minimum achievable ${round(vMin)} under these constraints. Raise the target or relax constraints.`,
    );
  }
  const q = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) q[i] = -s.mu[i]!;
  let start = mv;
  const at = (logDelta: number): { w: Float64Array; f: number } => {
    const w = solve(s, hessian(s, Math.exp(logDelta)), q, [], start);
    start = w;
    return { w, f: Math.sqrt(portfolioVariance(w, dist.cov)) / targetVolatility - 1 };
  };
  let a = Math.log(1e-6);
  let fa = at(a);
  if (fa.f <= 0) {
    // even (nearly) the δ → 0 end stays under the cap: return the exact δ = 0 answer when it does too
    // (with a trading cost or turnover cap the δ = 0 answer is the net-of-cost LP, not the bare max return)
    const exact =
      s.l2 > 0
        ? solve(s, hessian(s, 0), q, [], fa.w)
        : s.trade
          ? s.groups.length === 0 && !Number.isFinite(s.trade.maxTurnover)
            ? maxNetReturnSeparable(s)
            : maxNetReturnWithTrades(s)
          : maxReturnFor(s, s.mu).weights;
    return Math.sqrt(portfolioVariance(exact, dist.cov)) <= targetVolatility * (1 + 1e-12)
      ? { w: exact, s, q, delta: null }
      : { w: fa.w, s, q, delta: Math.exp(a) };
  }
  let b = Math.log(1e6);
  let fb = at(b);
  while (fb.f > 0 && b < 60) {
    b += 5;
    fb = at(b);
  }
  if (fb.f > 0) return { w: fb.w, s, q, delta: Math.exp(b) };
  // Illinois regula falsi on (a, b): fa > 0 > fb
  let side = 0;
  let best = { ...fb, x: b };
  for (let it = 0; it < 200; it++) {
    const m = (a * fb.f - b * fa.f) / (fb.f - fa.f);
    const x = Number.isFinite(m) && m > Math.min(a, b) && m < Math.max(a, b) ? m : 0.5 * (a + b);
    const fx = at(x);
    if (Math.abs(fx.f) < Math.abs(best.f)) best = { ...fx, x };
    if (Math.abs(fx.f) <= 1e-13 || Math.abs(b - a) < 1e-14) return { w: fx.w, s, q, delta: Math.exp(x) };
    if (fx.f > 0) {
      a = x;
      fa = fx;
      if (side === -1) fb = { w: fb.w, f: fb.f / 2 };
      side = -1;
    } else {
      b = x;
      fb = fx;
      if (side === 1) fa = { w: fa.w, f: fa.f / 2 };
      side = 1;
    }
  }
  return { w: best.w, s, q, delta: Math.exp(best.x) };
}

/**
 * One binding limit of an optimised portfolio and its shadow price: ∂(optimal objective)/∂(limit), the objective
 * being what the method maximises (efficient-risk: μᵀw − γ‖w‖² − k·Σ|w − w_prev|, annualised return units).
 * Positive: raising the limit would raise the objective; a binding maximum prices ≥ 0, a binding minimum ≤ 0.
 */
export interface ShadowPrice {
  /** 'budget', 'maximum weight', 'minimum weight', 'volatility target', 'turnover' or the group row's name. */
  readonly constraint: string;
  readonly assets: readonly string[];
  readonly limit: number;
  readonly value: number;
}

export type ShadowPrices =
  | {
      readonly available: true;
      readonly weights: Float64Array;
      readonly prices: readonly ShadowPrice[];
      /** Where the multipliers come from, in words (printed with them). */
      readonly source: string;
    }
  | { readonly available: false; readonly weights: Float64Array; readonly reason: string };

/**
 * efficientRisk's binding constraints with their shadow prices, from the active-set solver's KKT multipliers at the
 * final δ: the utility QP at δ has the efficient-risk problem's KKT conditions with δ/2 the multiplier of
 * ½wᵀΣw ≤ ½σ², so the other multipliers carry over unchanged and the volatility target prices δσ. When the target
 * does not bind and there is no L2 term, the answer is a linear programme's vertex (greedy fill or HiGHS), whose
 * multipliers are not unique: `available: false` says so.
 */
export function efficientRiskShadowPrices(
  dist: ReturnDistribution,
  targetVolatility: number,
  c: Constraints = {},
): ShadowPrices {
  const path = efficientRiskPath(dist, targetVolatility, c);
  const { s, q } = path;
  if (path.delta === null && s.l2 === 0) return linearProgrammePrices(dist, s, path.w, targetVolatility);
  const delta = path.delta ?? 0;
  const solved = solveDetailed(s, hessian(s, delta), q, [], path.w);
  const members = (a: Float64Array): string[] => dist.assets.filter((_, i) => a[i] !== 0);
  const rowsByName = new Map([...s.groups].map((r) => [r.name, r]));
  const prices: ShadowPrice[] = solved.prices.map((p) => {
    const value = -p.value + 0; // the QP minimises −objective
    if (p.kind === 'budget') return { constraint: 'budget', assets: [], limit: p.limit, value };
    if (p.kind === 'turnover') return { constraint: 'turnover', assets: [], limit: p.limit, value };
    if (p.kind === 'row') {
      const r = rowsByName.get(p.name!);
      return { constraint: p.name!, assets: r ? members(r.a) : [], limit: p.limit, value };
    }
    const id = dist.assets[p.asset!]!;
    return {
      constraint: p.kind === 'upper' ? 'maximum weight' : 'minimum weight',
      assets: [id],
      limit: p.limit,
      value,
    };
  });
  if (path.delta !== null)
    prices.push({
      constraint: 'volatility target',
      assets: [],
      limit: targetVolatility,
      value: delta * Math.sqrt(portfolioVariance(solved.w, dist.cov)),
    });
  return { available: true, weights: solved.w, prices, source: "the active-set QP's KKT multipliers at the final δ" };
}

/**
 * Shadow prices when the volatility target does not bind and there is no L2 term: the answer is max μᵀw over the
 * budget and bounds, the greedy fill (efficientRisk ignores the trading-cost penalty there, so the objective is
 * μᵀw). Its KKT conditions μ_i = ν + π_i give the budget price ν = μ of the asset strictly between its bounds and
 * each bound the price μ_i − ν. With group rows (an LP solved by HiGHS) or no asset strictly inside its bounds (a
 * degenerate vertex) the multipliers are not unique: `available: false`.
 */
function linearProgrammePrices(dist: ReturnDistribution, s: MvSetup, w: Float64Array, target: number): ShadowPrices {
  const slack = `the volatility target ${target} does not bind (price 0)`;
  const tol = 1e-12;
  const inside = Array.from(w, (x, i) => i).filter((i) => w[i]! > s.lb[i]! + tol && w[i]! < s.ub[i]! - tol);
  if (s.groups.length > 0 || (s.trade && Number.isFinite(s.trade.maxTurnover)) || inside.length === 0)
    return {
      available: false,
      weights: w,
      reason: `${slack}, so the answer is a linear programme's vertex${inside.length === 0 ? ' with no asset strictly inside its bounds' : ' with group or turnover rows'}, whose multipliers are not unique`,
    };
  // With a trading cost k the objective's slope in w_i is μ_i − k·sign(w_i − w_prev,i); at w_i = w_prev,i (the
  // cost's kink) it has no single slope, so an asset there cannot set the budget's price, and a bound that holds
  // an asset at its kink has different prices for tightening and loosening.
  const k = s.trade?.cost ?? 0;
  const w0 = s.trade?.w0;
  const atKink = (i: number): boolean => k > 0 && Math.abs(w[i]! - w0![i]!) <= 1e-9;
  const slope = (i: number): number => s.mu[i]! - (k > 0 ? k * Math.sign(w[i]! - w0![i]!) : 0);
  const free = inside.filter((i) => !atKink(i));
  const boundAtKink = w.some((_, i) => !inside.includes(i) && s.lb[i]! < s.ub[i]! && atKink(i));
  if (free.length === 0 || boundAtKink)
    return {
      available: false,
      weights: w,
      reason: `${slack}, and ${free.length === 0 ? 'every asset inside its bounds' : 'an asset at a bound'} is held at its previous weight, the trading cost's kink, where the multipliers are not unique`,
    };
  const nu = slope(free[0]!);
  const prices: ShadowPrice[] = [{ constraint: 'budget', assets: [], limit: s.budget, value: nu }];
  w.forEach((x, i) => {
    if (inside.includes(i)) return;
    const id = dist.assets[i]!;
    const v = slope(i) - nu + 0;
    // a pinned asset (lb = ub) is held at its maximum only when it would take more weight
    if (x >= s.ub[i]! - tol && (s.lb[i]! < s.ub[i]! || v > 0))
      prices.push({ constraint: 'maximum weight', assets: [id], limit: s.ub[i]!, value: v });
    else if (s.lb[i]! < s.ub[i]!)
      prices.push({ constraint: 'minimum weight', assets: [id], limit: s.lb[i]!, value: v });
  });
  return {
    available: true,
    weights: w,
    prices: prices.filter((p) => p.value !== 0 || p.constraint === 'budget'),
    source: `the linear programme's KKT conditions; ${slack}`,
  };
}

/**
 * Max Sharpe ratio (wᵀμ − rf)/√(wᵀΣw) by the Cornuejols–Tütüncü transform: min yᵀΣy s.t. (μ − rf)ᵀy = 1,
 * lb·k ≤ y ≤ ub·k, group rows scaled by k, k = Σy ≥ 0; w = y/k. With lb = 0 and ub ≥ 1 the upper rows are
 * implied and the problem is a bound-constrained QP with one row (fast path). With l2Gamma the penalty γ‖y‖² acts on
 * the scaled variable y, exactly as PyPortfolioOpt's `max_sharpe` does with `L2_reg` (hessian below adds 2γI).
 */
export function maxSharpe(dist: ReturnDistribution, c: Constraints = {}): Float64Array {
  const s = setup(dist, c);
  const rf = dist.riskFreeRate ?? 0.02;
  if (s.budget !== 1)
    throw infeasible(
      'max-Sharpe needs weights summing to 1; a market-neutral portfolio has no Sharpe-maximising scale. Use max-quadratic-utility or efficient-risk.',
    );
  if (s.trade)
    throw dataError(
      'transactionCost and maxTurnover are not supported by max-sharpe (its scale-free transform cannot carry them). Use max-quadratic-utility or efficient-risk.',
    );
  const n = s.n;
  const excess = new Float64Array(n);
  for (let i = 0; i < n; i++) excess[i] = s.mu[i]! - rf;
  const best = maxReturnFor(s, excess);
  if (!(best.ret > 1e-12)) {
    throw infeasible(
      `every feasible portfolio has expected return ≤ the risk-free rate ${rf} (best excess ${round(best.ret)}), so max-Sharpe is undefined. Use min-variance or lower riskFreeRate.`,
    );
  }
  const y0 = best.weights.map((w) => w / best.ret);
  const allNonNeg = s.lb.every((v) => v >= 0);
  const lbY = new Float64Array(n).fill(-Infinity);
  const ubY = new Float64Array(n).fill(Infinity);
  const rows: QpRow[] = [{ a: excess, lo: 1, hi: 1, name: 'excess return (transform)' }];
  const one = (i: number, coef: number): Float64Array => {
    const a = new Float64Array(n).fill(-coef);
    a[i] = a[i]! + 1;
    return a;
  };
  for (let i = 0; i < n; i++) {
    if (s.lb[i] === 0) lbY[i] = 0;
    else rows.push({ a: one(i, s.lb[i]!), lo: 0, hi: Infinity, name: `lower bound of asset ${dist.assets[i]}` });
    if (!(allNonNeg && s.ub[i]! >= 1))
      rows.push({ a: one(i, s.ub[i]!), lo: -Infinity, hi: 0, name: `upper bound of asset ${dist.assets[i]}` });
  }
  if (!allNonNeg) rows.push({ a: new Float64Array(n).fill(1), lo: 0, hi: Infinity, name: 'scale k ≥ 0' });
  for (const g of s.groups) {
    if (Number.isFinite(g.hi)) rows.push({ a: g.a.map((v) => v - g.hi), lo: -Infinity, hi: 0, name: `${g.name} max` });
    if (Number.isFinite(g.lo)) rows.push({ a: g.a.map((v) => v - g.lo), lo: 0, hi: Infinity, name: `${g.name} min` });
  }
  const P = hessian(s, 2);
  const res = solveQpActiveSet({ n, P, q: new Float64Array(n), lb: lbY, ub: ubY, rows }, y0);
  if (res.status !== 'optimal')
    throw numericError(
      `the max-Sharpe QP stopped with status ${res.status}; the covariance may be singular. Use a shrinkage covariance.`,
    );
  let k = 0;
  for (let i = 0; i < n; i++) k += res.x[i]!;
  if (!(k > 0)) throw numericError(`max-Sharpe transform gave scale k = ${k} ≤ 0.`);
  return clean(
    res.x.map((v) => v / k),
    s.lb,
    s.ub,
  );
}

export interface FrontierPoint {
  readonly expectedReturn: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly weights: Float64Array;
}

/** `points` efficient portfolios with returns evenly spaced from the min-variance return to the maximum. */
export function efficientFrontier(dist: ReturnDistribution, points = 20, c: Constraints = {}): FrontierPoint[] {
  if (!(Number.isInteger(points) && points >= 2)) throw dataError(`points must be an integer ≥ 2, got ${points}.`);
  const rf = dist.riskFreeRate ?? 0.02;
  const mv = minVariance(dist, c);
  const r0 = dotv(mv, dist.mu);
  const r1 = maxAchievableReturn(dist, c).ret;
  const out: FrontierPoint[] = [];
  for (let k = 0; k < points; k++) {
    const target = k === points - 1 ? r1 - 1e-9 * Math.abs(r1) : r0 + ((r1 - r0) * k) / (points - 1);
    const w = k === 0 ? mv : efficientReturn(dist, target, c);
    const p = portfolioPerformance(w, dist.mu, dist.cov, rf);
    out.push({ expectedReturn: p.expectedReturn, volatility: p.volatility, sharpe: p.sharpe, weights: w });
  }
  return out;
}

function dotv(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export { KeelError };

/**
 * Apply the constraints a plain QP does not carry:
 *  - maxVolatility: if the answer is riskier than the cap, the best return-seeking portfolio under the cap is the
 *    efficient-risk portfolio at the cap (exact for max-Sharpe and quadratic utility, whose optima move along the
 *    frontier); for min-variance a too-risky answer means the cap is infeasible.
 *  - maxHoldings: heuristic — drop the smallest |w| to exactly 0 and re-solve until at most k remain (exact
 *    cardinality would be a mixed-integer QP).
 *  - maxCVaR (historical, over the scenarios): optimised exactly by cutting planes (cvar-cap.ts).
 *  - a historical maxVaR is not convex: an answer over it is refused with that reason (the allocator kinds then try
 *    the same method under the CVaR cap that implies it, see kinds.ts).
 */
export function withPortfolioCaps(
  fn: (dist: ReturnDistribution, c: Constraints) => Float64Array,
  kind: 'min-variance' | 'return-seeking',
): (dist: ReturnDistribution, c: Constraints) => Float64Array {
  const capped = withCvarCaps((dist, c: SolverConstraints) => {
    let cons = c;
    let w = fn(dist, cons);
    if (c.maxHoldings !== undefined) {
      for (let guard = 0; guard < dist.assets.length; guard++) {
        const held = Array.from(w, (v, i) => ({ v: Math.abs(v), i })).filter((x) => x.v > 1e-6);
        if (held.length <= c.maxHoldings) break;
        held.sort((a, b) => a.v - b.v || a.i - b.i);
        const drop = held.slice(0, held.length - c.maxHoldings);
        const assetBounds = { ...(cons.assetBounds ?? {}) };
        for (const d of drop) assetBounds[dist.assets[d.i]!] = [0, 0];
        cons = { ...cons, assetBounds };
        w = fn(dist, cons);
      }
    }
    if (c.maxVolatility !== undefined) {
      const vol = Math.sqrt(portfolioVariance(w, dist.cov));
      if (vol > c.maxVolatility * (1 + 1e-9)) {
        if (kind === 'min-variance') {
          throw infeasible(
            `the minimum-variance portfolio has volatility ${round(vol)} > maxVolatility ${c.maxVolatility}; no portfolio meets the cap under these constraints. Raise the cap or relax constraints.`,
          );
        }
        w = efficientRisk(dist, c.maxVolatility, cons);
      }
    }
    if (c.maxVaR?.method === 'parametric') {
      const { level, max } = c.maxVaR;
      const pvar = (x: Float64Array): number => valueAtRisk(x, dist, level, 'parametric', dist.periodsPerYear);
      if (pvar(w) > max + 1e-12) {
        if (kind === 'min-variance')
          throw infeasible(
            `parametric VaR(${level}) of the answer is ${round(pvar(w))} > maxVaR ${max}. Raise the cap.`,
          );
        // Walk down the efficient frontier (efficient-risk at σ) to the riskiest portfolio meeting the cap:
        // bisection on σ between the min-variance portfolio and the current one (VaR rises with σ there).
        const mv = minVariance(dist, cons);
        if (pvar(mv) > max + 1e-12)
          throw infeasible(
            `even the minimum-variance portfolio has parametric VaR(${level}) ${round(pvar(mv))} > maxVaR ${max}. Raise the cap.`,
          );
        let lo = Math.sqrt(portfolioVariance(mv, dist.cov));
        let hi = Math.sqrt(portfolioVariance(w, dist.cov));
        let best = mv;
        for (let it = 0; it < 60 && hi - lo > 1e-12 * hi; it++) {
          const mid = 0.5 * (lo + hi);
          const x = efficientRisk(dist, mid, cons);
          if (pvar(x) <= max) {
            best = x;
            lo = mid;
          } else hi = mid;
        }
        w = best;
      }
    }
    return w;
  });
  return (dist, c) => {
    const w = capped(dist, c);
    if (c.maxVaR?.method === 'historical') {
      const { level, max } = c.maxVaR;
      const v = valueAtRisk(w, dist, level, 'historical');
      if (v > max + CONSTRAINT_TOL)
        throw infeasible(
          `historical VaR(${level}) of the answer is ${round(v)} > maxVaR ${max}, and VaR over scenarios is not convex, so it is not optimised directly. A CVaR(${level}) ≤ ${max} cap implies it and is optimised: use maxCVaR.`,
        );
    }
    return w;
  };
}
