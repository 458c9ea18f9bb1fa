/**
 * `keel trade audit --verify` detects an edited or deleted row: a paper ledger is edited behind Keel's back with a
 * plain SQLite connection, then verified through the CLI (one line, exit 1; exit 0 when untouched).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';
import { loadTradingStudy, openStudySession, runPaper } from '../../trading/index.ts';
import { tempDir, writeStudy } from '../../../test/support/trading-studies.ts';

type Raw = { exec(sql: string): void; close(): void };
const sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Raw;

async function paperLedger(): Promise<{ dir: string; path: string }> {
  const dir = tempDir('audit');
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

describe('keel trade audit --verify', () => {
  it('passes on an untouched ledger', async () => {
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
    it(`detects ${what}`, async () => {
      const { path } = await paperLedger();
      tamper(path, sql);
      const r = await runInProcess(['trade', 'audit', '--verify', '--ledger', path]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: audit log of .* does NOT verify: /);
      expect(r.stderr).toMatch(message);
    });
});
