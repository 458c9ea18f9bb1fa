/**
 * The paper broker: the backtest's fill rules on a bar clock (Lean's PaperBrokerage is its backtesting brokerage).
 *
 * Clock: `now()` is the last CLOSED bar t. Orders submitted now trade during bar t+1 when `advance()` is called:
 *   1. the open of t+1: market orders when `fill: 'next-open'`, and market orders good for the opening (opg);
 *   2. during the bar: limit orders (bar mode: at the open if it is through the limit, else at the limit when the
 *      low/high reach it) and intraday children in their slots (intraday mode, a seeded path from the OHLC bar);
 *   3. the close of t+1: market orders when `fill: 'next-close'` (default) and market-on-close orders;
 *   4. the close marks positions; day/opg/cls orders still open expire, ioc remainders are canceled.
 * At each event orders fill in asset order, then submission order, so cash moves exactly as in the backtest's fill
 * kernel whatever order they were submitted in. Fees come from the backtest's cost model with its market context
 * (ADV, σ) as of the decision date t; a fill is capped by the cost model's capacity (as the backtest caps an
 * order), and by `participation` × the bar's (slot's) volume per asset. With slicing off, market orders sized by
 * `backtestOrders` at `nextFillPrices()` reproduce a backtest's NAV.
 */
import { createCostModel, marketContext } from '../backtest/index.ts';
import type { CostContext, CostModel, CostSpec } from '../backtest/index.ts';
import { configError, dataError } from '../core/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';
import type {
  Account,
  Broker,
  BrokerOrder,
  Fill,
  OrderRequest,
  Position,
  RejectCode,
  SubmitResult,
} from './broker-types.ts';
import { intradayPath, uShapedProfile } from './intraday.ts';
import { applyOrderEvent, isOpen, newTrackedOrder } from './order-state.ts';
import type { OrderEvent, TrackedOrder } from './order-state.ts';

export interface PaperBrokerOptions {
  /** Bars: `close` required; `open` for next-open fills; `high`/`low` for limits; `volume` for participation and impact. */
  readonly bars: Panel;
  readonly costs: CostSpec;
  /** Starting cash, currency. */
  readonly cash: number;
  /** The clock starts at the close of this date (the last bar on or before it). */
  readonly start: IsoDate;
  /** Where plain market orders fill (default next-close, as the backtest). */
  readonly fill?: 'next-open' | 'next-close';
  /** Largest fraction of a bar's (slot's) volume one asset may fill; default unlimited. */
  readonly participation?: number;
  /** A price older than this many bars is stale (default 5). */
  readonly maxStaleBars?: number;
  /**
   * How far cash may go below zero when a buy is checked (currency, default 0). The backtester has no such check:
   * costs and price moves between decision and fill can take its cash slightly negative, so a paper run that must
   * equal a fully invested backtest needs a credit of a few percent of capital.
   */
  readonly creditLimit?: number;
  /**
   * Credit as a fraction of equity at the last close, added to `creditLimit` (default 0): a credit line that grows
   * with the account, for long paper runs whose NAV moves far from the starting cash.
   */
  readonly creditFraction?: number;
  /** Simulate each bar as `slots` intraday prices (seeded) so schedules' children fill in their slots. */
  readonly intraday?: { readonly slots: number; readonly seed: number; readonly profile?: readonly number[] };
  readonly name?: string;
}

/**
 * Everything a paper broker holds besides its options, as plain JSON: a process that restarts (after a crash)
 * rebuilds the same broker with `PaperBroker.restore(options, state)`.
 */
export interface PaperBrokerState {
  readonly date: IsoDate;
  readonly cash: number;
  readonly quantities: readonly number[];
  readonly orders: readonly (TrackedOrder & { readonly seq: number; readonly submitT: number })[];
  readonly fills: readonly Fill[];
  readonly seq: number;
}

interface Slot extends TrackedOrder {
  readonly seq: number;
  readonly submitT: number;
  readonly a: number;
}

