/**
 * `planted-expectation` through the study runner: a ridge on the planted expected return alone forecasts an affine
 * map of it at every date, so its IC is the ceiling's IC exactly (the ceiling scores the same expectation on the
 * same cross sections) — a check of the feature and of the ceiling together. The last decision, fewer than
 * `horizon` days before the end of the data, still has a forecast (no warm-up cash), and on file data the feature
 * is refused with one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/index.ts';
import { runStudy } from '../study/index.ts';
import { plantedExpectation, synthesizeMarket } from '../synth/index.ts';
import { createFeatures } from './index.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-planted-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const clock = () => new Date('2026-01-01T00:00:00Z');
const core = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'];
const strategy = {
  kind: 'ml-forecast',
  name: 'oracle',
  universe: core,
  features: [{ kind: 'planted-expectation', horizon: 21 }],
  target: { kind: 'forward-return', horizon: 21 },
  crossSectional: 'zscore',
  trainWindow: 'expanding',
  minTrainDates: 30,
  refitEvery: 126,
  model: { kind: 'ridge', alpha: 1 },
  portfolio: { method: 'mean-variance', maxWeight: 0.4, targetVolatility: 0.1 },
};
const study = (data: object) => ({
  name: 'planted',
  seed: 5,
  data,
  backtest: { start: '2016-01-04', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies: [strategy],
});

describe('feature planted-expectation', () => {
  it('a ridge on it alone scores the ceiling IC exactly; the last decision has a forecast', async () => {
    const r = await runStudy(study({ source: 'synthetic', market: { start: '2013-01-01', years: 5, stocks: 0 } }), {
      outDir,
      clock,
    });
    const summary = JSON.parse(readFileSync(join(r.path, 'summary.json'), 'utf8')) as {
      forecastQuality: Record<string, { ic: number; ceilingIc: number }>;
    };
    const q = summary.forecastQuality['oracle']!;
    expect(q.ceilingIc).toBeGreaterThan(0.05);
    expect(Math.abs(q.ic - q.ceilingIc)).toBeLessThan(1e-12);
    const findings = JSON.parse(readFileSync(join(r.path, 'findings.json'), 'utf8')) as Finding[];
    expect(findings.filter((f) => f.kind === 'warm-up-cash')).toEqual([]);
  }, 120_000);

  it('equals the planted expectation where the horizon fits, and the shorter one in the last rows', () => {
    const m = synthesizeMarket({ seed: 3, years: 2, stocks: 0 });
    const records = { truth: m.truth, truthAxes: { dates: m.panel.dates, assets: m.panel.assets } };
    const [f] = createFeatures([{ kind: 'planted-expectation', horizon: 5 }]);
    const col = f!.compute({ panel: m.panel, records }).values[0]!;
    const n = m.panel.nAssets;
    const T = m.panel.nDates;
    const full = plantedExpectation(m.truth, m.panel.dates, m.panel.assets, { horizon: 5 });
    for (const t of [300, T - 6]) for (let a = 0; a < n; a++) expect(col[t * n + a]).toBe(full.total[t * n + a]);
    const two = plantedExpectation(m.truth, m.panel.dates, m.panel.assets, { horizon: 2 });
    for (let a = 0; a < n; a++) expect(col[(T - 3) * n + a]).toBe(two.total[(T - 3) * n + a]);
    for (let a = 0; a < n; a++) expect(col[(T - 1) * n + a]).toBeNaN();
  });

  it('is refused on file data at validation, with one line that names the fix', async () => {
    const p = synthesizeMarket({ seed: 3, years: 4, stocks: 0 }).panel;
    const close = p.field('close');
    const lines = [`date,${p.assets.join(',')}`];
    p.dates.forEach((d, t) => lines.push(`${d},${p.assets.map((_, a) => close[t * p.nAssets + a]).join(',')}`));
    const csv = join(outDir, 'prices.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    await expect(
      runStudy(study({ source: 'csv', path: csv }), { outDir: join(outDir, 'file'), clock }),
    ).rejects.toThrow(
      /strategies\[0\]\.features\[0\]: planted-expectation is the synthetic market's ground truth.*data\.source is csv; remove the feature or use data\.source: synthetic$/,
    );
    // Called from code on records without the truth, the feature itself refuses with its own line.
    const [f] = createFeatures([{ kind: 'planted-expectation' }]);
    expect(() => f!.compute({ panel: p })).toThrow(
      /^feature planted-expectation needs the synthetic market's ground truth.*remove it for file data\.$/,
    );
  }, 120_000);
});
