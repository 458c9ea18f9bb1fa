/**
 * A REST adapter for an Alpaca-style trading API (docs.alpaca.markets/reference): Node's fetch, a base URL and the
 * APCA-API-KEY-ID / APCA-API-SECRET-KEY headers.
 *
 * A POST is never retried blindly (alpaca-py retries 504 on POST /orders, which can place an order twice): after a
 * timeout, a network error, a 429 or a 5xx, the order is looked up by its client order id and sent again only if
 * the broker does not have it. If that look-up itself fails, submit throws (exit 1) and the order must be reconciled
 * before anything is sent. GETs are retried. A duplicate client order id (422) returns the existing order.
 * Not carried by the API: `parentId` and `slot` (the ledger keeps them); fills carry no fee (Alpaca is commission-
 * free: `fee` is 0); `orders()` reads one page of up to 500 orders.
 */
import { ioError } from '../core/index.ts';
import type {
  Account,
  Broker,
  BrokerOrder,
  Fill,
  OrderRequest,
  OrderState,
  Position,
  RejectCode,
  SubmitResult,
} from './broker-types.ts';

export interface AlpacaBrokerOptions {
  /** e.g. https://paper-api.alpaca.markets (tests: a mock on 127.0.0.1). */
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** Per request (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Submissions of one order, including the first (default 3); every one after the first follows a look-up. */
  readonly maxSubmitAttempts?: number;
  /** Attempts per GET (default 3). */
  readonly maxGetAttempts?: number;
  readonly name?: string;
}

/** An order as the API returns it (fields used here). */
export interface AlpacaOrderJson {
  readonly id: string;
  readonly client_order_id: string;
  readonly symbol: string;
  readonly qty: string;
  readonly filled_qty: string;
  readonly filled_avg_price: string | null;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly time_in_force: string;
  readonly limit_price: string | null;
  readonly status: string;
}

const STATUS: Record<string, OrderState> = {
  pending_new: 'submitted',
  new: 'accepted',
  accepted: 'accepted',
  accepted_for_bidding: 'accepted',
  pending_replace: 'accepted',
  done_for_day: 'accepted',
  stopped: 'accepted',
  suspended: 'accepted',
  calculated: 'accepted',
  partially_filled: 'partially-filled',
  filled: 'filled',
  pending_cancel: 'pending-cancel',
  canceled: 'canceled',
  replaced: 'canceled',
  expired: 'expired',
  rejected: 'rejected',
};

/** Keel order state → the API's status (for the mock server and for tests). */
export const ALPACA_STATUS: Record<OrderState, string> = {
  initialized: 'pending_new',
  submitted: 'pending_new',
  denied: 'rejected',
  accepted: 'new',
  rejected: 'rejected',
  'partially-filled': 'partially_filled',
  filled: 'filled',
  'pending-cancel': 'pending_cancel',
  canceled: 'canceled',
  expired: 'expired',
};

export function toAlpacaOrder(req: OrderRequest): Record<string, string> {
  return {
    symbol: req.asset,
    qty: String(req.quantity),
    side: req.side,
    type: req.type === 'limit' ? 'limit' : 'market',
    time_in_force: req.type === 'market-on-close' ? 'cls' : req.timeInForce,
    client_order_id: req.clientOrderId,
    ...(req.limitPrice !== undefined ? { limit_price: String(req.limitPrice) } : {}),
  };
}

export function fromAlpacaOrder(j: AlpacaOrderJson): BrokerOrder {
  const state = STATUS[j.status];
  if (state === undefined) throw ioError(`broker order ${j.client_order_id} has unknown status "${j.status}".`);
  const moc = j.type === 'market' && j.time_in_force === 'cls';
  return {
    clientOrderId: j.client_order_id,
    asset: j.symbol,
    side: j.side,
    quantity: Number(j.qty),
    type: moc ? 'market-on-close' : j.type === 'limit' ? 'limit' : 'market',
    timeInForce: j.time_in_force as BrokerOrder['timeInForce'],
    ...(j.limit_price !== null && j.limit_price !== undefined ? { limitPrice: Number(j.limit_price) } : {}),
    brokerOrderId: j.id,
    state,
    filledQuantity: Number(j.filled_qty),
    averagePrice: j.filled_avg_price === null || j.filled_avg_price === undefined ? null : Number(j.filled_avg_price),
  };
}

type Reply =
  | { readonly kind: 'http'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'lost'; readonly why: string }; // timeout or network error: the outcome is unknown

const retryable = (r: Reply): boolean => r.kind === 'lost' || r.status === 429 || r.status >= 500;

export class AlpacaBroker implements Broker {
  readonly name: string;
  private readonly o: AlpacaBrokerOptions;