const EXPIRING = new Set(['day', 'opg', 'cls']);

export class PaperBroker implements Broker {
  readonly name: string;
  private readonly bars: Panel;
  private readonly model: CostModel;
  private readonly n: number;
  private readonly close: Float64Array;
  private readonly open: Float64Array | null;
  private readonly high: Float64Array | null;
  private readonly low: Float64Array | null;
  private readonly volume: Float64Array | null;
  private readonly fillAt: 'next-open' | 'next-close';
  private readonly participation: number;
  private readonly maxStale: number;
  private readonly credit: number;
  private readonly creditFraction: number;
  private readonly profile: Float64Array | null;
  private readonly seed: number;
  private t: number;
  private cash: number;
  private readonly qty: Float64Array;
  private readonly lastPx: Float64Array;
  private readonly lastT: Int32Array;
  private readonly book = new Map<string, Slot>();
  private readonly log: Fill[] = [];
  private seq = 0;
  private readonly ctxCache = new Map<number, CostContext>();

  constructor(o: PaperBrokerOptions) {
    this.name = o.name ?? 'paper';
    this.bars = o.bars;
    this.model = createCostModel(o.costs);
    this.n = o.bars.nAssets;
    this.close = o.bars.field('close');
    this.fillAt = o.fill ?? 'next-close';
    if (this.fillAt !== 'next-open' && this.fillAt !== 'next-close')
      throw configError(`paper broker fill must be next-open or next-close, got ${String(o.fill)}.`);
    if (this.fillAt === 'next-open' && !o.bars.has('open'))
      throw configError('paper broker fill is next-open but the bars have no "open" field. Use fill: next-close.');
    this.open = o.bars.has('open') ? o.bars.field('open') : null;
    this.high = o.bars.has('high') ? o.bars.field('high') : null;
    this.low = o.bars.has('low') ? o.bars.field('low') : null;
    this.volume = o.bars.has('volume') ? o.bars.field('volume') : null;
    this.participation = o.participation ?? Infinity;
    if (!(this.participation > 0 && this.participation <= 1) && this.participation !== Infinity)
      throw configError(`participation must be in (0, 1], got ${this.participation}. Use 0.1 for 10 % of volume.`);
    if (this.participation !== Infinity && !this.volume)
      throw configError('participation needs a "volume" field in the bars. Load volumes or drop participation.');
    this.maxStale = o.maxStaleBars ?? 5;
    this.credit = o.creditLimit ?? 0;
    if (!(this.credit >= 0)) throw configError(`creditLimit must be ≥ 0 (currency), got ${this.credit}.`);
    this.creditFraction = o.creditFraction ?? 0;
    if (!(this.creditFraction >= 0 && this.creditFraction <= 1))
      throw configError(`creditFraction must be in [0, 1] (of equity), got ${this.creditFraction}.`);
    if (!(Number.isFinite(o.cash) && o.cash >= 0)) throw configError(`starting cash must be ≥ 0, got ${o.cash}.`);
    this.cash = o.cash;
    if (o.intraday) {
      const k = o.intraday.slots;
      if (!(Number.isInteger(k) && k >= 1)) throw configError(`intraday.slots must be an integer ≥ 1, got ${k}.`);
      const u = o.intraday.profile ? Float64Array.from(o.intraday.profile) : uShapedProfile(k);
      if (u.length !== k) throw configError(`intraday.profile has ${u.length} shares for ${k} slots.`);
      this.profile = u;
      this.seed = o.intraday.seed;
    } else {
      this.profile = null;
      this.seed = 0;
    }
    this.t = o.bars.lastIndexOnOrBefore(o.start);
    if (this.t < 0) throw configError(`paper broker start ${o.start} is before the first bar (${o.bars.dates[0]}).`);
    this.qty = new Float64Array(this.n);
    this.lastPx = new Float64Array(this.n).fill(NaN);
    this.lastT = new Int32Array(this.n).fill(-1);
    for (let t = 0; t <= this.t; t++) this.mark(t);
  }

