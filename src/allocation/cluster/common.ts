/**
 * Pieces shared by HRP, HERC and NCO: correlation and its distance √((1 − ρ)/2), the variance of a naive-risk-parity
 * (inverse-variance) portfolio, the refusal of assets without variance, the cut of a dendrogram into k clusters,
 * and the final check that long-only weights lie in [0, 1] and sum to 1.
 */
import { Matrix, dataError } from '../../core/index.ts';
import type { LinkageRow } from './linkage.ts';

/** A variance this small next to the largest is a constant price, not a low-risk asset (1e-12 ≈ 1e-6 in vol). */
const ZERO_VARIANCE = 1e-12;

/** Correlation from a covariance (ρ_ij = Σ_ij/√(Σ_ii Σ_jj); the diagonal is exactly 1). */
export function covToCorr(cov: Matrix): Matrix {
  const n = cov.rows;
  const out = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      out.data[i * n + j] = cov.data[i * n + j]! / Math.sqrt(cov.data[i * n + i]! * cov.data[j * n + j]!);
    }
  return out;
}

/** √((1 − ρ)/2) clipped to [0, 1] (ρ may exceed 1 by an ulp), zero diagonal; n × n row-major. */
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

const label = (assets: readonly string[] | undefined, i: number): string =>
  assets?.[i] ? `"${assets[i]}"` : `asset ${i}`;

/** Refuse an asset whose variance is zero (a constant price) or not finite: one line naming it. */
export function requireVariance(cov: Matrix, method: string, assets?: readonly string[]): void {
  const n = cov.rows;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(cov.data[i * n + i]!));
  for (let i = 0; i < n; i++) {
    const v = cov.data[i * n + i]!;
    if (!Number.isFinite(v) || !(v > ZERO_VARIANCE * max) || !(v > 0))
      throw dataError(
        `${method} needs every asset's variance > 0; ${label(assets, i)} has variance ${v} (a constant or missing price). Drop it from the universe or give it a fixed weight outside the allocator.`,
      );
  }
}

/** Split weight between two sides as α = 1 − r_a/(r_a + r_b); both risks must be positive and finite. */
export function splitRisk(ra: number, rb: number, what: () => string): number {
  if (!(ra > 0) || !(rb > 0) || !Number.isFinite(ra) || !Number.isFinite(rb))
    throw dataError(
      `a cluster risk must be > 0 and finite, got ${ra} and ${rb} for ${what()}: the covariance is not positive semi-definite. Use a shrinkage estimator (ledoit-wolf) or repair it.`,
    );
  return 1 - ra / (ra + rb);
}

/** Long-only weights must be finite, in [0, 1] and sum to 1 (to 1e-12): otherwise a bug, said out loud. */
export function checkLongOnly(w: Float64Array, method: string): Float64Array {
  let s = 0;
  for (const x of w) {
    if (!(x >= 0 && x <= 1)) throw dataError(`${method} produced weight ${x} outside [0, 1].`);
    s += x;
  }
  if (!(Math.abs(s - 1) <= 1e-12)) throw dataError(`${method} weights sum to ${s}, not 1.`);
  return w;
}

/** Leaves under node `id` (leaves are 0 … n−1, merge k is n + k), left subtree first. */
export function subtreeLeaves(rows: readonly LinkageRow[], n: number, id: number): number[] {
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

/**
 * Cluster label of each leaf when the top k − 1 merges are undone (SciPy `cut_tree(Z, n_clusters=k)`: clusters
 * numbered by their first leaf in index order).
 */
export function cutTree(rows: readonly LinkageRow[], n: number, k: number): Int32Array {
  if (!(k >= 1 && k <= n)) throw dataError(`cannot cut ${n} assets into ${k} clusters (1 ≤ k ≤ ${n}).`);
  const roots = new Set<number>([n + rows.length - 1]);
  for (let j = n + rows.length - 1; j > n + rows.length - k; j--) {
    roots.delete(j);
    roots.add(rows[j - n]!.a);
    roots.add(rows[j - n]!.b);
  }
  const raw = new Int32Array(n);
  for (const r of roots) for (const leaf of subtreeLeaves(rows, n, r)) raw[leaf] = r;
  const ids = new Map<number, number>();
  return raw.map((r) => {
    if (!ids.has(r)) ids.set(r, ids.size);
    return ids.get(r)!;
  });
}

/** "{A, B} vs {C}" for error messages. */
export function names(a: readonly number[], b: readonly number[], assets?: readonly string[]): string {
  const f = (s: readonly number[]): string =>
    `{${s
      .slice(0, 4)
      .map((i) => assets?.[i] ?? String(i))
      .join(', ')}${s.length > 4 ? `, … (${s.length})` : ''}}`;
  return `${f(a)} vs ${f(b)}`;
}