  constructor(o: AlpacaBrokerOptions) {
    this.o = o;
    this.name = o.name ?? 'alpaca';
  }

  private async call(method: string, path: string, body?: unknown): Promise<Reply> {
    try {
      const res = await fetch(new URL(path, this.o.baseUrl), {
        method,
        headers: {
          'APCA-API-KEY-ID': this.o.keyId,
          'APCA-API-SECRET-KEY': this.o.secretKey,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = { message: text };
      }
      return { kind: 'http', status: res.status, body: parsed };
    } catch (e) {
      return { kind: 'lost', why: e instanceof Error ? e.message : String(e) };
    }
  }

  /** GET with retries on timeouts, 429 and 5xx; returns null on 404. */
  private async get<T>(path: string): Promise<T | null> {
    const attempts = this.o.maxGetAttempts ?? 3;
    let last: Reply | null = null;
    for (let i = 0; i < attempts; i++) {
      const r = await this.call('GET', path);
      if (r.kind === 'http' && r.status === 404) return null;
      if (r.kind === 'http' && r.status >= 200 && r.status < 300) return r.body as T;
      last = r;
      if (!retryable(r)) break;
    }
    throw ioError(`${this.name}: GET ${path} failed: ${describe(last!)}. Check the broker URL and keys, then retry.`);
  }

  async submit(req: OrderRequest): Promise<SubmitResult> {
    const attempts = this.o.maxSubmitAttempts ?? 3;
    let last: Reply | null = null;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) {
        // The previous POST may have gone through: ask before sending again.
        const found = await this.lookup(req.clientOrderId, last!);
        if (found) return { ok: true, order: found, existing: true };
      }
      const r = await this.call('POST', '/v2/orders', toAlpacaOrder(req));
      if (r.kind === 'http' && r.status >= 200 && r.status < 300)
        return { ok: true, order: fromAlpacaOrder(r.body as AlpacaOrderJson), existing: false };
      if (r.kind === 'http' && (r.status === 401 || r.status === 404))
        throw ioError(
          `${this.name}: POST /v2/orders answered HTTP ${r.status} (${messageOf(r.body)}): check the keys and the base URL ${this.o.baseUrl}.`,
        );
      if (r.kind === 'http' && !retryable(r)) {
        const message = messageOf(r.body);
        if (/client_order_id/i.test(message) && /unique|exist|duplicate/i.test(message)) {
          const found = await this.order(req.clientOrderId);
          if (found) return { ok: true, order: found, existing: true };
        }
        return {
          ok: false,
          code: rejectCode(r.status, message),
          message: `${this.name} rejected ${req.clientOrderId}: ${message}`,
        };
      }
      last = r;
    }
    const found = await this.lookup(req.clientOrderId, last!);
    if (found) return { ok: true, order: found, existing: true };
    throw ioError(
      `${this.name}: order ${req.clientOrderId} was not accepted after ${attempts} attempts (last: ${describe(last!)}); it is not at the broker. Retry later.`,
    );
  }

  /** Look an order up after an unanswered POST; an unanswerable look-up stops everything (never guess). */
  private async lookup(clientOrderId: string, after: Reply): Promise<BrokerOrder | null> {
    try {
      return await this.order(clientOrderId);
    } catch (e) {
      throw ioError(
        `${this.name}: order ${clientOrderId} may or may not have reached the broker (${describe(after)}), and looking it up failed too (${e instanceof Error ? e.message : String(e)}). Reconcile by client order id before sending anything.`,
      );
    }
  }

