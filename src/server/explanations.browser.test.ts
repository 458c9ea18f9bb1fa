/** The run page of an ML study in Chromium: the explanations block (mean |SHAP| chart, distilled rules). */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { chromiumAvailable, CHROMIUM_PATH } from '../report/index.ts';
import { runStudy } from '../study/index.ts';
import { openBrowserPage, waitForDataset } from './test-browser.ts';
import { createDashboard } from './index.ts';

const mlStudy = {
  name: 'dash-ml',
  seed: 3,
  data: { source: 'synthetic', market: { start: '2015-01-01', years: 3, stocks: 4 } },
  backtest: {
    periodsPerYear: 252,
    start: '2016-07-01',
    rebalance: 'monthly',
    costs: { kind: 'proportional', bps: 10 },
  },
  strategies: [
    {
      kind: 'ml-forecast',
      name: 'forest',
      universe: ['STK001', 'STK002', 'STK003', 'STK004'],
      features: [
        { kind: 'momentum', windows: [21, 63] },
        { kind: 'volatility', windows: [21] },
      ],
      model: { kind: 'random-forest', nTrees: 10, maxDepth: 3, minSamplesLeaf: 20 },
      refitEvery: 126,
      portfolio: { method: 'top-k', topK: 2 },
    },
  ],
  baselines: [{ kind: 'equal-weight' }],
};

describe('explanations on the run page', () => {
  let dir = '';
  let id = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-dash-ml-'));
    id = (await runStudy(mlStudy, { outDir: dir })).runId;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the API gives each ML strategy its features by mean |SHAP| and its latest distilled tree', async () => {
    const app = createDashboard({ runsDir: dir, token: 't' });
    const login = await app.request('/?token=t');
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const r = await app.request(`/api/runs/${id}/explanations`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      strategies: { strategy: string; explained: number; importance: { feature: string; meanAbsShap: number }[] }[];
    };
    expect(body.strategies.map((s) => s.strategy)).toEqual(['forest']);
    const s = body.strategies[0]!;
    expect(s.explained).toBeGreaterThan(0);
    expect(s.importance.map((x) => x.feature).sort()).toEqual(['mom_21', 'mom_63', 'vol_21'].sort());
    const v = s.importance.map((x) => x.meanAbsShap);
    expect(v).toEqual([...v].sort((a, b) => b - a));
    expect(v[0]).toBeGreaterThan(0);
  });

  if (!chromiumAvailable())
    console.warn(
      `[keel] SKIPPED "explanations in Chromium": ${CHROMIUM_PATH} is not installed (apt-get install chromium).`,
    );

  it.skipIf(!chromiumAvailable())(
    'renders the importance chart with 0 console errors',
    async () => {
      const app = createDashboard({ runsDir: dir, token: 'b' });
      let server: ServerType | undefined;
      const base = await new Promise<string>((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
          resolve(`http://127.0.0.1:${info.port}`),
        );
      });
      const { browser, page, errors } = await openBrowserPage({ viewport: { width: 1400, height: 900 } });
      try {
        await page.goto(`${base}/?token=b`);
        await page.goto(`${base}/runs/${id}`);
        expect(await waitForDataset(page, 'ready')).toBe('1');
        const bars = await page.evaluate(
          "echarts.getInstanceByDom(document.querySelector('#explanations div.chart[data-chart=importance]')).getOption().series[0].data.length",
        );
        expect(bars).toBe(3);
        expect(await page.textContent('#explanations')).toContain('decisions explained');
        expect(await page.textContent('#explanations pre[data-distill]')).toMatch(/^if .* then /);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
        await new Promise((r) => server?.close(r));
      }
    },
    120_000,
  );
});
