/**
 * Orders: target weights + holdings + prices → order requests, through the rebalance calculator (whole lots,
 * minimum trade value, cash buffer, sells before buys). Client order ids are derived, never random, from
 * (scope = plan or run id, date, asset, slice), so a retried plan submits the same ids and the broker dedupes them.
 */
import { configError } from '../core/index.ts';
import type { IsoDate } from '../data/index.ts';
import type { OrderRequest, OrderType, TimeInForce } from './broker-types.ts';
import { rebalance } from './rebalance.ts';
import type { RebalanceInput, RebalanceOptions, RebalancePlan } from './rebalance.ts';

/** Alpaca's limit on client_order_id. */
const MAX_ID = 128;
const ID_PART = /^[A-Za-z0-9._-]+$/;

/** `scope:date:asset:slice`, e.g. `plan-7:2024-03-28:SPY:0`. Parts may not contain ':' (the separator). */
export function clientOrderId(scope: string, date: IsoDate, asset: string, slice = 0): string {
  for (const [name, v] of [
    ['scope', scope],
    ['asset', asset],
  ] as const)
    if (!ID_PART.test(v))
      throw configError(
        `client order id ${name} "${v}" must be letters, digits, '.', '_' or '-' (':' separates the parts). Rename it.`,
      );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw configError(`client order id date "${date}" is not YYYY-MM-DD.`);
  if (!(Number.isInteger(slice) && slice >= 0))
    throw configError(`client order id slice must be an integer ≥ 0, got ${slice}.`);
  const id = `${scope}:${date}:${asset}:${slice}`;
  if (id.length > MAX_ID)
    throw configError(
      `client order id "${id}" has ${id.length} characters; brokers accept ≤ ${MAX_ID}. Use a shorter scope.`,
    );
  return id;
}

export interface OrderStyle {
  /** Default market. */
  readonly type?: OrderType;
  /** Default 'cls' for market-on-close, else 'day'. */
  readonly timeInForce?: TimeInForce;
  /** Limit orders: limit = price·(1 + bps/1e4) for buys, price·(1 − bps/1e4) for sells (default 0). */
  readonly limitOffsetBps?: number;
}

/** Validate a type / time-in-force pair: market-on-close is a market order good for the closing auction only. */
export function checkOrderStyle(style: OrderStyle): { type: OrderType; timeInForce: TimeInForce } {
  const type = style.type ?? 'market';
  const tif = style.timeInForce ?? (type === 'market-on-close' ? 'cls' : 'day');
  if (!['market', 'limit', 'market-on-close'].includes(type))
    throw configError(`order type must be market, limit or market-on-close, got "${type}".`);
  if (!['day', 'gtc', 'ioc', 'opg', 'cls'].includes(tif))
    throw configError(`time in force must be day, gtc, ioc, opg or cls, got "${tif}".`);
  if (type === 'market-on-close' && tif !== 'cls')
    throw configError(`a market-on-close order needs timeInForce cls, got ${tif}. Drop timeInForce or use cls.`);
  if (type !== 'market-on-close' && tif === 'cls')
    throw configError(`timeInForce cls is the closing auction: use type market-on-close instead of ${type}.`);
  const off = style.limitOffsetBps ?? 0;
  if (!(off >= 0 && off < 10_000)) throw configError(`limitOffsetBps must be in [0, 10000), got ${off}.`);
  return { type, timeInForce: tif };
}

export interface PlannedOrders {
  readonly orders: readonly OrderRequest[];
  readonly plan: RebalancePlan;
}

/**
 * Target weights → orders, sells first (the calculator's order). `scope` is the plan or run id and `date` the
 * decision date; together with the asset and slice 0 they make each client order id.
 */
export function planOrders(
  input: RebalanceInput & { readonly scope: string; readonly date: IsoDate },
  options: RebalanceOptions & OrderStyle = {},
): PlannedOrders {
  const { type, timeInForce } = checkOrderStyle(options);
  const plan = rebalance(input, options);
  const off = (options.limitOffsetBps ?? 0) / 1e4;
  const orders = plan.trades.map((t): OrderRequest => {
    const side = t.shares > 0 ? 'buy' : 'sell';
    const price = Math.abs(t.value / t.shares);
    return {
      clientOrderId: clientOrderId(input.scope, input.date, t.asset),
      asset: t.asset,
      side,
      quantity: Math.abs(t.shares),
      type,
      timeInForce,
      ...(type === 'limit' ? { limitPrice: side === 'buy' ? price * (1 + off) : price * (1 - off) } : {}),
    };
  });
  return { orders, plan };
}

/**
 * Orders sized the way the backtest's fill kernel sizes them (src/backtest/kernel.ts): at the fill prices, with
 * fractional units, dₐ = wₐ·NAV_f/pₐ − qₐ where NAV_f = cash + Σ qₐ·(pₐ > 0 ? pₐ : markₐ), skipping |dₐ·pₐ| ≤ 1e-12·|NAV_f|
 * and assets without a positive fill price. Returned in ASSET order (not sells first): a paper broker filling them
 * in this order moves cash exactly as the kernel does, which makes paper NAV equal backtest NAV.
 */
export function backtestOrders(input: {
  readonly scope: string;
  readonly date: IsoDate;
  readonly assets: readonly string[];
  readonly quantities: ArrayLike<number>;
  readonly cash: number;
  readonly targetWeights: ArrayLike<number>;
  /** Prices the orders will fill at (NaN or ≤ 0 = no fill). */
  readonly fillPrices: ArrayLike<number>;
  /** Last known prices, for assets without a fill price. */
  readonly markPrices: ArrayLike<number>;
  readonly type?: 'market' | 'market-on-close';
}): OrderRequest[] {
  const { assets, quantities: q, fillPrices: p, markPrices: mark, targetWeights: w } = input;
  let nav = +input.cash;
  for (let a = 0; a < assets.length; a++) if (q[a] !== 0) nav += q[a]! * (p[a]! > 0 ? p[a]! : mark[a]!);
  const tol = 1e-12 * Math.abs(nav);
  const type = input.type ?? 'market';
  const out: OrderRequest[] = [];
  for (let a = 0; a < assets.length; a++) {
    if (!(p[a]! > 0)) continue;
    const d = (w[a]! * nav) / p[a]! - q[a]!;
    if (Math.abs(d * p[a]!) <= tol) continue;
    out.push({
      clientOrderId: clientOrderId(input.scope, input.date, assets[a]!),
      asset: assets[a]!,
      side: d > 0 ? 'buy' : 'sell',
      quantity: Math.abs(d),
      type,
      timeInForce: type === 'market-on-close' ? 'cls' : 'day',
    });
  }
  return out;
}
