/**
 * `portfolio.method: tilt` through the study runner: the forecast-tilted 1/N holds its caps (per stock, per sector)
 * and the volatility target at every decision, differs from 1/N by the forecasts, and report.json carries each ML
 * strategy's information ratio over the volatility-matched 1/N (what `keel tune` can maximise), equal to the one
 * recomputed from the NAVs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from '../study/index.ts';
import { twelveStockRidge, twelveStocks } from '../../test/support/ml-studies.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-ml-tilt-study-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const clock = () => new Date('2026-01-01T00:00:00Z');
const stocks = twelveStocks;
const ml = twelveStockRidge;
const caps = { maxWeight: 0.12, sectorCap: 0.36, targetVolatility: 0.1 };
// Stocks go to sectors round robin: 4 per sector, so 1/N puts 1/3 in each, just under the cap.
const sectors = ['Energy', 'Utilities', 'Health Care'];
const study = {
  name: 'ml-tilt',
  seed: 5,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 3, stocks: 12, sectors } },
  backtest: { start: '2015-03-02', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies: [
    { ...ml, name: 'tilt', portfolio: { method: 'tilt', tiltStrength: 1, ...caps } },
    { ...ml, name: 'mv', portfolio: { method: 'mean-variance', transactionCost: 0.03, ...caps } },
  ],
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
};

interface Series {
  name: string;
  dates: string[];
  nav: number[];
  metrics: Record<string, number | null>;
}

describe('ml-forecast portfolio method tilt in a study', async () => {
  const run = await runStudy(study, { outDir, clock });
  const report = JSON.parse(readFileSync(join(run.path, 'report.json'), 'utf8')) as {
    sections: { strategies: Series[] }[];
  };
  const series = report.sections[0]!.strategies;
  const byName = (n: string): Series => series.find((s) => s.name === n)!;
  const weights = readFileSync(join(run.path, 'weights.csv'), 'utf8').trim().split('\n').slice(1);

  it('holds the per-stock and per-sector caps at every decision and tilts away from 1/N', () => {
    const rows = weights.map((l) => l.split(',')).filter((c) => c[1] === 'tilt');
    const dates = [...new Set(rows.map((c) => c[2]!))];
    expect(dates.length).toBeGreaterThan(12);
    let spread = 0;
    for (const d of dates) {
      const w = rows.filter((c) => c[2] === d).map((c) => Number(c[4]));
      expect(Math.max(...w)).toBeLessThanOrEqual(caps.maxWeight + 1e-9);
      for (let k = 0; k < sectors.length; k++)
        expect(w.filter((_, i) => i % sectors.length === k).reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(
          caps.sectorCap + 1e-9,
        );
      const invested = w.filter((x) => x > 0);
      spread = Math.max(spread, Math.max(...invested) / Math.min(...invested));
    }
    expect(spread).toBeGreaterThan(1.5);
  });

  it('report.json has the information ratio over the volatility-matched 1/N, as recomputed from the NAVs', () => {
    const base = byName('1/N @ 10% vol');
    const returns = (s: Series): Map<string, number> =>
      new Map(s.dates.slice(1).map((d, i) => [d, s.nav[i + 1]! / s.nav[i]! - 1]));
    const b = returns(base);
    for (const name of ['tilt', 'mv']) {
      const s = byName(name);
      const ir = s.metrics['informationRatioVsEqualWeight']!;
      expect(Number.isFinite(ir), name).toBe(true);
      const a = returns(s);
      const d = [...a.keys()].filter((k) => b.has(k)).map((k) => a.get(k)! - b.get(k)!);
      const m = d.reduce((x, y) => x + y, 0) / d.length;
      const sd = Math.sqrt(d.reduce((x, y) => x + (y - m) ** 2, 0) / (d.length - 1));
      expect(ir).toBeCloseTo((m / sd) * Math.sqrt(252), 8);
      // A negative edge cannot have a deflated Sharpe above one half.
      if (ir <= 0) expect(s.metrics['deflatedSharpeVsEqualWeight']!).toBeLessThan(0.5);
    }
    // 1/N against itself has no active return.
    expect(byName('1/N').metrics['informationRatioVsEqualWeight'] ?? NaN).toBeNaN();
  });
});
