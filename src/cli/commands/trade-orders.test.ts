/**
 * Order style in plans (`trading.orders` in the study, or `--lot-size`, `--min-trade-value`, `--order-type`,
 * `--limit-collar-bps` on `keel trade plan` / `keel paper`): whole lots, a minimum trade value, limit orders with a
 * collar around the last close, market-on-close — through the CLI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';
import { TradeLedger } from '../../trading/index.ts';
import { tempDir, writeStudy } from '../../../test/support/trading-studies.ts';

const manual = 'trading:\n  approval: { auto: false }\n';

interface PlanJson {
  id: string;
  nav: number;
  orders: {
    asset: string;
    side: string;
    quantity: number;
    type: string;
    timeInForce: string;
    limitPrice?: number;
    price: number;
  }[];
}

async function plan(dir: string, study: string, extra: string[]): Promise<PlanJson> {
  const r = await runInProcess([
    'trade',
    'plan',
    study,
    '--as-of',
    '2014-03-03',
    '--ledger',
    join(dir, 'b.sqlite'),
    '--json',
    ...extra,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as PlanJson;
}

const isMultiple = (x: number, lot: number): boolean => Math.abs(x / lot - Math.round(x / lot)) < 1e-9;

describe('plans honour whole lots, a minimum trade value and the order type', () => {
  it('keel trade plan --lot-size 10 --min-trade-value 250000: whole lots, no order under the minimum, cash covers the buys', async () => {
    const dir = tempDir('orders-lots');
    const p = await plan(dir, writeStudy(dir, 'study.yaml', manual), [
      '--lot-size',
      '10',
      '--min-trade-value',
      '250000',
    ]);
    // Targets 50/30/20 % of 1e6: GOLD's 200 000 is under the minimum and is not traded.
    expect(p.orders.map((o) => o.asset)).toEqual(['EQ_BROAD', 'BOND_LONG']);
    for (const o of p.orders) {
      expect(isMultiple(o.quantity, 10)).toBe(true);
      expect(o.quantity * o.price).toBeGreaterThanOrEqual(250_000);
    }
    expect(p.orders.reduce((s, o) => s + o.quantity * o.price, 0)).toBeLessThanOrEqual(1_000_000);
  });

  it('keel trade plan --order-type limit --limit-collar-bps 100: day limits 1 % through the last close', async () => {
    const dir = tempDir('orders-limit');
    const p = await plan(dir, writeStudy(dir, 'study.yaml', manual), [
      '--order-type',
      'limit',
      '--limit-collar-bps',
      '100',
    ]);
    expect(p.orders).toHaveLength(3);
    for (const o of p.orders) {
      expect(o).toMatchObject({ type: 'limit', timeInForce: 'day' });
      // --as-of is the decision and the sizing date: the last close is the order's price.
      expect(o.limitPrice).toBeCloseTo(o.price * (o.side === 'buy' ? 1.01 : 0.99), 9);
    }
  });

  it('the study asks for market-on-close: plan, approve, submit fills every order at the close', async () => {
    const dir = tempDir('orders-moc');
    const study = writeStudy(dir, 'study.yaml', `${manual}  orders: { type: market-on-close }\n`);
    const p = await plan(dir, study, []);
    for (const o of p.orders) expect(o).toMatchObject({ type: 'market-on-close', timeInForce: 'cls' });
    const L = join(dir, 'b.sqlite');
    expect((await runInProcess(['trade', 'approve', p.id, '--ledger', L])).code).toBe(0);
    const sub = await runInProcess(['trade', 'submit', p.id, '--ledger', L]);
    expect(sub.stderr).toBe('');
    expect(sub.stdout).toMatch(/^plan .*: 3 sent, 0 re-sent after a crash, 3 fills/);
    const ledger = TradeLedger.open(L);
    try {
      const fills = ledger.fills();
      expect(fills.map((f) => f.price)).toEqual(p.orders.map((o) => o.price));
    } finally {
      ledger.close();
    }
  });

  it(
    'keel paper with trading.orders { lotSize: 5, type: limit }: every fill whole lots and within its limit',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('orders-paper');
      const study = writeStudy(
        dir,
        'study.yaml',
        'trading:\n  approval: { auto: true }\n  orders: { lotSize: 5, type: limit, limitCollarBps: 30 }\n',
      );
      const L = join(dir, 'b.sqlite');
      const r = await runInProcess(['paper', study, '--from', '2014-03-03', '--to', '2014-04-30', '--ledger', L]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const ledger = TradeLedger.open(L);
      try {
        const fills = ledger.fills();
        expect(fills.length).toBeGreaterThan(0);
        for (const f of fills) {
          const o = ledger.order(f.clientOrderId)!;
          expect(o.type).toBe('limit');
          expect(isMultiple(f.quantity, 5)).toBe(true);
          expect(f.side === 'buy' ? f.price <= o.limitPrice! : f.price >= o.limitPrice!).toBe(true);
        }
        for (const [, q] of ledger.positions()) expect(isMultiple(q, 5)).toBe(true);
      } finally {
        ledger.close();
      }
      // The same with --lot-size on the command line overriding the study: lots of 20.
      const L2 = join(dir, 'c.sqlite');
      const r2 = await runInProcess([
        'paper',
        study,
        '--from',
        '2014-03-03',
        '--to',
        '2014-03-31',
        '--ledger',
        L2,
        '--lot-size',
        '20',
      ]);
      expect(r2.code).toBe(0);
      const l2 = TradeLedger.open(L2);
      try {
        for (const f of l2.fills()) expect(isMultiple(f.quantity, 20)).toBe(true);
      } finally {
        l2.close();
      }
    },
  );

  it('refuses bad order settings with one line and exit 2, writing nothing', async () => {
    const dir = tempDir('orders-bad');
    const study = writeStudy(dir, 'study.yaml', manual);
    const L = join(dir, 'b.sqlite');
    const neg = await runInProcess([
      'trade',
      'plan',
      study,
      '--as-of',
      '2014-03-03',
      '--ledger',
      L,
      '--lot-size',
      '-1',
    ]);
    expect(neg.code).toBe(2);
    expect(neg.stderr.trim().split('\n')).toHaveLength(1);
    expect(neg.stderr).toMatch(/^error: order settings: lotSize: /);
    const bad = await runInProcess([
      'trade',
      'plan',
      study,
      '--as-of',
      '2014-03-03',
      '--ledger',
      L,
      '--order-type',
      'stop',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected market, limit or market-on-close, got "stop"/);
    const sliced = join(dir, 'sliced.yaml');
    writeFileSync(
      sliced,
      readFileSync(study, 'utf8').replace(
        'trading:\n',
        'trading:\n  execution: { algorithm: twap }\n  orders: { type: limit }\n',
      ),
    );
    const clash = await runInProcess(['paper', sliced, '--from', '2014-03-03', '--to', '2014-03-31', '--ledger', L]);
    expect(clash.code).toBe(2);
    expect(clash.stderr.trim().split('\n')).toHaveLength(1);
    expect(clash.stderr).toMatch(/slices market orders into intraday children, but trading.orders.type is limit/);
    expect(() => readFileSync(L)).toThrow();
  });
});
