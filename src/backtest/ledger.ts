/**
 * The columnar ledger: one row per filled order (date, asset, side, quantity, price, cost). It is the single
 * source for NAV (cash flows), turnover (Σ|quantity·price|) and costs; `replayLedger` rebuilds NAV from it alone.
 */
import type { IsoDate } from '../data/index.ts';

/** Growable column store used while simulating (indices, not strings, in the hot loop). */
export class LedgerBuilder {
  private n = 0;
  private cap: number;
  dateIndex: Int32Array;
  assetIndex: Int32Array;
  /** +1 buy, −1 sell. */
  side: Int8Array;
  /** Units traded, > 0. */
  quantity: Float64Array;
  /** Fill price per unit. */
  price: Float64Array;
  /** Total cost of the order in currency (> 0 reduces NAV). */
  cost: Float64Array;

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.dateIndex = new Int32Array(this.cap);
    this.assetIndex = new Int32Array(this.cap);
    this.side = new Int8Array(this.cap);
    this.quantity = new Float64Array(this.cap);
    this.price = new Float64Array(this.cap);
    this.cost = new Float64Array(this.cap);
  }

  get length(): number {
    return this.n;
  }

  push(t: number, a: number, signedQty: number, price: number, cost: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.dateIndex[i] = t;
    this.assetIndex[i] = a;
    this.side[i] = signedQty > 0 ? 1 : -1;
    this.quantity[i] = Math.abs(signedQty);
    this.price[i] = price;
    this.cost[i] = cost;
  }

  /** Make room for `k` more rows (so a kernel can write a whole fill without checks). */
  reserve(k: number): void {
    while (this.n + k > this.cap) this.grow();
  }

  /** Rows written so far (the kernel advances it after writing columns directly). */
  set length(v: number) {
    this.n = v;
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Int8Array | Float64Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(this.cap);
      b.set(a);
      return b;
    };
    this.dateIndex = g(this.dateIndex, Int32Array);
    this.assetIndex = g(this.assetIndex, Int32Array);
    this.side = g(this.side, Int8Array);
    this.quantity = g(this.quantity, Float64Array);
    this.price = g(this.price, Float64Array);
    this.cost = g(this.cost, Float64Array);
  }

  /**
   * The rows as a `Ledger` with the calendar and asset names attached. The columns are views of this builder's
   * storage (no copy of what can be millions of rows): stop pushing once you have built.
   */
  build(dates: readonly IsoDate[], assets: readonly string[]): Ledger {
    const n = this.n;
    return {
      length: n,
      dates,
      assets,
      dateIndex: this.dateIndex.subarray(0, n),
      assetIndex: this.assetIndex.subarray(0, n),
      side: this.side.subarray(0, n),
      quantity: this.quantity.subarray(0, n),
      price: this.price.subarray(0, n),
      cost: this.cost.subarray(0, n),
    };
  }
}

/** Frozen columnar ledger. Row i: on `dates[dateIndex[i]]`, `side[i]` (+1 buy / −1 sell) `quantity[i]` units of `assets[assetIndex[i]]` at `price[i]`, paying `cost[i]`. */
export interface Ledger {
  readonly length: number;
  readonly dates: readonly IsoDate[];
  readonly assets: readonly string[];
  readonly dateIndex: Int32Array;
  readonly assetIndex: Int32Array;
  readonly side: Int8Array;
  readonly quantity: Float64Array;
  readonly price: Float64Array;
  readonly cost: Float64Array;
}

/** Ledger rows as plain records (for CSV/JSON writers): date, asset, side, quantity, price, notional, cost. */
export function ledgerRows(ledger: Ledger): {
  date: IsoDate;
  asset: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  notional: number;
  cost: number;
}[] {
  const out = [];
  for (let i = 0; i < ledger.length; i++) {
    out.push({
      date: ledger.dates[ledger.dateIndex[i]!]!,
      asset: ledger.assets[ledger.assetIndex[i]!]!,
      side: ledger.side[i]! > 0 ? ('buy' as const) : ('sell' as const),
      quantity: ledger.quantity[i]!,
      price: ledger.price[i]!,
      notional: ledger.quantity[i]! * ledger.price[i]!,
      cost: ledger.cost[i]!,
    });
  }
  return out;
}

/** Per-date totals from the ledger: traded notional Σ|q·p| and costs (length nDates). */
export function ledgerTotals(
  ledger: Ledger,
  nDates: number,
): { traded: Float64Array; costs: Float64Array; orders: Int32Array } {
  const traded = new Float64Array(nDates);
  const costs = new Float64Array(nDates);
  const orders = new Int32Array(nDates);
  const n = ledger.length;
  const { dateIndex, quantity, price, cost } = ledger;
  // Rows come in date order, so sum each date's run in registers and flush once (any order stays correct).
  let i = 0;
  while (i < n) {
    const t = dateIndex[i]!;
    let tr = 0;
    let c = 0;
    let k = 0;
    for (; i < n && dateIndex[i] === t; i++, k++) {
      tr += quantity[i]! * price[i]!;
      c += cost[i]!;
    }
    traded[t] = traded[t]! + tr;
    costs[t] = costs[t]! + c;
    orders[t] = orders[t]! + k;
  }
  return { traded, costs, orders };
}
