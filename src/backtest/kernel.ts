/**
 * The fill kernel: one rebalance of the book to `target` weights at `prices`, over plain typed arrays.
 * Orders are sized at the fill-time NAV so that, before costs, post-trade weights equal the target:
 *   NAV_f = cash + Σₐ qₐ·pₐ,   dₐ = wₐ·NAV_f / pₐ − qₐ,   cash −= dₐ·pₐ + costₐ.
 * Untradable assets (no positive price) keep their holding and are valued at `markPx`. Every order becomes one
 * ledger row. Costs come from per-asset linear rates (tight loop) or a per-order function.
 */
import type { LedgerBuilder } from './ledger.ts';

/** Flags written per asset: 0 traded or nothing to do, 1 no fill price, 2 capped by capacity, 3 blocked (capacity 0). */
export const FILL_NO_PRICE = 1;
export const FILL_CAPPED = 2;
export const FILL_BLOCKED = 3;

export interface FillCosts {
  /** costₐ = rates[a]·|dₐ·pₐ| when present. */
  readonly rates: Float64Array | null;
  /** Otherwise one call per order. */
  readonly perOrder: ((a: number, signedQty: number, price: number) => number) | null;
  /** Largest |dₐ| per order (participation cap), or null for none. */
  readonly capacity: Float64Array | null;
}

/** Returns the cash after the fill; updates `qty` and appends to `ledger` in place. */
export function fillKernel(
  ledgerDate: number,
  target: Float64Array,
  prices: Float64Array,
  markPx: Float64Array,
  qty: Float64Array,
  cash: number,
  costs: FillCosts,
  ledger: LedgerBuilder,
  flags: Uint8Array,
  onFill: ((a: number, before: number, after: number, price: number) => void) | null,
): number {
  const n = qty.length;
  let nav = cash;
  for (let a = 0; a < n; a++) {
    const q = qty[a]!;
    if (q !== 0) {
      const p = prices[a]!;
      nav += q * (p > 0 ? p : markPx[a]!);
    }
  }
  const tol = 1e-12 * Math.abs(nav);
  ledger.reserve(n);
  let row = ledger.length;
  const { dateIndex, assetIndex, side, quantity, price: priceCol, cost: costCol } = ledger;
  const { rates, perOrder, capacity } = costs;
  for (let a = 0; a < n; a++) {
    flags[a] = 0;
    const p = prices[a]!;
    const before = qty[a]!;
    if (!(p > 0)) {
      if (target[a] !== 0 || before !== 0) flags[a] = FILL_NO_PRICE;
      continue;
    }
    let d = (target[a]! * nav) / p - before;
    if (Math.abs(d * p) <= tol) continue;
    if (capacity !== null) {
      const cap = capacity[a]!;
      if (Math.abs(d) > cap) {
        flags[a] = cap > 0 ? FILL_CAPPED : FILL_BLOCKED;
        if (cap <= 0) continue;
        d = d > 0 ? cap : -cap;
      }
    }
    const notional = d * p;
    const c = rates !== null ? rates[a]! * Math.abs(notional) : perOrder!(a, d, p);
    qty[a] = before + d;
    cash -= notional + c;
    dateIndex[row] = ledgerDate;
    assetIndex[row] = a;
    side[row] = d > 0 ? 1 : -1;
    quantity[row] = Math.abs(d);
    priceCol[row] = p;
    costCol[row] = c;
    row++;
    if (onFill !== null) onFill(a, before, before + d, p);
  }
  ledger.length = row;
  return cash;
}

/** cash + Σₐ qₐ·pₐ over held assets. */
export function markToMarket(qty: Float64Array, px: Float64Array, cash: number): number {
  let v = cash;
  for (let a = 0; a < qty.length; a++) {
    const q = qty[a]!;
    if (q !== 0) v += q * px[a]!;
  }
  return v;
}

/** lastPx[a] ← px[row + a] where that price is finite (missing prices carry the last known one). */
export function markClose(px: Float64Array, row: number, lastPx: Float64Array): void {
  for (let a = 0; a < lastPx.length; a++) {
    const p = px[row + a]!;
    if (p === p && p !== Infinity && p !== -Infinity) lastPx[a] = p;
  }
}

/** out[offset + a] ← qₐ·pₐ / nav (0 for no holding). */
export function weightsInto(qty: Float64Array, px: Float64Array, nav: number, out: Float64Array, offset: number): void {
  const inv = 1 / nav;
  for (let a = 0; a < qty.length; a++) {
    const q = qty[a]!;
    out[offset + a] = q === 0 ? 0 : q * px[a]! * inv;
  }
}