  async order(clientOrderId: string): Promise<BrokerOrder | null> {
    const j = await this.get<AlpacaOrderJson>(
      `/v2/orders:by_client_order_id?client_order_id=${encodeURIComponent(clientOrderId)}`,
    );
    return j ? fromAlpacaOrder(j) : null;
  }

  async orders(filter?: { open?: boolean }): Promise<readonly BrokerOrder[]> {
    const j = await this.get<AlpacaOrderJson[]>(
      `/v2/orders?status=${filter?.open ? 'open' : 'all'}&limit=500&direction=asc`,
    );
    return (j ?? []).map(fromAlpacaOrder);
  }

  async cancel(clientOrderId: string): Promise<BrokerOrder | null> {
    const o = await this.order(clientOrderId);
    if (!o) return null;
    const r = await this.call('DELETE', `/v2/orders/${encodeURIComponent(o.brokerOrderId)}`);
    // 422: no longer cancelable (filled or closed): report the order as it is.
    if (r.kind === 'http' && !(r.status < 300 || r.status === 422 || r.status === 404))
      throw ioError(`${this.name}: cancel of ${clientOrderId} failed: ${describe(r)}.`);
    return this.order(clientOrderId);
  }

  async fills(since?: string): Promise<readonly Fill[]> {
    const pageSize = 100;
    const out: Fill[] = [];
    const idOf = new Map<string, string>(); // broker order id → client order id
    let token = since;
    for (;;) {
      const q = `/v2/account/activities/FILL?direction=asc&page_size=${pageSize}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const page = (await this.get<ActivityJson[]>(q)) ?? [];
      for (const a of page) {
        let cid = idOf.get(a.order_id);
        if (cid === undefined) {
          const o = await this.get<AlpacaOrderJson>(`/v2/orders/${encodeURIComponent(a.order_id)}`);
          if (!o) throw ioError(`${this.name}: fill ${a.id} refers to unknown order ${a.order_id}.`);
          cid = o.client_order_id;
          idOf.set(a.order_id, cid);
        }
        out.push({
          tradeId: a.id,
          clientOrderId: cid,
          asset: a.symbol,
          side: a.side,
          quantity: Number(a.qty),
          price: Number(a.price),
          fee: 0,
          date: a.transaction_time.slice(0, 10),
        });
      }
      if (page.length < pageSize) return out;
      token = page[page.length - 1]!.id;
    }
  }

  async positions(): Promise<readonly Position[]> {
    const j = (await this.get<{ symbol: string; qty: string }[]>('/v2/positions')) ?? [];
    return j.map((p) => ({ asset: p.symbol, quantity: Number(p.qty) }));
  }

  async account(): Promise<Account> {
    const j = await this.get<{ cash: string; equity: string }>('/v2/account');
    if (!j) throw ioError(`${this.name}: GET /v2/account returned 404. Check the base URL.`);
    return { cash: Number(j.cash), equity: Number(j.equity) };
  }
}

export interface ActivityJson {
  readonly id: string;
  readonly activity_type: 'FILL';
  readonly transaction_time: string;
  readonly type: 'fill' | 'partial_fill';
  readonly price: string;
  readonly qty: string;
  readonly side: 'buy' | 'sell';
  readonly symbol: string;
  readonly order_id: string;
}

function messageOf(body: unknown): string {
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : JSON.stringify(body);
}

function describe(r: Reply): string {
  return r.kind === 'lost' ? `no answer (${r.why})` : `HTTP ${r.status} ${messageOf(r.body)}`;
}

function rejectCode(status: number, message: string): RejectCode {
  if (status === 403 && /buying power|insufficient/i.test(message)) return 'insufficient-cash';
  if (/asset|symbol/i.test(message) && /not found|unknown|not tradable|invalid/i.test(message)) return 'unknown-asset';
  if (/price/i.test(message)) return 'invalid-price';
  if (/halt/i.test(message)) return 'halted';
  return 'invalid-quantity';
}
