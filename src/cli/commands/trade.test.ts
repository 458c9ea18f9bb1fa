/**
 * `keel trade …` through the CLI: the workflow from plan to reconciliation, approval (a plan waits; a plan edited
 * since planning is refused), and bad input — an unknown asset, a negative quantity, a price of 0, a second submit
 * of the same plan, a corrupted ledger — each a one-line error, a non-zero exit, and nothing written.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';
import { TradeLedger } from '../../trading/index.ts';
import { tempDir, writeStudy } from '../../../test/support/trading-studies.ts';

type Raw = { exec(sql: string): void; close(): void };
const sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Raw;
const manual = 'trading:\n  approval: { auto: false }\n';

function eventCount(path: string): number {
  const l = TradeLedger.open(path);
  const n = l.events().length;
  l.close();
  return n;
}

const oneLineError = (r: { code: number; stderr: string }, code: number, pattern: RegExp): void => {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe('keel trade', () => {
  it('plan → approve → submit → status → reconcile → history → halt → resume → audit --verify', async () => {
    const dir = tempDir('trade-cli');
    const study = writeStudy(dir, 'study.yaml', manual);
    const L = join(dir, 'book.sqlite');
    const plan = await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L, '--json']);
    expect(plan.stderr).toBe('');
    const body = JSON.parse(plan.stdout) as {
      id: string;
      orders: { asset: string; side: string }[];
      approved: boolean;
    };
    expect(body.id).toBe('P-2014-03-03-1');
    expect(body.orders.map((o) => `${o.side} ${o.asset}`)).toEqual(['buy EQ_BROAD', 'buy BOND_LONG', 'buy GOLD']);
    expect(body.approved).toBe(false);
    // Not approved yet: submit refuses.
    const early = await runInProcess(['trade', 'submit', body.id, '--ledger', L]);
    oneLineError(early, 2, /plan P-2014-03-03-1 is not approved; run keel trade approve P-2014-03-03-1 first/);
    expect((await runInProcess(['trade', 'approve', body.id, '--ledger', L])).stdout).toBe(
      'plan P-2014-03-03-1 approved\n',
    );
    const sub = await runInProcess(['trade', 'submit', body.id, '--ledger', L]);
    expect(sub.stderr).toBe('');
    expect(sub.stdout).toMatch(/^plan P-2014-03-03-1: 3 sent, 0 re-sent after a crash, 3 fills/);
    const status = JSON.parse((await runInProcess(['trade', 'status', '--ledger', L, '--json'])).stdout) as {
      positions: Record<string, number>;
      cash: number;
      plans: { status: string }[];
      reconciled: { positionsMatch: boolean; cashMatch: boolean };
    };
    expect(Object.keys(status.positions).sort()).toEqual(['BOND_LONG', 'EQ_BROAD', 'GOLD']);
    expect(status.plans[0]!.status).toBe('submitted');
    expect(status.reconciled).toEqual({ positionsMatch: true, cashMatch: true });
    const rec = await runInProcess(['trade', 'reconcile', '--ledger', L]);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toMatch(/positions match; cash ledger (.+), broker \1\n/);
    const hist = await runInProcess(['trade', 'history', '--ledger', L]);
    const types = hist.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[2]);
    // Orders trade during the day at the paper broker and fill at its close, after all three were sent.
    expect(types).toEqual([
      'fund',
      'plan',
      'approval',
      'submit',
      'accept',
      'submit',
      'accept',
      'submit',
      'accept',
      'submit',
      'fill',
      'fill',
      'fill',
      'reconcile',
    ]);
    expect((await runInProcess(['trade', 'halt', '--ledger', L, '--reason', 'test'])).stdout).toBe(
      'trading halted; 0 open orders canceled\n',
    );
    expect((await runInProcess(['trade', 'status', '--ledger', L])).stdout).toMatch(/^trading HALTED/);
    expect((await runInProcess(['trade', 'resume', '--ledger', L])).stdout).toBe('trading resumed\n');
    const audit = await runInProcess(['trade', 'audit', '--verify', '--ledger', L]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^audit log verified: 16 events/);
  });

  it('refuses to approve a plan whose content changed since it was planned (hash mismatch), writing nothing', async () => {
    const dir = tempDir('trade-hash');
    const study = writeStudy(dir, 'study.yaml', manual);
    const L = join(dir, 'book.sqlite');
    await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L]);
    const db = new sqlite(L);
    db.exec(`UPDATE plans SET body = replace(body, '"side":"buy"', '"side":"sell"')`);
    db.close();
    const before = eventCount(L);
    const r = await runInProcess(['trade', 'approve', 'P-2014-03-03-1', '--ledger', L]);
    oneLineError(
      r,
      1,
      /plan P-2014-03-03-1 changed since it was planned \(hash [0-9a-f]{12} ≠ planned [0-9a-f]{12}\); refusing to approve it/,
    );
    expect(eventCount(L)).toBe(before);
  });

  it('auto-approves within the stated limits only', async () => {
    const dir = tempDir('trade-auto');
    const within = writeStudy(dir, 'a.yaml', 'trading:\n  approval: { auto: true, maxTurnover: 1.0 }\n');
    const outside = writeStudy(dir, 'b.yaml', 'trading:\n  approval: { auto: true, maxTurnover: 0.5 }\n');
    const a = await runInProcess(['trade', 'plan', within, '--as-of', '2014-03-03', '--ledger', join(dir, 'a.sqlite')]);
    expect(a.stdout).toMatch(/approved \(auto: turnover=1\.00000 <= 1, orders=3 <= 100\)/);
    const b = await runInProcess([
      'trade',
      'plan',
      outside,
      '--as-of',
      '2014-03-03',
      '--ledger',
      join(dir, 'b.sqlite'),
    ]);
    expect(b.stdout).toMatch(/waiting for approval: keel trade approve P-2014-03-03-1/);
  });
});

describe('keel trade: bad input is one line, exit non-zero, and writes nothing', () => {
  const orderCases: [string, unknown[], RegExp][] = [
    [
      'a plan for an unknown asset',
      [{ asset: 'NOPE', side: 'buy', quantity: 1 }],
      /order 1 names unknown asset "NOPE"; the study's assets are EQ_BROAD/,
    ],
    [
      'a negative quantity',
      [{ asset: 'GOLD', side: 'buy', quantity: -5 }],
      /order 1 \(GOLD\) has quantity -5; quantities must be > 0/,
    ],
    [
      'a price of 0',
      [{ asset: 'GOLD', side: 'buy', quantity: 1, limitPrice: 0 }],
      /order 1 \(GOLD\) has limit price 0; prices must be > 0/,
    ],
  ];
  for (const [what, orders, message] of orderCases) {
    it(`${what}: no ledger is created`, async () => {
      const dir = tempDir('trade-bad');
      const study = writeStudy(dir, 'study.yaml', manual);
      writeFileSync(join(dir, 'o.json'), JSON.stringify(orders));
      const L = join(dir, 'book.sqlite');
      const r = await runInProcess([
        'trade',
        'plan',
        study,
        '--as-of',
        '2014-03-03',
        '--ledger',
        L,
        '--orders',
        join(dir, 'o.json'),
      ]);
      oneLineError(r, 1, message);
      expect(existsSync(L)).toBe(false);
      expect(existsSync(`${L}.broker`)).toBe(false);
    });
    it(`${what}: an existing ledger gets no event`, async () => {
      const dir = tempDir('trade-bad2');
      const study = writeStudy(dir, 'study.yaml', manual);
      const L = join(dir, 'book.sqlite');
      await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L]);
      const before = eventCount(L);
      writeFileSync(join(dir, 'o.json'), JSON.stringify(orders));
      const r = await runInProcess([
        'trade',
        'plan',
        study,
        '--as-of',
        '2014-03-04',
        '--ledger',
        L,
        '--orders',
        join(dir, 'o.json'),
      ]);
      oneLineError(r, 1, message);
      expect(eventCount(L)).toBe(before);
    });
  }

  it('a strategy naming an asset the data lacks: no ledger is created', async () => {
    const dir = tempDir('trade-bad-strategy');
    const study = join(dir, 's.yaml');
    writeFileSync(study, readFileSync(writeStudy(dir), 'utf8').replace('GOLD: 0.2', 'NOPE: 0.2'));
    const L = join(dir, 'book.sqlite');
    const r = await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/NOPE/);
    expect(existsSync(L)).toBe(false);
  });

  it('a second submit of the same plan is refused and sends nothing', async () => {
    const dir = tempDir('trade-twice');
    const study = writeStudy(dir);
    const L = join(dir, 'book.sqlite');
    await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L]);
    expect((await runInProcess(['trade', 'submit', 'P-2014-03-03-1', '--ledger', L])).code).toBe(0);
    const before = eventCount(L);
    const r = await runInProcess(['trade', 'submit', 'P-2014-03-03-1', '--ledger', L]);
    oneLineError(r, 1, /plan P-2014-03-03-1 was already submitted; a plan is sent once/);
    expect(eventCount(L)).toBe(before);
  });

  it('a corrupted ledger file is refused before anything is written', async () => {
    const dir = tempDir('trade-corrupt');
    const study = writeStudy(dir);
    const L = join(dir, 'book.sqlite');
    await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L]);
    // Checkpoint the WAL into the main file, then overwrite part of it.
    const db = new sqlite(L);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;');
    db.close();
    const bytes = readFileSync(L);
    bytes.fill(0x5a, 4096, 8192);
    writeFileSync(L, bytes);
    for (const args of [
      ['trade', 'status', '--ledger', L],
      ['trade', 'submit', 'P-2014-03-03-1', '--ledger', L],
      ['trade', 'audit', '--verify', '--ledger', L],
      ['trade', 'plan', study, '--as-of', '2014-03-04', '--ledger', L],
    ]) {
      const r = await runInProcess(args);
      oneLineError(
        r,
        1,
        /^error: ledger .*book\.sqlite is not a readable SQLite database \(.+\); restore it from a backup/,
      );
      expect(readFileSync(L).equals(bytes)).toBe(true);
    }
    writeFileSync(L, 'not a database at all\n');
    oneLineError(await runInProcess(['trade', 'history', '--ledger', L]), 1, /is not a readable SQLite database/);
    expect(readFileSync(L, 'utf8')).toBe('not a database at all\n');
  });
});

describe('keel trade plan is point in time', () => {
  it('a plan at --as-of is the same when every price after that date is replaced by garbage', async () => {
    const dir = tempDir('trade-pit');
    // 120 weekdays of 3 seeded random walks; the decision is on day 80.
    let s = 11;
    const u = (): number => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647 - 0.5;
    const rows: string[][] = [];
    let p = [100, 50, 80];
    const start = Date.UTC(2021, 0, 4);
    for (let i = 0, d = 0; rows.length < 120; d++) {
      const day = new Date(start + d * 86_400_000);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      p = p.map((x) => x * (1 + 0.02 * u()));
      rows.push([day.toISOString().slice(0, 10), ...p.map((x) => x.toFixed(6))]);
      i++;
    }
    const asOf = rows[80]![0]!;
    const csv = (garble: boolean) =>
      ['date,A,B,C', ...rows.map((r, i) => (garble && i > 80 ? [r[0], '1e6', '0.001', '777'] : r).join(','))].join(
        '\n',
      );
    const study = join(dir, 'study.yaml');
    writeFileSync(
      study,
      `name: pit
data: { source: csv, path: prices.csv }
backtest:
  periodsPerYear: 252
  initialCapital: 1000000
  costs: { kind: proportional, bps: 5 }
strategies:
  - kind: inverse-volatility
    window: 40
trading:
  limits: { maxPositionWeight: 1 }
`,
    );
    const plans: string[] = [];
    for (const garble of [false, true]) {
      writeFileSync(join(dir, 'prices.csv'), csv(garble));
      const r = await runInProcess([
        'trade',
        'plan',
        study,
        '--as-of',
        asOf,
        '--ledger',
        join(dir, `${garble}.sqlite`),
        '--json',
      ]);
      expect(r.stderr).toBe('');
      plans.push(r.stdout);
    }
    const a = JSON.parse(plans[0]!) as { hash: string; orders: unknown[]; targets: number[] };
    expect(a.orders).toHaveLength(3);
    expect(a.targets.every((w) => w > 0.1)).toBe(true);
    expect(plans[1]).toBe(plans[0]);
  });
});
