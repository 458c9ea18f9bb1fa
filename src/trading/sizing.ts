/**
 * Sizing a plan's orders and giving them the study's order style (`trading.orders`).
 *
 * Default (lotSize 0, minTradeValue 0): the backtest's fill kernel, dₐ = wₐ·NAV/pₐ − qₐ in fractional units, dust
 * below 1e-12·NAV skipped — what makes a paper run equal its backtest. With `lotSize` the rebalance calculator
 * sizes instead (whole lots rounded toward zero, buys cut a lot at a time until cash covers them, trades under
 * `minTradeValue` skipped); with only `minTradeValue`, kernel sizes below it are skipped. Either way the paper run
 * then differs from the backtest by design: what it trades is what the study asked for.
 */
import { dataError } from '../core/index.ts';
import { rebalance, type OrderType, type TimeInForce } from '../execution/index.ts';
import type { TradingStudy } from './study-source.ts';

/** Units to trade per asset (0 = no order), at prices `px` (assets without a positive price trade nothing). */
export function sizeOrders(
  ts: TradingStudy,
  input: {
    readonly q: Float64Array;
    readonly cash: number;
    readonly px: Float64Array;
    readonly weights: ArrayLike<number>;
    readonly nav: number;
  },
): Float64Array {
  const { q, px, weights, nav } = input;
  const n = q.length;
  const { lotSize, minTradeValue } = ts.trading.orders;
  const d = new Float64Array(n);
  if (lotSize > 0) {
    const idx = [...Array(n).keys()].filter((a) => px[a]! > 0);
    const plan = rebalance(
      {
        assets: idx.map((a) => ts.panel.assets[a]!),
        shares: idx.map((a) => q[a]!),
        prices: idx.map((a) => px[a]!),
        targetWeights: idx.map((a) => weights[a]!),
        // The calculator refuses cash < 0; the backtest's costs can leave a few units below 0, which it then keeps.
        cash: Math.max(0, input.cash),
      },
      { lotSize, minTradeValue },
    );
    for (const t of plan.trades) d[ts.panel.assets.indexOf(t.asset)] = t.shares;
    return d;
  }
  const tol = 1e-12 * Math.abs(nav);
  for (let a = 0; a < n; a++) {
    const p = px[a]!;
    if (!(p > 0)) continue;
    const x = (weights[a]! * nav) / p - q[a]!;
    if (Math.abs(x * p) <= tol || Math.abs(x * p) < minTradeValue) continue;
    d[a] = x;
  }
  return d;
}

/**
 * Type, time in force and limit price of an order: market (day), market-on-close (cls), or limit (day) at the
 * last close known when the plan is made, moved against us by `limitCollarBps` so that a normal day fills it.
 */
export function orderStyle(
  ts: TradingStudy,
  side: 'buy' | 'sell',
  lastClose: number,
): { type: OrderType; timeInForce: TimeInForce; limitPrice?: number } {
  const { type, limitCollarBps } = ts.trading.orders;
  if (type === 'market-on-close') return { type, timeInForce: 'cls' };
  if (type === 'market') return { type, timeInForce: 'day' };
  if (!(lastClose > 0)) throw dataError(`a limit order needs a last close > 0, got ${lastClose}`);
  const k = limitCollarBps / 1e4;
  return { type, timeInForce: 'day', limitPrice: side === 'buy' ? lastClose * (1 + k) : lastClose * (1 - k) };
}
