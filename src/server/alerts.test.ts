/**
 * The monitoring-alerts page: every run's events.json in one table (date, run, strategy, detector, value, threshold,
 * action), filtered by run and detector, over HTTP and in Chromium (0 console errors; filters; the run page's link).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { chromiumAvailable, CHROMIUM_PATH } from '../report/index.ts';
import { runStudy } from '../study/index.ts';
import { openBrowserPage, waitForDataset } from './test-browser.ts';
import { createDashboard } from './index.ts';
import { makeRuns, monitoredStudy } from './test-runs.ts';

const token = 'alerts-token';
const auth = { authorization: `Bearer ${token}` };
let runs: { dir: string; ids: string[] };
let monitored = '';
type Event = { date: string; detector: string; action: string; value: number; threshold: number; strategy: string };
let events: Event[] = [];

beforeAll(async () => {
  runs = await makeRuns(); // two runs without a monitor section
  monitored = (await runStudy(monitoredStudy(42), { outDir: runs.dir })).runId;
  events = JSON.parse(readFileSync(join(runs.dir, monitored, 'events.json'), 'utf8')) as Event[];
}, 180_000);
afterAll(() => rmSync(runs.dir, { recursive: true, force: true }));

type Alerts = {
  alerts: (Event & { run: string; actedOn: string; kind: string })[];
  runs: string[];
  detectors: string[];
  total: number;
  problems: string[];
};
const get = async (app: ReturnType<typeof createDashboard>, path: string): Promise<Alerts> => {
  const r = await app.request(path, { headers: auth });
  expect(r.status, path).toBe(200);
  return (await r.json()) as Alerts;
};

describe('monitoring alerts over HTTP', () => {
  it("lists every event of every run's events.json, with run, strategy, detector, value, threshold and action", async () => {
    // The study is built so that its monitor fires alerts and de-risks: the test needs both kinds of rows.
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(['alert', 'derisk']));
    const app = createDashboard({ runsDir: runs.dir, token });
    const all = await get(app, '/api/alerts');
    expect(all.total).toBe(events.length);
    expect(all.runs).toEqual([monitored]);
    expect(all.problems).toEqual([]);
    expect(all.alerts.map((a) => [a.run, a.date, a.strategy, a.detector, a.value, a.threshold, a.action])).toEqual(
      [...events]
        .sort((a, b) => a.date.localeCompare(b.date))
        .map((e) => [monitored, e.date, e.strategy, e.detector, e.value, e.threshold, e.action]),
    );
    expect(new Set(all.detectors)).toEqual(new Set(events.map((e) => e.detector)));
  });

  it('filters by detector and by run; an unknown run is 404, an unknown detector 400', async () => {
    const app = createDashboard({ runsDir: runs.dir, token });
    const detector = events.find((e) => e.action === 'derisk')!.detector;
    const one = await get(app, `/api/alerts?detector=${detector}`);
    expect(one.alerts.length).toBe(events.filter((e) => e.detector === detector).length);
    expect(one.alerts.every((a) => a.detector === detector)).toBe(true);
    expect(one.total).toBe(events.length);
    expect((await get(app, `/api/alerts?run=${monitored}`)).alerts.length).toBe(events.length);
    expect((await get(app, `/api/alerts?run=${runs.ids[0]}`)).alerts).toEqual([]);
    const missing = await app.request('/api/alerts?run=nope', { headers: auth });
    expect(missing.status).toBe(404);
    const bad = await app.request('/api/alerts?detector=page', { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(
      /detector "page" is not a monitor detector; use one of psi, ks, rolling-ic/,
    );
    expect((await app.request('/api/alerts')).status).toBe(401);
  });

  it('names an unreadable events.json instead of skipping it silently', async () => {
    const broken = join(runs.dir, '20990101-000000-broken-00000000');
    mkdirSync(broken);
    writeFileSync(join(broken, 'summary.json'), '{}\n');
    writeFileSync(join(broken, 'events.json'), '[{"date": "2020-01-01"'); // cut short
    try {
      const app = createDashboard({ runsDir: runs.dir, token });
      const all = await get(app, '/api/alerts');
      expect(all.problems).toEqual([
        `${'20990101-000000-broken-00000000'}/events.json is not valid JSON; its alerts are not shown`,
      ]);
      expect(all.total).toBe(events.length);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('the nav links to /alerts on every page and each run page links to its own alerts', async () => {
    const app = createDashboard({ runsDir: runs.dir, token });
    for (const p of ['/', '/compare', '/alerts', `/runs/${monitored}`]) {
      const html = await (await app.request(p, { headers: auth })).text();
      expect(html, p).toContain('<a href="/alerts">Alerts</a>');
    }
    const run = await (await app.request(`/runs/${monitored}`, { headers: auth })).text();
    expect(run).toContain(`<a id="alerts-link" href="/alerts?run=${monitored}">`);
  });
});

if (!chromiumAvailable())
  console.warn(
    `[keel] SKIPPED "alerts page in Chromium": ${CHROMIUM_PATH} is not installed (apt-get install chromium).`,
  );

describe.skipIf(!chromiumAvailable())('alerts page in headless Chromium', () => {
  let server: ServerType;
  let base = '';
  beforeAll(async () => {
    const app = createDashboard({ runsDir: runs.dir, token });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  it('renders every event with 0 console errors; the detector and run filters narrow it; the run page links to it', async () => {
    const { browser, page, errors } = await openBrowserPage({ viewport: { width: 1400, height: 900 } });
    try {
      const rows = (): Promise<number> => page.$$eval('table[data-table=alerts] tbody tr', (r) => r.length);

      await page.goto(`${base}/alerts?token=${token}`);
      expect(await waitForDataset(page, 'ready')).toBe('1');
      expect(await rows()).toBe(events.length);
      const head = await page.$$eval('table[data-table=alerts] thead th', (th) => th.map((x) => x.textContent));
      expect(head).toEqual(['Date', 'Run', 'Strategy', 'Detector', 'Value', 'Threshold', 'Action', 'Acted on']);

      const detector = events.find((e) => e.action === 'derisk')!.detector;
      const want = events.filter((e) => e.detector === detector).length;
      await page.selectOption('#alert-detector', detector);
      await waitForDataset(page, 'shown', (v) => v === String(want));
      expect(await rows()).toBe(want);
      expect(new URL(page.url()).search).toBe(`?detector=${detector}`);
      await page.selectOption('#alert-detector', '');
      await waitForDataset(page, 'shown', (v) => v === String(events.length));

      // From a run page: its link carries the run filter (with the count), and the page opens filtered.
      await page.goto(`${base}/runs/${monitored}`);
      await waitForDataset(page, 'ready', (v) => v === '1');
      expect(await page.textContent('#alerts-link')).toBe(`monitoring alerts (${events.length})`);
      await page.click('#alerts-link');
      await page.waitForURL(/\/alerts\?run=/);
      await waitForDataset(page, 'shown', (v) => v !== undefined);
      expect(await page.inputValue('#alert-run')).toBe(monitored);
      expect(await rows()).toBe(events.length);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
