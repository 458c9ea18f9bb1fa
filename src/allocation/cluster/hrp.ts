/**
 * Hierarchical risk parity (López de Prado 2016, PyPortfolioOpt `HRPOpt`): distance √((1 − ρ)/2) clipped to
 * [0, 1], agglomerative linkage, quasi-diagonal leaf order, then recursive bisection of the ordered list into halves
 * with α = 1 − v₁/(v₁ + v₂) (v = inverse-variance portfolio variance of each half). Long-only, sums to 1.
 *
 * HERC (Raffinot 2017, simplified): bisection follows the dendrogram's own splits instead of list halves, and
 * splits risk in proportion to each side's inverse-variance-portfolio variance.
 */
import { Matrix, dataError } from '../../core/index.ts';
import { leafOrder, linkage, type LinkageMethod, type LinkageRow } from './linkage.ts';

/** Correlation from a covariance (ρ_ij = Σ_ij/√(Σ_ii Σ_jj)). */
export function covToCorr(cov: Matrix): Matrix {
  const n = cov.rows;
  const out = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      out.data[i * n + j] = cov.data[i * n + j]! / Math.sqrt(cov.data[i * n + i]! * cov.data[j * n + j]!);
    }
  return out;
}

export function correlationDistance(corr: Matrix): Float64Array {
  const n = corr.rows;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) d[i] = Math.sqrt(Math.min(Math.max((1 - corr.data[i]!) / 2, 0), 1));
  for (let i = 0; i < n; i++) d[i * n + i] = 0;
  return d;
}

/** Variance of the inverse-variance portfolio of `items`. */
export function clusterVariance(cov: Matrix, items: readonly number[]): number {
  const n = cov.cols;
  let s = 0;
  const w = items.map((i) => {
    const v = 1 / cov.data[i * n + i]!;
    s += v;
    return v;
  });
  let v = 0;
  for (let a = 0; a < items.length; a++) {
    for (let b = 0; b < items.length; b++) v += w[a]! * w[b]! * cov.data[items[a]! * n + items[b]!]!;
  }
  return v / (s * s);
}

export interface HrpResult {
  readonly weights: Float64Array;
  readonly order: number[];
  readonly linkage: LinkageRow[];
}

export function hrp(cov: Matrix, options: { corr?: Matrix; linkage?: LinkageMethod } = {}): HrpResult {
  const n = cov.rows;
  for (let i = 0; i < n; i++) {
    if (!(cov.data[i * n + i]! > 0))
      throw dataError(`HRP needs every variance > 0; asset ${i} has ${cov.data[i * n + i]}.`);
  }
  const corr = options.corr ?? covToCorr(cov);
  const rows = linkage(correlationDistance(corr), n, options.linkage ?? 'single');
  const order = leafOrder(rows, n);
  const w = new Float64Array(n).fill(1);
  let clusters: number[][] = [order];
  while (clusters.length > 0) {
    const next: number[][] = [];
    for (const c of clusters) {
      if (c.length <= 1) continue;
      const h = Math.floor(c.length / 2);
      next.push(c.slice(0, h), c.slice(h));
    }
    for (let k = 0; k < next.length; k += 2) {
      const a = next[k]!;
      const b = next[k + 1]!;
      const va = clusterVariance(cov, a);
      const vb = clusterVariance(cov, b);
      const alpha = 1 - va / (va + vb);
      for (const i of a) w[i] = w[i]! * alpha;
      for (const i of b) w[i] = w[i]! * (1 - alpha);
    }
    clusters = next;
  }
  return { weights: w, order, linkage: rows };
}

/** HERC-style allocation: bisection along the dendrogram's splits (see file comment). */
export function herc(cov: Matrix, options: { corr?: Matrix; linkage?: LinkageMethod } = {}): HrpResult {
  const n = cov.rows;
  const corr = options.corr ?? covToCorr(cov);
  const rows = linkage(correlationDistance(corr), n, options.linkage ?? 'ward');
  const order = leafOrder(rows, n);
  const w = new Float64Array(n).fill(1);
  const leaves = (id: number): number[] => subtreeLeaves(rows, n, id);
  const stack: number[] = n > 1 ? [n + rows.length - 1] : [];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const r = rows[id - n]!;
    const a = leaves(r.a);
    const b = leaves(r.b);
    const va = clusterVariance(cov, a);
    const vb = clusterVariance(cov, b);
    const alpha = 1 - va / (va + vb);
    for (const i of a) w[i] = w[i]! * alpha;
    for (const i of b) w[i] = w[i]! * (1 - alpha);
    if (r.a >= n) stack.push(r.a);
    if (r.b >= n) stack.push(r.b);
  }
  return { weights: w, order, linkage: rows };
}

function subtreeLeaves(rows: readonly LinkageRow[], n: number, id: number): number[] {
  if (id < n) return [id];
  const out: number[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x < n) out.push(x);
    else {
      const r = rows[x - n]!;
      stack.push(r.b, r.a);
    }
  }
  return out;
}
