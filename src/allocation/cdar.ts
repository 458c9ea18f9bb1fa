/**
 * Minimum conditional drawdown at risk (Chekhlov, Uryasev & Zabarankin 2005; PyPortfolioOpt `EfficientCDaR`) as a
 * HiGHS LP over return scenarios (uncompounded cumulative returns):
 *   min α + 1/((1−β)T) Σ z_t  s.t.  z_t ≥ u_t − α, z_t ≥ 0, u_t ≥ u_{t−1} − r_tᵀw, u_t ≥ 0, u_0 = 0,
 *   Σw = budget, bounds, groups.  u_t is the drawdown from the running peak; CDaR is a loss fraction.
 * CVaR caps, turnover caps and proportional costs enter as further LP rows (lp-extras.ts).
 */
import { dataError } from '../core/index.ts';
import { compileBounds, compileGroups, cvarCapsOf, infeasible, type SolverConstraints } from './constraints.ts';
import { lpExtras } from './lp-extras.ts';
import { solveLp, type LpRow, type LpTerm } from './solvers/highs.ts';
import type { ReturnDistribution } from './types.ts';

export function minCdarSolve(
  dist: ReturnDistribution,
  options: { beta?: number } = {},
  c: SolverConstraints = {},
): { weights: Float64Array; cdar: number } {
  const beta = options.beta ?? 0.95;
  if (!(beta > 0 && beta < 1)) throw dataError(`beta must be in (0, 1), got ${beta}. Use 0.95.`);
  const S = dist.scenarios;
  if (!S) throw dataError('min-cdar needs scenarios (nScenarios × nAssets returns) in the return distribution.');
  const n = dist.assets.length;
  if (S.cols !== n) throw dataError(`scenarios have ${S.cols} columns but there are ${n} assets.`);
  const { lb, ub, budget } = compileBounds(dist.assets, c);
  const T = S.rows;
  const extras = lpExtras(dist, c, cvarCapsOf(c), (i) => `w${i}`);
  const objective: LpTerm[] = [{ v: 'alpha', c: 1 }];
  for (let t = 1; t <= T; t++) objective.push({ v: `z${t}`, c: 1 / ((1 - beta) * T) });
  objective.push(...extras.objective);
  const rows: LpRow[] = [...extras.rows];
  for (let t = 1; t <= T; t++) {
    rows.push({
      name: `dz${t}`,
      terms: [
        { v: `z${t}`, c: 1 },
        { v: `u${t}`, c: -1 },
        { v: 'alpha', c: 1 },
      ],
      lo: 0,
      hi: Infinity,
    });
    // u_t − u_{t−1} + r_tᵀw ≥ 0
    const terms: LpTerm[] = [{ v: `u${t}`, c: 1 }];
    if (t > 1) terms.push({ v: `u${t - 1}`, c: -1 });
    for (let i = 0; i < n; i++) {
      const r = S.data[(t - 1) * n + i]!;
      if (!Number.isFinite(r))
        throw dataError(`scenario ${t - 1} has a non-finite return for ${dist.assets[i]}; drop incomplete rows first.`);
      if (r !== 0) terms.push({ v: `w${i}`, c: r });
    }
    rows.push({ name: `du${t}`, terms, lo: 0, hi: Infinity });
  }
  rows.push({ name: 'budget', terms: dist.assets.map((_, i) => ({ v: `w${i}`, c: 1 })), lo: budget, hi: budget });
  compileGroups(dist.assets, c).forEach((g, k) => {
    rows.push({
      name: `g${k}`,
      terms: Array.from(g.a, (a, i) => ({ v: `w${i}`, c: a })).filter((x) => x.c !== 0),
      lo: g.lo,
      hi: g.hi,
    });
  });
  const bounds: Record<string, readonly [number, number]> = { ...extras.bounds, alpha: [-Infinity, Infinity] };
  for (let i = 0; i < n; i++) bounds[`w${i}`] = [lb[i]!, ub[i]!];
  const sol = solveLp({ sense: 'min', objective, rows, bounds });
  if (sol.status !== 'Optimal')
    throw infeasible(`the CDaR programme is ${sol.status.toLowerCase()}. Relax the constraints.`);
  const w = Float64Array.from({ length: n }, (_, i) => sol.value(`w${i}`));
  let cdar = sol.value('alpha');
  for (let t = 1; t <= T; t++) cdar += sol.value(`z${t}`) / ((1 - beta) * T);
  return { weights: w, cdar };
}
