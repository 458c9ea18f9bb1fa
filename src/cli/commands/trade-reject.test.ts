/**
 * `keel trade reject` through the CLI: a declined plan is a hash-chained `rejection` event; it can never be approved
 * or submitted (nor auto-approved by the library), its orders leave the open book, and `keel trade audit --verify` still verifies.
 * Only a plan waiting for approval can be rejected; every refusal is one line and writes nothing.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';
import { TradeLedger } from '../../trading/index.ts';
import { tempDir, writeStudy } from '../../../test/support/trading-studies.ts';

const manual = 'trading:\n  approval: { auto: false }\n';
const ID = 'P-2014-03-03-1';

function events(path: string): { type: string; body: Record<string, unknown> }[] {
  const l = TradeLedger.open(path);
  try {
    return l.events();
  } finally {
    l.close();
  }
}

const oneLineError = (r: { code: number; stderr: string }, code: number, pattern: RegExp): void => {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

async function planned(prefix: string, extra = manual): Promise<{ study: string; L: string }> {
  const dir = tempDir(prefix);
  const study = writeStudy(dir, 'study.yaml', extra);
  const L = join(dir, 'book.sqlite');
  const p = await runInProcess(['trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', L]);
  expect(p.stderr).toBe('');
  return { study, L };
}

describe('keel trade reject', () => {
  it('records the rejection (by, reason, plan hash); the plan can then never be approved or submitted; audit --verify passes', async () => {
    const { L } = await planned('trade-reject');
    const r = await runInProcess(['trade', 'reject', ID, '--ledger', L, '--reason', 'turnover too high today']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`plan ${ID} rejected: turnover too high today\n`);
    const rejection = events(L).filter((e) => e.type === 'rejection');
    expect(rejection).toEqual([
      expect.objectContaining({
        body: {
          planId: ID,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          by: 'cli',
          reason: 'turnover too high today',
        },
      }),
    ]);
    const status = JSON.parse((await runInProcess(['trade', 'status', '--ledger', L, '--json'])).stdout) as {
      plans: { id: string; status: string }[];
      openOrders: unknown[];
    };
    expect(status.plans).toEqual([expect.objectContaining({ id: ID, status: 'rejected' })]);
    expect(status.openOrders).toEqual([]); // its 3 orders were never sent and are no longer open

    const before = events(L).length;
    oneLineError(
      await runInProcess(['trade', 'approve', ID, '--ledger', L]),
      1,
      /plan P-2014-03-03-1 is rejected, not waiting for approval; only a planned plan can be approved/,
    );
    oneLineError(
      await runInProcess(['trade', 'submit', ID, '--ledger', L]),
      1,
      /plan P-2014-03-03-1 was rejected \(see keel trade history --type rejection\); a rejected plan is never sent/,
    );
    oneLineError(
      await runInProcess(['trade', 'reject', ID, '--ledger', L]),
      1,
      /plan P-2014-03-03-1 is rejected, not waiting for approval; only a planned plan can be rejected/,
    );
    expect(events(L).length).toBe(before);
    const hist = await runInProcess(['trade', 'history', '--type', 'rejection', '--ledger', L]);
    expect(hist.stdout).toMatch(/^\d+ 2014-03-03 rejection \{.*"reason":"turnover too high today"/);
    const audit = await runInProcess(['trade', 'audit', '--verify', '--ledger', L]);
    expect(audit.stderr).toBe('');
    expect(audit.stdout).toMatch(/^audit log verified: \d+ events, chain intact, derived tables equal a replay/);
  });

  it('a rejected plan stays rejected for the library too: autoApprove declines it, submitPlan refuses it, replay reproduces it', async () => {
    const { study, L } = await planned('trade-reject-lib');
    await runInProcess(['trade', 'reject', ID, '--ledger', L]);
    const t = await import('../../trading/index.ts');
    const ts = await t.loadTradingStudy(study);
    const s = t.openStudySession(ts, L);
    try {
      const a = t.autoApprove(s.ledger, ID, '2014-03-03', { auto: true, maxTurnover: 10, maxOrders: 100 });
      expect(a).toEqual({ approved: false, by: 'auto', why: `plan ${ID} is rejected, not waiting for approval` });
      const row = ts.indexOf('2014-03-03', 'as-of');
      await expect(
        t.submitPlan(s.ledger, s.broker, ID, '2014-03-03', ts.guardrails, t.marketAt(ts, row)),
      ).rejects.toThrow(/a rejected plan is never sent/);
      expect(await s.broker.orders()).toEqual([]);
      const before = s.ledger.derivedSnapshot();
      s.ledger.rebuildFromEvents();
      expect(s.ledger.derivedSnapshot()).toEqual(before);
      expect(s.ledger.plan(ID)!.status).toBe('rejected');
    } finally {
      s.end(false);
    }
  });

  it('refuses an approved plan, an unknown plan and an over-long reason: one line, nothing written', async () => {
    const { L } = await planned('trade-reject-bad', 'trading:\n  approval: { auto: true }\n');
    const before = events(L).length;
    oneLineError(
      await runInProcess(['trade', 'reject', ID, '--ledger', L]),
      1,
      /plan P-2014-03-03-1 is approved, not waiting for approval; only a planned plan can be rejected \(to stop an approved plan, keel trade halt\)$/,
    );
    oneLineError(
      await runInProcess(['trade', 'reject', 'NOPE', '--ledger', L]),
      1,
      /^error: no plan NOPE in .*; plans: P-2014-03-03-1$/,
    );
    const { L: L2 } = await planned('trade-reject-long');
    const n2 = events(L2).length;
    oneLineError(
      await runInProcess(['trade', 'reject', ID, '--ledger', L2, '--reason', 'x'.repeat(501)]),
      2,
      /the reason for rejecting plan P-2014-03-03-1 is 501 characters; keep it to 500 or fewer/,
    );
    expect(events(L).length).toBe(before);
    expect(events(L2).length).toBe(n2);
  });
});
