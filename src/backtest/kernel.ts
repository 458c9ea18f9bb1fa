/**
 * The fill kernel: one rebalance of the book to `target` weights at `prices`, over plain typed arrays.
 * Orders are sized at the fill-time NAV so that, before costs, post-trade weights equal the target:
 *   NAV_f = cash + Σₐ qₐ·pₐ,   dₐ = wₐ·NAV_f / pₐ − qₐ,   cash −= dₐ·pₐ + costₐ.
 * Untradable assets (no positive price) keep their holding and are valued at `markPx`. Every order becomes one
 * ledger row. Costs come from per-asset linear rates (tight loop) or a per-order function.
 */
import type { LedgerBuilder } from './ledger.ts';

// The side of an order is read from the sign bit of its signed quantity: `d > 0 ? 1 : −1` is a branch the CPU
// mispredicts about half the time when buys and sells alternate, which cost ~40 % of the kernel's time.
const signScratch = new Float64Array(1);
const signWords = new Int32Array(signScratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1

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

/**
 * What the last fill did besides trading: per-asset outcome codes (`count` = how many are non-zero; the engine
 * reads codes only then) and the fill's traded notional Σ|dₐ·pₐ| and cost Σcₐ, summed in ledger-row order, so they
 * equal `ledgerTotals` of those rows to the bit.
 */
export interface FillFlags {
  readonly codes: Uint8Array;
  count: number;
  traded: number;
  costs: number;
}

/** Returns the cash after the fill; updates `qty` and `flags`, and appends to `ledger`, in place. */
export function fillKernel(
  ledgerDate: number,
  target: Float64Array,
  prices: Float64Array,
  markPx: Float64Array,
  qty: Float64Array,
  cash: number,
  costs: FillCosts,
  ledger: LedgerBuilder,
  flags: FillFlags,
  onFill: ((a: number, before: number, after: number, price: number) => void) | null,
): number {
  const n = qty.length;
  // `+cash`: a loop variable seeded straight from a parameter kept V8 boxing it into a fresh heap number on every
  // iteration (~30 MB of garbage per million orders); the unary plus gives the loop an unboxed double.
  let balance = +cash;
  let nav = balance;
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
  const codes = flags.codes;
  if (flags.count > 0) codes.fill(0);
  let flagged = 0;
  let traded = 0;
  let costSum = 0;
  for (let a = 0; a < n; a++) {
    const p = prices[a]!;
    const before = qty[a]!;
    if (!(p > 0)) {
      if (target[a] !== 0 || before !== 0) {
        codes[a] = FILL_NO_PRICE;
        flagged++;
      }
      continue;
    }
    let d = (target[a]! * nav) / p - before;
    if (Math.abs(d * p) <= tol) continue;
    if (capacity !== null) {
      const cap = capacity[a]!;
      if (Math.abs(d) > cap) {
        codes[a] = cap > 0 ? FILL_CAPPED : FILL_BLOCKED;
        flagged++;
        if (cap <= 0) continue;
        d = d > 0 ? cap : -cap;
      }
    }
    const notional = d * p;
    const c = rates !== null ? rates[a]! * Math.abs(notional) : perOrder!(a, d, p);
    qty[a] = before + d;
    balance -= notional + c;
    traded += Math.abs(notional); // = |dₐ|·pₐ, the ledger's quantity × price, exactly (pₐ > 0)
    costSum += c;
    dateIndex[row] = ledgerDate;
    assetIndex[row] = a;
    signScratch[0] = d;
    side[row] = (signWords[HIGH_WORD]! >> 31) | 1; // d ≠ 0 here: +1 buy, −1 sell
    quantity[row] = Math.abs(d);
    priceCol[row] = p;
    costCol[row] = c;
    row++;
    if (onFill !== null) onFill(a, before, before + d, p);
  }
  ledger.length = row;
  flags.count = flagged;
  flags.traded = traded;
  flags.costs = costSum;
  return balance;
}

/** cash + Σₐ qₐ·pₐ over held assets. */
export function markToMarket(qty: Float64Array, px: Float64Array, cash: number): number {
  let v = +cash; // unboxed loop variable (see fillKernel)
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

/**
 * Cash interest and short-borrow fees over one interval of `years` (calendar days / 365), charged at the END of
 * the interval on the book held through it: cash·((1 + r + spread if cash < 0)^years − 1) − Σ shorts·fee·years.
 */
export function accrual(
  cash: number,
  qty: Float64Array,
  lastPx: Float64Array,
  years: number,
  cashRate: number,
  borrowSpread: number,
  shortFee: number,
): number {
  let acc = 0;
  if (cash !== 0 && (cashRate !== 0 || (cash < 0 && borrowSpread !== 0)))
    acc += cash * (Math.pow(1 + cashRate + (cash < 0 ? borrowSpread : 0), years) - 1);
  if (shortFee !== 0) {
    let shortValue = 0;
    for (let a = 0; a < qty.length; a++) if (qty[a]! < 0) shortValue -= qty[a]! * lastPx[a]!;
    acc -= shortValue * shortFee * years;
  }
  return acc;
}