  /** The broker's whole state as JSON-safe data (numbers round-trip exactly through JSON). */
  snapshot(): PaperBrokerState {
    return structuredClone({
      date: this.now(),
      cash: this.cash,
      quantities: Array.from(this.qty),
      orders: [...this.book.values()].map(({ a: _a, ...o }) => o),
      fills: this.log,
      seq: this.seq,
    });
  }

  /** One order's saved state (as in `snapshot().orders`), or null: lets a caller persist a single change cheaply. */
  orderState(clientOrderId: string): PaperBrokerState['orders'][number] | null {
    const o = this.book.get(clientOrderId);
    if (!o) return null;
    const { a: _a, ...rest } = o;
    return structuredClone(rest);
  }

  /** Row of the last closed bar in the bars' calendar. */
  row(): number {
    return this.t;
  }

  /** A broker with `options` and a saved state (prices are re-read from the bars up to the saved date). */
  static restore(options: Omit<PaperBrokerOptions, 'start'>, state: PaperBrokerState): PaperBroker {
    const b = new PaperBroker({ ...options, start: state.date });
    if (state.quantities.length !== b.n)
      throw dataError(`paper broker state has ${state.quantities.length} assets, the bars ${b.n}. Use the same data.`);
    b.cash = state.cash;
    b.qty.set(state.quantities);
    b.seq = state.seq;
    b.log.push(...structuredClone(state.fills));
    for (const o of structuredClone(state.orders)) {
      const a = b.bars.assets.indexOf(o.asset);
      if (a < 0) throw dataError(`paper broker state has an order for ${o.asset}, which is not in the bars.`);
      b.book.set(o.clientOrderId, { ...o, a });
    }
    return b;
  }

  /** The last closed bar's date. */
  now(): IsoDate {
    return this.bars.dates[this.t]!;
  }

  /** Last known close per asset (NaN before the first). */
  lastPrices(): Float64Array {
    return this.lastPx.slice();
  }

  /** Units held per asset, in the bars' asset order. */
  quantities(): Float64Array {
    return this.qty.slice();
  }

  /**
   * Prices a plain market order submitted now will fill at on the next `advance()` (the next bar's open or close;
   * NaN when missing). This reads the next bar: it exists only to reproduce the backtest's idealisation of sizing
   * orders at the fill price (`backtestOrders`), never for decisions.
   */
  nextFillPrices(): Float64Array {
    const t = this.t + 1;
    if (t >= this.bars.nDates) return new Float64Array(this.n).fill(NaN);
    const src = this.fillAt === 'next-open' ? this.open! : this.close;
    return src.slice(t * this.n, (t + 1) * this.n);
  }

