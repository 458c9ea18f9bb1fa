import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../main.ts';

const study = `
name: audit-smoke
seed: 7
data:
  source: synthetic
  market: { start: 2020-01-01, years: 1, stocks: 0 }
backtest:
  rebalance: weekly
  costs: { kind: proportional, bps: 5 }
strategies:
  - kind: fixed-mix
    name: 60-40
    weights: { EQ_BROAD: 0.6, BOND_LONG: 0.4 }
  - kind: dynamic
    signal: { kind: trend, asset: EQ_BROAD, lookback: 20 }
    riskOn: { EQ_BROAD: 1 }
    riskOff: { BOND_LONG: 1 }
`;

async function keel(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('keel audit STUDY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-audit-'));
  const file = join(dir, 'study.yaml');
  writeFileSync(file, study);

  it('passes every strategy of an honest study and the baselines the run adds (default 1/N and 60/40)', async () => {
    const r = await keel(['audit', file, '--json', '--at', '2020-05-29,2020-10-30']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(true);
    type Row = { strategy: string; checks: number; baseline: boolean };
    expect(j.strategies.map((s: Row) => [s.strategy, s.checks, s.baseline])).toEqual([
      ['60-40', 4, false],
      ['dynamic', 4, false],
      ['1/N', 4, true],
      ['60/40', 4, true],
    ]);
  });

  it('a cutoff after the data or before the backtest would pass vacuously: refused in one line (exit 2)', async () => {
    for (const [at, why] of [
      ['2030-01-01', /--at\) is on or after the data's last date 2020-12-31: nothing after it can be perturbed/],
      ['2019-06-28', /is before the backtest's first date 2020-01-01: no decision is dated on or before it/],
    ] as const) {
      const r = await keel(['audit', file, '--at', `2020-05-29,${at}`]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(why);
    }
  });

  it('bad --at dates are a usage error (exit 2, one line)', async () => {
    const r = await keel(['audit', file, '--at', '2020-13-01']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--at expects real dates/);
  });
});
