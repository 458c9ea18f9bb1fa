/**
 * Per-date cross-sectional normalisation of feature columns: at each date, each column is z-scored (or turned
 * into percentile ranks) across the assets that have a value there. Only values of that date are used, so it is
 * point in time by construction and needs no fit window; it removes the level common to all assets at a date,
 * which is what a cross-sectional forecast (and IC) is about.
 */
import { z } from 'zod';
import type { FeatureMatrix } from './dataset.ts';
import { percentileRanks } from './targets.ts';

export const crossSectionalKinds = ['none', 'zscore', 'rank'] as const;
export type CrossSectionalKind = (typeof crossSectionalKinds)[number];
export const crossSectionalSchema = z
  .enum(crossSectionalKinds)
  .describe('per-date normalisation of each feature across assets: none, zscore or rank (percentile 0…1)');

/** z-score of the finite entries of `row` into `out` (NaN stays NaN; a constant row gives 0; one entry gives 0). */
function zscoreRow(row: Float64Array, out: Float64Array): void {
  let m = 0;
  let mean = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (Number.isFinite(v)) mean += (v - mean) / ++m;
  }
  let ss = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (Number.isFinite(v)) ss += (v - mean) ** 2;
  }
  const sd = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    out[i] = !Number.isFinite(v) ? NaN : sd > 0 ? (v - mean) / sd : 0;
  }
}

/** A new FeatureMatrix whose columns are normalised across assets at every date (`none` returns `fm` itself). */
export function crossSectionalNormalize(fm: FeatureMatrix, kind: CrossSectionalKind): FeatureMatrix {
  if (kind === 'none') return fm;
  const n = fm.assets.length;
  const T = fm.dates.length;
  const row = new Float64Array(n);
  const columns = fm.columns.map((col) => {
    const out = new Float64Array(col.length);
    for (let t = 0; t < T; t++) {
      const src = col.subarray(t * n, (t + 1) * n);
      if (kind === 'zscore') zscoreRow(src, row);
      else percentileRanks(src, row);
      out.set(row, t * n);
    }
    return out;
  });
  return { ...fm, columns };
}
