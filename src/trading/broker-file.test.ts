/**
 * PaperBrokerFile: execution's PaperBroker kept in its own SQLite file. A file reopened at any point (as after a
 * kill) is the same broker — orders, fills, cash and positions to the bit — and trades on exactly as one that was
 * never closed; its clock only moves forward.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../execution/index.ts';
import { PaperBrokerFile, loadTradingStudy, openStudySession } from './index.ts';
import { tempDir, writeStudy } from '../../test/support/trading-studies.ts';

const order = (id: string, asset: string, side: 'buy' | 'sell', quantity: number, extra = {}): OrderRequest => ({
  clientOrderId: id,
  asset,
  side,
  quantity,
  type: 'market',
  timeInForce: 'day',
  ...extra,
});

async function state(b: PaperBrokerFile) {
  return {
    now: b.now(),
    orders: await b.orders(),
    fills: await b.fills(),
    positions: await b.positions(),
    account: await b.account(),
  };
}

describe('PaperBrokerFile', () => {
  it('reopened after every step, it is the same broker as one never closed', async () => {
    const dir = tempDir('broker-file');
    const ts = await loadTradingStudy(writeStudy(dir));
    const a = openStudySession(ts, join(dir, 'a.sqlite'));
    const b = openStudySession(ts, join(dir, 'b.sqlite'));
    let reopened = b.broker;
    const steps: ((x: PaperBrokerFile) => Promise<unknown>)[] = [
      (x) => x.openDay('2014-03-03'),
      (x) => x.submit(order('o1', 'EQ_BROAD', 'buy', 100)),
      (x) => x.submit(order('o2', 'GOLD', 'buy', 50, { type: 'limit', limitPrice: 1e-3, timeInForce: 'gtc' })),
      (x) => x.closeDay('2014-03-03'),
      (x) => x.openDay('2014-03-06'),
      (x) => x.submit(order('o3', 'EQ_BROAD', 'sell', 40)),
      (x) => x.cancel('o2'),
      (x) => x.closeDay('2014-03-06'),
    ];
    for (const step of steps) {
      await step(a.broker);
      await step(reopened);
      reopened.close();
      reopened = PaperBrokerFile.open(join(dir, 'b.sqlite.broker'));
      expect(await state(reopened)).toEqual(await state(a.broker));
    }
    const s = await state(reopened);
    expect(s.now).toBe('2014-03-06');
    expect(s.fills.map((f) => [f.clientOrderId, f.date])).toEqual([
      ['o1', '2014-03-03'],
      ['o3', '2014-03-06'],
    ]);
    expect(s.orders.find((o) => o.clientOrderId === 'o2')!.state).toBe('canceled');
    // The clock only moves forward: a date before it is refused with one line; the closed day is a no-op.
    await expect(reopened.openDay('2014-03-04')).rejects.toThrow(
      /^the paper broker has already traded up to 2014-03-06, after 2014-03-04; trade on 2014-03-06 or later$/,
    );
    expect(await reopened.closeDay('2014-03-06')).toEqual([]);
    reopened.close();
    a.end(false);
    b.ledger.close();
  });

  it('refuses a file that is not a paper-broker file with one line', async () => {
    const dir = tempDir('broker-file-bad');
    const ts = await loadTradingStudy(writeStudy(dir));
    const s = openStudySession(ts, join(dir, 'l.sqlite'));
    s.end(false);
    // The ledger is a SQLite file, but not a broker's.
    expect(() => PaperBrokerFile.open(join(dir, 'l.sqlite'))).toThrow(/is not a Keel paper-broker file/);
  });
});
