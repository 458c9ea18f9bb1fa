/**
 * `portfolio.method: active` through the study runner: the active return over the job's "1/N @ 10% vol" yardstick
 * has a realised tracking error near the ex-ante target, every decision holds the caps and the yardstick's cash
 * share, and a benchmark that breaks the caps is reported (the allocator's fallback findings fire; nothing silent).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/index.ts';
import { runStudy } from '../study/index.ts';
import { twelveStockRidge, twelveStocks } from '../../test/support/ml-studies.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-ml-active-study-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const clock = () => new Date('2026-01-01T00:00:00Z');
const stocks = twelveStocks;
const ml = twelveStockRidge;
const TE = 0.02;
const caps = { maxWeight: 0.15, sectorCap: 0.45, targetVolatility: 0.1 };
// Stocks go to sectors round robin: 4 per sector, so the benchmark (≤ 1/12 each) puts ≤ 1/3 in each.
const sectors = ['Energy', 'Utilities', 'Health Care'];
const study = {
  name: 'ml-active',
  seed: 5,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 3, stocks: 12, sectors } },
  backtest: { start: '2015-03-02', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies: [
    { ...ml, name: 'active', portfolio: { method: 'active', trackingError: TE, transactionCost: 0.02, ...caps } },
    // 1/12 scaled to 10 % is above a 4 % cap: the benchmark cannot be held, nor its invested share reached
    { ...ml, name: 'tight', portfolio: { method: 'active', trackingError: TE, ...caps, maxWeight: 0.04 } },
  ],
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
};

interface Series {
  name: string;
  dates: string[];
  nav: number[];
}

describe('ml-forecast portfolio method active in a study', async () => {
  const run = await runStudy(study, { outDir, clock });
  const report = JSON.parse(readFileSync(join(run.path, 'report.json'), 'utf8')) as {
    sections: { strategies: Series[] }[];
  };
  const findings = JSON.parse(readFileSync(join(run.path, 'findings.json'), 'utf8')) as Finding[];
  const series = report.sections[0]!.strategies;
  const byName = (n: string): Series => series.find((s) => s.name === n)!;
  const weights = readFileSync(join(run.path, 'weights.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = (name: string) => weights.map((l) => l.split(',')).filter((c) => c[1] === name);

  it('has a realised tracking error over 1/N @ 10% vol within 25 % of its ex-ante target', () => {
    const returns = (s: Series): Map<string, number> =>
      new Map(s.dates.slice(1).map((d, i) => [d, s.nav[i + 1]! / s.nav[i]! - 1]));
    const a = returns(byName('active'));
    const b = returns(byName('1/N @ 10% vol'));
    const d = [...a.keys()].filter((k) => b.has(k)).map((k) => a.get(k)! - b.get(k)!);
    expect(d.length).toBeGreaterThan(400);
    const m = d.reduce((x, y) => x + y, 0) / d.length;
    const te = Math.sqrt((d.reduce((x, y) => x + (y - m) ** 2, 0) / (d.length - 1)) * 252);
    // Ex ante it is exactly TE (unit test); realised it moves with Σ's estimation error (Ledoit-Wolf shrinks the
    // stocks' correlations, so it understates active risk) and the month's drift: measured 0.0224 here, 1.11–1.23 %
    // at a 1 % target in the main job's stock universe (seeds 42–51). A bet far larger or smaller would miss the band.
    expect(te).toBeGreaterThan(TE * 0.75);
    expect(te).toBeLessThan(TE * 1.25);
  });

  it('holds the caps and the yardstick cash share at every decision', () => {
    const act = rows('active');
    const ref = rows('1/N @ 10% vol');
    const dates = [...new Set(act.map((c) => c[2]!))];
    expect(dates.length).toBeGreaterThan(12);
    for (const date of dates) {
      const w = act.filter((c) => c[2] === date).map((c) => Number(c[4]));
      const bw = ref.filter((c) => c[2] === date).map((c) => Number(c[4]));
      expect(Math.max(...w)).toBeLessThanOrEqual(caps.maxWeight + 1e-9);
      expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
      for (let k = 0; k < sectors.length; k++)
        expect(w.filter((_, i) => i % sectors.length === k).reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(
          caps.sectorCap + 1e-9,
        );
      const sum = (v: number[]): number => v.reduce((x, y) => x + y, 0);
      expect(Math.abs(sum(w) - sum(bw)), date).toBeLessThan(1e-6);
    }
    expect(findings.filter((f) => f.strategy === 'active' && f.severity !== 'info')).toEqual([]);
  });

  it('reports a benchmark that breaks the caps, and what ran instead', () => {
    const tight = findings.filter((f) => f.strategy === 'tight');
    const kinds = new Set(tight.map((f) => f.kind));
    expect(kinds.has('active-benchmark-outside-caps')).toBe(true);
    // Σw = Σb cannot be met under 12 × 4 %: the chain fails and the decision's cash is reported as such
    expect(kinds.has('cash-forced') || kinds.has('allocator-fallback')).toBe(true);
    const w = rows('tight').map((c) => Number(c[4]));
    expect(Math.max(...w)).toBeLessThanOrEqual(0.04 + 1e-9);
  });
});
