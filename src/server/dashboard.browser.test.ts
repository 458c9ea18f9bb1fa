/** The dashboard in Debian's Chromium: every page renders with no console errors; charts are interactive. */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { chromiumAvailable, CHROMIUM_PATH } from '../report/index.ts';
import { openBrowserPage, waitForDataset } from './test-browser.ts';
import { createDashboard } from './index.ts';
import { makeRuns } from './test-runs.ts';

if (!chromiumAvailable())
  console.warn(`[keel] SKIPPED "dashboard in Chromium": ${CHROMIUM_PATH} is not installed (apt-get install chromium).`);

describe.skipIf(!chromiumAvailable())('keel serve in headless Chromium', () => {
  const token = 'browser-token';
  let runs: { dir: string; ids: string[] };
  let server: ServerType;
  let base = '';
  beforeAll(async () => {
    runs = await makeRuns();
    const app = createDashboard({ runsDir: runs.dir, token });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    rmSync(runs.dir, { recursive: true, force: true });
  });

  it('runs, run, compare and alerts pages render with 0 console errors; filter and sort work, charts have zoom and tooltips, the log-axis toggle works', async () => {
    const { browser, page, errors } = await openBrowserPage({ viewport: { width: 1400, height: 900 } });
    try {
      const ready = async (): Promise<void> => {
        expect(await waitForDataset(page, 'ready')).toBe('1');
      };

      // Runs page (signing in through the printed URL).
      await page.goto(`${base}/?token=${token}`);
      await ready();
      expect(await page.$$eval('#runs tbody tr', (r) => r.length)).toBe(4); // 2 runs × (min-var, 1/N)
      await page.fill('#filter', 'equal');
      expect(await page.$$eval('#runs tbody tr', (r) => r.length)).toBe(2);
      await page.fill('#filter', '');
      await page.click('#runs thead th:nth-child(8)'); // Sharpe: highest first
      const sharpes = await page.$$eval('#runs tbody tr td:nth-child(8)', (td) => td.map((x) => Number(x.textContent)));
      expect(sharpes).toEqual([...sharpes].sort((a, b) => b - a));

      // Run page: charts drawn by ECharts in the browser, with zoom, tooltips, legend toggles and a log axis.
      await page.goto(`${base}/runs/${runs.ids[0]}`);
      await ready();
      const charts = await page.$$eval('div.chart', (d) => d.map((x) => x.getAttribute('data-chart')));
      expect(charts).toEqual([
        'nav',
        'drawdown',
        'weights',
        'monthly',
        'annual',
        'rolling-sharpe',
        'rolling-volatility',
      ]);
      // The monthly heatmap has one cell per month of the backtest; the worst drawdowns are listed.
      const cells = await page.evaluate(
        "echarts.getInstanceByDom(document.querySelector('div.chart[data-chart=monthly]')).getOption().series[0].data.length",
      );
      expect(cells).toBeGreaterThanOrEqual(20);
      expect(await page.$$eval('table[data-table=drawdowns] tbody tr', (r) => r.length)).toBeGreaterThan(0);
      expect(await page.textContent('#explanations')).toContain('No ML strategies');
      // Browser-side expressions as strings: this file is type-checked without the DOM library.
      const navOption = "echarts.getInstanceByDom(document.querySelector('div.chart[data-chart=nav]')).getOption()";
      const info = await page.evaluate(
        `(() => { const o = ${navOption}; return { series: o.series.length, zoom: o.dataZoom.length, tooltip: o.tooltip[0].trigger, yAxis: o.yAxis[0].type }; })()`,
      );
      expect(info).toEqual({ series: 2, zoom: 2, tooltip: 'axis', yAxis: 'value' });
      await page.click('button.axis');
      const yAxis = await page.evaluate(`${navOption}.yAxis[0].type`);
      expect(yAxis).toBe('log');
      expect(await page.$$eval('table[data-table=tear-sheet] tbody tr', (r) => r.length)).toBe(2);

      // The run's static report.html, served under its own CSP (its two inline scripts by hash): echarts draws
      // every figure; a blocked script would leave empty boxes and a CSP error on the console.
      await page.click('a[href$="/report.html"]');
      await page.waitForLoadState('load');
      const drawn = await page.$$eval('figure.chart', (fs) => fs.map((f) => f.querySelectorAll('svg path').length));
      expect(drawn.length).toBeGreaterThanOrEqual(5);
      for (const paths of drawn) expect(paths).toBeGreaterThan(5);
      expect(await page.evaluate('document.body.dataset.charts')).toBe(String(drawn.length));

      // Compare page: both runs' strategies on one chart.
      await page.goto(`${base}/compare?ids=${runs.ids.join(',')}`);
      await ready();
      expect(await page.$$eval('table[data-table=compare] tbody tr', (r) => r.length)).toBe(4);

      // Alerts page with no monitored run: it says so (src/server/alerts.test.ts covers a run with events).
      await page.goto(`${base}/alerts`);
      await ready();
      expect(await page.textContent('#alerts')).toMatch(/^No monitor events in any run: add a monitor: section/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
