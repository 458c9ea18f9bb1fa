/**
 * Settings no data of the universe can satisfy are refused before any backtest (exit 2, one line with the
 * arithmetic, no run folder) instead of running as all-cash strategies with exit 0; a price that stops moving is
 * left out with a finding instead of receiving the whole portfolio. Through runStudy, the path `keel run` takes.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-impossible-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 0, 1));

/** 4 assets × 160 weekdays of seeded random walks; `flatFrom` makes D's price constant from that row on. */
function writePrices(name: string, flatFrom = Infinity): string {
  let s = 99;
  const u = (): number => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647 - 0.5;
  const lines = ['date,A,B,C,D'];
  let p = [100, 50, 80, 30];
  let k = 0;
  for (let d = Date.UTC(2021, 0, 4); k < 160; d += 864e5) {
    const day = new Date(d).getUTCDay();
    if (day === 0 || day === 6) continue;
    p = p.map((x, j) => (j === 3 && k >= flatFrom ? x : x * (1 + 0.0004 + 0.02 * u())));
    lines.push(`${new Date(d).toISOString().slice(0, 10)},${p.map((x) => x.toFixed(6)).join(',')}`);
    k++;
  }
  const path = join(work, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const backtest = { costs: { kind: 'none' }, rebalance: 'monthly', start: '2021-04-01' };

async function refusal(study: object, out: string): Promise<{ kind?: string; exitCode?: number; problems: string[] }> {
  const err = (await runStudy(study, { outDir: out, clock }).catch((e: unknown) => e)) as {
    kind?: string;
    exitCode?: number;
    problems?: string[];
    message: string;
  };
  expect(err).toBeInstanceOf(Error);
  expect(existsSync(out) ? readdirSync(out).filter((f) => !f.startsWith('.')) : []).toEqual([]);
  return { ...err, problems: err.problems ?? [err.message] } as never;
}

describe('impossible settings are refused before any backtest', () => {
  it('weightBounds [0, 0.1] on a 4-asset data.universe: refused at validation with the arithmetic', async () => {
    const err = await refusal(
      {
        name: 'bounds',
        data: {
          source: 'synthetic',
          market: { years: 1, stocks: 0 },
          universe: ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'],
        },
        backtest: { ...backtest, start: '2015-04-01' },
        strategies: [
          {
            name: 'mv',
            kind: 'allocator',
            window: 40,
            allocator: { kind: 'min-variance' },
            constraints: { weightBounds: [0, 0.1] },
          },
        ],
      },
      join(work, 'r1'),
    );
    expect(err.kind).toBe('config');
    expect(err.exitCode).toBe(2);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(
      /strategies\[0\]: strategy mv: constraints: 4 assets × max weight 0\.1 = 0\.4 < 1.*raise the upper bound to ≥ 0\.25/,
    );
  });

  it('the same bounds without data.universe: refused right after the data step, before any backtest', async () => {
    const err = await refusal(
      {
        name: 'bounds-late',
        data: { source: 'csv', path: writePrices('p1.csv') },
        backtest,
        strategies: [
          {
            name: 'mv',
            kind: 'allocator',
            window: 40,
            allocator: { kind: 'hrp' },
            constraints: { weightBounds: [0, 0.1] },
          },
        ],
      },
      join(work, 'r2'),
    );
    expect(err.exitCode).toBe(2);
    expect(err.problems).toEqual([
      expect.stringMatching(
        /^strategies\[0\] \(mv\): strategy mv: constraints: 4 assets × max weight 0\.1 = 0\.4 < 1.*\(the data has 4 assets × 160 dates\)$/,
      ),
    ]);
  });

  it('ml-forecast maxWeight 0.1 on 4 assets: refused (4 assets × maxWeight 0.1 = 0.4 < 1)', async () => {
    const err = await refusal(
      {
        name: 'ml',
        data: { source: 'synthetic', market: { years: 2, stocks: 0 } },
        backtest: { ...backtest, start: '2015-06-01' },
        strategies: [
          {
            name: 'ml',
            kind: 'ml-forecast',
            universe: ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'],
            portfolio: { maxWeight: 0.1 },
          },
        ],
      },
      join(work, 'r3'),
    );
    expect(err.exitCode).toBe(2);
    expect(err.problems[0]).toMatch(
      /strategy ml: portfolio: 4 assets × maxWeight 0\.1 = 0\.4 < 1, so mean-variance cannot invest fully/,
    );
  });

  it('an estimation window longer than the data: refused with the counts', async () => {
    const err = await refusal(
      {
        name: 'window',
        data: { source: 'csv', path: writePrices('p2.csv') },
        backtest,
        strategies: [{ name: 'long', kind: 'allocator', window: 500, allocator: { kind: 'min-variance' } }],
      },
      join(work, 'r4'),
    );
    expect(err.exitCode).toBe(2);
    expect(err.problems[0]).toMatch(/window 500 returns needs 501 prices but the data has 160 dates.*use window ≤ 159/);
  });
});

describe('a price that stops moving', () => {
  it.each(['min-variance', 'hrp', 'risk-parity'])(
    '%s leaves the zero-variance asset out with a finding naming it and the date, never the whole portfolio in it',
    async (kind) => {
      const path = writePrices(`flat-${kind}.csv`, 70);
      const r = await runStudy(
        {
          name: `flat-${kind}`,
          data: { source: 'csv', path },
          backtest,
          strategies: [{ name: 's', kind: 'allocator', window: 40, allocator: { kind } }],
          baselines: [],
          report: { html: false },
        },
        { outDir: join(work, `r-${kind}`), clock },
      );
      const zero = r.findings.filter((f) => f.kind === 'zero-variance-asset' && f.strategy === 's');
      expect(zero.length).toBeGreaterThan(0);
      expect(
        zero.every((f) => f.asset === 'D' && f.severity === 'warning' && /^\d{4}-\d{2}-\d{2}$/.test(f.date ?? '')),
      ).toBe(true);
      expect(zero[0]!.message).toMatch(
        /D has zero return variance over the 40-return window.*left it out with weight 0/,
      );
      // D's flat window starts 40 returns after row 70: from then on every decision gives D weight 0.
      const { readFileSync } = await import('node:fs');
      const rows = readFileSync(join(r.path, 's', 'weights.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      const last = rows.at(-1)!.split(',').map(Number);
      expect(last[4]).toBe(0);
      expect(Math.max(...last.slice(1))).toBeLessThan(1);
      expect(r.findings.filter((f) => f.strategy === 's' && f.kind === 'cash-forced')).toEqual([]);
    },
  );
});

describe('less history than the window asks for', () => {
  it('each decision before the window fills holds cash with a warm-up-cash finding; later ones have none', async () => {
    const r = await runStudy(
      {
        name: 'warm-up',
        data: { source: 'csv', path: writePrices('warm.csv') },
        backtest: { ...backtest, start: '2021-02-01' },
        strategies: [{ name: 's', kind: 'allocator', window: 100, allocator: { kind: 'min-variance' } }],
        baselines: [],
        report: { html: false },
      },
      { outDir: join(work, 'r-warm'), clock },
    );
    const short = r.findings.filter((f) => f.kind === 'warm-up-cash' && f.strategy === 's');
    expect(short.length).toBeGreaterThan(0);
    expect(short[0]!.message).toMatch(
      /^only \d+ of the 100 returns the window needs exist by this date, so the decision holds 100 % cash$/,
    );
    // the window (100 returns = 101 prices) fills on 2021-05-24, the 101st weekday from 2021-01-04
    expect(short.every((f) => f.date! < '2021-05-24')).toBe(true);
  });
});
