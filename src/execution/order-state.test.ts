import { describe, expect, it } from 'vitest';
import type { Fill, OrderState } from './broker-types.ts';
import { applyOrderEvent, newTrackedOrder, orderEventKinds, orderStates } from './order-state.ts';
import type { OrderEvent, OrderEventKind, TrackedOrder } from './order-state.ts';

const ID = 'run1:2024-01-02:EQ:0';
const base = newTrackedOrder({
  clientOrderId: ID,
  asset: 'EQ',
  side: 'buy',
  quantity: 10,
  type: 'market',
  timeInForce: 'day',
});
const fill = (tradeId: string, quantity: number, price = 100): Fill => ({
  tradeId,
  clientOrderId: ID,
  asset: 'EQ',
  side: 'buy',
  quantity,
  price,
  fee: 0,
  date: '2024-01-03',
});
/** An order in each state, reached as a broker would (partially-filled holds 4 of 10). */
const inState = (s: OrderState): TrackedOrder => {
  const partial = { filledQuantity: 4, averagePrice: 100, tradeIds: ['t0'] };
  if (s === 'partially-filled') return { ...base, state: s, ...partial };
  if (s === 'pending-cancel') return { ...base, state: s, previousState: 'accepted' };
  if (s === 'filled') return { ...base, state: s, filledQuantity: 10, averagePrice: 100, tradeIds: ['t0'] };
  return { ...base, state: s };
};
const eventOf = (kind: OrderEventKind): OrderEvent =>
  kind === 'fill' ? { kind, clientOrderId: ID, fill: fill('t1', 2) } : ({ kind, clientOrderId: ID } as OrderEvent);

// The legal pairs of STYLE-NEW-STAGES §7 (nautilus OrderStatus::transition) written out independently of the table.
const LEGAL: Record<OrderState, Partial<Record<OrderEventKind, OrderState>>> = {
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
    canceled: 'canceled',
    fill: 'partially-filled',
    'pending-cancel': 'pending-cancel',
    updated: 'submitted',
  },
  accepted: {
    fill: 'partially-filled',
    canceled: 'canceled',
    expired: 'expired',
    rejected: 'rejected',
    'pending-cancel': 'pending-cancel',
    updated: 'accepted',
  },
  'partially-filled': {
    fill: 'partially-filled',
    canceled: 'canceled',
    expired: 'expired',
    accepted: 'accepted',
    'pending-cancel': 'pending-cancel',
    updated: 'partially-filled',
  },
  'pending-cancel': {
    canceled: 'canceled',
    fill: 'partially-filled',
    expired: 'expired',
    rejected: 'rejected',
    accepted: 'accepted',
    'cancel-rejected': 'accepted',
  },
  canceled: { fill: 'canceled' },
  denied: {},
  rejected: {},
  filled: {},
  expired: {},
};

describe('order state machine', () => {
  it('every (state, event) pair gives the §7 state or InvalidStateTransition', () => {
    let legal = 0;
    for (const s of orderStates)
      for (const k of orderEventKinds) {
        const before = inState(s);
        const snapshot = structuredClone(before);
        const r = applyOrderEvent(before, eventOf(k));
        expect(before).toEqual(snapshot); // never mutates
        const want = LEGAL[s][k];
        if (want === undefined) {
          expect(r.ok, `${s} + ${k}`).toBe(false);
          if (!r.ok) expect(r.error.kind).toBe('InvalidStateTransition');
        } else {
          expect(r.ok, `${s} + ${k}`).toBe(true);
          if (r.ok) expect(r.order.state, `${s} + ${k}`).toBe(want);
          legal++;
        }
      }
    expect(legal).toBe(31);
  });

  it('fills accumulate quantity and the average price; the last one completes the order', () => {
    let o: TrackedOrder = { ...base, state: 'accepted' };
    for (const [id, q, p] of [
      ['a', 3, 100],
      ['b', 7, 110],
    ] as const) {
      const r = applyOrderEvent(o, { kind: 'fill', clientOrderId: ID, fill: fill(id, q, p) });
      if (!r.ok) throw new Error(r.error.message);
      o = r.order;
    }
    expect(o.state).toBe('filled');
    expect(o.filledQuantity).toBe(10);
    expect(o.averagePrice).toBeCloseTo((3 * 100 + 7 * 110) / 10, 12);
  });

  it('a repeated trade id is DuplicateFill and leaves the order as it was', () => {
    const o = inState('partially-filled');
    const r = applyOrderEvent(o, { kind: 'fill', clientOrderId: ID, fill: fill('t0', 1) });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ kind: 'DuplicateFill' }) });
  });

  it('a fill beyond the ordered quantity is Overfill; another order id is OrderIdMismatch', () => {
    const o = inState('partially-filled');
    const over = applyOrderEvent(o, { kind: 'fill', clientOrderId: ID, fill: fill('t9', 7) });
    expect(over.ok ? '' : over.error.kind).toBe('Overfill');
    const other = applyOrderEvent(o, { kind: 'canceled', clientOrderId: 'x' });
    expect(other.ok ? '' : other.error.kind).toBe('OrderIdMismatch');
  });

  it('cancel-rejected restores the state before pending-cancel; a late fill completing a canceled order fills it', () => {
    const pc = applyOrderEvent(inState('partially-filled'), { kind: 'pending-cancel', clientOrderId: ID });
    if (!pc.ok) throw new Error();
    const back = applyOrderEvent(pc.order, { kind: 'cancel-rejected', clientOrderId: ID });
    expect(back.ok && back.order.state).toBe('partially-filled');
    const late = applyOrderEvent(
      { ...inState('partially-filled'), state: 'canceled' },
      { kind: 'fill', clientOrderId: ID, fill: fill('t5', 6) },
    );
    expect(late.ok && late.order.state).toBe('filled');
  });
});
