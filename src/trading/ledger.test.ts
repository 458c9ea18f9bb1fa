/**
 * The ledger: replay reproduces the derived tables exactly, fills are applied once by trade id, a state change is
 * one transaction, and `keel trade audit --verify` detects an edited or deleted row (the file edited with SQLite).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/in-process.ts';
import { TradeLedger, loadTradingStudy, openStudySession, reconcile, runPaper } from './index.ts';
import { tempDir, writeStudy } from './test-support.ts';

type Raw = { exec(sql: string): void; close(): void };
const sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Raw;

async function paperLedger(): Promise<{ dir: string; path: string }> {
  const dir = tempDir('ledger');
  const ts = await loadTradingStudy(writeStudy(dir));
  const path = join(dir, 'book.sqlite');
  const s = openStudySession(ts, path);
  await runPaper(ts, s.ledger, s.broker, '2014-03-03', '2014-03-31');
  s.end(false);
  return { dir, path };
}

/** Edit the ledger file behind Keel's back with a plain SQLite connection. */
function tamper(path: string, sql: string): void {
  const db = new sqlite(path);
  db.exec(sql);
  db.close();
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

  it('keel trade audit --verify passes on an untouched ledger', async () => {
    const { path } = await paperLedger();
    const r = await runInProcess(['trade', 'audit', '--verify', '--ledger', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit log verified: \d+ events, chain intact/);
  });

  const cases: [string, string, RegExp][] = [
    [
      'an edited event (a fill price)',
      `UPDATE events SET body = replace(body, '"price":', '"price":1') WHERE seq = (SELECT MIN(seq) FROM events WHERE type = 'fill')`,
      /event \d+ \(fill 2014-03-04\): hash mismatch, the row was edited/,
    ],
    ['a deleted event in the middle', `DELETE FROM events WHERE seq = 10`, /event 10 is missing .*a row was deleted/],
    [
      'the deleted last event',
      `DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)`,
      /events were deleted or added/,
    ],
    [
      'an edited derived row (a position)',
      `UPDATE positions SET quantity = quantity + 1 WHERE asset = 'GOLD'`,
      /derived tables differ from a replay of the events \(positions\)/,
    ],
    [
      'the last event deleted and the recorded head rewritten to hide it',
      `DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events);
       UPDATE state SET value = (SELECT seq || ':' || hash FROM events ORDER BY seq DESC LIMIT 1) WHERE key = 'head'`,
      /derived tables differ from a replay of the events \(marks, state\)/,
    ],
  ];
  for (const [what, sql, message] of cases)
    it(`keel trade audit --verify detects ${what}`, async () => {
      const { path } = await paperLedger();
      tamper(path, sql);
      const r = await runInProcess(['trade', 'audit', '--verify', '--ledger', path]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: audit log of .* does NOT verify: /);
      expect(r.stderr).toMatch(message);
    });
});
