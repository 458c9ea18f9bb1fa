/**
 * Discretised states for tabular agents: each chosen observation column is cut into `bins` quantile bins whose
 * edges are fitted on the TRAINING observations only (carry the fit with the agent; never refit on the data it
 * acts on), and the state index is the mixed-radix number of the bin indices, optionally times a last digit
 * (e.g. which declared allocation the drifted book is nearest to).
 */
import { configError, usageError } from '../core/index.ts';

export interface QuantileBinsJSON {
  readonly columns: readonly number[];
  readonly bins: number;
  /** Per column, bins − 1 inner edges (ascending). */
  readonly edges: readonly (readonly number[])[];
}

export class QuantileBins {
  readonly columns: readonly number[];
  readonly bins: number;
  readonly edges: readonly Float64Array[];

  private constructor(columns: readonly number[], bins: number, edges: readonly Float64Array[]) {
    this.columns = columns;
    this.bins = bins;
    this.edges = edges;
  }

  /** Number of states the bins span (bins ^ columns). */
  get size(): number {
    return Math.pow(this.bins, this.columns.length);
  }

  /** Fit edges at the k/bins quantiles (k = 1 … bins − 1) of each column over `rows` (training observations). */
  static fit(rows: readonly Float64Array[], columns: readonly number[], bins: number): QuantileBins {
    if (!Number.isInteger(bins) || bins < 2) throw configError(`bins must be an integer ≥ 2, got ${bins}.`);
    if (rows.length < bins)
      throw configError(
        `the discretiser needs at least ${bins} training observations (one per bin), got ${rows.length}.`,
      );
    const edges = columns.map((c) => {
      const v = Float64Array.from(rows, (r) => r[c]!).sort();
      const e = new Float64Array(bins - 1);
      for (let k = 1; k < bins; k++) {
        const pos = (k / bins) * (v.length - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, v.length - 1);
        e[k - 1] = v[lo]! + (pos - lo) * (v[hi]! - v[lo]!);
      }
      return e;
    });
    return new QuantileBins(columns, bins, edges);
  }

  /** Bin index of value x for column j: the number of edges ≤ x. */
  bin(j: number, x: number): number {
    const e = this.edges[j]!;
    let b = 0;
    while (b < e.length && x >= e[b]!) b++;
    return b;
  }

  state(obs: Float64Array): number {
    let s = 0;
    for (let j = 0; j < this.columns.length; j++) s = s * this.bins + this.bin(j, obs[this.columns[j]!]!);
    return s;
  }

  toJSON(): QuantileBinsJSON {
    return { columns: [...this.columns], bins: this.bins, edges: this.edges.map((e) => Array.from(e)) };
  }

  static fromJSON(j: QuantileBinsJSON): QuantileBins {
    if (!j || !Array.isArray(j.columns) || !Array.isArray(j.edges) || j.edges.length !== j.columns.length)
      throw usageError('QuantileBins.fromJSON: expected { columns, bins, edges } with one edge list per column.');
    return new QuantileBins(
      j.columns,
      j.bins,
      j.edges.map((e) => Float64Array.from(e)),
    );
  }
}

/** Index of the allocation nearest (L1) to `w`; ties go to the lower index. */
export function nearestAllocation(w: ArrayLike<number>, allocations: readonly Float64Array[]): number {
  let best = 0;
  let bestD = Infinity;
  allocations.forEach((x, i) => {
    let d = 0;
    for (let a = 0; a < x.length; a++) d += Math.abs(x[a]! - w[a]!);
    if (d < bestD - 1e-12) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
