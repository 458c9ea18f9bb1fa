import { describe, expect, it } from 'vitest';
import { backtestOrders, checkOrderStyle, clientOrderId, planOrders } from './index.ts';

describe('orders from target weights', () => {
  const input = {
    scope: 'plan-3',
    date: '2024-06-28',
    assets: ['EQ', 'BD'],
    shares: [700, 300],
    prices: [100, 50],
    targetWeights: [0.5, 0.5],
    cash: 0,
  };
  it('use the rebalance calculator: whole lots, sells first, ids scope:date:asset:0', () => {
    const { orders, plan } = planOrders(input, { lotSize: 10 });
    expect(orders).toEqual([
      {
        clientOrderId: 'plan-3:2024-06-28:EQ:0',
        asset: 'EQ',
        side: 'sell',
        quantity: 270,
        type: 'market',
        timeInForce: 'day',
      },
      {
        clientOrderId: 'plan-3:2024-06-28:BD:0',
        asset: 'BD',
        side: 'buy',
        quantity: 540,
        type: 'market',
        timeInForce: 'day',
      },
    ]);
    expect(plan.nav).toBe(85_000);
  });
  it('the same plan gives the same ids (idempotent resubmission)', () => {
    expect(planOrders(input).orders.map((o) => o.clientOrderId)).toEqual(
      planOrders(input).orders.map((o) => o.clientOrderId),
    );
  });
  it('limit orders get limit = price ± offset; market-on-close gets cls', () => {
    const lim = planOrders(input, { type: 'limit', limitOffsetBps: 20 }).orders;
    expect(lim[0]!.limitPrice).toBeCloseTo(100 * (1 - 0.002), 12);
    expect(lim[1]!.limitPrice).toBeCloseTo(50 * (1 + 0.002), 12);
    const moc = planOrders(input, { type: 'market-on-close' }).orders;
    expect(moc.every((o) => o.timeInForce === 'cls' && o.limitPrice === undefined)).toBe(true);
  });
  it('refuse inconsistent styles and bad ids with one line and the fix', () => {
    expect(() => checkOrderStyle({ type: 'market-on-close', timeInForce: 'day' })).toThrow(/needs timeInForce cls/);
    expect(() => checkOrderStyle({ type: 'limit', timeInForce: 'cls' })).toThrow(/use type market-on-close/);
    expect(() => clientOrderId('a:b', '2024-01-01', 'EQ')).toThrow(/':' separates the parts/);
    expect(() => clientOrderId('x'.repeat(130), '2024-01-01', 'EQ')).toThrow(/brokers accept ≤ 128/);
  });
  it('backtestOrders sizes at the fill prices like the fill kernel and skips assets without a fill price', () => {
    const o = backtestOrders({
      scope: 'run',
      date: '2024-06-28',
      assets: ['EQ', 'BD', 'XX'],
      quantities: [10, 0, 5],
      cash: 1000,
      targetWeights: [0.2, 0.5, 0.3],
      fillPrices: [100, 50, NaN],
      markPrices: [99, 49, 20],
    });
    // NAV_f = 1000 + 10·100 + 5·20 = 2100
    expect(o.map((x) => [x.asset, x.side, x.quantity])).toEqual([
      ['EQ', 'sell', 10 - (0.2 * 2100) / 100],
      ['BD', 'buy', (0.5 * 2100) / 50],
    ]);
  });
});
