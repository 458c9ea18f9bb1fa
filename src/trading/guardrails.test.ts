/**
 * Guardrails: each rule denies with a coded reason carrying its numbers, the limits are frozen, and through the
 * desk a denial is recorded as a named breach in the audit log (the kill switch also cancels open orders; the
 * drawdown stop also halts trading).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  approvePlan,
  checkOrders,
  createGuardrails,
  halt,
  loadTradingStudy,
  manualPlan,
  marketAt,
  openStudySession,
  reconcile,
  recordPlan,
  resume,
  submitPlan,
  type GuardContext,
} from './index.ts';
import { tempDir, writeStudy } from '../../test/support/trading-studies.ts';
import { writeFileSync } from 'node:fs';

const base: GuardContext = {
  date: '2024-01-10',
  halted: false,
  nav: 1_000_000,
  positions: new Map([['A', 1000]]),
  lastClose: new Map([
    ['A', 100],
    ['B', 50],
  ]),
  lastPriceDate: new Map([
    ['A', '2024-01-10'],
    ['B', '2024-01-10'],
  ]),
  turnoverToday: 0,
  ordersToday: 0,
  peakNav: 1_000_000,
};
const buyB = (quantity: number, price = 50) => ({
  clientOrderId: 'o1',
  asset: 'B',
  side: 'buy' as const,
  quantity,
  price,
});

describe('guardrail rules', () => {
  it('freezes its limits', () => {
    const g = createGuardrails({ maxOrderNotional: 10 });
    expect(Object.isFrozen(g)).toBe(true);
    expect(() => {
      (g as { maxOrderNotional: number }).maxOrderNotional = 1e9;
    }).toThrow(TypeError);
  });

  it('allows an order inside every limit', () => {
    expect(checkOrders(createGuardrails(), [buyB(100)], base)).toEqual([]);
  });

  const rules: [
    string,
    Parameters<typeof createGuardrails>[0],
    Partial<GuardContext>,
    ReturnType<typeof buyB>,
    string,
  ][] = [
    [
      'order notional',
      { maxOrderNotional: 4000 },
      {},
      buyB(100),
      'notional-exceeds-max: order=o1, max=4000, notional=5000',
    ],
    [
      'position weight',
      { maxPositionWeight: 0.1 },
      {},
      buyB(3000),
      'position-weight-exceeds-max: asset=B, max=0.100000, weight=0.150000',
    ],
    [
      'gross exposure',
      { maxGrossExposure: 0.15 },
      {},
      buyB(2000),
      'gross-exposure-exceeds-max: max=0.150000, gross=0.200000',
    ],
    [
      'daily turnover',
      { maxDailyTurnover: 0.01 },
      { turnoverToday: 8000 },
      buyB(100),
      'daily-turnover-exceeds-max: max=0.0100000, turnover=0.0130000, date=2024-01-10',
    ],
    [
      'orders per day',
      { maxOrdersPerDay: 3 },
      { ordersToday: 3 },
      buyB(1),
      'orders-per-day-exceeds-max: max=3, orders=4, date=2024-01-10',
    ],
    [
      'price collar',
      { priceCollar: 0.05 },
      {},
      buyB(10, 60),
      'price-outside-collar: order=o1, collar=0.0500000, price=60, lastClose=50',
    ],
    [
      'stale data',
      { maxDataAgeDays: 3 },
      { lastPriceDate: new Map([['B', '2024-01-02']]) },
      buyB(10),
      'stale-data: asset=B, lastPrice=2024-01-02, date=2024-01-10, ageDays=8, max=3',
    ],
    [
      'drawdown stop',
      { maxDrawdown: 0.2 },
      { nav: 700_000, peakNav: 1_000_000 },
      buyB(10),
      'drawdown-exceeds-max: max=0.200000, drawdown=0.300000, peak=1000000, nav=700000',
    ],
    [
      'kill switch',
      {},
      { halted: true },
      buyB(10),
      'trading-halted: the kill switch is on (keel trade halt); run keel trade resume',
    ],
  ];
  for (const [name, limits, ctx, order, message] of rules)
    it(`${name}: denies with a coded reason and its numbers`, () => {
      const d = checkOrders(createGuardrails(limits), [order], { ...base, ...ctx });
      expect(d.map((x) => x.message)).toContain(message);
      // Just inside the limit passes (the rule is not tripped by anything else in the context).
      expect(checkOrders(createGuardrails(), [buyB(1)], { ...base, halted: false })).toEqual([]);
    });
});

describe('guardrails through the desk: breaches in the audit log', () => {
  async function setup(limits: string) {
    const dir = tempDir('guard');
    const ts = await loadTradingStudy(writeStudy(dir, 'study.yaml', `trading:\n  limits: ${limits}\n`));
    const s = openStudySession(ts, join(dir, 'l.sqlite'));
    const date = '2014-03-03';
    await s.broker.openDay(date);
    const plan = (id: string, orders: unknown[]) => {
      writeFileSync(join(dir, `${id}.json`), JSON.stringify(orders));
      recordPlan(s.ledger, manualPlan(ts, s.ledger, id, ts.indexOf(date, 'date'), join(dir, `${id}.json`)));
      approvePlan(s.ledger, id, date);
    };
    // Send during `date`, then close the day at the broker (fills at its close) and book it.
    const submit = async (id: string, closeDay = true) => {
      const r = await submitPlan(s.ledger, s.broker, id, date, ts.guardrails, marketAt(ts, ts.indexOf(date, 'date')));
      if (closeDay) {
        await s.broker.closeDay(date);
        await reconcile(s.ledger, s.broker, date, { booking: true });
      }
      return r;
    };
    return { ts, s, plan, submit, date };
  }

  it('an order over the notional limit is denied and recorded as breach order-notional; the rest are sent', async () => {
    const { s, plan, submit } = await setup('{ maxOrderNotional: 100 }');
    plan('P1', [
      { asset: 'BOND_LONG', side: 'buy', quantity: 0.01 },
      { asset: 'GOLD', side: 'buy', quantity: 1 },
    ]);
    const r = await submit('P1');
    expect(r.sent).toBe(1);
    const breaches = s.ledger.events({ type: 'breach' });
    expect(breaches).toHaveLength(1);
    expect(breaches[0]!.body).toMatchObject({
      rule: 'order-notional',
      code: 'notional-exceeds-max',
      clientOrderId: 'P1-2-GOLD',
    });
    expect(String(breaches[0]!.body['message'])).toMatch(/^notional-exceeds-max: order=P1-2-GOLD, max=100, notional=/);
    expect(s.ledger.order('P1-2-GOLD')!.state).toBe('denied');
    expect(s.ledger.order('P1-1-BOND_LONG')!.state).toBe('filled');
    s.end(false);
  });

  it('the kill switch cancels open orders, blocks the next plan with a breach, and resume lifts it', async () => {
    const { s, plan, submit } = await setup('{ priceCollar: 1 }');
    // A limit buy far below the market rests open at the broker (the day has not closed).
    plan('P1', [{ asset: 'GOLD', side: 'buy', quantity: 1, limitPrice: 1 }]);
    await submit('P1', false);
    expect(s.ledger.order('P1-1-GOLD')!.state).toBe('accepted');
    expect(await halt(s.ledger, s.broker, '2014-03-03', 'test')).toBe(1);
    expect(s.ledger.order('P1-1-GOLD')!.state).toBe('canceled');
    expect((await s.broker.order('P1-1-GOLD'))!.state).toBe('canceled');
    plan('P2', [{ asset: 'GOLD', side: 'buy', quantity: 1 }]);
    const r = await submit('P2');
    expect(r.sent).toBe(0);
    expect(r.denials.map((d) => d.code)).toEqual(['trading-halted']);
    expect(s.ledger.events({ type: 'breach' }).at(-1)!.body).toMatchObject({ rule: 'kill-switch', planId: 'P2' });
    expect(await s.broker.order('P2-1-GOLD')).toBeNull();
    resume(s.ledger, '2014-03-03', 'test');
    expect((await submit('P2')).sent).toBe(1);
    s.end(false);
  });

  it('the drawdown stop records its breach and halts trading', async () => {
    const { s, plan, submit } = await setup('{ maxDrawdown: 0.1 }');
    s.ledger.record([{ type: 'mark', date: '2014-02-28', body: { nav: 1_200_000, cash: 0 } }]);
    plan('P1', [{ asset: 'GOLD', side: 'buy', quantity: 1 }]);
    const r = await submit('P1');
    expect(r.denials.map((d) => d.rule)).toEqual(['drawdown-stop']);
    expect(s.ledger.halted).toBe(true);
    expect(s.ledger.events({ type: 'halt' }).at(-1)!.body).toEqual({ reason: 'drawdown-stop' });
    expect(s.ledger.plan('P1')!.status).toBe('denied');
    s.end(false);
  });
});
