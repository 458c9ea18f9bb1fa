/**
 * Risk overlays: rules applied on top of a strategy's targets, every period, from data dated ≤ t only.
 *
 * - `stop-loss`: when a held asset's price moved against the position by more than `threshold` from its
 *   reference (the entry fill price, or the best close since entry with `reference: peak`), it is sold at the next
 *   fill and kept out for `cooldown` periods.
 * - `drawdown`: tracks the strategy's own (un-overlaid) NAV; when its drawdown from the peak reaches `threshold`,
 *   exposure is cut to `exposure` × target (rest in cash); when the drawdown recovers to `reenter` or less, full
 *   exposure returns. Using the un-overlaid path is what lets a fully de-risked book re-enter.
 * - `vol-target`: scales each new target by min(maxLeverage, target / σ̂), σ̂ = √(w'Σ̂w · periodsPerYear) from the
 *   last `window` periods of close-to-close returns (ddof 1).
 *
 * A stop or a de-risking/re-entry switch forces a trade at that close even off the rebalancing schedule; the
 * forced trade goes to the strategy's last target with the overlays applied (so the other assets are rebalanced
 * too), and is recorded with reason 'overlay'.
 */
import * as z from 'zod';
import { configError } from '../core/index.ts';

export const overlaySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('stop-loss'),
    threshold: z.number().gt(0).max(1).describe('loss from the reference price that triggers the stop, fraction'),
    reference: z.enum(['entry', 'peak']).default('entry'),
    cooldown: z.int().min(0).default(21).describe('periods the asset stays out after a stop'),
  }),
  z.strictObject({
    kind: z.literal('drawdown'),
    threshold: z.number().gt(0).max(1).describe('drawdown that triggers de-risking, fraction (0.2 = −20 %)'),
    exposure: z.number().min(0).max(1).default(0).describe('fraction of the target kept while de-risked'),
    reenter: z.number().min(0).max(1).default(0.05).describe('drawdown at or below which full exposure returns'),
  }),
  z.strictObject({
    kind: z.literal('vol-target'),
    target: z.number().gt(0).describe('annualised volatility target, fraction (0.1 = 10 %)'),
    window: z.int().min(2).default(63).describe('periods of returns for the covariance estimate'),
    maxLeverage: z.number().gt(0).default(1).describe('largest scale-up of the target'),
  }),
]);
export type OverlaySpec = z.input<typeof overlaySchema>;
type Parsed = z.output<typeof overlaySchema>;

export function parseOverlays(specs: readonly OverlaySpec[] | undefined): Parsed[] {
  return (specs ?? []).map((s, i) => {
    const r = overlaySchema.safeParse(s);
    if (!r.success) {
      const iss = r.error.issues[0]!;
      throw configError(
        `backtest.overlays[${i}]${iss.path.length ? '.' + iss.path.join('.') : ''}: ${iss.message}, got ${JSON.stringify(s)}.`,
      );
    }
    if (r.data.kind === 'drawdown' && r.data.reenter >= r.data.threshold) {
      throw configError(
        `backtest.overlays[${i}] drawdown: reenter (${r.data.reenter}) must be below threshold (${r.data.threshold}), or the overlay would flip every period. Use e.g. threshold: 0.2, reenter: 0.05.`,
      );
    }
    return r.data;
  });
}

/** Mutable per-run state of the overlays (owned by one engine run). */
export class OverlayState {
  readonly specs: readonly Parsed[];
  private readonly n: number;
  readonly stopped: Int32Array; // periods left out (0 = free)
  readonly refPrice: Float64Array;
  private shadow = 1;
  private shadowPeak = 1;
  derisked = false;

  constructor(specs: readonly Parsed[], nAssets: number) {
    this.specs = specs;
    this.n = nAssets;
    this.stopped = new Int32Array(nAssets);
    this.refPrice = new Float64Array(nAssets).fill(NaN);
  }

  get active(): boolean {
    return this.specs.length > 0;
  }

