/**
 * One scenario suite for every broker (Lean's BrokerageTests): the same five scenarios run against the paper
 * broker and against the Alpaca adapter talking to a mock API on 127.0.0.1 (itself backed by a paper broker).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { days } from '../../test/support/panels.ts';
import { Panel } from '../data/index.ts';
import { AlpacaBroker } from './alpaca-broker.ts';
import { startAlpacaMock } from './alpaca-mock.ts';
import type { Broker, OrderRequest } from './broker-types.ts';
import { PaperBroker } from './paper-broker.ts';

const T = 6;
const bars = new Panel({
  dates: days('2024-03-01', T),
  assets: ['EQ', 'BD'],
  fields: {
    open: Float64Array.from({ length: 2 * T }, (_, i) => 100 + i),
    high: Float64Array.from({ length: 2 * T }, (_, i) => 103 + i),
    low: Float64Array.from({ length: 2 * T }, (_, i) => 97 + i),
    close: Float64Array.from({ length: 2 * T }, (_, i) => 101 + i),
    volume: new Float64Array(2 * T).fill(1000),
  },
});
const CASH = 20_000;
const paper = () =>
  new PaperBroker({
    bars,
    costs: { kind: 'proportional', bps: 5 },
    cash: CASH,
    start: '2024-03-01',
    participation: 0.05,
  });

interface Harness {
  readonly broker: Broker;
  advance(): Promise<void>;
  close(): Promise<void>;
}
const harnesses: Record<string, () => Promise<Harness>> = {
  paper: async () => {
    const p = paper();
    return { broker: p, advance: async () => void (await p.advance()), close: async () => {} };
  },
  'alpaca (mock API)': async () => {
    const p = paper();
    const mock = await startAlpacaMock(p);
    const broker = new AlpacaBroker({
      baseUrl: mock.url,
      keyId: mock.keyId,
      secretKey: mock.secretKey,
      timeoutMs: 2000,
    });
    return { broker, advance: async () => void (await p.advance()), close: () => mock.close() };
  },
};

const order = (o: Partial<OrderRequest>): OrderRequest => ({
  clientOrderId: 'suite:2024-03-01:EQ:0',
  asset: 'EQ',
  side: 'buy',
  quantity: 10,
  type: 'market',
  timeInForce: 'day',
  ...o,
});

for (const [name, make] of Object.entries(harnesses)) {
  describe(`broker scenarios: ${name}`, () => {
    let h: Harness | null = null;
    const start = async () => (h = await make());
    afterEach(async () => {
      await h?.close();
      h = null;
    });

    it('LongFromZero: a market buy fills at the next close, pays the fee and shows as a position', async () => {
      const { broker, advance } = await start();
      const r = await broker.submit(order({}));
      expect(r.ok && r.order.state).toBe('accepted');
      await advance();
      const o = await broker.order('suite:2024-03-01:EQ:0');
      expect(o).toMatchObject({ state: 'filled', filledQuantity: 10, averagePrice: 103 });
      expect(await broker.positions()).toEqual([{ asset: 'EQ', quantity: 10 }]);
      const fills = await broker.fills();
      expect(fills.map((f) => [f.clientOrderId, f.quantity, f.price])).toEqual([['suite:2024-03-01:EQ:0', 10, 103]]);
      expect((await broker.account()).cash).toBeCloseTo(CASH - 1030 - 1030 * 5e-4, 9); // 5 bps fee
    });

    it('CloseFromLong: selling the position leaves none', async () => {
      const { broker, advance } = await start();
      await broker.submit(order({}));
      await advance();
      const r = await broker.submit(order({ clientOrderId: 'suite:2024-03-02:EQ:0', side: 'sell' }));
      expect(r.ok).toBe(true);
      await advance();
      expect((await broker.order('suite:2024-03-02:EQ:0'))?.state).toBe('filled');
      expect(await broker.positions()).toEqual([]);
      expect((await broker.orders({ open: true })).length).toBe(0);
    });

    it('PartialFillThenCancel: a gtc order capped by participation fills part, then cancels; no fill after', async () => {
      const { broker, advance } = await start();
      await broker.submit(order({ quantity: 120, timeInForce: 'gtc' }));
      await advance(); // 5 % of 1000 = 50
      expect(await broker.order('suite:2024-03-01:EQ:0')).toMatchObject({
        state: 'partially-filled',
        filledQuantity: 50,
      });
      const c = await broker.cancel('suite:2024-03-01:EQ:0');
      expect(c).toMatchObject({ state: 'canceled', filledQuantity: 50 });
      await advance();
      expect((await broker.fills()).length).toBe(1);
      expect(await broker.positions()).toEqual([{ asset: 'EQ', quantity: 50 }]);
      expect(await broker.cancel('nobody:2024-03-01:EQ:0')).toBeNull();
    });

    it('DuplicateSubmit: the same client order id twice gives one order, the second marked existing', async () => {
      const { broker, advance } = await start();
      const a = await broker.submit(order({}));
      const b = await broker.submit(order({}));
      expect(a.ok && a.existing).toBe(false);
      expect(b.ok && b.existing).toBe(true);
      expect(b.ok && a.ok && b.order.brokerOrderId).toBe(a.ok && a.order.brokerOrderId);
      expect((await broker.orders()).length).toBe(1);
      await advance();
      expect((await broker.fills()).length).toBe(1);
    });

    it('RejectInsufficientCash: a buy beyond cash is rejected with its code and leaves no order', async () => {
      const { broker } = await start();
      const r = await broker.submit(order({ quantity: 1000 }));
      expect(r.ok ? 'ok' : r.code).toBe('insufficient-cash');
      expect(await broker.orders()).toEqual([]);
    });
  });
}
