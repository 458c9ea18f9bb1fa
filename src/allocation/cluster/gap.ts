/**
 * Number of clusters by the gap statistic (Tibshirani, Walther & Hastie 2001). The assets are points whose Euclidean
 * distances are the correlation distances √((1 − ρ)/2) — exactly, since that distance is Euclidean — placed by
 * classical MDS. The reference is their method (b): n points uniform in the box aligned with the points' principal
 * axes, clustered by the same linkage. W_k = Σ_r D_r/(2 n_r) with D_r the sum of squared distances inside cluster r
 * (the dendrogram cut at its top k − 1 merges); Gap(k) = mean_b log W*_kb − log W_k, s_k = sd_b √(1 + 1/B), and k is
 * the smallest with Gap(k) ≥ Gap(k+1) − s_{k+1} (k ≤ min(maxClusters, n − 1); the largest if none qualifies).
 */
import { Matrix, createRng, symEig } from '../../core/index.ts';
import { cutTree } from './common.ts';
import { linkage, type LinkageMethod } from './linkage.ts';

export interface GapOptions {
  readonly linkage: LinkageMethod;
  /** Largest k tried (capped at n − 1). */
  readonly maxClusters: number;
  /** B, the number of reference sets. */
  readonly references: number;
  readonly seed: number;
  /** The B reference sets' uniform draws (each n × n in [0, 1), row = point), instead of drawing them from `seed`. */
  readonly uniforms?: readonly ArrayLike<number>[];
}

export interface GapResult {
  readonly k: number;
  /** Gap(k) for k = 1 … K. */
  readonly gap: number[];
  /** s_k for k = 1 … K. */
  readonly s: number[];
}

/** log W_k for k = 1 … K of the points with n × n distances `d`, clustered by `method`. */
function logDispersions(d: Float64Array, n: number, method: LinkageMethod, K: number): number[] {
  const rows = linkage(d, n, method);
  const out: number[] = [];
  for (let k = 1; k <= K; k++) {
    const lab = cutTree(rows, n, k);
    const sum = new Float64Array(k);
    const size = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      size[lab[i]!]!++;
      for (let j = 0; j < n; j++) if (lab[i] === lab[j]) sum[lab[i]!] = sum[lab[i]!]! + d[i * n + j]! ** 2;
    }
    let w = 0;
    for (let r = 0; r < k; r++) w += sum[r]! / (2 * size[r]!);
    out.push(Math.log(w));
  }
  return out;
}

/** Classical MDS: n points (row-major, p coordinates in decreasing eigenvalue order) with distances `d`. */
export function mdsPoints(d: Float64Array, n: number): { x: Float64Array; p: number } {
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) d2[i] = d[i]! ** 2;
  const row = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) row[i] = row[i]! + d2[i * n + j]!;
    all += row[i]!;
  }
  const b = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) b.data[i * n + j] = -0.5 * (d2[i * n + j]! - row[i]! / n - row[j]! / n + all / (n * n));
  const { values, vectors } = symEig(b);
  const top = values[n - 1]!;
  const keep: number[] = [];
  for (let c = n - 1; c >= 0; c--) if (values[c]! > 1e-10 * top) keep.push(c);
  const p = keep.length;
  const x = new Float64Array(n * p);
  keep.forEach((c, q) => {
    const s = Math.sqrt(values[c]!);
    for (let i = 0; i < n; i++) x[i * p + q] = vectors.data[i * n + c]! * s;
  });
  return { x, p };
}

/** The gap statistic's k for n assets with correlation distances `d` (n × n). */
export function gapStatistic(d: Float64Array, n: number, o: GapOptions): GapResult {
  const K = Math.min(o.maxClusters, n - 1);
  if (K < 2) return { k: 1, gap: [], s: [] };
  const logW = logDispersions(d, n, o.linkage, K);
  const { x, p } = mdsPoints(d, n);
  const lo = new Float64Array(p).fill(Infinity);
  const hi = new Float64Array(p).fill(-Infinity);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < p; c++) {
      lo[c] = Math.min(lo[c]!, x[i * p + c]!);
      hi[c] = Math.max(hi[c]!, x[i * p + c]!);
    }
  const B = o.uniforms?.length ?? o.references;
  const rng = createRng(o.seed);
  const ref: number[][] = [];
  for (let b = 0; b < B; b++) {
    const u = o.uniforms?.[b] ?? Float64Array.from({ length: n * n }, () => rng.uniform());
    const pts = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) pts[i * p + c] = lo[c]! + u[i * n + c]! * (hi[c]! - lo[c]!);
    const dr = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < p; c++) s += (pts[i * p + c]! - pts[j * p + c]!) ** 2;
        dr[i * n + j] = Math.sqrt(s);
      }
    ref.push(logDispersions(dr, n, o.linkage, K));
  }
  const gap: number[] = [];
  const s: number[] = [];
  for (let k = 0; k < K; k++) {
    let m = 0;
    for (const r of ref) m += r[k]!;
    m /= B;
    let v = 0;
    for (const r of ref) v += (r[k]! - m) ** 2;
    gap.push(m - logW[k]!);
    s.push(Math.sqrt(v / B) * Math.sqrt(1 + 1 / B));
  }
  let k = K;
  for (let j = 0; j < K - 1; j++) {
    if (gap[j]! >= gap[j + 1]! - s[j + 1]!) {
      k = j + 1;
      break;
    }
  }
  return { k, gap, s };
}
