import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { days } from '../../test/support/panels.ts';
import { isKeelError } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import { AlpacaBroker, fromAlpacaOrder, toAlpacaOrder } from './alpaca-broker.ts';
import { startAlpacaMock } from './alpaca-mock.ts';
import type { AlpacaMock } from './alpaca-mock.ts';
import type { OrderRequest } from './broker-types.ts';
import { PaperBroker } from './paper-broker.ts';

const bars = new Panel({
  dates: days('2024-03-01', 4),
  assets: ['EQ'],
  fields: { close: Float64Array.from([100, 101, 102, 103]), volume: new Float64Array(4).fill(1e6) },
});
const req: OrderRequest = {
  clientOrderId: 'plan-9:2024-03-01:EQ:0',
  asset: 'EQ',
  side: 'buy',
  quantity: 10,
  type: 'market',
  timeInForce: 'day',
};
let mock: AlpacaMock | null = null;
afterEach(async () => {
  await mock?.close();
  mock = null;
});
const setup = async (timeoutMs = 2000) => {
  const paper = new PaperBroker({ bars, costs: { kind: 'none' }, cash: 1e6, start: '2024-03-01' });
  mock = await startAlpacaMock(paper, { hangMs: 1500 });
  const broker = new AlpacaBroker({ baseUrl: mock.url, keyId: mock.keyId, secretKey: mock.secretKey, timeoutMs });
  return { paper, mock, broker };
};

describe('AlpacaBroker never places an order twice', () => {
  it('504 after the order was accepted: looks it up by client order id, does not resubmit', async () => {
    const { mock, broker } = await setup();
    mock.faults.push('504-after-accept');
    const r = await broker.submit(req);
    expect(r.ok && r.order.clientOrderId).toBe(req.clientOrderId);
    expect(r.ok && r.existing).toBe(true);
    expect(mock.stats).toEqual({ posts: 1, accepted: 1 });
    expect((await broker.orders()).length).toBe(1);
  });

  it('a timeout after the order was accepted: the same, no second POST', async () => {
    const { mock, broker } = await setup(200);
    mock.faults.push('hang-after-accept');
    const r = await broker.submit(req);
    expect(r.ok).toBe(true);
    expect(mock.stats).toEqual({ posts: 1, accepted: 1 });
  });

  it('504 before the order was accepted: the look-up finds nothing, so it is sent again, once', async () => {
    const { mock, broker } = await setup();
    mock.faults.push('504-before-accept');
    const r = await broker.submit(req);
    expect(r.ok && r.existing).toBe(false);
    expect(mock.stats).toEqual({ posts: 2, accepted: 1 });
  });

  it('5xx on every attempt: throws after 3 POSTs with nothing placed', async () => {
    const { mock, broker } = await setup();
    mock.faults.push('500-before-accept', '500-before-accept', '500-before-accept');
    await expect(broker.submit(req)).rejects.toThrow(/not accepted after 3 attempts.*not at the broker/);
    expect(mock.stats).toEqual({ posts: 3, accepted: 0 });
  });

  it('no answer and no way to look it up: throws an io error asking to reconcile, sends nothing more', async () => {
    const dead = createServer();
    await new Promise<void>((ok) => dead.listen(0, '127.0.0.1', ok));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((ok) => dead.close(() => ok()));
    const broker = new AlpacaBroker({
      baseUrl: `http://127.0.0.1:${port}`,
      keyId: 'k',
      secretKey: 's',
      timeoutMs: 500,
    });
    const err = await broker.submit(req).catch((e: unknown) => e);
    expect(isKeelError(err) && err.kind).toBe('io');
    expect(String((err as Error).message)).toMatch(
      /may or may not have reached the broker.*Reconcile by client order id/,
    );
  });

  it('wrong keys are an io error naming the keys, not an order rejection', async () => {
    const { mock } = await setup();
    const broker = new AlpacaBroker({ baseUrl: mock.url, keyId: 'wrong', secretKey: 'x' });
    await expect(broker.submit(req)).rejects.toThrow(/HTTP 401.*check the keys/);
  });
});

describe('AlpacaBroker mapping', () => {
  it('market-on-close travels as market + cls and comes back as market-on-close; limit prices round-trip', () => {
    const moc = toAlpacaOrder({ ...req, type: 'market-on-close', timeInForce: 'cls' });
    expect(moc).toMatchObject({ type: 'market', time_in_force: 'cls', client_order_id: req.clientOrderId, qty: '10' });
    const lim = toAlpacaOrder({ ...req, type: 'limit', limitPrice: 101.25 });
    expect(lim).toMatchObject({ type: 'limit', limit_price: '101.25' });
    const back = fromAlpacaOrder({
      id: 'b1',
      client_order_id: 'x',
      symbol: 'EQ',
      qty: '10',
      filled_qty: '4',
      filled_avg_price: '100.5',
      side: 'buy',
      type: 'market',
      time_in_force: 'cls',
      limit_price: null,
      status: 'partially_filled',
    });
    expect(back).toMatchObject({
      type: 'market-on-close',
      state: 'partially-filled',
      filledQuantity: 4,
      averagePrice: 100.5,
    });
  });

  it('fills come from the FILL activities with client order ids; since pages after a trade id', async () => {
    const { paper, broker } = await setup();
    await broker.submit(req);
    await paper.advance();
    await broker.submit({ ...req, clientOrderId: 'plan-9:2024-03-02:EQ:0', side: 'sell', quantity: 4 });
    await paper.advance();
    const all = await broker.fills();
    expect(all).toEqual(await paper.fills());
    expect(await broker.fills(all[0]!.tradeId)).toEqual([all[1]]);
    expect(await broker.account()).toEqual(await paper.account());
  });
});
