/**
 * The seams of the trading half, shared by execution algorithms, brokers (paper, Alpaca-style REST) and the ledger.
 * Commands in, events out: `submit` only says whether a request was accepted; fills and status changes arrive as
 * immutable events with per-fill quantities. Every order carries a client order id chosen (and persisted) before it
 * is sent, so a submit is idempotent: a broker that already knows the id returns the existing order.
 */
import type { IsoDate } from '../data/index.ts';

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'market-on-close';
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'opg' | 'cls';
export type OrderState =
  | 'initialized'
  | 'denied'
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'partially-filled'
  | 'filled'
  | 'pending-cancel'
  | 'canceled'
  | 'expired';

export interface OrderRequest {
  readonly clientOrderId: string;
  readonly asset: string;
  readonly side: OrderSide;
  /** Shares, > 0 (the side gives the sign). */
  readonly quantity: number;
  readonly type: OrderType;
  readonly limitPrice?: number;
  readonly timeInForce: TimeInForce;
  /** Parent order id when this is a child slice of an execution algorithm. */
  readonly parentId?: string;
  /**
   * Intraday child of a schedule (added by the execution stage, optional): trade from slot `index` of `count` equal
   * slots of the session. Brokers without intraday slots treat it as a plain order.
   */
  readonly slot?: { readonly index: number; readonly count: number };
}

export interface BrokerOrder extends OrderRequest {
  readonly brokerOrderId: string;
  readonly state: OrderState;
  readonly filledQuantity: number;
  readonly averagePrice: number | null;
}

export interface Fill {
  /** Unique per fill; a repeated trade id is a duplicate and must be applied once. */
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly asset: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly date: IsoDate;
}

export type RejectCode =
  | 'insufficient-cash'
  | 'stale-price'
  | 'missing-price'
  | 'unknown-asset'
  | 'invalid-quantity'
  | 'invalid-price'
  | 'halted'
  | 'duplicate';

export type SubmitResult =
  | { readonly ok: true; readonly order: BrokerOrder; readonly existing: boolean }
  | { readonly ok: false; readonly code: RejectCode; readonly message: string };

export interface Position {
  readonly asset: string;
  readonly quantity: number;
}

export interface Account {
  readonly cash: number;
  readonly equity: number;
}

export interface Broker {
  readonly name: string;
  submit(order: OrderRequest): Promise<SubmitResult>;
  cancel(clientOrderId: string): Promise<BrokerOrder | null>;
  /** Look an order up by client order id (reconciliation after a crash or a timeout). */
  order(clientOrderId: string): Promise<BrokerOrder | null>;
  orders(filter?: { open?: boolean }): Promise<readonly BrokerOrder[]>;
  /** Fills since a trade id (exclusive) or all, in the broker's order. */
  fills(since?: string): Promise<readonly Fill[]>;
  positions(): Promise<readonly Position[]>;
  account(): Promise<Account>;
}
