/**
 * Sample weights for overlapping labels (López de Prado, Advances in Financial Machine Learning, ch. 4).
 *
 * A label that looks h bars ahead from the close of t depends on the returns of bars t+1 … t+h: its span is the
 * half-open bar interval (t, t + h]. Labels of one series whose spans overlap share returns, so pooled rows are not
 * independent samples. With c_u = the number of labels spanning bar u (concurrency), the uniqueness of label i is
 * the mean over its span of 1 / c_u (AFML 4.4); a label that shares no bar has uniqueness 1, one of h labels
 * stacked on the same bars 1/h. Optional time decay (AFML 4.5.4) multiplies by a piecewise-linear function of the
 * cumulative uniqueness in time order: the newest labels weigh 1, the oldest `decay` (decay ∈ [0, 1]); with
 * decay ∈ (−1, 0) the oldest |decay| share of the cumulative uniqueness gets weight 0.
 *
 * Concurrency counts only the labels passed in: a refit passes its training rows, whose labels all ended by the
 * refit date (minus purge and embargo), so no label that ends later changes a weight (point in time).
 */
import { configError } from '../core/index.ts';

/**
 * Average uniqueness of each label, from its span (start, end] in bar indices, counted within its group (labels of
 * one series: the same asset). Pure kernel over plain arrays; labels with end ≤ start get NaN.
 */
export function averageUniqueness(
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  groups?: ArrayLike<number>,
): Float64Array {
  const n = starts.length;
  const out = new Float64Array(n);
  const byGroup = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups ? groups[i]! : 0;
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  }
  for (const rows of byGroup.values()) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of rows) {
      lo = Math.min(lo, starts[i]!);
      hi = Math.max(hi, ends[i]!);
    }
    // c[u − lo − 1] = labels spanning bar u, built as a difference array over (lo, hi].
    const c = new Float64Array(Math.max(0, hi - lo) + 1);
    for (const i of rows) {
      if (!(ends[i]! > starts[i]!)) continue;
      c[starts[i]! - lo] = c[starts[i]! - lo]! + 1;
      c[ends[i]! - lo] = c[ends[i]! - lo]! - 1;
    }
    for (let u = 1; u < c.length; u++) c[u] = c[u]! + c[u - 1]!;
    for (const i of rows) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (!(e > s)) {
        out[i] = NaN;
        continue;
      }
      let sum = 0;
      for (let u = s; u < e; u++) sum += 1 / c[u - lo]!;
      out[i] = sum / (e - s);
    }
  }
  return out;
}

/**
 * AFML 4.5.4 time decay over cumulative uniqueness: rows in time order (`order` ranks them; equal ranks share one
 * point, the cumulative uniqueness through the end of that rank), newest → 1, oldest → `decay`.
 */
export function timeDecay(uniqueness: ArrayLike<number>, order: ArrayLike<number>, decay: number): Float64Array {
  if (!(decay > -1 && decay <= 1))
    throw configError(
      `sample-weight decay must be in (−1, 1], got ${decay}; use 1 for no decay, 0.5 for a linear fall to half.`,
    );
  const n = uniqueness.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a]! - order[b]! || a - b);
  const x = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n;) {
    let j = k;
    while (j < n && order[idx[j]!] === order[idx[k]!]) total += uniqueness[idx[j++]!]!;
    for (let m = k; m < j; m++) x[idx[m]!] = total;
    k = j;
  }
  const slope = total > 0 ? (decay >= 0 ? (1 - decay) / total : 1 / ((decay + 1) * total)) : 0;
  const intercept = 1 - slope * total;
  return x.map((v) => Math.max(0, intercept + slope * v));
}

export interface UniquenessOptions {
  /** Time decay: weight of the oldest label relative to the newest (1 = none). */
  readonly decay?: number;
}

/**
 * Sample weights for pooled (date, asset) training rows whose labels span (start, end] in bar indices: uniqueness
 * per asset, times the optional time decay (ordered by label start), normalised to mean 1 so a model's penalty
 * (ridge α) keeps its meaning next to the unweighted fit (only relative weights change the fit).
 */
export function uniquenessWeights(
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  groups: ArrayLike<number>,
  options: UniquenessOptions = {},
): Float64Array {
  let w = averageUniqueness(starts, ends, groups);
  const decay = options.decay ?? 1;
  if (decay !== 1) {
    const d = timeDecay(w, starts, decay);
    w = w.map((u, i) => u * d[i]!);
  }
  let sum = 0;
  for (const v of w) sum += v;
  if (!(sum > 0)) return w.fill(1);
  const k = w.length / sum;
  return w.map((v) => v * k);
}
