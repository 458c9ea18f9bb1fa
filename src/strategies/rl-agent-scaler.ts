/**
 * Z-scores for an rl-agent's feature columns, fitted on the training window only. Each column is standardised by
 * its mean and standard deviation pooled over the window's rows and all assets (pooled, not per asset, so a
 * cross-sectional spread survives: the asset with the strongest momentum still reads highest). Raw features live on
 * very different scales (a 63-day return is ~0.05, a rank ±1, a macro surprise ~0.01), which a network with
 * default initialisation barely sees. Missing values stay missing (the observation reads them as 0, the mean).
 */
import type { FeatureMatrix } from '../features/index.ts';

export interface ColumnScaler {
  readonly mean: readonly number[];
  readonly sd: readonly number[];
  /** A copy of `fm` with every column standardised (NaN stays NaN). */
  apply(fm: FeatureMatrix): FeatureMatrix;
}

/** Fit on rows [from, to] (clamped to the matrix); a column with no spread gets s.d. 1. */
export function fitColumnScaler(fm: FeatureMatrix, from: number, to: number): ColumnScaler {
  const n = fm.assets.length;
  const lo = Math.max(0, from);
  const hi = Math.min(fm.dates.length - 1, to);
  const mean: number[] = [];
  const sd: number[] = [];
  for (const col of fm.columns) {
    let k = 0;
    let s = 0;
    let s2 = 0;
    for (let i = lo * n; i < (hi + 1) * n; i++) {
      const v = col[i]!;
      if (!Number.isFinite(v)) continue;
      k++;
      s += v;
      s2 += v * v;
    }
    const m = k > 0 ? s / k : 0;
    const v = k > 1 ? (s2 - k * m * m) / (k - 1) : 0;
    mean.push(m);
    sd.push(v > 1e-24 ? Math.sqrt(v) : 1);
  }
  return {
    mean,
    sd,
    apply: (x) => ({
      ...x,
      columns: x.columns.map((col, j) => {
        const out = new Float64Array(col.length);
        const m = mean[j]!;
        const d = sd[j]!;
        for (let i = 0; i < col.length; i++) out[i] = (col[i]! - m) / d;
        return out;
      }),
    }),
  };
}
