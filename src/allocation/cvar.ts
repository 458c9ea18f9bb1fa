/**
 * Minimum CVaR over return scenarios (Rockafellar & Uryasev 2000) as an LP solved by HiGHS:
 *   min α + 1/((1−β)T) Σ u_t   s.t.  u_t ≥ −r_tᵀw − α, u_t ≥ 0, Σw = budget, lb ≤ w ≤ ub, groups,
 *   optionally wᵀμ ≥ targetReturn. CVaR is a per-period loss fraction (daily for daily scenarios).
 * CVaR caps at other levels, turnover caps and proportional costs enter as further LP rows (lp-extras.ts).
 */
import { dataError } from '../core/index.ts';
import {
  compileBounds,
  compileGroups,
  cvarCapsOf,
  historicalCVaR,
  infeasible,
  valueAtRisk,
  type SolverConstraints,
} from './constraints.ts';
import { lpExtras } from './lp-extras.ts';
import { solveLp, type LpRow, type LpTerm } from './solvers/highs.ts';
import type { ReturnDistribution } from './types.ts';

export interface CvarResult {
  readonly weights: Float64Array;
  /** CVaR at level β as a positive loss per scenario period. */
  readonly cvar: number;
  readonly valueAtRisk: number;
}

export interface CvarOptions {
  readonly beta?: number;
  readonly targetReturn?: number;
  /** 'min-cvar' (default) or 'max-return' subject to CVaR ≤ constraints.maxCVaR (PyPortfolioOpt `efficient_risk`). */
  readonly objective?: 'min-cvar' | 'max-return';
}

export function minCvarSolve(
  dist: ReturnDistribution,
  options: CvarOptions = {},
  c: SolverConstraints = {},
): CvarResult {
  const caps = cvarCapsOf(c);
  const cap = caps[0];
  const beta = cap && options.objective === 'max-return' ? cap.level : (options.beta ?? 0.95);
  if (!(beta > 0 && beta < 1)) throw dataError(`beta must be in (0, 1), got ${beta}. Use 0.95.`);
  const S = dist.scenarios;
  if (!S) throw dataError('min-cvar needs scenarios (nScenarios × nAssets returns) in the return distribution.');
  const n = dist.assets.length;
  if (S.cols !== n) throw dataError(`scenarios have ${S.cols} columns but there are ${n} assets.`);
  const { lb, ub, budget } = compileBounds(dist.assets, c);
  const T = S.rows;
  const wv = (i: number): string => `w${i}`;
  const cvarTerms: LpTerm[] = [{ v: 'alpha', c: 1 }];
  for (let t = 0; t < T; t++) cvarTerms.push({ v: `u${t}`, c: 1 / ((1 - beta) * T) });
  const maxReturn = options.objective === 'max-return';
  if (maxReturn && !cap) throw dataError('the max-return CVaR programme needs constraints.maxCVaR { level, max }.');
  // a CVaR cap at the programme's own level reuses its rows; caps at other levels get their own RU block
  const extras = lpExtras(
    dist,
    c,
    caps.filter((k) => k.level !== beta),
    wv,
  );
  const objective: LpTerm[] = [
    ...(maxReturn ? Array.from(dist.mu, (m, i) => ({ v: wv(i), c: -m })) : cvarTerms),
    ...extras.objective,
  ];
  const rows: LpRow[] = [...extras.rows];
  const own = caps.filter((k) => k.level === beta).reduce((m, k) => Math.min(m, k.max), Infinity);
  if (Number.isFinite(own)) rows.push({ name: 'cvarcap', terms: cvarTerms, lo: -Infinity, hi: own });
  for (let t = 0; t < T; t++) {
    const terms: LpTerm[] = [];
    for (let i = 0; i < n; i++) {
      const r = S.data[t * n + i]!;
      if (!Number.isFinite(r))
        throw dataError(`scenario ${t} has a non-finite return for ${dist.assets[i]}; drop incomplete rows first.`);
      if (r !== 0) terms.push({ v: wv(i), c: r });
    }
    terms.push({ v: 'alpha', c: 1 }, { v: `u${t}`, c: 1 });
    rows.push({ name: `s${t}`, terms, lo: 0, hi: Infinity });
  }
  rows.push({ name: 'budget', terms: dist.assets.map((_, i) => ({ v: wv(i), c: 1 })), lo: budget, hi: budget });
  compileGroups(dist.assets, c).forEach((g, k) => {
    rows.push({
      name: `g${k}`,
      terms: Array.from(g.a, (a, i) => ({ v: wv(i), c: a })).filter((t) => t.c !== 0),
      lo: g.lo,
      hi: g.hi,
    });
  });
  if (options.targetReturn !== undefined) {
    rows.push({
      name: 'ret',
      terms: Array.from(dist.mu, (m, i) => ({ v: wv(i), c: m })),
      lo: options.targetReturn,
      hi: Infinity,
    });
  }
  const bounds: Record<string, readonly [number, number]> = { ...extras.bounds, alpha: [-Infinity, Infinity] };
  for (let i = 0; i < n; i++) bounds[wv(i)] = [lb[i]!, ub[i]!];
  const sol = solveLp({ sense: 'min', objective, rows, bounds });
  if (sol.status !== 'Optimal') {
    throw infeasible(
      `the CVaR programme is ${sol.status.toLowerCase()}${options.targetReturn !== undefined ? ` (target return ${options.targetReturn} may be unreachable)` : ''}${cap ? ` (maxCVaR ${cap.max} at level ${cap.level} may be below the minimum CVaR)` : ''}. Relax the constraints.`,
    );
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = sol.value(wv(i));
  if (maxReturn) {
    // alpha and u are pinned down only when CVaR is the objective; here measure the answer directly
    return { weights: w, cvar: historicalCVaR(w, dist, beta), valueAtRisk: valueAtRisk(w, dist, beta, 'historical') };
  }
  let cvar = sol.value('alpha');
  for (let t = 0; t < T; t++) cvar += sol.value(`u${t}`) / ((1 - beta) * T);
  return { weights: w, cvar, valueAtRisk: sol.value('alpha') };
}

export function minCvar(dist: ReturnDistribution, options: CvarOptions = {}, c: SolverConstraints = {}): Float64Array {
  return minCvarSolve(dist, options, c).weights;
}