  /**
   * Update with the close of t. `prevPx`/`px` valuation prices at t−1 and t, `qty` holdings, `lastTarget` the
   * strategy's last target. Returns true when a state change must force a trade at this decision.
   */
  onClose(prevPx: Float64Array, px: Float64Array, qty: Float64Array, lastTarget: Float64Array | null): boolean {
    let force = false;
    for (const s of this.specs) {
      if (s.kind === 'stop-loss') {
        for (let a = 0; a < this.n; a++) {
          if (this.stopped[a]! > 0) this.stopped[a] = this.stopped[a]! - 1;
          const q = qty[a]!;
          if (q === 0 || !Number.isFinite(this.refPrice[a]!)) continue;
          if (s.reference === 'peak')
            this.refPrice[a] = q > 0 ? Math.max(this.refPrice[a]!, px[a]!) : Math.min(this.refPrice[a]!, px[a]!);
          const move = (Math.sign(q) * (px[a]! - this.refPrice[a]!)) / this.refPrice[a]!;
          if (move < -s.threshold) {
            this.stopped[a] = s.cooldown + 1;
            force = true;
          }
        }
      } else if (s.kind === 'drawdown' && lastTarget) {
        let r = 0;
        for (let a = 0; a < this.n; a++) {
          const w = lastTarget[a]!;
          if (w !== 0 && prevPx[a]! > 0 && Number.isFinite(px[a]!)) r += w * (px[a]! / prevPx[a]! - 1);
        }
        this.shadow *= 1 + r;
        this.shadowPeak = Math.max(this.shadowPeak, this.shadow);
        const dd = 1 - this.shadow / this.shadowPeak;
        if (!this.derisked && dd >= s.threshold) {
          this.derisked = true;
          force = true;
        } else if (this.derisked && dd <= s.reenter) {
          this.derisked = false;
          force = true;
        }
      }
    }
    return force;
  }

  /** After a fill: reference prices of newly opened (or flipped) positions. */
  onFill(a: number, qtyBefore: number, qtyAfter: number, fillPrice: number): void {
    if (qtyAfter === 0) this.refPrice[a] = NaN;
    else if (qtyBefore === 0 || Math.sign(qtyBefore) !== Math.sign(qtyAfter)) this.refPrice[a] = fillPrice;
  }

  /**
   * The target after overlays (a new array). `returnsWindow(window)` gives the last `window` rows of asset returns
   * (window × nAssets, row-major, dated ≤ t) for vol targeting; `maxGross` caps the vol-target scale-up.
   */
  adjust(
    target: Float64Array,
    returnsWindow: (window: number) => Float64Array,
    periodsPerYear: number,
    maxGross: number,
  ): Float64Array {
    const out = target.slice();
    for (const s of this.specs) {
      if (s.kind === 'stop-loss') {
        for (let a = 0; a < this.n; a++) if (this.stopped[a]! > 0) out[a] = 0;
      } else if (s.kind === 'drawdown') {
        if (this.derisked) for (let a = 0; a < this.n; a++) out[a] = out[a]! * s.exposure;
      } else {
        const R = returnsWindow(s.window);
        const sigma = portfolioVol(out, R, this.n) * Math.sqrt(periodsPerYear);
        let gross = 0;
        for (let a = 0; a < this.n; a++) gross += Math.abs(out[a]!);
        if (sigma > 0 && Number.isFinite(sigma)) {
          const scale = Math.min(s.maxLeverage, s.target / sigma, gross > 0 ? maxGross / gross : Infinity);
          for (let a = 0; a < this.n; a++) out[a] = out[a]! * scale;
        }
      }
    }
    return out;
  }
}

/** sd (ddof 1) of the series Σₐ wₐ·R[i,a] over the rows of R (NaN returns count as 0). */
export function portfolioVol(w: Float64Array, R: Float64Array, n: number): number {
  const rows = R.length / n;
  if (rows < 2) return NaN;
  const p = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let a = 0; a < n; a++) {
      const r = R[i * n + a]!;
      if (Number.isFinite(r)) s += w[a]! * r;
    }
    p[i] = s;
  }
  let m = 0;
  for (const v of p) m += v;
  m /= rows;
  let ss = 0;
  for (const v of p) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (rows - 1));
}