  async submit(req: OrderRequest): Promise<SubmitResult> {
    const known = this.book.get(req.clientOrderId);
    if (known) {
      const same =
        known.asset === req.asset &&
        known.side === req.side &&
        known.quantity === req.quantity &&
        known.type === req.type;
      return same
        ? { ok: true, order: publicOrder(known), existing: true }
        : reject(
            'duplicate',
            `client order id ${req.clientOrderId} is already used by a different order (${known.side} ${known.quantity} ${known.asset}); give a new order a new id.`,
          );
    }
    const a = this.bars.assets.indexOf(req.asset);
    if (a < 0)
      return reject(
        'unknown-asset',
        `asset ${req.asset} is not in the bars; trade one of ${this.bars.assets.slice(0, 8).join(', ')}.`,
      );
    if (!(Number.isFinite(req.quantity) && req.quantity > 0))
      return reject(
        'invalid-quantity',
        `quantity of ${req.clientOrderId} is ${req.quantity}; it must be a finite number > 0.`,
      );
    if (req.type === 'limit' ? !(Number.isFinite(req.limitPrice) && req.limitPrice! > 0) : req.limitPrice !== undefined)
      return reject(
        'invalid-price',
        req.type === 'limit'
          ? `limit order ${req.clientOrderId} has limit price ${req.limitPrice}; it must be > 0.`
          : `${req.type} order ${req.clientOrderId} carries a limit price; only limit orders may.`,
      );
    if (this.lastT[a]! < 0) return reject('missing-price', `no price for ${req.asset} on or before ${this.now()}.`);
    if (this.t - this.lastT[a]! > this.maxStale)
      return reject(
        'stale-price',
        `the last price of ${req.asset} is from ${this.bars.dates[this.lastT[a]!]}, ${this.t - this.lastT[a]!} bars before ${this.now()} (limit ${this.maxStale}).`,
      );
    if (req.side === 'buy') {
      const need = req.quantity * (req.limitPrice ?? this.lastPx[a]!);
      const avail = this.buyingPower();
      if (need > avail + 1e-9 * Math.max(1, Math.abs(avail)))
        return reject(
          'insufficient-cash',
          `buying ${req.quantity} ${req.asset} needs about ${need.toFixed(2)} but ${avail.toFixed(2)} is available (cash + open sells − open buys + credit ${this.credit}).`,
        );
    }
    let o: TrackedOrder = newTrackedOrder(req);
    o = this.step(o, { kind: 'submitted', clientOrderId: req.clientOrderId });
    o = this.step(o, {
      kind: 'accepted',
      clientOrderId: req.clientOrderId,
      brokerOrderId: `${this.name}-${++this.seq}`,
    });
    const slot: Slot = { ...o, seq: this.seq, submitT: this.t, a };
    this.book.set(req.clientOrderId, slot);
    return { ok: true, order: publicOrder(slot), existing: false };
  }

  async cancel(clientOrderId: string): Promise<BrokerOrder | null> {
    const o = this.book.get(clientOrderId);
    if (!o) return null;
    if (!isOpen(o.state)) return publicOrder(o);
    const next = { ...o, ...this.step(o, { kind: 'canceled', clientOrderId }) };
    this.book.set(clientOrderId, next);
    return publicOrder(next);
  }

  async order(clientOrderId: string): Promise<BrokerOrder | null> {
    const o = this.book.get(clientOrderId);
    return o ? publicOrder(o) : null;
  }

  async orders(filter?: { open?: boolean }): Promise<readonly BrokerOrder[]> {
    const all = [...this.book.values()];
    return (filter?.open ? all.filter((o) => isOpen(o.state)) : all).map(publicOrder);
  }

  async fills(since?: string): Promise<readonly Fill[]> {
    if (since === undefined) return this.log.slice();
    const i = this.log.findIndex((f) => f.tradeId === since);
    return i < 0 ? this.log.slice() : this.log.slice(i + 1);
  }

  async positions(): Promise<readonly Position[]> {
    const out: Position[] = [];
    for (let a = 0; a < this.n; a++)
      if (this.qty[a] !== 0) out.push({ asset: this.bars.assets[a]!, quantity: this.qty[a]! });
    return out;
  }

  async account(): Promise<Account> {
    // The backtest's markToMarket: cash + Σ qₐ·pₐ in asset order over held assets.
    let equity = +this.cash;
    for (let a = 0; a < this.n; a++) if (this.qty[a] !== 0) equity += this.qty[a]! * this.lastPx[a]!;
    return { cash: this.cash, equity };
  }

