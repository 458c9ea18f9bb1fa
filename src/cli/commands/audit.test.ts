import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFeature, featureKinds } from '../../features/index.ts';
import type { MacroObservation } from '../../features/index.ts';
import { runInProcess } from '../in-process.ts';

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
  const r = await runInProcess(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
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

  it('audits an rl-agent strategy, built with the backtest settings it trains under (was: "none were given")', async () => {
    const rl = join(dir, 'rl.yaml');
    writeFileSync(
      rl,
      study.replace(
        /strategies:[\s\S]*$/,
        `strategies:
  - kind: rl-agent
    algorithm: q-learning
    features: [{ kind: momentum, windows: [21] }]
    trainWindow: 120
    refitEvery: 63
    minTrainSteps: 10
    episodes: 3
    agent: { bins: 2 }
`,
      ),
    );
    const r = await keel(['audit', rl, '--json', '--at', '2020-08-31,2020-11-30']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.strategies[0].strategy).toBe('rl-agent');
    expect(j.strategies[0].checks).toBe(4);
    expect(j.ok).toBe(true);
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

describe('keel audit: look-aheads the perturbation alone cannot see', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-audit-la-'));
  const write = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('fill: same-close fails a strategy whose decision reads the close it fills at; a fixed mix passes', async () => {
    const f = write(
      'same-close.yaml',
      study.replace('costs: { kind: proportional, bps: 5 }', 'costs: { kind: none }\n  fill: same-close') +
        'baselines: []\n',
    );
    const r = await keel(['audit', f, '--at', '2020-05-29,2020-10-30']);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^ok {4}60-40: 6 checks .*same bar\)$/);
    expect(lines[1]).toMatch(
      /^FAIL {2}dynamic: 2 of 6 checks changed; first: with the bar of its decision on 2020-05-\d\d garbled \(fill: same-close .*use fill: next-close or next-open$/,
    );
  });

  /** 3 assets × 160 business days; C has a 2-day hole near the end (2020-07-29, 2020-07-30). */
  function pricesCsv(): string {
    const rows = ['date,A,B,C'];
    let t = Date.parse('2020-01-01T00:00:00Z');
    for (let i = 0; rows.length <= 160; t += 86_400_000) {
      const d = new Date(t);
      if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
      const iso = d.toISOString().slice(0, 10);
      const c = iso === '2020-07-29' || iso === '2020-07-30' ? '' : (30 + 2 * Math.sin(i / 3)).toFixed(4);
      rows.push(
        `${iso},${(100 + 5 * Math.sin(i / 7) + i * 0.05).toFixed(4)},${(50 + Math.cos(i / 5)).toFixed(4)},${c}`,
      );
      i++;
    }
    return rows.join('\n') + '\n';
  }

  const csvStudy = (missing: string): string => `
name: gaps
data: { source: csv, path: prices.csv, missing: ${missing} }
backtest: { rebalance: weekly, costs: { kind: proportional, bps: 5 } }
strategies: [{ kind: inverse-volatility, name: ivol, window: 20 }]
baselines: [{ kind: equal-weight, name: 1/N }]
`;

  it('audits a drop-assets study, and reports the later gap that removed an asset from earlier decisions', async () => {
    write('prices.csv', pricesCsv());
    const f = write('drop.yaml', csvStudy('{ policy: drop-assets }'));
    const r = await keel(['audit', f, '--at', '2020-04-30,2020-06-30']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    for (const line of r.out.trim().split('\n'))
      expect(line).toMatch(
        /^FAIL {2}(ivol|1\/N \(baseline\)): 4 of 4 checks changed; first: after 2020-04-30 \(garbage\) the asset universe at ≤ 2020-04-30 changed: \$\.assets\.length went from 2 to 3 — .*drop-assets.*forward-fill/,
      );
    // A point-in-time policy on the same data passes.
    const ok = await keel([
      'audit',
      write('ffill.yaml', csvStudy('{ policy: forward-fill, limit: 5 }')),
      '--at',
      '2020-04-30,2020-06-30',
    ]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
  });

  it('catches a leak planted in a feature that reads macro records released after the decision', async () => {
    // A feature that peeks at the next macro release after each date (the leak), registered for this test only.
    const peek = defineFeature(
      'peek-macro',
      0,
      (input) => {
        const rel = [...((input.records?.macro ?? []) as MacroObservation[])].sort((x, y) =>
          x.releaseDate < y.releaseDate ? -1 : x.releaseDate > y.releaseDate ? 1 : 0,
        );
        const { dates, nDates, nAssets } = input.panel;
        const out = new Float64Array(nDates * nAssets);
        let k = 0;
        for (let t = 0; t < nDates; t++) {
          while (k < rel.length && rel[k]!.releaseDate <= dates[t]!) k++;
          for (let a = 0; a < nAssets; a++) out[t * nAssets + a] = (rel[k]?.value ?? 0) * (a + 1);
        }
        return { names: ['peek'], values: [out] };
      },
      'peek-macro',
    );
    const kinds = featureKinds as unknown as Record<string, unknown>;
    kinds['peek-macro'] = { schema: z.strictObject({}), create: () => peek, describe: 'test-only leak' };
    afterAll(() => delete kinds['peek-macro']);
    const f = write(
      'leak.yaml',
      `
name: leak
seed: 3
data: { source: synthetic, market: { start: 2020-01-01, years: 2, stocks: 0 } }
backtest: { start: 2020-09-01, rebalance: monthly, costs: { kind: none } }
strategies:
  - kind: ml-forecast
    name: leaky
    universe: [EQ_BROAD, BOND_LONG]
    features: [{ kind: peek-macro }, { kind: returns, lags: [0] }]
    target: { kind: forward-return, horizon: 5 }
    trainWindow: 80
    minTrainDates: 10
    stride: 1
    embargo: 0
    refitEvery: 21
    covarianceWindow: 40
    portfolio: { method: forecast-proportional }
baselines: []
`,
    );
    const r = await keel(['audit', f, '--json', '--at', '2021-03-01,2021-06-01']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const [row] = JSON.parse(r.out).strategies as { strategy: string; violations: { mode: string }[] }[];
    // Garbled future records of the same count must not be served features computed from the true ones: the
    // garbage mode catches the leak as well as the delete mode (with a cache keyed on record counts it did not).
    expect(new Set(row!.violations.map((v) => v.mode))).toEqual(new Set(['garbage', 'delete']));
  });
});
