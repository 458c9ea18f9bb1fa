/**
 * Rows the scenario LPs (min CVaR, min CDaR) share for constraints a plain LP over the weights does not carry:
 *  - a historical CVaR cap at any level (Rockafellar–Uryasev): α + 1/((1−β)T)·Σu_t ≤ max, u_t ≥ −r_tᵀw − α, u_t ≥ 0;
 *  - turnover and proportional costs against the previous weights: w_i = w0_i + b_i − s_i with b, s ≥ 0,
 *    Σ(b + s) ≤ maxTurnover, and k·Σ(b + s) added to the objective (exact: an optimum never buys and sells one asset).
 */
import { dataError } from '../core/index.ts';
import type { CvarCap, SolverConstraints } from './constraints.ts';
import type { LpRow, LpTerm } from './solvers/highs.ts';
import type { ReturnDistribution } from './types.ts';

export interface LpExtras {
  readonly rows: LpRow[];
  readonly bounds: Record<string, readonly [number, number]>;
  /** Terms added to a minimised objective. */
  readonly objective: LpTerm[];
}

/** The RU rows of one CVaR cap over the distribution's scenarios; `tag` keeps its variables apart. */
export function cvarCapRows(dist: ReturnDistribution, cap: CvarCap, tag: string, w: (i: number) => string): LpExtras {
  const S = dist.scenarios;
  if (!S) throw dataError('a CVaR cap needs scenarios (nScenarios × nAssets returns) in the return distribution.');
  const n = S.cols;
  const T = S.rows;
  const alpha = `a_${tag}`;
  const cap_: LpTerm[] = [{ v: alpha, c: 1 }];
  const rows: LpRow[] = [];
  for (let t = 0; t < T; t++) {
    const u = `u_${tag}_${t}`;
    cap_.push({ v: u, c: 1 / ((1 - cap.level) * T) });
    const terms: LpTerm[] = [];
    for (let i = 0; i < n; i++) {
      const r = S.data[t * n + i]!;
      if (r !== 0) terms.push({ v: w(i), c: r });
    }
    terms.push({ v: alpha, c: 1 }, { v: u, c: 1 });
    rows.push({ name: `cap_${tag}_${t}`, terms, lo: 0, hi: Infinity });
  }
  rows.push({ name: `cap_${tag}`, terms: cap_, lo: -Infinity, hi: cap.max });
  return { rows, bounds: { [alpha]: [-Infinity, Infinity] }, objective: [] };
}

/** Trading variables when the constraints cap turnover or charge proportional costs; nothing otherwise. */
export function tradeRows(dist: ReturnDistribution, c: SolverConstraints, w: (i: number) => string): LpExtras {
  const k = c.transactionCost ?? 0;
  if (!(k > 0) && c.maxTurnover === undefined) return { rows: [], bounds: {}, objective: [] };
  const n = dist.assets.length;
  const w0 = dist.previousWeights;
  const rows: LpRow[] = [];
  const objective: LpTerm[] = [];
  const all: LpTerm[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      name: `trade${i}`,
      terms: [
        { v: w(i), c: 1 },
        { v: `buy${i}`, c: -1 },
        { v: `sell${i}`, c: 1 },
      ],
      lo: w0?.[i] ?? 0,
      hi: w0?.[i] ?? 0,
    });
    all.push({ v: `buy${i}`, c: 1 }, { v: `sell${i}`, c: 1 });
    if (k > 0) objective.push({ v: `buy${i}`, c: k }, { v: `sell${i}`, c: k });
  }
  if (c.maxTurnover !== undefined) rows.push({ name: 'turnover', terms: all, lo: -Infinity, hi: c.maxTurnover });
  return { rows, bounds: {}, objective };
}

/** Trading rows plus one RU block per CVaR cap in `caps`. */
export function lpExtras(
  dist: ReturnDistribution,
  c: SolverConstraints,
  caps: readonly CvarCap[],
  w: (i: number) => string,
): LpExtras {
  const parts = [tradeRows(dist, c, w), ...caps.map((cap, k) => cvarCapRows(dist, cap, `c${k}`, w))];
  return {
    rows: parts.flatMap((p) => p.rows),
    bounds: Object.assign({}, ...parts.map((p) => p.bounds)) as Record<string, readonly [number, number]>,
    objective: parts.flatMap((p) => p.objective),
  };
}