  /** Trade through the next bar (see the file comment); returns the fills it made. */
  async advance(): Promise<readonly Fill[]> {
    const t = this.t + 1;
    if (t >= this.bars.nDates)
      throw dataError(`the paper broker has no bar after ${this.now()}; the data ends there. Load more bars.`);
    const before = this.log.length;
    const n = this.n;
    const used = new Float64Array(n); // volume used per asset this bar (or slot)
    const open = (o: Slot): boolean => isOpen(o.state);
    // Without intraday slots a child is a plain market order.
    const plain = (o: Slot): boolean => !o.slot || this.profile === null;
    const pending = (): Slot[] => [...this.book.values()].filter(open).sort((x, y) => x.a - y.a || x.seq - y.seq);
    const barVol = (a: number): number => (this.volume ? this.volume[t * n + a]! : NaN);
    const room = (a: number, vol: number): number =>
      this.participation === Infinity ? Infinity : Math.max(0, this.participation * (vol > 0 ? vol : 0) - used[a]!);

    // 1. the open
    if (this.open)
      for (const o of pending())
        if (o.type === 'market' && plain(o) && (this.fillAt === 'next-open' || o.timeInForce === 'opg'))
          this.fill(o, this.open[t * n + o.a]!, t, room(o.a, barVol(o.a)), used, null);
    // 2. during the bar
    if (this.profile) {
      const K = this.profile.length;
      const paths = new Map<number, Float64Array>();
      const pathOf = (a: number): Float64Array => {
        let p = paths.get(a);
        if (!p) {
          const bar = {
            open: this.open ? this.open[t * n + a]! : this.close[t * n + a]!,
            high: this.high ? this.high[t * n + a]! : NaN,
            low: this.low ? this.low[t * n + a]! : NaN,
            close: this.close[t * n + a]!,
          };
          p = intradayPath(bar, K, this.seed, `${this.bars.dates[t]}:${this.bars.assets[a]}`);
          paths.set(a, p);
        }
        return p;
      };
      for (let k = 0; k < K; k++) {
        used.fill(0); // participation is per slot
        for (const o of pending()) {
          const startK = o.slot ? Math.min(K - 1, Math.floor((o.slot.index * K) / o.slot.count)) : 0;
          if (k < startK) continue;
          if (o.type === 'market-on-close' || (o.type === 'market' && !o.slot)) continue;
          const px = pathOf(o.a)[k]!;
          if (o.type === 'limit' && !(o.side === 'buy' ? px <= o.limitPrice! : px >= o.limitPrice!)) continue;
          this.fill(o, px, t, room(o.a, barVol(o.a) * this.profile[k]!), used, this.profile[k]!);
        }
      }
      used.fill(0);
    } else {
      for (const o of pending()) {
        if (o.type !== 'limit') continue;
        const op = this.open ? this.open[t * n + o.a]! : NaN;
        const lim = o.limitPrice!;
        let px = NaN;
        if (o.side === 'buy') {
          const low = this.low ? this.low[t * n + o.a]! : Math.min(op, this.close[t * n + o.a]!);
          px = op <= lim ? op : low <= lim ? lim : NaN;
        } else {
          const high = this.high ? this.high[t * n + o.a]! : Math.max(op, this.close[t * n + o.a]!);
          px = op >= lim ? op : high >= lim ? lim : NaN;
        }
        if (px > 0) this.fill(o, px, t, room(o.a, barVol(o.a)), used, null);
      }
    }
    // 3. the close
    for (const o of pending())
      if (
        o.type === 'market-on-close' ||
        (o.type === 'market' && plain(o) && this.fillAt === 'next-close' && o.timeInForce !== 'opg')
      )
        this.fill(o, this.close[t * n + o.a]!, t, room(o.a, barVol(o.a)), used, null);
    // 4. mark, expire
    this.t = t;
    this.mark(t);
    for (const o of pending()) {
      if (o.timeInForce === 'ioc')
        this.book.set(o.clientOrderId, { ...o, ...this.step(o, { kind: 'canceled', clientOrderId: o.clientOrderId }) });
      else if (EXPIRING.has(o.timeInForce))
        this.book.set(o.clientOrderId, { ...o, ...this.step(o, { kind: 'expired', clientOrderId: o.clientOrderId }) });
    }
    return this.log.slice(before);
  }

  private mark(t: number): void {
    for (let a = 0; a < this.n; a++) {
      const p = this.close[t * this.n + a]!;
      if (Number.isFinite(p)) {
        this.lastPx[a] = p;
        this.lastT[a] = t;
      }
    }
  }

