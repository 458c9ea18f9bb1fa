/**
 * Prediction targets (labels). Unlike features, a label at t looks AHEAD by design: it uses prices up to t + h.
 * Each target records its horizon so training at decision index T keeps only samples whose label ended by then
 * (t + h + embargo ≤ T: purge + embargo, see `trainingRows` in dataset.ts).
 */
import { z } from 'zod';
import { dataError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';

export interface TargetSeries {
  readonly name: string;
  readonly task: 'regression' | 'classification';
  /** Bars the label looks ahead: the label at t is known at the close of t + horizon. */
  readonly horizon: number;
  /** nDates × nAssets row-major; NaN where the label is not known (the last `horizon` rows). */
  readonly values: Float64Array;
  /** Number of classes (classification only). */
  readonly classes?: number;
}

export const targetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('forward-return'), horizon: z.number().int().min(1).default(21) }),
  z.strictObject({ kind: z.literal('direction'), horizon: z.number().int().min(1).default(21) }),
  z
    .strictObject({ kind: z.literal('excess-return'), horizon: z.number().int().min(1).default(21) })
    .describe("forward return minus the cross-sectional mean of the universe's forward returns at that date"),
  z
    .strictObject({ kind: z.literal('rank'), horizon: z.number().int().min(1).default(21) })
    .describe('cross-sectional percentile of the forward return at that date: 0 lowest … 1 highest (ties averaged)'),
  z.strictObject({
    kind: z.literal('triple-barrier'),
    horizon: z.number().int().min(1).default(21),
    /** Barrier width in multiples of the daily-return σ scaled by √horizon. */
    width: z.number().positive().default(1),
    volWindow: z.number().int().min(2).default(63),
  }),
]);
export type TargetSpec = z.infer<typeof targetSchema>;

function checkHorizon(panel: Panel, horizon: number): void {
  if (horizon >= panel.nDates) {
    throw dataError(
      `target horizon ${horizon} bars is not shorter than the data (${panel.nDates} dates, ${panel.dates[0]} to ${panel.dates.at(-1)}), so no label can be computed; use a horizon well below ${Math.max(1, Math.floor(panel.nDates / 4))} or load more history.`,
    );
  }
}

/** Next-h-period simple return close[t+h]/close[t] − 1 (fractions). */
export function forwardReturn(panel: Panel, horizon: number): TargetSeries {
  checkHorizon(panel, horizon);
  const { nDates, nAssets } = panel;
  const c = panel.field('close');
  const out = new Float64Array(nDates * nAssets).fill(NaN);
  for (let t = 0; t + horizon < nDates; t++) {
    for (let a = 0; a < nAssets; a++) out[t * nAssets + a] = c[(t + horizon) * nAssets + a]! / c[t * nAssets + a]! - 1;
  }
  return { name: `fwd_ret_${horizon}`, task: 'regression', horizon, values: out };
}

/** 1 when the next-h-period return is > 0, else 0 (NaN where unknown). */
export function direction(panel: Panel, horizon: number): TargetSeries {
  const fr = forwardReturn(panel, horizon);
  const out = fr.values.map((v) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0));
  return { name: `up_${horizon}`, task: 'classification', horizon, values: out, classes: 2 };
}

/**
 * Triple-barrier label (López de Prado): from t, walk forward up to `horizon` bars; class 2 when the return first
 * touches +width·σ_t·√horizon, 0 when it first touches −width·σ_t·√horizon, 1 when neither is touched by t + horizon.
 * σ_t is the sample σ of the `volWindow` daily returns ending at t (known at t).
 */
