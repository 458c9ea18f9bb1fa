/**
 * Optimal leaf ordering as SciPy computes it (`scipy.cluster.hierarchy.optimal_leaf_ordering`, the dynamic
 * programme of Bar-Joseph, Gifford & Jaakkola 2001): flip children of merges so that the sum of distances between
 * neighbouring leaves is small, without changing the tree. M[u, w] = the least sum over orderings of a node whose
 * left-most leaf is u and right-most w; each node then orients its two children by its own best (u, w).
 *
 * Reproduced to the rounding: M is float32 as in SciPy (`Math.fround` at the same points), ties go to the first pair
 * in leaf order. SciPy orients each node from that node's own optimum rather than back-tracking from the root, so
 * the result can be a little longer than the true optimum (scipy/scipy#11227); we keep SciPy's answer because it
 * is what Riskfolio-Lib and skfolio users get. O(n⁴) in the worst case: fine for a few hundred assets.
 */
import { leafOrder, type LinkageRow } from './linkage.ts';

const BIG = 1073741824; // 2^30, SciPy's starting minimum

/** The linkage with children swapped where the optimal order needs it (a row's `a` may then exceed `b`). */
export function optimalLeafOrdering(rows: readonly LinkageRow[], dist: Float64Array, n: number): LinkageRow[] {
  if (n < 3) return rows.slice();
  const sorted = leafOrder(rows, n);
  const pos = new Int32Array(n);
  sorted.forEach((leaf, p) => (pos[leaf] = p));
  // relabel leaves by their position in the current order: every cluster is then a range [lo, hi)
  const lab = (x: number): number => (x < n ? pos[x]! : x);
  const L = rows.map((r) => lab(r.a));
  const R = rows.map((r) => lab(r.b));
  const D = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) D[p * n + q] = dist[sorted[p]! * n + sorted[q]!]!;
  const lo = new Int32Array(2 * n - 1);
  const hi = new Int32Array(2 * n - 1);
  for (let p = 0; p < n; p++) {
    lo[p] = p;
    hi[p] = p + 1;
  }
  rows.forEach((_, i) => {
    lo[n + i] = lo[L[i]!]!;
    hi[n + i] = hi[R[i]!]!;
  });
  const M = new Float32Array(n * n);
  const swapL = new Uint8Array(n * n);
  const swapR = new Uint8Array(n * n);
  const mustSwap = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const vl = L[i]!;
    const vr = R[i]!;
    // candidate (u-cluster, m-cluster) pairs on the left and (w-cluster, k-cluster) pairs on the right
    const us =
      vl < n
        ? [[vl, vl]]
        : [
            [L[vl - n]!, R[vl - n]!],
            [R[vl - n]!, L[vl - n]!],
          ];
    const ws =
      vr < n
        ? [[vr, vr]]
        : [
            [R[vr - n]!, L[vr - n]!],
            [L[vr - n]!, R[vr - n]!],
          ];
    for (let sl = 0; sl < us.length; sl++) {
      for (let sr = 0; sr < ws.length; sr++) {
        const [uc, mc] = us[sl]!;
        const [wc, kc] = ws[sr]!;
        for (let u = lo[uc!]!; u < hi[uc!]!; u++) {
          for (let w = lo[wc!]!; w < hi[wc!]!; w++) {
            let cur = BIG;
            for (let m = lo[mc!]!; m < hi[mc!]!; m++) {
              const um = M[u * n + m]!;
              for (let k = lo[kc!]!; k < hi[kc!]!; k++) {
                // float32 sum of the two float32 terms, then + the float64 distance, stored as float32
                const c = Math.fround(Math.fround(um + M[w * n + k]!) + D[m * n + k]!);
                if (c < cur) cur = c;
              }
            }
            M[u * n + w] = cur;
            M[w * n + u] = cur;
            swapL[u * n + w] = swapL[w * n + u] = sl;
            swapR[u * n + w] = swapR[w * n + u] = sr;
          }
        }
      }
    }
    let best = BIG;
    let bu = -1;
    let bw = -1;
    for (let u = lo[vl]!; u < hi[vl]!; u++) {
      for (let w = lo[vr]!; w < hi[vr]!; w++) {
        if (M[u * n + w]! < best) {
          best = M[u * n + w]!;
          bu = u;
          bw = w;
        }
      }
    }
    if (vl >= n) mustSwap[vl - n] = swapL[bu * n + bw]!;
    if (vr >= n) mustSwap[vr - n] = swapR[bu * n + bw]!;
  }
  // a node is mirrored when an odd number of itself and its ancestors must swap (parents come later in the list)
  const flip = new Uint8Array(rows.length);
  for (let i = rows.length - 1; i >= 0; i--) {
    flip[i] = flip[i]! ^ mustSwap[i]!;
    for (const c of [rows[i]!.a, rows[i]!.b]) if (c >= n) flip[c - n] = flip[i]!;
  }
  return rows.map((r, i) => (flip[i] ? { ...r, a: r.b, b: r.a } : r));
}
