import { createHash } from 'node:crypto';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard, csrfFor } from './index.ts';
import { makeRuns } from './test-runs.ts';

const token = 'test-token-123';
let runs: { dir: string; ids: string[] };
let app: ReturnType<typeof createDashboard>;
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  runs = await makeRuns();
  app = createDashboard({ runsDir: runs.dir, token });
}, 120_000);
afterAll(() => rmSync(runs.dir, { recursive: true, force: true }));

describe('dashboard HTTP (no socket)', () => {
  it('refuses requests without the token; the printed URL sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const anon = await app.request('/api/runs');
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: string }).error).toMatch(/open the URL keel serve printed/);
    const wrong = await app.request('/?token=nope');
    expect(wrong.status).toBe(401);
    const login = await app.request('/?token=test-token-123');
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/keel_session=test-token-123/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await app.request('/', { headers: { cookie: 'keel_session=test-token-123' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<meta name="csrf-token" content="${csrfFor(token)}">`);
    expect(html).not.toMatch(/https?:\/\//); // no external URLs
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('lists the runs with their strategies and metrics; serves report, tear sheet and findings', async () => {
    const list = (await (await app.request('/api/runs', { headers: auth })).json()) as {
      id: string;
      strategies: { name: string; metrics: Record<string, number> }[];
    }[];
    expect(list.map((r) => r.id).sort()).toEqual([...runs.ids].sort());
    expect(list[0]!.strategies.map((s) => s.name)).toEqual(['min-var', 'equal-weight']);
    expect(Number.isFinite(list[0]!.strategies[0]!.metrics['sharpe'])).toBe(true);
    const ts = (await (await app.request(`/api/runs/${runs.ids[0]}/tearsheet`, { headers: auth })).json()) as {
      sections: { benchmark: string; rows: { name: string; stats: Record<string, number> }[] }[];
    };
    expect(ts.sections[0]!.benchmark).toBe('equal-weight');
    expect(Number.isFinite(ts.sections[0]!.rows[0]!.stats['beta'])).toBe(true);
    expect((await app.request(`/api/runs/${runs.ids[0]}/report`, { headers: auth })).status).toBe(200);
    const report = await app.request(`/runs/${runs.ids[0]}/report.html`, { headers: auth });
    expect(report.status).toBe(200);
    // its own policy: no network, and only its two inline scripts (by sha256) may run
    const csp = report.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; /);
    const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const scripts = [...(await report.text()).matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(csp).toContain(hash(s));
  });

  it('paths outside the runs folder are refused: .., encoded .., absolute, and a symlink out', async () => {
    symlinkSync('/etc', join(runs.dir, 'escape'));
    for (const p of [
      '/api/runs/..%2F..%2Fetc/report',
      '/api/runs/%2Fetc/report',
      '/api/runs/escape/findings',
      '/runs/..%2Fx',
    ]) {
      const r = await app.request(p, { headers: auth });
      expect(r.status, p).toBe(404);
      expect(((await r.json()) as { error: string }).error).toMatch(/^no run /);
    }
    rmSync(join(runs.dir, 'escape'));
  });

  it('writes need the CSRF token and a same-origin Origin; errors are JSON', async () => {
    const cookie = { cookie: `keel_session=${token}` };
    const forged = await app.request('/api/runs', {
      method: 'POST',
      headers: { ...cookie, origin: 'http://evil.example' },
    });
    expect(forged.status).toBe(403);
    const noCsrf = await app.request('/api/runs', { method: 'POST', headers: cookie });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: string }).error).toMatch(/X-CSRF-Token/);
    // With the token the request passes the guard and reaches routing (no such write route: JSON 404).
    const ok = await app.request('/api/runs', {
      method: 'POST',
      headers: { ...cookie, 'x-csrf-token': csrfFor(token) },
    });
    expect(ok.status).toBe(404);
    expect(((await ok.json()) as { error: string }).error).toMatch(/no such page/);
  });
});

describe('live progress in the dashboard', () => {
  it('lists a study while it runs (its process alive) and nothing once it is done', async () => {
    const { runStudy } = await import('../study/index.ts');
    const { smallStudy } = await import('./test-runs.ts');
    const { RunStore } = await import('./index.ts');
    const store = new RunStore(runs.dir);
    const during: { study: string; pid: number; step: string }[][] = [];
    await runStudy(smallStudy(10), { outDir: runs.dir, onProgress: () => during.push(store.live()) });
    expect(during.some((l) => l.some((p) => p.study === 'dash' && p.pid === process.pid))).toBe(true);
    expect(new Set(during.flat().map((p) => p.step)).size).toBeGreaterThan(1);
    const after = (await (await app.request('/api/live', { headers: auth })).json()) as unknown[];
    expect(after).toEqual([]);
  }, 120_000);
});
