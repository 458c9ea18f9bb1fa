/**
 * A fitted decision tree as flat typed arrays (no node objects): node 0 is the root; an internal node sends a row
 * left when `x[feature] ≤ threshold` (equivalently `bin ≤ splitBin` on the training bins); a leaf has feature −1 and
 * `k` output values at `value[node * k …]`. `cover[node]` is the training weight that reached the node (in-bag row
 * counts for CART/forests, hessian sums for boosting: XGBoost's `cover`); TreeSHAP's path-dependent mode needs it.
 * Models saved before cover was recorded load with `cover` undefined.
 */
import { dataError } from '../../core/index.ts';

export interface FlatTreeJSON {
  k: number;
  feature: number[];
  threshold: (number | null)[];
  bin: number[];
  left: number[];
  right: number[];
  value: number[];
  /** Optional: absent in models saved before covers were recorded. */
  cover?: number[];
}

export class FlatTree {
  constructor(
    readonly k: number,
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly splitBin: Uint8Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly value: Float64Array,
    /** Training weight per node (see the file comment), or undefined for models saved without it. */
    readonly cover?: Float64Array,
  ) {}

  get nodeCount(): number {
    return this.feature.length;
  }

  /** Leaf node reached by row `i` of a row-major matrix with p columns. */
  leafOf(X: Float64Array, i: number, p: number): number {
    const { feature, threshold, left, right } = this;
    let node = 0;
    let f = feature[0]!;
    const base = i * p;
    while (f >= 0) {
      node = X[base + f]! <= threshold[node]! ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    return node;
  }

  /** Leaf reached by row `i` of a row-major binned matrix with p columns. */
  leafOfBinned(bins: Uint8Array, p: number, i: number): number {
    const { feature, splitBin, left, right } = this;
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      node = bins[i * p + f]! <= splitBin[node]! ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    return node;
  }

  /** out[i·k + c] += scale · leafValue_c for every row (k = this.k). */
  addPredictions(X: Float64Array, n: number, p: number, out: Float64Array, scale = 1): void {
    const k = this.k;
    const value = this.value;
    for (let i = 0; i < n; i++) {
      const leaf = this.leafOf(X, i, p);
      for (let c = 0; c < k; c++) out[i * k + c] = out[i * k + c]! + scale * value[leaf * k + c]!;
    }
  }

  toJSON(): FlatTreeJSON {
    return {
      k: this.k,
      feature: Array.from(this.feature),
      threshold: Array.from(this.threshold, (t) => (Number.isFinite(t) ? t : null)),
      bin: Array.from(this.splitBin),
      left: Array.from(this.left),
      right: Array.from(this.right),
      value: Array.from(this.value),
      ...(this.cover ? { cover: Array.from(this.cover) } : {}),
    };
  }

  static fromJSON(j: FlatTreeJSON): FlatTree {
    if (j === null || typeof j !== 'object' || !Array.isArray(j.feature))
      throw dataError('tree JSON must have feature/threshold/left/right/value arrays.');
    return new FlatTree(
      j.k,
      Int32Array.from(j.feature),
      Float64Array.from(j.threshold, (t) => (t === null ? Infinity : t)),
      Uint8Array.from(j.bin),
      Int32Array.from(j.left),
      Int32Array.from(j.right),
      Float64Array.from(j.value),
      Array.isArray(j.cover) ? Float64Array.from(j.cover) : undefined,
    );
  }
}
