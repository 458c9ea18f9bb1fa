import { describe, expect, it } from 'vitest';
import { runBacktest } from '../backtest/index.ts';
import type { CostSpec } from '../backtest/index.ts';
import { constant, days, panelOf, walk } from '../../test/support/panels.ts';
import { Panel } from '../data/index.ts';
import { backtestOrders } from './orders.ts';
import { PaperBroker } from './paper-broker.ts';
import type { OrderRequest } from './broker-types.ts';

const T = 80;
const dates = days('2024-01-01', T);
const closes = walk(T, 3, 7);
const opens = closes.map((c, a) => c.map((p, t) => p * (1 + 0.004 * Math.sin(t + a))));
const volumes = closes.map((c, a) => c.map((_, t) => 8_000 + 1000 * ((t * (a + 3)) % 17)));
const panel = panelOf(dates, closes, { open: opens, volume: volumes });

/** Drive the paper broker with the backtest's own decisions; return |paper NAV − backtest NAV| per date. */
async function parity(
  costs: CostSpec,
  fill: 'next-open' | 'next-close',
  restartAt = -1,
): Promise<{ diffs: number[]; capped: boolean }> {
  const res = runBacktest(panel, constant([0.5, 0.3, 0.2]), {
    costs,
    fill,
    initialCapital: 1_000_000,
    rebalance: 'weekly',
  });
  const opts = { bars: panel, costs, cash: 1_000_000, fill, creditLimit: 100_000 };
  let broker = new PaperBroker({ ...opts, start: dates[0]! });
  const targets = new Map(res.decisions.map((d) => [d.dateIndex, d.target]));
  const diffs: number[] = [];
  for (let i = 0; i < T; i++) {
    if (i > 0) await broker.advance();
    // a restart: the state goes through JSON (as it would through a file) into a new broker
    if (i === restartAt) broker = PaperBroker.restore(opts, JSON.parse(JSON.stringify(broker.snapshot())));
    diffs.push(Math.abs((await broker.account()).equity - res.nav[i]!));
    const w = targets.get(i);
    if (!w) continue;
    const orders = backtestOrders({
      scope: 'run-1',
      date: dates[i]!,
      assets: panel.assets,
      quantities: broker.quantities(),
      cash: (await broker.account()).cash,
      targetWeights: w,
      fillPrices: broker.nextFillPrices(),
      markPrices: broker.lastPrices(),
    });
    for (const o of orders) expect((await broker.submit(o)).ok).toBe(true);
  }
  expect(res.ledger.length).toBeGreaterThan(20);
  expect((await broker.fills()).length).toBe(res.ledger.length);
  return { diffs, capped: res.findings.some((f) => f.kind === 'order-capped') };
}

describe('PaperBroker fills exactly like the backtester with slicing off', () => {
  it('next-open, proportional costs: paper NAV equals backtest NAV on every date', async () => {
    const { diffs } = await parity({ kind: 'proportional', bps: 10 }, 'next-open');
    expect(Math.max(...diffs)).toBe(0); // bit for bit (the ledger test asks 1e-9)
  });
  it('next-close, sqrt-impact with its participation cap binding: paper NAV equals backtest NAV', async () => {
    const { diffs, capped } = await parity(
      { kind: 'sqrt-impact', coefficient: 0.5, advWindow: 5, volWindow: 5, participationCap: 0.2 },
      'next-close',
    );
    expect(capped).toBe(true); // the cap path is exercised, not only the plain one
    expect(Math.max(...diffs)).toBe(0); // bit for bit (the ledger test asks 1e-9)
  });
});

const bar = (fields: Record<string, number[]>, n = 3): Panel =>
  new Panel({
    dates: days('2024-03-01', n),
    assets: ['EQ'],
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Float64Array.from(v)])),
  });
const req = (o: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: 'p:2024-03-01:EQ:0',
  asset: 'EQ',
  side: 'buy',
  quantity: 100,
  type: 'market',
  timeInForce: 'day',
  ...o,
});

