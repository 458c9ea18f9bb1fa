/** The paper-portfolio page over a real trading ledger: approve through the dashboard; forged writes change nothing. */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { spawnSync } from 'node:child_process';
import { chromiumAvailable, CHROMIUM_PATH } from '../report/index.ts';
import { TradeLedger } from '../trading/index.ts';
import { tempDir, writeStudy } from '../../test/support/trading-studies.ts';
import { createDashboard, csrfFor } from './index.ts';

const token = 'paper-token';
let dir = '';
let ledger = '';

/** A ledger holding one plan that waits for approval (auto-approval off). */
async function pendingPlan(name: string): Promise<{ file: string; id: string }> {
  const study = writeStudy(dir, `${name}.yaml`, 'trading:\n  approval: { auto: false }\n');
  const file = join(dir, `${name}.sqlite`);
  const r = spawnSync(
    process.execPath,
    ['bin/keel.mjs', 'trade', 'plan', study, '--as-of', '2014-03-03', '--ledger', file, '--json'],
    { encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  return { file, id: (JSON.parse(r.stdout) as { id: string }).id };
}

const status = (file: string, id: string): string => {
  const l = TradeLedger.open(file);
  try {
    return l.plan(id)!.status;
  } finally {
    l.close();
  }
};

beforeAll(async () => {
  dir = tempDir('dash-paper');
  ledger = (await pendingPlan('book')).file;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paper portfolio over HTTP', () => {
  it('shows the ledger; a forged approval (no CSRF token, or another Origin) changes nothing; the real one approves', async () => {
    const { file, id } = await pendingPlan('http');
    const app = createDashboard({ runsDir: dir, token, ledgerFile: file });
    const cookie = { cookie: `keel_session=${token}` };
    const snap = (await (await app.request('/api/ledger', { headers: cookie })).json()) as {
      plans: { id: string; status: string; orders: number }[];
    };
    expect(snap.plans).toEqual([expect.objectContaining({ id, status: 'planned', orders: 3 })]);
    const url = `/api/ledger/plans/${id}/approve`;
    expect((await app.request(url, { method: 'POST', headers: cookie })).status).toBe(403);
    const cross = { ...cookie, origin: 'http://evil.example', 'x-csrf-token': csrfFor(token) };
    expect((await app.request(url, { method: 'POST', headers: cross })).status).toBe(403);
    expect(status(file, id)).toBe('planned');
    const ok = await app.request(url, { method: 'POST', headers: { ...cookie, 'x-csrf-token': csrfFor(token) } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ approved: true, by: 'dashboard' });
    expect(status(file, id)).toBe('approved');
    // Approving again is a conflict with the desk's own words, not a crash.
    const again = await app.request(url, { method: 'POST', headers: { ...cookie, 'x-csrf-token': csrfFor(token) } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/is approved, not waiting for approval/);
  }, 120_000);

  it('without --ledger there is no paper page', async () => {
    const app = createDashboard({ runsDir: dir, token });
    const r = await app.request('/paper', { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toMatch(/start keel serve with --ledger FILE/);
  });
});

if (!chromiumAvailable())
  console.warn(
    `[keel] SKIPPED "paper page in Chromium": ${CHROMIUM_PATH} is not installed (apt-get install chromium).`,
  );

describe.skipIf(!chromiumAvailable())('paper page in headless Chromium', () => {
  let server: ServerType;
  let base = '';
  beforeAll(async () => {
    const app = createDashboard({ runsDir: dir, token, ledgerFile: ledger });
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

  it('renders with 0 console errors and the Approve button approves the plan end to end', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-background-networking'],
      headless: true,
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/paper?token=${token}`);
      // waitForFunction compiles its predicate with eval, which the page's CSP refuses: poll with evaluate instead
      // (this file is type-checked without the DOM library, hence the cast).
      type Doc = { document: { body: { dataset: Record<string, string | undefined> } } };
      const data = (key: string): Promise<string | undefined> =>
        page.evaluate((k) => (globalThis as unknown as Doc).document.body.dataset[k], key);
      const until = async (key: string, want: (v: string | undefined) => boolean): Promise<void> => {
        for (let i = 0; i < 300 && !want(await data(key)); i++) await new Promise((r) => setTimeout(r, 100));
      };
      await until('ready', (v) => v !== undefined);
      expect(await data('ready')).toBe('1');
      expect(await page.$$eval('button.approve', (b) => b.length)).toBe(1);
      const plan = (await page.getAttribute('button.approve', 'data-plan'))!;
      await page.click('button.approve');
      await until('approved', (v) => v === plan);
      expect(await data('approved')).toBe(plan);
      expect(await page.$$eval('button.approve', (b) => b.length)).toBe(0);
      expect(await page.textContent('table[data-table=plans] tbody')).toMatch(/approved by dashboard/);
      expect(status(ledger, plan)).toBe('approved');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