export function tripleBarrier(panel: Panel, horizon: number, width: number, volWindow: number): TargetSeries {
  checkHorizon(panel, horizon);
  const { nDates, nAssets } = panel;
  const c = panel.field('close');
  const out = new Float64Array(nDates * nAssets).fill(NaN);
  for (let a = 0; a < nAssets; a++) {
    for (let t = volWindow; t + horizon < nDates; t++) {
      let m = 0;
      let ss = 0;
      for (let k = t - volWindow + 1; k <= t; k++) m += c[k * nAssets + a]! / c[(k - 1) * nAssets + a]! - 1;
      m /= volWindow;
      for (let k = t - volWindow + 1; k <= t; k++) ss += (c[k * nAssets + a]! / c[(k - 1) * nAssets + a]! - 1 - m) ** 2;
      const sigma = Math.sqrt(ss / (volWindow - 1));
      const c0 = c[t * nAssets + a]!;
      if (!(sigma > 0) || Number.isNaN(c0)) continue;
      const barrier = width * sigma * Math.sqrt(horizon);
      let label = 1;
      for (let k = t + 1; k <= t + horizon; k++) {
        const r = c[k * nAssets + a]! / c0 - 1;
        if (r >= barrier) {
          label = 2;
          break;
        }
        if (r <= -barrier) {
          label = 0;
          break;
        }
      }
      out[t * nAssets + a] = label;
    }
  }
  return { name: `barrier_${horizon}`, task: 'classification', horizon, values: out, classes: 3 };
}

/**
 * Forward return in excess of the cross-sectional mean at the same date (over the assets with a label there).
 * Allocation and IC are cross-sectional, so a label stripped of the common market move is what they reward; the
 * date's mean uses only labels of that date, so it adds no look-ahead beyond the label's own horizon.
 */
export function excessReturn(panel: Panel, horizon: number): TargetSeries {
  const fr = forwardReturn(panel, horizon);
  const n = panel.nAssets;
  const out = fr.values.slice();
  for (let t = 0; t < panel.nDates; t++) {
    let s = 0;
    let m = 0;
    for (let a = 0; a < n; a++) {
      const v = out[t * n + a]!;
      if (Number.isFinite(v)) {
        s += v;
        m++;
      }
    }
    if (m === 0) continue;
    const mean = s / m;
    for (let a = 0; a < n; a++) out[t * n + a] = out[t * n + a]! - mean;
  }
  return { name: `xs_ret_${horizon}`, task: 'regression', horizon, values: out };
}

/**
 * Percentile ranks of `row[i]` for the finite entries (ties get their average rank), written into `out`:
 * (rank − 1) / (m − 1) in [0, 1]; 0.5 when only one entry is finite; NaN entries stay NaN.
 */
export function percentileRanks(row: ArrayLike<number>, out: Float64Array | number[]): void {
  const idx: number[] = [];
  for (let i = 0; i < row.length; i++) if (Number.isFinite(row[i]!)) idx.push(i);
  for (let i = 0; i < row.length; i++) if (!Number.isFinite(row[i]!)) out[i] = NaN;
  const m = idx.length;
  if (m === 0) return;
  idx.sort((i, j) => row[i]! - row[j]! || i - j);
  for (let k = 0; k < m;) {
    let e = k;
    while (e + 1 < m && row[idx[e + 1]!] === row[idx[k]!]) e++;
    const avgRank = (k + e) / 2; // 0-based average rank of the tie block
    for (let q = k; q <= e; q++) out[idx[q]!] = m === 1 ? 0.5 : avgRank / (m - 1);
    k = e + 1;
  }
}

/** Cross-sectional percentile of the forward return at each date (see `percentileRanks`). */
export function rankTarget(panel: Panel, horizon: number): TargetSeries {
  const fr = forwardReturn(panel, horizon);
  const n = panel.nAssets;
  const out = new Float64Array(fr.values.length).fill(NaN);
  const row = new Float64Array(n);
  for (let t = 0; t < panel.nDates; t++) {
    percentileRanks(fr.values.subarray(t * n, (t + 1) * n), row);
    out.set(row, t * n);
  }
  return { name: `xs_rank_${horizon}`, task: 'regression', horizon, values: out };
}

export function createTarget(panel: Panel, spec: TargetSpec): TargetSeries {
  switch (spec.kind) {
    case 'forward-return':
      return forwardReturn(panel, spec.horizon);
    case 'excess-return':
      return excessReturn(panel, spec.horizon);
    case 'rank':
      return rankTarget(panel, spec.horizon);
    case 'direction':
      return direction(panel, spec.horizon);
    case 'triple-barrier':
      return tripleBarrier(panel, spec.horizon, spec.width, spec.volWindow);
  }
}
