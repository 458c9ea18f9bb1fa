/**
 * Column scalers for an (n × p) row-major feature matrix. `fitScaler` learns centre and scale from the TRAINING
 * rows only (pass the training matrix); `transform` applies them to any rows (training, validation, live), so no
 * statistic of a later window leaks into an earlier fit. NaN inputs are ignored when fitting and stay NaN.
 */
import { z } from 'zod';
import { dataError } from '../core/index.ts';

export const scalerKindNames = ['zscore', 'robust', 'minmax', 'none'] as const;
export type ScalerKind = (typeof scalerKindNames)[number];
export const scalerSchema = z.enum(scalerKindNames);

export interface FittedScaler {
  readonly kind: ScalerKind;
  /** Per column: subtracted first. */
  readonly center: Float64Array;
  /** Per column: divided by after centring (always > 0). */
  readonly scale: Float64Array;
  transform(X: Float64Array, n: number): Float64Array;
  toJSON(): { kind: ScalerKind; center: number[]; scale: number[] };
}

function quantileSorted(s: Float64Array, q: number): number {
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Fits a scaler on the rows of X (n × p). Throws a one-line data error when a column is constant over the
 * training rows, naming it: such a feature carries no information and would divide by zero.
 */
export function fitScaler(
  kind: ScalerKind,
  X: Float64Array,
  n: number,
  p: number,
  names?: readonly string[],
): FittedScaler {
  const center = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  if (kind !== 'none') {
    const col = new Float64Array(n);
    for (let j = 0; j < p; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const v = X[i * p + j]!;
        if (!Number.isNaN(v)) col[m++] = v;
      }
      // Only the robust scaler needs order statistics; z-score and min-max are one pass each.
      const s = kind === 'robust' ? col.slice(0, m).sort() : col.subarray(0, m);
      if (m === 0)
        throw dataError(
          `feature "${names?.[j] ?? `#${j}`}" has no finite value in the training window; widen the window or drop the feature.`,
        );
      let c: number;
      let sc: number;
      if (kind === 'zscore') {
        let mean = 0;
        for (let i = 0; i < m; i++) mean += (s[i]! - mean) / (i + 1);
        let ss = 0;
        for (let i = 0; i < m; i++) ss += (s[i]! - mean) ** 2;
        c = mean;
        sc = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
      } else if (kind === 'robust') {
        c = quantileSorted(s, 0.5);
        sc = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
        if (!(sc > 0)) sc = s[m - 1]! - s[0]!; // IQR of a spiky column can be 0 while the column is not constant
      } else {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < m; i++) {
          lo = Math.min(lo, s[i]!);
          hi = Math.max(hi, s[i]!);
        }
        c = lo;
        sc = hi - lo;
      }
      if (!(sc > 1e-12 * Math.max(1, Math.abs(c)))) {
        throw dataError(
          `feature "${names?.[j] ?? `#${j}`}" is constant (${c}) over the ${m} training rows, so it cannot be scaled or learned from; drop it or widen the training window.`,
        );
      }
      center[j] = c;
      scale[j] = sc;
    }
  }
  return makeScaler(kind, center, scale);
}

export function makeScaler(kind: ScalerKind, center: Float64Array, scale: Float64Array): FittedScaler {
  const p = center.length;
  return {
    kind,
    center,
    scale,
    transform(X: Float64Array, n: number): Float64Array {
      const out = new Float64Array(n * p);
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = (X[i * p + j]! - center[j]!) / scale[j]!;
      return out;
    },
    toJSON: () => ({ kind, center: [...center], scale: [...scale] }),
  };
}
