/**
 * A mock Alpaca-style API on 127.0.0.1 (node:http, random port) for tests: a PaperBroker behind the REST routes
 * the adapter uses, plus fault injection on POST /v2/orders. Test support only (not exported by the stage).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrokerOrder, OrderRequest } from './broker-types.ts';
import { ALPACA_STATUS } from './alpaca-broker.ts';
import type { ActivityJson, AlpacaOrderJson } from './alpaca-broker.ts';
import type { PaperBroker } from './paper-broker.ts';

/**
 * What the next POSTs do instead of answering normally: accept the order then answer 504 (or hang past the
 * client's timeout), or answer 504 / 500 without accepting it.
 */
export type PostFault = '504-after-accept' | 'hang-after-accept' | '504-before-accept' | '500-before-accept';

export interface AlpacaMock {
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly stats: { posts: number; accepted: number };
  /** Faults for the next POSTs, consumed in order. */
  readonly faults: PostFault[];
  close(): Promise<void>;
}

const orderJson = (o: BrokerOrder): AlpacaOrderJson => ({
  id: o.brokerOrderId,
  client_order_id: o.clientOrderId,
  symbol: o.asset,
  qty: String(o.quantity),
  filled_qty: String(o.filledQuantity),
  filled_avg_price: o.averagePrice === null ? null : String(o.averagePrice),
  side: o.side,
  type: o.type === 'limit' ? 'limit' : 'market',
  time_in_force: o.type === 'market-on-close' ? 'cls' : o.timeInForce,
  limit_price: o.limitPrice === undefined ? null : String(o.limitPrice),
  status: ALPACA_STATUS[o.state],
});

export async function startAlpacaMock(paper: PaperBroker, opts: { hangMs?: number } = {}): Promise<AlpacaMock> {
  const keyId = 'test-key';
  const secretKey = 'test-secret';
  const stats = { posts: 0, accepted: 0 };
  const faults: PostFault[] = [];
  const hangs = new Set<ServerResponse>();
  const send = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((ok) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString()));
      req.on('end', () => ok(s));
    });
  const byBrokerId = async (id: string): Promise<BrokerOrder | undefined> =>
    (await paper.orders()).find((o) => o.brokerOrderId === id);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers['apca-api-key-id'] !== keyId || req.headers['apca-api-secret-key'] !== secretKey)
      return send(res, 401, { code: 40110000, message: 'request is not authorized' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v2/orders') {
      stats.posts++;
      const fault = faults.shift();
      if (fault === '504-before-accept') return send(res, 504, { message: 'gateway timeout' });
      if (fault === '500-before-accept') return send(res, 500, { message: 'internal error' });
      const b = JSON.parse(await readBody(req)) as Record<string, string>;
      const cid = b['client_order_id']!;
      if (await paper.order(cid)) return send(res, 422, { code: 40010001, message: 'client_order_id must be unique' });
      const r: OrderRequest = {
        clientOrderId: cid,
        asset: b['symbol']!,
        side: b['side'] as 'buy' | 'sell',
        quantity: Number(b['qty']),
        type: b['type'] === 'limit' ? 'limit' : b['time_in_force'] === 'cls' ? 'market-on-close' : 'market',
        timeInForce: b['time_in_force'] as OrderRequest['timeInForce'],
        ...(b['limit_price'] !== undefined ? { limitPrice: Number(b['limit_price']) } : {}),
      };
      const s = await paper.submit(r);
      if (!s.ok)
        return s.code === 'insufficient-cash'
          ? send(res, 403, { code: 40310000, message: `insufficient buying power: ${s.message}` })
          : send(res, 422, { code: 42210000, message: s.message });
      stats.accepted++;
      if (fault === '504-after-accept') return send(res, 504, { message: 'gateway timeout' });
      if (fault === 'hang-after-accept') {
        hangs.add(res);
        setTimeout(() => hangs.delete(res) && send(res, 200, orderJson(s.order)), opts.hangMs ?? 2000).unref();
        return;
      }
      return send(res, 200, orderJson(s.order));
    }
    if (req.method === 'GET' && path === '/v2/orders:by_client_order_id') {
      const o = await paper.order(url.searchParams.get('client_order_id') ?? '');
      return o ? send(res, 200, orderJson(o)) : send(res, 404, { code: 40410000, message: 'order not found' });
    }
    if (req.method === 'GET' && path === '/v2/orders') {
      const open = url.searchParams.get('status') === 'open';
      return send(res, 200, (await paper.orders({ open })).map(orderJson));
    }
    const m = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (m) {
      const o = await byBrokerId(decodeURIComponent(m[1]!));
      if (!o) return send(res, 404, { code: 40410000, message: 'order not found' });
      if (req.method === 'GET') return send(res, 200, orderJson(o));
      if (req.method === 'DELETE') {
        if (!['accepted', 'partially-filled', 'submitted'].includes(o.state))
          return send(res, 422, {
            code: 42210000,
            message: `order is not cancelable (status ${ALPACA_STATUS[o.state]})`,
          });
        await paper.cancel(o.clientOrderId);
        return send(res, 204);
      }
    }
    if (req.method === 'GET' && path === '/v2/positions')
      return send(
        res,
        200,
        (await paper.positions()).map((p) => ({ symbol: p.asset, qty: String(p.quantity) })),
      );
    if (req.method === 'GET' && path === '/v2/account') {
      const a = await paper.account();
      return send(res, 200, { cash: String(a.cash), equity: String(a.equity) });
    }
    if (req.method === 'GET' && path === '/v2/account/activities/FILL') {
      const size = Number(url.searchParams.get('page_size') ?? 100);
      const after = url.searchParams.get('page_token') ?? undefined;
      const fills = (await paper.fills(after)).slice(0, size);
      const out: ActivityJson[] = [];
      for (const f of fills) {
        const o = (await paper.order(f.clientOrderId))!;
        out.push({
          id: f.tradeId,
          activity_type: 'FILL',
          transaction_time: `${f.date}T20:00:00Z`,
          type: o.state === 'filled' ? 'fill' : 'partial_fill',
          price: String(f.price),
          qty: String(f.quantity),
          side: f.side,
          symbol: f.asset,
          order_id: o.brokerOrderId,
        });
      }
      return send(res, 200, out);
    }
    return send(res, 404, { code: 40410000, message: `no route ${req.method} ${path}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    keyId,
    secretKey,
    stats,
    faults,
    close: () =>
      new Promise<void>((ok) => {
        for (const r of hangs) r.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