  private buyingPower(): number {
    let v = this.cash + this.credit;
    if (this.creditFraction > 0) {
      let equity = +this.cash;
      for (let a = 0; a < this.n; a++) if (this.qty[a] !== 0) equity += this.qty[a]! * this.lastPx[a]!;
      v += this.creditFraction * Math.max(0, equity);
    }
    for (const o of this.book.values()) {
      if (!isOpen(o.state)) continue;
      const left = (o.quantity - o.filledQuantity) * (o.limitPrice ?? this.lastPx[o.a]!);
      v += o.side === 'sell' ? left : -left;
    }
    return v;
  }

  private context(t: number): CostContext {
    let c = this.ctxCache.get(t);
    if (!c) {
      const assetClass = this.bars.meta.map((m) => m.assetClass ?? '');
      c = this.model.needs
        ? marketContext(this.close, this.volume, this.n, t, this.model, assetClass)
        : { assetClass: this.bars.assets.map((_, a) => assetClass[a] ?? '') };
      this.ctxCache.set(t, c);
    }
    return c;
  }

  /** Fill as much of `o` as the price, the cost model's capacity and the volume room allow. */
  private fill(o: Slot, px: number, t: number, room: number, used: Float64Array, slotShare: number | null): void {
    if (!(px > 0)) return;
    const cur = this.book.get(o.clientOrderId)!;
    if (!isOpen(cur.state)) return;
    let ctx = this.context(cur.submitT);
    // An intraday child trades into its slot's volume: the impact model sees ADV × the slot's share.
    if (slotShare !== null && ctx.adv) {
      const adv = ctx.adv.slice();
      adv[cur.a] = adv[cur.a]! * slotShare;
      ctx = { ...ctx, adv };
    }
    const cap = this.model.capacity ? this.model.capacity(cur.a, ctx) : Infinity;
    const q = Math.min(cur.quantity - cur.filledQuantity, cap, room);
    if (!(q > 0)) return;
    const d = cur.side === 'buy' ? q : -q;
    const rates = this.model.linearRates ? this.model.linearRates(ctx) : null;
    const notional = d * px;
    // The kernel's arithmetic, term for term: cash −= d·p + cost.
    const fee = rates !== null ? rates[cur.a]! * Math.abs(notional) : this.model.cost(cur.a, d, px, ctx);
    this.qty[cur.a] = this.qty[cur.a]! + d;
    this.cash -= notional + fee;
    used[cur.a] = used[cur.a]! + q;
    const f: Fill = {
      tradeId: `${this.name}-t${String(this.log.length + 1).padStart(8, '0')}`,
      clientOrderId: cur.clientOrderId,
      asset: cur.asset,
      side: cur.side,
      quantity: q,
      price: px,
      fee,
      date: this.bars.dates[t]!,
    };
    this.log.push(f);
    this.book.set(cur.clientOrderId, {
      ...cur,
      ...this.step(cur, { kind: 'fill', clientOrderId: cur.clientOrderId, fill: f }),
    });
  }

  private step(o: TrackedOrder, e: OrderEvent): TrackedOrder {
    const r = applyOrderEvent(o, e);
    if (!r.ok) throw dataError(`paper broker: ${r.error.kind}: ${r.error.message}`);
    return r.order;
  }
}

function reject(code: RejectCode, message: string): SubmitResult {
  return { ok: false, code, message };
}

/** The broker-facing view (no bookkeeping fields). */
function publicOrder(o: TrackedOrder): BrokerOrder {
  const order: BrokerOrder = {
    clientOrderId: o.clientOrderId,
    asset: o.asset,
    side: o.side,
    quantity: o.quantity,
    type: o.type,
    timeInForce: o.timeInForce,
    ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
    ...(o.parentId !== undefined ? { parentId: o.parentId } : {}),
    ...(o.slot !== undefined ? { slot: o.slot } : {}),
    brokerOrderId: o.brokerOrderId,
    state: o.state,
    filledQuantity: o.filledQuantity,
    averagePrice: o.averagePrice,
  };
  return order;
}
