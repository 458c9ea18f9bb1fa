/**
 * The volatility-matched 1/N the ML job adds is scaled by the risk model of the strategies it judges (Ledoit-Wolf on
 * their covariance window), through the study runner: a forecast-tilted 1/N of strength 0 — 1/N scaled to the target
 * by the strategy's own risk model, no forecast in it — has no active return over it. With the yardstick scaled by
 * the sample covariance instead (the old baseline), the same strategy showed an "edge" that was only the difference
 * between the two estimators. Strategies with one target and two covariance windows get one 1/N each.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/index.ts';
import { runStudy } from '../study/index.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-ml-yardstick-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const clock = () => new Date('2026-01-01T00:00:00Z');
const stocks = Array.from({ length: 8 }, (_, i) => `STK00${i + 1}`);
const ml = {
  kind: 'ml-forecast',
  universe: stocks,
  features: [
    { kind: 'momentum', windows: [40], skip: 1 },
    { kind: 'momentum', windows: [16] },
  ],
  crossSectional: 'zscore',
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 126,
  model: { kind: 'ridge', alpha: 10 },
};
// Strength 0: every weight 1/N (no cap binds at 1/8), then scaled down to 10 % by the strategy's risk model.
const flat = { method: 'tilt', tiltStrength: 0, maxWeight: 1, targetVolatility: 0.1 };
const study = (strategies: object[], baselines: object[] = [{ kind: 'equal-weight', name: '1/N' }]) => ({
  name: 'ml-yardstick',
  seed: 11,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 3, stocks: 8 } },
  backtest: { start: '2015-03-02', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies,
  baselines,
});

interface Series {
  name: string;
  dates: string[];
  nav: number[];
  metrics: Record<string, number | null>;
}

async function run(strategies: object[], dir: string, baselines?: object[]) {
  const r = await runStudy(study(strategies, baselines), { outDir: join(outDir, dir), clock });
  const report = JSON.parse(readFileSync(join(r.path, 'report.json'), 'utf8')) as {
    sections: { strategies: Series[] }[];
  };
  const findings = JSON.parse(readFileSync(join(r.path, 'findings.json'), 'utf8')) as Finding[];
  const series = report.sections[0]!.strategies;
  return { byName: (n: string): Series => series.find((s) => s.name === n)!, series, findings };
}

/** Largest |daily return of a − daily return of b| over their common dates. */
function maxActive(a: Series, b: Series): number {
  const ret = (s: Series) => new Map(s.dates.slice(1).map((d, i) => [d, s.nav[i + 1]! / s.nav[i]! - 1]));
  const ra = ret(a);
  const rb = ret(b);
  const common = [...ra.keys()].filter((d) => rb.has(d));
  expect(common.length).toBeGreaterThan(400);
  return Math.max(...common.map((d) => Math.abs(ra.get(d)! - rb.get(d)!)));
}

// Tolerance: 1e-10 per day. The two portfolios are the same weights up to rounding (the tilt reaches 1/N by
// bisection); scaled by the sample covariance (the old baseline), 1/N@vol differed by up to 9.7e-4 a day here.
const TOLERANCE = 1e-10;

describe('the volatility-matched 1/N uses the strategies’ risk model', () => {
  it('a tilt of strength 0 has no active return over the added 1/N @ 10% vol, and the finding names the risk model', async () => {
    const { byName, findings } = await run([{ ...ml, name: 'flat', portfolio: flat }], 'one');
    const flatRun = byName('flat');
    const base = byName('1/N @ 10% vol');
    expect(maxActive(flatRun, base)).toBeLessThan(TOLERANCE);
    // Not trivially so: both hold cash to meet the target (1/N of these stocks runs well above 10 %).
    expect(flatRun.nav.at(-1)).not.toBeCloseTo(byName('1/N').nav.at(-1)!, 2);
    const added = findings.filter((f) => f.kind === 'baseline-added');
    expect(added).toHaveLength(1);
    expect(added[0]!.message).toContain('Ledoit-Wolf (constant-variance target) covariance of the last 252 returns');
  });

  it('two covariance windows at one target: one 1/N per window, each strategy judged against its own', async () => {
    const { byName, series } = await run(
      [
        { ...ml, name: 'flat-252', portfolio: flat },
        { ...ml, name: 'flat-126', covarianceWindow: 126, portfolio: flat },
      ],
      'two',
    );
    const names = series.map((s) => s.name);
    expect(names).toContain('1/N @ 10% vol, LW 252');
    expect(names).toContain('1/N @ 10% vol, LW 126');
    expect(maxActive(byName('flat-252'), byName('1/N @ 10% vol, LW 252'))).toBeLessThan(TOLERANCE);
    expect(maxActive(byName('flat-126'), byName('1/N @ 10% vol, LW 126'))).toBeLessThan(TOLERANCE);
    // The windows give different scales, so the pairing matters.
    expect(maxActive(byName('flat-126'), byName('1/N @ 10% vol, LW 252'))).toBeGreaterThan(1e-6);
  });

  it('a listed 1/N @ 10% vol scaled by the sample covariance is used as listed, with a warning naming the fix', async () => {
    const listed = { kind: 'equal-weight', name: '1/N @ 10% vol', targetVolatility: 0.1 };
    const sample = await run([{ ...ml, name: 'flat', portfolio: flat }], 'listed-sample', [listed]);
    const warned = sample.findings.filter((f) => f.kind === 'yardstick-risk-model');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ severity: 'warning', strategy: 'flat' });
    expect(warned[0]!.message).toContain('sample');
    expect(warned[0]!.fix).toContain('riskModel: ledoit-wolf');
    expect(maxActive(sample.byName('flat'), sample.byName('1/N @ 10% vol'))).toBeGreaterThan(1e-6);
    const matched = await run([{ ...ml, name: 'flat', portfolio: flat }], 'listed-lw', [
      { ...listed, riskModel: 'ledoit-wolf' },
    ]);
    expect(matched.findings.filter((f) => f.kind === 'yardstick-risk-model')).toEqual([]);
    expect(maxActive(matched.byName('flat'), matched.byName('1/N @ 10% vol'))).toBeLessThan(TOLERANCE);
  });
});
