/**
 * The paper-portfolio page over a real trading ledger: approve and reject through the dashboard; forged writes
 * change nothing.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { spawnSync } from 'node:child_process';
import { chromiumAvailable, CHROMIUM_PATH } from '../report/index.ts';
import { TradeLedger } from '../trading/index.ts';
import { tempDir, writeStudy } from '../../test/support/trading-studies.ts';
import { openBrowserPage, waitForDataset } from './test-browser.ts';
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

  it('rejects through the desk: forged rejections (no CSRF token, another Origin) change nothing; a rejected plan cannot be approved', async () => {
    const { file, id } = await pendingPlan('http-reject');
    const app = createDashboard({ runsDir: dir, token, ledgerFile: file });
    const cookie = { cookie: `keel_session=${token}` };
    const url = `/api/ledger/plans/${id}/reject`;
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ reason: 'not today' });
    expect((await app.request(url, { method: 'POST', headers: { ...cookie, ...json }, body })).status).toBe(403);
    const cross = { ...cookie, ...json, origin: 'http://evil.example', 'x-csrf-token': csrfFor(token) };
    expect((await app.request(url, { method: 'POST', headers: cross, body })).status).toBe(403);
    expect(status(file, id)).toBe('planned');
    const ok = { ...cookie, ...json, 'x-csrf-token': csrfFor(token) };
    // Bad bodies are refused before the desk is called: not JSON, a reason that is not text, too long, too big.
    for (const [bad, code, msg] of [
      ['reason: no', 400, /the body must be JSON/],
      [JSON.stringify({ reason: 5 }), 400, /the body must be JSON/],
      [JSON.stringify({ reason: 'x'.repeat(501) }), 400, /is 501 characters; keep it to 500 or fewer/],
      [JSON.stringify({ reason: 'x'.repeat(5000) }), 413, /request body over 4096 bytes/],
    ] as const) {
      const r = await app.request(url, { method: 'POST', headers: ok, body: bad });
      expect(r.status, bad.slice(0, 20)).toBe(code);
      expect(((await r.json()) as { error: string }).error).toMatch(msg);
    }
    expect(status(file, id)).toBe('planned');
    const done = await app.request(url, { method: 'POST', headers: ok, body });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ rejected: true, by: 'dashboard', reason: 'not today' });
    expect(status(file, id)).toBe('rejected');
    const snap = (await (await app.request('/api/ledger', { headers: cookie })).json()) as {
      plans: { id: string; status: string; rejectedBy: string | null; reason: string | null }[];
      openOrders: unknown[];
    };
    expect(snap.plans).toEqual([
      expect.objectContaining({ id, status: 'rejected', rejectedBy: 'dashboard', reason: 'not today' }),
    ]);
    expect(snap.openOrders).toEqual([]);
    // Once rejected: approving or rejecting again is a conflict in the desk's words, and the audit log verifies.
    const approve = await app.request(`/api/ledger/plans/${id}/approve`, { method: 'POST', headers: ok });
    expect(approve.status).toBe(409);
    expect(((await approve.json()) as { error: string }).error).toMatch(/is rejected, not waiting for approval/);
    expect((await app.request(url, { method: 'POST', headers: ok })).status).toBe(409);
    const l = TradeLedger.open(file);
    try {
      expect(l.verify().ok).toBe(true);
    } finally {
      l.close();
    }
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
    const { browser, page, errors } = await openBrowserPage();
    try {
      await page.goto(`${base}/paper?token=${token}`);
      expect(await waitForDataset(page, 'ready')).toBe('1');
      expect(await page.$$eval('button.approve', (b) => b.length)).toBe(1);
      const plan = (await page.getAttribute('button.approve', 'data-plan'))!;
      await page.click('button.approve');
      expect(await waitForDataset(page, 'approved', (v) => v === plan)).toBe(plan);
      expect(await page.$$eval('button.approve', (b) => b.length)).toBe(0);
      expect(await page.textContent('table[data-table=plans] tbody')).toMatch(/approved by dashboard/);
      expect(status(ledger, plan)).toBe('approved');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe.skipIf(!chromiumAvailable())('paper page in headless Chromium: reject', () => {
  let server: ServerType;
  let evil: Server;
  let base = '';
  let evilBase = '';
  let file = '';
  const seen: { path: string; origin: string | null; status: number }[] = [];
  beforeAll(async () => {
    file = (await pendingPlan('browser-reject')).file;
    const app = createDashboard({ runsDir: dir, token, ledgerFile: file });
    // What the server answered to each write, to show the cross-origin POST did arrive and was refused.
    const fetch = async (req: Request): Promise<Response> => {
      const res = await app.fetch(req);
      if (req.method === 'POST')
        seen.push({ path: new URL(req.url).pathname, origin: req.headers.get('origin'), status: res.status });
      return res;
    };
    await new Promise<void>((resolve) => {
      server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    // Another origin on the same host (same site, so the SameSite=Strict cookie is sent): only the Origin check and
    // the CSRF token stand between its page and the ledger.
    evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>elsewhere</p>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilBase = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await new Promise((r) => evil?.close(r));
  });

  it('a forged reject (from another origin, or without the CSRF token) leaves the plan pending; the Reject button rejects it with its reason', async () => {
    const { browser, page, errors } = await openBrowserPage();
    try {
      await page.goto(`${base}/paper?token=${token}`); // signs in: the session cookie is set
      expect(await waitForDataset(page, 'ready')).toBe('1');
      const plan = (await page.getAttribute('button.reject', 'data-plan'))!;
      const url = `${base}/api/ledger/plans/${encodeURIComponent(plan)}/reject`;
      // 1. With the session cookie but without the CSRF header (the browser context's own cookie jar).
      expect((await page.request.post(url, { data: {} })).status()).toBe(403);
      // 2. From another origin: a credentialed cross-origin POST (no-cors, so the page cannot even read the answer).
      const other = await browser.newPage();
      await other.goto(evilBase);
      await other.evaluate(
        (u) => fetch(u, { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }).then(() => 0),
        url,
      );
      await other.close();
      // It arrived and was refused: Chromium leaves the session cookie off this cross-origin request (401); had it
      // sent the cookie, the Origin check refuses it (403, tested over HTTP above). Either way nothing is written.
      const forged = seen.filter((x) => x.origin === evilBase);
      expect(forged.map((x) => x.path)).toEqual([new URL(url).pathname]);
      expect([401, 403]).toContain(forged[0]!.status);
      expect(status(file, plan)).toBe('planned');
      // 3. The real thing: a reason typed in, the Reject button, the desk records it.
      await page.fill(`input.reason[data-plan="${plan}"]`, 'sizes look wrong');
      await page.click('button.reject');
      expect(await waitForDataset(page, 'rejected', (v) => v === plan)).toBe(plan);
      expect(await page.$$eval('button.reject, button.approve', (b) => b.length)).toBe(0);
      expect(await page.textContent('table[data-table=plans] tbody')).toMatch(
        /rejected by dashboard: sizes look wrong/,
      );
      expect(status(file, plan)).toBe('rejected');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
