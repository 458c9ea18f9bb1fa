/**
 * Hierarchical risk parity (López de Prado 2016; PyPortfolioOpt `HRPOpt`, Riskfolio-Lib `HCPortfolio(model='HRP')`):
 * distance √((1 − ρ)/2), agglomerative linkage, leaves in the dendrogram's quasi-diagonal order — or, with
 * `optimalOrdering`, in SciPy's optimal leaf order (Riskfolio-Lib's default) — then recursive bisection of the ordered
 * list into halves with α = 1 − v₁/(v₁ + v₂), v = variance of each half's inverse-variance portfolio.
 * Long-only, in [0, 1], sums to 1; an asset without variance is refused by name.
 */
import { Matrix } from '../../core/index.ts';
import {
  checkLongOnly,
  clusterVariance,
  correlationDistance,
  covToCorr,
  names,
  requireVariance,
  splitRisk,
} from './common.ts';
import { optimalLeafOrdering } from './leaf-order.ts';
import { leafOrder, linkage, type LinkageMethod, type LinkageRow } from './linkage.ts';

// the package door (src/allocation/index.ts) imports these from here
export { covToCorr, clusterVariance } from './common.ts';
export { herc } from './herc.ts';

export interface HrpOptions {
  /** Correlation to cluster on (default: from `cov`). */
  readonly corr?: Matrix;
  readonly linkage?: LinkageMethod;
  /**
   * Order the leaves optimally (SciPy `optimal_leaf_ordering`) before bisecting. Default false: the paper's
   * quasi-diagonal order, which PyPortfolioOpt reproduces and existing studies were run with.
   */
  readonly optimalOrdering?: boolean;
  /** Asset names, for errors. */
  readonly assets?: readonly string[];
}

export interface HrpResult {
  readonly weights: Float64Array;
  readonly order: number[];
  readonly linkage: LinkageRow[];
}

export function hrp(cov: Matrix, options: HrpOptions = {}): HrpResult {
  const n = cov.rows;
  requireVariance(cov, 'HRP', options.assets);
  const dist = correlationDistance(options.corr ?? covToCorr(cov));
  let rows = linkage(dist, n, options.linkage ?? 'single');
  if (options.optimalOrdering) rows = optimalLeafOrdering(rows, dist, n);
  const order = leafOrder(rows, n);
  const w = new Float64Array(n).fill(1);
  const stack: number[][] = [order];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c.length < 2) continue;
    const h = Math.floor(c.length / 2);
    const a = c.slice(0, h);
    const b = c.slice(h);
    const alpha = splitRisk(clusterVariance(cov, a), clusterVariance(cov, b), () => names(a, b, options.assets));
    for (const i of a) w[i] = w[i]! * alpha;
    for (const i of b) w[i] = w[i]! * (1 - alpha);
    stack.push(a, b);
  }
  return { weights: checkLongOnly(w, 'HRP'), order, linkage: rows };
}
