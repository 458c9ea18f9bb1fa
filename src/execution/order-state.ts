/**
 * The order state machine as data (nautilus `OrderStatus::transition`, without emulation and stop triggers): one
 * table `(state, event) → state`; `applyOrderEvent` returns a new order or a typed error, never mutates.
 *
 * A `fill` event leads to `partially-filled` or `filled` by comparing the cumulative with the ordered quantity; a
 * late fill on a `canceled` order (a real-world possibility) records the quantity and stays `canceled` unless it
 * completes the order. `cancel-rejected` restores the state held before `pending-cancel`. `updated` keeps the
 * state. A repeated trade id is `DuplicateFill`; an event for another client order id is `OrderIdMismatch`.
 */
import type { BrokerOrder, Fill, OrderRequest, OrderState, RejectCode } from './broker-types.ts';

export type OrderEventKind =
  | 'denied'
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'fill'
  | 'pending-cancel'
  | 'cancel-rejected'
  | 'canceled'
  | 'expired'
  | 'updated';

export const orderEventKinds = [
  'denied',
  'submitted',
  'accepted',
  'rejected',
  'fill',
  'pending-cancel',
  'cancel-rejected',
  'canceled',
  'expired',
  'updated',
] as const satisfies readonly OrderEventKind[];

export const orderStates = [
  'initialized',
  'denied',
  'submitted',
  'accepted',
  'rejected',
  'partially-filled',
  'filled',
  'pending-cancel',
  'canceled',
  'expired',
] as const satisfies readonly OrderState[];

/** A fill's entry reads "partially-filled or filled, by cumulative quantity" (`applyOrderEvent` decides). */
const FILLS = 'filled' as const;
/** cancel-rejected's entry reads "the state before pending-cancel" (`applyOrderEvent` restores it). */
const PREVIOUS = 'accepted' as const;

/** Legal transitions. Absent pairs are `InvalidStateTransition`. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, Partial<Record<OrderEventKind, OrderState>>>> = {
  // External orders (found at the broker during reconciliation) may also jump straight to accepted and beyond.
  initialized: {
    denied: 'denied',
    submitted: 'submitted',
    accepted: 'accepted',
    rejected: 'rejected',
    canceled: 'canceled',
    expired: 'expired',
  },
  submitted: {
    accepted: 'accepted',
    rejected: 'rejected',
    canceled: 'canceled', // IOC/FOK
    fill: FILLS,
    'pending-cancel': 'pending-cancel',
    updated: 'submitted',
  },
  accepted: {
    fill: FILLS,
    canceled: 'canceled',
    expired: 'expired',
    rejected: 'rejected',
    'pending-cancel': 'pending-cancel',
    updated: 'accepted',
  },
  'partially-filled': {
    fill: FILLS,
    canceled: 'canceled',
    expired: 'expired',
    accepted: 'accepted',
    'pending-cancel': 'pending-cancel',
    updated: 'partially-filled',
  },
  'pending-cancel': {
    canceled: 'canceled',
    fill: FILLS,
    expired: 'expired',
    rejected: 'rejected',
    accepted: 'accepted', // the cancel failed
    'cancel-rejected': PREVIOUS,
  },
  canceled: { fill: FILLS }, // a late fill
  denied: {},
  rejected: {},
  filled: {},
  expired: {},
};

export type OrderEvent =
  | { readonly kind: 'fill'; readonly clientOrderId: string; readonly fill: Fill }
  | { readonly kind: 'accepted'; readonly clientOrderId: string; readonly brokerOrderId?: string }
  | { readonly kind: 'rejected' | 'denied'; readonly clientOrderId: string; readonly code?: RejectCode }
  | {
      readonly kind: Exclude<OrderEventKind, 'fill' | 'accepted' | 'rejected' | 'denied'>;
      readonly clientOrderId: string;
    };

/** A broker order with what the state machine needs to check events: applied trade ids and the state before a cancel request. */
export interface TrackedOrder extends BrokerOrder {
  readonly tradeIds: readonly string[];
  readonly previousState?: OrderState;
}

export type OrderEventError = {
  readonly kind: 'InvalidStateTransition' | 'DuplicateFill' | 'OrderIdMismatch' | 'Overfill';
  readonly message: string;
};

export type ApplyResult =
  { readonly ok: true; readonly order: TrackedOrder } | { readonly ok: false; readonly error: OrderEventError };

export const CLOSED_STATES: ReadonlySet<OrderState> = new Set(['denied', 'rejected', 'canceled', 'expired', 'filled']);
/** Open = may still trade: everything not closed and past initialization. */
export const isOpen = (s: OrderState): boolean => !CLOSED_STATES.has(s) && s !== 'initialized';

const fail = (kind: OrderEventError['kind'], message: string): ApplyResult => ({ ok: false, error: { kind, message } });

/** Apply one event; returns a new order (the input is never changed) or a typed error. */
export function applyOrderEvent(order: TrackedOrder, event: OrderEvent): ApplyResult {
  if (event.clientOrderId !== order.clientOrderId)
    return fail(
      'OrderIdMismatch',
      `event ${event.kind} is for client order id ${event.clientOrderId}, not ${order.clientOrderId}.`,
    );
  const next = ORDER_TRANSITIONS[order.state][event.kind];
  if (next === undefined)
    return fail(
      'InvalidStateTransition',
      `order ${order.clientOrderId}: event ${event.kind} is not allowed in state ${order.state}.`,
    );
  if (event.kind === 'fill') {
    const f = event.fill;
    if (order.tradeIds.includes(f.tradeId))
      return fail('DuplicateFill', `order ${order.clientOrderId}: trade id ${f.tradeId} was already applied.`);
    if (!(f.quantity > 0))
      return fail(
        'Overfill',
        `order ${order.clientOrderId}: fill ${f.tradeId} has quantity ${f.quantity}; fills must be > 0.`,
      );
    const filled = order.filledQuantity + f.quantity;
    // Relative tolerance for fractional quantities summed fill by fill.
    if (filled > order.quantity * (1 + 1e-12))
      return fail(
        'Overfill',
        `order ${order.clientOrderId}: fill ${f.tradeId} brings the filled quantity to ${filled} > ordered ${order.quantity}.`,
      );
    const complete = filled >= order.quantity * (1 - 1e-12);
    const avg = ((order.averagePrice ?? 0) * order.filledQuantity + f.price * f.quantity) / filled;
    const state: OrderState = complete ? 'filled' : order.state === 'canceled' ? 'canceled' : 'partially-filled';
    return {
      ok: true,
      order: { ...order, state, filledQuantity: filled, averagePrice: avg, tradeIds: [...order.tradeIds, f.tradeId] },
    };
  }
  if (event.kind === 'pending-cancel')
    return { ok: true, order: { ...order, state: next, previousState: order.state } };
  if (event.kind === 'cancel-rejected') {
    const { previousState, ...rest } = order;
    return { ok: true, order: { ...rest, state: previousState ?? 'accepted' } };
  }
  if (event.kind === 'accepted' && event.brokerOrderId !== undefined)
    return { ok: true, order: { ...order, state: next, brokerOrderId: event.brokerOrderId } };
  return { ok: true, order: { ...order, state: next } };
}

/** A fresh order in state `initialized` for a request (broker id empty until accepted). */
export function newTrackedOrder(req: OrderRequest): TrackedOrder {
  return { ...req, brokerOrderId: '', state: 'initialized', filledQuantity: 0, averagePrice: null, tradeIds: [] };
}