describe('PaperBroker restart', () => {
  it('snapshot → JSON → restore mid-run continues exactly: NAV still equals the backtest, orders and fills kept', async () => {
    const { diffs } = await parity({ kind: 'proportional', bps: 10 }, 'next-open', 37);
    expect(Math.max(...diffs)).toBe(0);
  });
});

describe('PaperBroker rules', () => {
  const ohlcv = {
    open: [100, 101, 99],
    high: [102, 104, 100],
    low: [98, 97, 95],
    close: [100, 102, 96],
    volume: [1000, 1000, 1000],
  };

  it('participation limits a fill; a gtc remainder fills on the next bar, a day remainder expires', async () => {
    const b = new PaperBroker({
      bars: bar(ohlcv),
      costs: { kind: 'none' },
      cash: 1e6,
      start: '2024-03-01',
      participation: 0.05,
    });
    await b.submit(req({ timeInForce: 'gtc' }));
    await b.submit(req({ clientOrderId: 'p:2024-03-01:EQ:1', timeInForce: 'day' }));
    await b.advance();
    // 5 % of 1000 = 50 units for the asset on this bar, shared in submission order
    expect(await b.order('p:2024-03-01:EQ:0')).toMatchObject({ state: 'partially-filled', filledQuantity: 50 });
    expect(await b.order('p:2024-03-01:EQ:1')).toMatchObject({ state: 'expired', filledQuantity: 0 });
    await b.advance();
    expect(await b.order('p:2024-03-01:EQ:0')).toMatchObject({
      state: 'filled',
      filledQuantity: 100,
      averagePrice: (50 * 102 + 50 * 96) / 100,
    });
  });

  it('limit orders fill at the open when it is through the limit, else at the limit if the range reaches it, else not', async () => {
    const b = new PaperBroker({ bars: bar(ohlcv), costs: { kind: 'none' }, cash: 1e6, start: '2024-03-01' });
    await b.submit(req({ type: 'limit', limitPrice: 101.5, clientOrderId: 'a:2024-03-01:EQ:0' })); // open 101 ≤ 101.5
    await b.submit(req({ type: 'limit', limitPrice: 98, clientOrderId: 'b:2024-03-01:EQ:0' })); // low 97 reaches 98
    await b.submit(req({ type: 'limit', limitPrice: 96, clientOrderId: 'c:2024-03-01:EQ:0' })); // never
    await b.submit(req({ type: 'limit', side: 'sell', limitPrice: 103, clientOrderId: 'd:2024-03-01:EQ:0' })); // high 104
    await b.advance();
    expect((await b.order('a:2024-03-01:EQ:0'))?.averagePrice).toBe(101);
    expect((await b.order('b:2024-03-01:EQ:0'))?.averagePrice).toBe(98);
    expect((await b.order('c:2024-03-01:EQ:0'))?.state).toBe('expired');
    expect((await b.order('d:2024-03-01:EQ:0'))?.averagePrice).toBe(103);
  });

  it('market-on-close fills at the close under next-open; opg fills at the open under next-close', async () => {
    const a = new PaperBroker({
      bars: bar(ohlcv),
      costs: { kind: 'none' },
      cash: 1e6,
      start: '2024-03-01',
      fill: 'next-open',
    });
    await a.submit(req({ type: 'market-on-close', timeInForce: 'cls' }));
    await a.submit(req({ clientOrderId: 'p:2024-03-01:EQ:1' }));
    await a.advance();
    expect((await a.fills()).map((f) => f.price)).toEqual([101, 102]); // the open (plain market), then the close (MOC)
    const b = new PaperBroker({ bars: bar(ohlcv), costs: { kind: 'none' }, cash: 1e6, start: '2024-03-01' });
    await b.submit(req({ timeInForce: 'opg' }));
    await b.advance();
    expect((await b.fills()).map((f) => f.price)).toEqual([101]);
  });

  it('rejects with codes: unknown asset, invalid quantity and price, missing and stale price, insufficient cash', async () => {
    const holes = bar({ close: [NaN, NaN, NaN] });
    const b = new PaperBroker({ bars: bar(ohlcv), costs: { kind: 'none' }, cash: 5000, start: '2024-03-01' });
    const code = async (r: OrderRequest, br = b) => {
      const s = await br.submit(r);
      return s.ok ? 'ok' : s.code;
    };
    expect(await code(req({ asset: 'ZZ' }))).toBe('unknown-asset');
    expect(await code(req({ quantity: -5 }))).toBe('invalid-quantity');
    expect(await code(req({ quantity: NaN }))).toBe('invalid-quantity');
    expect(await code(req({ type: 'limit', limitPrice: 0 }))).toBe('invalid-price');
    expect(await code(req({ quantity: 100 }))).toBe('insufficient-cash'); // 100 × 100 > 5000
    expect(await code(req({ quantity: 40 }))).toBe('ok');
    const nb = new PaperBroker({ bars: holes, costs: { kind: 'none' }, cash: 5000, start: '2024-03-01' });
    expect(await code(req(), nb)).toBe('missing-price');
    const stale = new Panel({
      dates: days('2024-03-01', 8),
      assets: ['EQ'],
      fields: { close: Float64Array.from([100, NaN, NaN, NaN, NaN, NaN, NaN, NaN]) },
    });
    const sb = new PaperBroker({
      bars: stale,
      costs: { kind: 'none' },
      cash: 1e6,
      start: '2024-03-08',
      maxStaleBars: 5,
    });
    expect(await code(req(), sb)).toBe('stale-price');
  });

  it('submit is idempotent by client order id; reusing an id for another order is refused', async () => {
    const b = new PaperBroker({ bars: bar(ohlcv), costs: { kind: 'none' }, cash: 1e6, start: '2024-03-01' });
    const first = await b.submit(req());
    const again = await b.submit(req());
    expect(first.ok && !first.existing).toBe(true);
    expect(again.ok && again.existing).toBe(true);
    expect((await b.orders()).length).toBe(1);
    const other = await b.submit(req({ quantity: 7 }));
    expect(other.ok ? 'ok' : other.code).toBe('duplicate');
  });

  it('fees come from the backtest cost model; fills(since) pages after a trade id', async () => {
    const b = new PaperBroker({
      bars: bar(ohlcv),
      costs: { kind: 'proportional', bps: 10, minimum: 1 },
      cash: 1e6,
      start: '2024-03-01',
    });
    await b.submit(req({ quantity: 5 }));
    await b.advance();
    const [f] = await b.fills();
    expect(f!.fee).toBe(1); // 10 bps of 510 < minimum 1
    expect((await b.account()).cash).toBe(1e6 - 5 * 102 - 1);
    await b.submit(req({ clientOrderId: 'p:2024-03-02:EQ:0', side: 'sell', quantity: 5 }));
    await b.advance();
    expect((await b.fills(f!.tradeId)).map((x) => x.side)).toEqual(['sell']);
  });

  it('intraday mode: children fill in their slots along a seeded path inside the bar; same seed, same fills', async () => {
    const run = async (seed: number) => {
      const b = new PaperBroker({
        bars: bar(ohlcv),
        costs: { kind: 'none' },
        cash: 1e6,
        start: '2024-03-01',
        intraday: { slots: 10, seed },
      });
      for (let k = 0; k < 10; k++)
        await b.submit(req({ clientOrderId: `p:2024-03-01:EQ:${k + 1}`, quantity: 10, slot: { index: k, count: 10 } }));
      await b.advance();
      return b.fills();
    };
    const a = await run(1);
    expect(a.length).toBe(10);
    expect(a.every((f) => f.price >= 97 && f.price <= 104)).toBe(true);
    expect(a[0]!.price).toBe(101); // slot 0 = the open
    expect(a[9]!.price).toBe(102); // the last slot = the close
    expect(await run(1)).toEqual(a);
    expect((await run(2)).map((f) => f.price)).not.toEqual(a.map((f) => f.price));
  });
});
