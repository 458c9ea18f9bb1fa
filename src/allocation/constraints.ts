/**
 * Constraints as data. A `Constraints` value is plain JSON (validated by `constraintsSchema`), compiled per problem
 * into bounds and linear rows, and every solution is checked again against all of it by `checkConstraints` with
 * tolerance `CONSTRAINT_TOL` (1e-8 in weight units: the QP itself is exact to ~1e-14, so anything larger is a bug
 * or an approximate method such as the holdings-count heuristic).
 */
import { z } from 'zod';
import { KeelError, dataError } from '../core/index.ts';
import { portfolioVariance } from './performance.ts';
import type { ReturnDistribution } from './types.ts';

export const CONSTRAINT_TOL = 1e-8;

const bound = z.tuple([z.number().nullable(), z.number().nullable()]);

export const groupConstraintSchema = z.strictObject({
  name: z.string().min(1),
  assets: z.array(z.string().min(1)).min(1),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const constraintsSchema = z.strictObject({
  /** Default per-asset bounds [lo, hi]; null means −1 (lo) or +1 (hi), as PyPortfolioOpt maps (None, None). */
  weightBounds: bound.optional(),
  /** Per-asset overrides, asset id → [lo, hi]. */
  assetBounds: z.record(z.string(), bound).optional(),
  /** Weights sum to 0 instead of 1 (long/short dollar neutral). */
  marketNeutral: z.boolean().optional(),
  groups: z.array(groupConstraintSchema).optional(),
  /** L2 regularisation γ‖w‖² added to the objective (PyPortfolioOpt `L2_reg`). */
  l2Gamma: z.number().nonnegative().optional(),
  /** Annualised volatility cap, e.g. 0.10. */
  maxVolatility: z.number().positive().optional(),
  /** Σ|w − w_prev| cap; w_prev = the distribution's previousWeights (all cash when absent). */
  maxTurnover: z.number().positive().optional(),
  /** Proportional cost k: the objective pays k·Σ|w − w_prev| (PyPortfolioOpt `transaction_cost`, k = 0.001 there). */
  transactionCost: z.number().nonnegative().optional(),
  /** Cap on value-at-risk / CVaR at `level` (e.g. 0.95), as a positive loss fraction per period of the scenarios. */
  maxVaR: z
    .strictObject({
      level: z.number().gt(0).lt(1),
      max: z.number().positive(),
      method: z.enum(['parametric', 'historical']),
    })
    .optional(),
  maxCVaR: z.strictObject({ level: z.number().gt(0).lt(1), max: z.number().positive() }).optional(),
  /** At most this many non-zero weights (|w| > 1e-6). */
  maxHoldings: z.number().int().positive().optional(),
});

export type Constraints = z.infer<typeof constraintsSchema>;
export type GroupConstraint = z.infer<typeof groupConstraintSchema>;

/** A historical CVaR cap: CVaR(level) of the scenario losses ≤ max (per scenario period). */
export interface CvarCap {
  readonly level: number;
  readonly max: number;
}

/** A linear row lo ≤ aᵀw ≤ hi over the weights (the solvers' row shape). */
export interface LinearRow {
  readonly a: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly name: string;
}

/**
 * Constraints as the solvers see them: the study's `Constraints` plus solver-only parts that never appear in a study
 * file — extra CVaR caps (a historical VaR cap enforced through its convex bound) and the linear cuts the CVaR
 * cutting plane adds while it optimises a cap. Every mean-variance problem carries `cuts` like group rows.
 */
export type SolverConstraints = Constraints & {
  readonly cvarCaps?: readonly CvarCap[];
  readonly cuts?: readonly LinearRow[];
};

/** Every CVaR cap the constraints carry: `maxCVaR` and the solver-only ones. */
export function cvarCapsOf(c: SolverConstraints): CvarCap[] {
  return [...(c.maxCVaR ? [c.maxCVaR] : []), ...(c.cvarCaps ?? [])];
}

export const infeasible = (message: string): KeelError => new KeelError('infeasible', message);

/** Per-asset lower/upper bounds and the budget (sum of weights), validated. */
export interface CompiledBounds {
  readonly lb: Float64Array;
  readonly ub: Float64Array;
  readonly budget: number;
}

export function compileBounds(assets: readonly string[], c: Constraints = {}): CompiledBounds {
  const n = assets.length;
  const [dlo, dhi] = c.weightBounds ?? [0, 1];
  const lb = new Float64Array(n).fill(dlo ?? -1);
  const ub = new Float64Array(n).fill(dhi ?? 1);
  if (c.assetBounds) {
    for (const [id, [lo, hi]] of Object.entries(c.assetBounds)) {
      const i = assets.indexOf(id);
      if (i < 0)
        throw dataError(
          `assetBounds names unknown asset "${id}"; known assets: ${assets.slice(0, 10).join(', ')}${n > 10 ? ', …' : ''}.`,
        );
      lb[i] = lo ?? -1;
      ub[i] = hi ?? 1;
    }
  }
  for (let i = 0; i < n; i++) {
    if (!(lb[i]! <= ub[i]!)) {
      throw dataError(
        `weight bounds for ${assets[i]} are [${lb[i]}, ${ub[i]}]: the lower bound must not exceed the upper bound.`,
      );
    }
  }
  const budget = c.marketNeutral ? 0 : 1;
  let slo = 0;
  let shi = 0;
  for (let i = 0; i < n; i++) {
    slo += lb[i]!;
    shi += ub[i]!;
  }
  if (shi < budget - CONSTRAINT_TOL)
    throw infeasible(
      `the maximum weights sum to ${round(shi)} < ${budget}, so the weights cannot sum to ${budget}. Raise the upper bounds.`,
    );
  if (slo > budget + CONSTRAINT_TOL)
    throw infeasible(
      `the minimum weights sum to ${round(slo)} > ${budget}, so the weights cannot sum to ${budget}. Lower the lower bounds.`,
    );
  return { lb, ub, budget };
}

/** Group rows: indicator vector over assets plus [min, max]; unknown assets are an error. */
export function compileGroups(
  assets: readonly string[],
  c: Constraints = {},
): { name: string; a: Float64Array; lo: number; hi: number }[] {
  return (c.groups ?? []).map((g) => {
    const a = new Float64Array(assets.length);
    for (const id of g.assets) {
      const i = assets.indexOf(id);
      if (i < 0)
        throw dataError(
          `group "${g.name}" names unknown asset "${id}". Use one of the distribution's assets or remove it.`,
        );
      a[i] = 1;
    }
    const lo = g.min ?? -Infinity;
    const hi = g.max ?? Infinity;
    if (lo > hi) throw dataError(`group "${g.name}" has min ${lo} > max ${hi}.`);
    return { name: `group "${g.name}"`, a, lo, hi };
  });
}

export function round(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

/** One violated rule, named, with the value found and the limit. */
export interface Violation {
  readonly rule: string;
  readonly value: number;
  readonly limit: number;
}

/** Every constraint re-checked on the final weights (tolerance CONSTRAINT_TOL, volatility relative 1e-6). */
export function checkConstraints(w: Float64Array, dist: ReturnDistribution, c: SolverConstraints = {}): Violation[] {
  const out: Violation[] = [];
  const n = dist.assets.length;
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(w[i]!)) out.push({ rule: `weight of ${dist.assets[i]} is finite`, value: w[i]!, limit: 0 });
  if (out.length > 0) return out;
  const { lb, ub, budget } = compileBounds(dist.assets, c);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += w[i]!;
    if (w[i]! < lb[i]! - CONSTRAINT_TOL)
      out.push({ rule: `weight of ${dist.assets[i]} ≥ lower bound`, value: w[i]!, limit: lb[i]! });
    if (w[i]! > ub[i]! + CONSTRAINT_TOL)
      out.push({ rule: `weight of ${dist.assets[i]} ≤ upper bound`, value: w[i]!, limit: ub[i]! });
  }
  if (Math.abs(s - budget) > CONSTRAINT_TOL) out.push({ rule: 'sum of weights', value: s, limit: budget });
  for (const g of compileGroups(dist.assets, c)) {
    let v = 0;
    for (let i = 0; i < n; i++) v += g.a[i]! * w[i]!;
    if (v < g.lo - CONSTRAINT_TOL) out.push({ rule: `${g.name} ≥ min`, value: v, limit: g.lo });
    if (v > g.hi + CONSTRAINT_TOL) out.push({ rule: `${g.name} ≤ max`, value: v, limit: g.hi });
  }
  if (c.maxVolatility !== undefined) {
    const vol = Math.sqrt(Math.max(0, portfolioVariance(w, dist.cov)));
    if (vol > c.maxVolatility * (1 + 1e-6))
      out.push({ rule: 'volatility ≤ maxVolatility', value: vol, limit: c.maxVolatility });
  }
  if (c.maxTurnover !== undefined) {
    let t = 0;
    for (let i = 0; i < n; i++) t += Math.abs(w[i]! - (dist.previousWeights?.[i] ?? 0));
    if (t > c.maxTurnover + CONSTRAINT_TOL)
      out.push({ rule: 'turnover ≤ maxTurnover', value: t, limit: c.maxTurnover });
  }
  if (c.maxHoldings !== undefined) {
    let k = 0;
    for (let i = 0; i < n; i++) if (Math.abs(w[i]!) > 1e-6) k++;
    if (k > c.maxHoldings) out.push({ rule: 'number of holdings ≤ maxHoldings', value: k, limit: c.maxHoldings });
  }
  if (c.maxVaR) {
    const v = valueAtRisk(w, dist, c.maxVaR.level, c.maxVaR.method, dist.periodsPerYear);
    if (v > c.maxVaR.max + CONSTRAINT_TOL)
      out.push({ rule: `${c.maxVaR.method} VaR(${c.maxVaR.level}) ≤ max`, value: v, limit: c.maxVaR.max });
  }
  for (const cap of cvarCapsOf(c)) {
    const v = historicalCVaR(w, dist, cap.level);
    if (v > cap.max + CONSTRAINT_TOL) out.push({ rule: `CVaR(${cap.level}) ≤ max`, value: v, limit: cap.max });
  }
  return out;
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * VaR as a positive loss fraction. Parametric: −(wᵀμ)/f + z_level·√(wᵀΣw/f) with f = the distribution's periods
 * per year (default 252; per period, matching the scenarios' scale); historical: the level-quantile of scenario losses (needs `scenarios`).
 */
export function valueAtRisk(
  w: Float64Array,
  dist: ReturnDistribution,
  level: number,
  method: 'parametric' | 'historical',
  frequency = 252,
): number {
  if (method === 'parametric') {
    let m = 0;
    for (let i = 0; i < w.length; i++) m += w[i]! * dist.mu[i]!;
    return -m / frequency + normalQuantile(level) * Math.sqrt(portfolioVariance(w, dist.cov) / frequency);
  }
  const losses = scenarioLosses(w, dist);
  losses.sort();
  const k = Math.min(losses.length - 1, Math.ceil(level * losses.length) - 1);
  return losses[k]!;
}

/** Mean of the worst (1 − level) share of scenario losses (Rockafellar–Uryasev definition). */
export function historicalCVaR(w: Float64Array, dist: ReturnDistribution, level: number): number {
  const losses = scenarioLosses(w, dist);
  losses.sort();
  const T = losses.length;
  // CVaR = VaR + E[(L − VaR)+]/(1−β) with VaR the β-quantile (minimiser of the RU function)
  const k = Math.min(T - 1, Math.max(0, Math.ceil(level * T) - 1));
  const varL = losses[k]!;
  let s = 0;
  for (let t = 0; t < T; t++) s += Math.max(losses[t]! - varL, 0);
  return varL + s / ((1 - level) * T);
}

function scenarioLosses(w: Float64Array, dist: ReturnDistribution): Float64Array {
  const S = dist.scenarios;
  if (!S)
    throw dataError('historical VaR/CVaR needs scenarios (nScenarios × nAssets returns) in the return distribution.');
  const out = new Float64Array(S.rows);
  for (let t = 0; t < S.rows; t++) {
    let r = 0;
    for (let i = 0; i < S.cols; i++) r += S.data[t * S.cols + i]! * w[i]!;
    out[t] = -r;
  }
  return out;
}
