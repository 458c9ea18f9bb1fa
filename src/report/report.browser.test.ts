import { describe, expect, it } from 'vitest';
import { checkInBrowser, chromiumAvailable, CHROMIUM_PATH } from './browser-check.ts';
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

  it('at 1400 px every table fits its box (no horizontal scroll)', async () => {
    const r = (await checkInBrowser(renderReportHtml(sampleReportModel()), 1400))!;
    expect(r.overflowingTables).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
  });
});
