/**
 * Guardrails: pre-trade rules between the plan and the broker, each with a coded denial that carries its numbers
 * (`notional-exceeds-max: max=…, notional=…`). Plan-scope rules deny the whole plan, order-scope rules one order;
 * every denial is recorded as a `breach` event in the ledger by the caller. The limits are frozen when built.
 */
import type { TradingLimits } from '../config/index.ts';
import { tradingLimitsSchema } from '../config/index.ts';

export interface Denial {
  readonly rule: string;
  readonly code: string;
  readonly scope: 'plan' | 'order';
  readonly message: string;
  readonly clientOrderId?: string;
  readonly asset?: string;
}

export interface GuardOrder {
  readonly clientOrderId: string;
  readonly asset: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  /** Price the order is sized at, or its limit price. */
  readonly price: number;
}

export interface GuardContext {
  /** Business date the orders would be sent on. */
  readonly date: string;
  readonly halted: boolean;
  readonly nav: number;
  /** Positions before the plan, by asset. */
  readonly positions: ReadonlyMap<string, number>;
  /** Last close per asset as of `date` (price collar, exposure valuation). */
  readonly lastClose: ReadonlyMap<string, number>;
  /** Date of that last close per asset (stale-data rule). */
  readonly lastPriceDate: ReadonlyMap<string, string>;
  /** Σ|notional| and count of orders already sent on `date`. */
  readonly turnoverToday: number;
  readonly ordersToday: number;
  /** Highest NAV marked so far (drawdown stop); NaN when none. */
  readonly peakNav: number;
}

const f = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
const DAY = 86_400_000;

export type Guardrails = Readonly<TradingLimits>;

/** Frozen limits, defaults filled in (the study's `trading.limits`). */
export function createGuardrails(limits: Partial<TradingLimits> = {}): Guardrails {
  return Object.freeze(tradingLimitsSchema.parse(limits));
}

/** Every denial for `orders` under `g` in `ctx`; plan-scope denials first. Empty = allowed. */
export function checkOrders(g: Guardrails, orders: readonly GuardOrder[], ctx: GuardContext): Denial[] {
  const out: Denial[] = [];
  const plan = (rule: string, code: string, detail: string, asset?: string): void => {
    out.push({ rule, code, scope: 'plan', message: `${code}: ${detail}`, ...(asset ? { asset } : {}) });
  };
  if (ctx.halted)
    plan('kill-switch', 'trading-halted', 'the kill switch is on (keel trade halt); run keel trade resume');
  if (Number.isFinite(ctx.peakNav) && ctx.peakNav > 0) {
    const dd = 1 - ctx.nav / ctx.peakNav;
    if (dd > g.maxDrawdown)
      plan(
        'drawdown-stop',
        'drawdown-exceeds-max',
        `max=${f(g.maxDrawdown)}, drawdown=${f(dd)}, peak=${f(ctx.peakNav)}, nav=${f(ctx.nav)}`,
      );
  }
  for (const o of orders) {
    const last = ctx.lastPriceDate.get(o.asset);
    const age = last === undefined ? Infinity : (Date.parse(ctx.date) - Date.parse(last)) / DAY;
    if (age > g.maxDataAgeDays)
      plan(
        'stale-data',
        'stale-data',
        `asset=${o.asset}, lastPrice=${last ?? 'none'}, date=${ctx.date}, ageDays=${f(age)}, max=${g.maxDataAgeDays}`,
        o.asset,
      );
  }
  // Exposure after the plan, valued at the last close.
  const after = new Map(ctx.positions);
  let planTurnover = 0;
  for (const o of orders) {
    after.set(o.asset, (after.get(o.asset) ?? 0) + (o.side === 'buy' ? o.quantity : -o.quantity));
    planTurnover += o.quantity * o.price;
  }
  let gross = 0;
  for (const [asset, q] of after) {
    const px = ctx.lastClose.get(asset);
    if (px === undefined || q === 0) continue;
    const w = Math.abs(q * px) / ctx.nav;
    gross += w;
    if (w > g.maxPositionWeight + 1e-9 && orders.some((o) => o.asset === asset))
      plan(
        'position-weight',
        'position-weight-exceeds-max',
        `asset=${asset}, max=${f(g.maxPositionWeight)}, weight=${f(w)}`,
        asset,
      );
  }
  if (gross > g.maxGrossExposure + 1e-9)
    plan('gross-exposure', 'gross-exposure-exceeds-max', `max=${f(g.maxGrossExposure)}, gross=${f(gross)}`);
  const turnover = (ctx.turnoverToday + planTurnover) / ctx.nav;
  if (turnover > g.maxDailyTurnover + 1e-9)
    plan(
      'daily-turnover',
      'daily-turnover-exceeds-max',
      `max=${f(g.maxDailyTurnover)}, turnover=${f(turnover)}, date=${ctx.date}`,
    );
  if (ctx.ordersToday + orders.length > g.maxOrdersPerDay)
    plan(
      'orders-per-day',
      'orders-per-day-exceeds-max',
      `max=${g.maxOrdersPerDay}, orders=${ctx.ordersToday + orders.length}, date=${ctx.date}`,
    );
  for (const o of orders) {
    const order = (rule: string, code: string, detail: string): void => {
      out.push({
        rule,
        code,
        scope: 'order',
        message: `${code}: order=${o.clientOrderId}, ${detail}`,
        clientOrderId: o.clientOrderId,
        asset: o.asset,
      });
    };
    const notional = o.quantity * o.price;
    if (notional > g.maxOrderNotional)
      order('order-notional', 'notional-exceeds-max', `max=${f(g.maxOrderNotional)}, notional=${f(notional)}`);
    const last = ctx.lastClose.get(o.asset);
    if (last !== undefined && Math.abs(o.price / last - 1) > g.priceCollar + 1e-12)
      order(
        'price-collar',
        'price-outside-collar',
        `collar=${f(g.priceCollar)}, price=${f(o.price)}, lastClose=${f(last)}`,
      );
  }
  return out;
}
