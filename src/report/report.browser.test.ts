import { describe, expect, it } from 'vitest';
import { checkInBrowser, chromiumAvailable, CHROMIUM_PATH } from './browser-check.ts';
import { chartFigure, reportScripts } from './chart-page.ts';
import { weightsChart } from './charts.ts';
import { renderReportHtml } from './html.ts';
import { sampleReportModel } from './sample-model.ts';

if (!chromiumAvailable()) {
  console.warn(
    `[keel] SKIPPED "report renders in Chromium": ${CHROMIUM_PATH} is not installed (apt-get install chromium).`,
  );
}

describe.skipIf(!chromiumAvailable())('report renders in headless Chromium', () => {
  it('every chart draws an SVG with marks, with no console or page errors and no network requests', async () => {
    const result = await checkInBrowser(renderReportHtml(sampleReportModel()));
    expect(result).not.toBeNull();
    const r = result!;
    expect(r.consoleErrors).toEqual([]);
    expect(r.pageErrors).toEqual([]);
    expect(r.title).toBe('Sample <report> & test');
    expect(r.charts.map((c) => c.kind)).toEqual([
      'equity',
      'drawdown',
      'annual-returns',
      'rolling-sharpe',
      'rolling-volatility',
      'rolling-beta',
      'activity',
      'weights',
      'frontier',
      'ic',
      'importance',
      'shap-summary',
      'agent-training',
    ]);
    for (const c of r.charts) {
      expect(c.width, c.kind).toBeGreaterThan(300);
      expect(c.height, c.kind).toBeGreaterThan(150);
      expect(c.marks, c.kind).toBeGreaterThan(10);
    }
    // findings, metrics, tear sheet, monthly returns, worst drawdowns, why-weights, shadow prices, distillation,
    // forecast quality
    expect(r.tables).toBe(9);
  });

  it('a 24-asset weights chart draws its 24 bands in 24 different colours', async () => {
    const assets = Array.from({ length: 24 }, (_, i) => `S${i}`);
    const spec = weightsChart({
      strategy: 'x',
      assets,
      dates: ['2020-01-31', '2020-02-28', '2020-03-31'],
      weights: [0, 1, 2].map(() => assets.map(() => 1 / 24)),
    });
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>w</title></head><body>${chartFigure('weights', spec, '')}${reportScripts()}</body></html>`;
    const r = (await checkInBrowser(page))!;
    expect(r.consoleErrors).toEqual([]);
    expect(r.charts).toHaveLength(1);
    expect(r.charts[0]!.colours).toBeGreaterThanOrEqual(24);
  });

  it('at 1400 px every table fits its box (no horizontal scroll)', async () => {
    const r = (await checkInBrowser(renderReportHtml(sampleReportModel()), 1400))!;
    expect(r.overflowingTables).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
  });
});
