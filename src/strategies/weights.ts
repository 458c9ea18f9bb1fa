/** Helpers shared by the strategies: weights by asset id, listed assets, trailing returns from a view. */
import * as z from 'zod';
import { configError, dataError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';

/** `{ EQ_BROAD: 0.6, BOND_LONG: 0.4 }`: weight per asset id (fractions of NAV); unnamed assets get 0, cash = 1 − Σ. */
export const weightsByIdSchema = z
  .record(z.string().min(1), z.number().min(-10).max(10))
  .refine((w) => Object.keys(w).length > 0, { message: 'name at least one asset' })
  .describe('weight per asset id, fractions of NAV; the rest is cash');

/** Resolve id → weight against the view's assets (one-line error naming an unknown id and the known ones). */
export function resolveWeights(
  strategy: string,
  weights: Readonly<Record<string, number>>,
  assets: readonly string[],
): Float64Array {
  const out = new Float64Array(assets.length);
  for (const [id, w] of Object.entries(weights)) {
    const a = assets.indexOf(id);
    if (a < 0) {
      throw configError(
        `strategy ${strategy}: asset "${id}" is not in the data (assets: ${assets.slice(0, 12).join(', ')}${assets.length > 12 ? ', …' : ''}). Use one of those ids.`,
      );
    }
    out[a] = w;
  }
  return out;
}

/** 1 where the asset has a finite, positive value of `field` on the view's last date, else 0. */
export function listedMask(view: Panel, field = 'close'): Uint8Array {
  const t = view.nDates - 1;
  const n = view.nAssets;
  const out = new Uint8Array(n);
  if (t < 0) return out;
  const f = view.field(field);
  for (let a = 0; a < n; a++) {
    const v = f[t * n + a]!;
    out[a] = Number.isFinite(v) && v > 0 ? 1 : 0;
  }
  return out;
}

/** The last `window` simple returns of `field` (rows ending at the view's last date), window × n, NaN where undefined. */
export function trailingReturns(view: Panel, window: number, field = 'close'): { values: Float64Array; rows: number } {
  const n = view.nAssets;
  const T = view.nDates;
  const rows = Math.max(0, Math.min(window, T - 1));
  const f = view.field(field);
  const values = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    const t = T - rows + i;
    for (let a = 0; a < n; a++) {
      const p0 = f[(t - 1) * n + a]!;
      const p1 = f[t * n + a]!;
      values[i * n + a] = p0 > 0 && Number.isFinite(p1) ? p1 / p0 - 1 : NaN;
    }
  }
  return { values, rows };
}

/** Headroom for what estimators multiply a sum of squares by (annualisation × 252, shrinkage, T) before it overflows. */
const OVERFLOW_HEADROOM = 1e6;

/**
 * Refuses a return window (rows × assets, row-major, NaN = no return) that would make variance and covariance
 * estimators overflow — an infinite return (a price after a 5e-324) or one whose square does (1e308 after 100) —
 * with one line naming the asset and the date of its largest return, instead of a "covariance[1, 1] is Infinity"
 * from deep inside an estimator. `dateOf(i)` is the date of row i. NaN (missing) is left to the caller.
 */
export function assertFiniteReturns(
  values: Float64Array,
  rows: number,
  assets: readonly string[],
  dateOf: (row: number) => string,
): void {
  const n = assets.length;
  for (let a = 0; a < n; a++) {
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      const r = values[i * n + a]!;
      if (r === r) ss += r * r;
    }
    if (Number.isFinite(ss * OVERFLOW_HEADROOM)) continue;
    let worst = -1;
    for (let i = 0; i < rows; i++) {
      const r = Math.abs(values[i * n + a]!);
      if (r === r && (worst < 0 || r > Math.abs(values[worst * n + a]!))) worst = i;
    }
    const r = values[worst * n + a]!;
    throw dataError(
      `asset "${assets[a]}" has a one-period return of ${r > 0 ? '+' : ''}${Number(r.toPrecision(6))} (fraction) on ${dateOf(worst)} in the ${rows}-return window, which makes its variance overflow. Fix the price on or just before that date (keel data validate FILE names such values).`,
    );
  }
}
