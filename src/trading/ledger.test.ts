/**
 * The ledger: replay reproduces the derived tables exactly, fills are applied once by trade id, and a state change
 * is one transaction (src/cli/commands/trade-audit.test.ts edits the file with SQLite for audit --verify).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TradeLedger, loadTradingStudy, openStudySession, reconcile, runPaper } from './index.ts';
import { tempDir, writeStudy } from '../../test/support/trading-studies.ts';

async function paperLedger(): Promise<{ dir: string; path: string }> {
  const dir = tempDir('ledger');
  const ts = await loadTradingStudy(writeStudy(dir));
  const path = join(dir, 'book.sqlite');
  const s = openStudySession(ts, path);
  await runPaper(ts, s.ledger, s.broker, '2014-03-03', '2014-03-31');
  s.end(false);
  return { dir, path };
}

describe('trading ledger', () => {
  it('rebuildFromEvents reproduces every derived table exactly', async () => {
    const { path } = await paperLedger();
    const ledger = TradeLedger.open(path);
    const before = ledger.derivedSnapshot();
    expect((before['fills'] as unknown[]).length).toBeGreaterThan(30);
    expect((before['marks'] as unknown[]).length).toBe(21);
    ledger.rebuildFromEvents();
    expect(ledger.derivedSnapshot()).toEqual(before);
    expect(ledger.verify()).toEqual({ ok: true, events: ledger.events().length, problems: [] });
    ledger.close();
  });

  it('applies a fill once: a repeated trade id rolls the whole transaction back; reconcile books nothing twice', async () => {
    const dir = tempDir('ledger-once');
    const ts = await loadTradingStudy(writeStudy(dir));
    const s = openStudySession(ts, join(dir, 'l.sqlite'));
    await runPaper(ts, s.ledger, s.broker, '2014-03-03', '2014-03-05');
    const fill = s.ledger.fills()[0]!;
    const events = s.ledger.events().length;
    const cash = s.ledger.cash();
    expect(() =>
      s.ledger.record([
        { type: 'mark', date: '2014-03-06', body: { nav: 1, cash: 1 } },
        { type: 'fill', date: fill.date, body: { fill: fill as unknown as Record<string, unknown> } },
      ]),
    ).toThrow(/UNIQUE/);
    expect(s.ledger.events().length).toBe(events);
    expect(s.ledger.cash()).toBe(cash);
    expect(s.ledger.marks().at(-1)!.date).toBe('2014-03-05');
    const r = await reconcile(s.ledger, s.broker, '2014-03-05');
    expect(r.fillsBooked).toBe(0);
    expect(r.differences).toEqual([]);
    expect(s.ledger.events().length).toBe(events);
    s.end(false);
  });
});
