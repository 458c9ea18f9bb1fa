/**
 * The feature contract. A feature is a small point-in-time transformer: from a Panel (and optional point-in-time
 * records) it computes one or more columns, each an (nDates × nAssets) row-major Float64Array aligned with the
 * panel, where the value at (t, a) depends only on data dated ≤ t (and, for records, released ≤ t).
 * NaN means "not available yet" (warm-up, missing input). `checkFeaturePointInTime` enforces the rule.
 */
import type { Panel } from '../data/index.ts';
import type { PitRecords } from './records.ts';

export interface FeatureInput {
  readonly panel: Panel;
  readonly records?: PitRecords;
}

/** Named columns, each nDates × nAssets row-major like the panel's fields. */
export interface FeatureBlock {
  readonly names: readonly string[];
  readonly values: readonly Float64Array[];
}

export interface Feature {
  /** Kind from `featureKinds` (or 'custom' for user code). */
  readonly kind: string;
  /** Name used in error messages and as the column-name prefix. */
  readonly name: string;
  /** Bars before the first finite value (the longest window used); informs the minimum training window. */
  readonly warmup: number;
  compute(input: FeatureInput): FeatureBlock;
}

/** Applies a per-asset series kernel to one panel field: out[t·n+a] = kernel(series of asset a)[t]. */
export function perAsset(panel: Panel, field: string, kernel: (series: Float64Array) => Float64Array): Float64Array {
  const n = panel.nAssets;
  const out = new Float64Array(panel.nDates * n);
  for (let a = 0; a < n; a++) {
    const s = kernel(panel.series(field, a));
    for (let t = 0; t < panel.nDates; t++) out[t * n + a] = s[t]!;
  }
  return out;
}

/** Like `perAsset` with several input fields (e.g. high, low, close for ATR). */
export function perAssetMulti(
  panel: Panel,
  fields: readonly string[],
  kernel: (series: Float64Array[]) => Float64Array,
): Float64Array {
  const n = panel.nAssets;
  const out = new Float64Array(panel.nDates * n);
  for (let a = 0; a < n; a++) {
    const s = kernel(fields.map((f) => panel.series(f, a)));
    for (let t = 0; t < panel.nDates; t++) out[t * n + a] = s[t]!;
  }
  return out;
}

/** A feature from a name, warm-up and compute function (the shape user-defined features take). */
export function defineFeature(
  name: string,
  warmup: number,
  compute: (input: FeatureInput) => FeatureBlock,
  kind = 'custom',
): Feature {
  return { kind, name, warmup, compute };
}
