/**
 * The dashboard as a Hono app: `createDashboard(opts).fetch(request)` maps a Request to a Response, so tests call
 * `app.request(path)` with no socket and `keel serve` hands the same app to @hono/node-server. Read-only over a runs
 * folder (run-store.ts); every request is authenticated (security.ts); errors are JSON `{ error }` with the status.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import {
  echartsSource,
  reportContentSecurityPolicy,
  sectionTearSheets,
  type ExplanationsArtefact,
} from '../report/index.ts';
import { explanationsView } from './explanations-view.ts';
import { CLIENT_JS } from './client.ts';
import { alertsBody, compareBody, layout, paperBody, runBody, runsBody } from './pages.ts';
import { listAlerts } from './alerts.ts';
import { DETECTOR_NAMES } from '../monitor/index.ts';
import { approveFromDashboard, readLedger, rejectFromDashboard } from './ledger-view.ts';
import { isKeelError } from '../core/index.ts';
import { MAX_REASON } from '../trading/index.ts';
import { RunStore } from './run-store.ts';
import { authenticate, csrfFor } from './security.ts';

export interface DashboardOptions {
  readonly runsDir: string;
  /** The session token (printed in the URL by `keel serve`). */
  readonly token: string;
  /** A trading ledger (keel trade / keel paper) for the paper-portfolio page; absent → no such page. */
  readonly ledgerFile?: string;
}

type Env = { Variables: { runs: RunStore } };

export function createDashboard(opts: DashboardOptions): Hono<Env> {
  const runs = new RunStore(opts.runsDir);
  const csrf = csrfFor(opts.token);
  const app = new Hono<Env>();
  const security = {
    'content-security-policy':
      "default-src 'self'; style-src 'unsafe-inline' 'self'; img-src 'self' data:; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  app.use('*', async (c, next) => {
    await next();
    // a route that set its own policy (report.html: its two inline scripts by hash) keeps it
    for (const [k, v] of Object.entries(security)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  });
  app.use('*', authenticate(opts.token));

  const runOr404 = (id: string): string => {
    if (runs.dir(id) === null) throw new HTTPException(404, { message: `no run "${id}" in ${runs.root}` });
    return id;
  };

  app.get('/assets/echarts.min.js', (c) =>
    c.body(echartsSource('full'), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );
  app.get('/assets/keel.js', (c) => c.body(CLIENT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  app.get('/', (c) =>
    c.html(
      layout({
        paper: opts.ledgerFile !== undefined,
        title: `Runs in ${runs.root}`,
        page: 'runs',
        csrf,
        body: runsBody,
      }),
    ),
  );
  app.get('/compare', (c) =>
    c.html(
      layout({ paper: opts.ledgerFile !== undefined, title: 'Compare runs', page: 'compare', csrf, body: compareBody }),
    ),
  );
  app.get('/runs/:id', (c) => {
    const id = runOr404(c.req.param('id'));
    return c.html(
      layout({
        paper: opts.ledgerFile !== undefined,
        title: id,
        page: 'run',
        csrf,
        body: runBody(id),
        attrs: { run: id },
      }),
    );
  });
  app.get('/runs/:id/report.html', (c) => {
    const html = runs.readText(runOr404(c.req.param('id')), 'report.html');
    if (html === null) throw new HTTPException(404, { message: 'this run has no report.html' });
    return c.html(html, 200, { 'content-security-policy': reportContentSecurityPolicy() });
  });

  const ledgerFile = opts.ledgerFile;
  const ledgerOr404 = (): string => {
    if (ledgerFile === undefined)
      throw new HTTPException(404, { message: 'no ledger: start keel serve with --ledger FILE' });
    return ledgerFile;
  };
  app.get('/paper', (c) =>
    c.html(
      layout({
        paper: opts.ledgerFile !== undefined,
        title: `Paper portfolio — ${ledgerOr404()}`,
        page: 'paper',
        csrf,
        body: paperBody,
      }),
    ),
  );
  app.get('/api/ledger', (c) => c.json(readLedger(ledgerOr404())));
  // The desk's refusals (unknown plan, not waiting, content changed since planning) are conflicts, not crashes.
  const desk = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (isKeelError(e)) throw new HTTPException(e.exitCode === 2 ? 400 : 409, { message: e.message });
      throw e;
    }
  };
  app.post('/api/ledger/plans/:id/approve', (c) => {
    const file = ledgerOr404();
    return c.json(desk(() => approveFromDashboard(file, c.req.param('id'))));
  });
  const small = bodyLimit({
    maxSize: 4096,
    onError: () => {
      throw new HTTPException(413, {
        message: `request body over 4096 bytes; a rejection reason is at most ${MAX_REASON} characters`,
      });
    },
  });
  app.post('/api/ledger/plans/:id/reject', small, async (c) => {
    const file = ledgerOr404();
    const text = await c.req.text();
    let body: unknown = {};
    try {
      if (text.trim() !== '') body = JSON.parse(text);
    } catch {
      throw new HTTPException(400, { message: 'the body must be JSON: { "reason": "why" } (reason optional)' });
    }
    const reason = (body as { reason?: unknown } | null)?.reason;
    if (body === null || typeof body !== 'object' || (reason !== undefined && typeof reason !== 'string'))
      throw new HTTPException(400, { message: 'the body must be JSON: { "reason": "why" } (reason optional)' });
    return c.json(desk(() => rejectFromDashboard(file, c.req.param('id'), reason)));
  });

  app.get('/alerts', (c) =>
    c.html(
      layout({
        paper: opts.ledgerFile !== undefined,
        title: 'Monitoring alerts',
        page: 'alerts',
        csrf,
        body: alertsBody,
      }),
    ),
  );
  // ?run=ID&detector=NAME narrow the list; an unknown run is a 404 and an unknown detector a 400, not an empty list.
  app.get('/api/alerts', (c) => {
    const run = c.req.query('run') || undefined;
    const detector = c.req.query('detector') || undefined;
    if (run !== undefined) runOr404(run);
    if (detector !== undefined && !(DETECTOR_NAMES as readonly string[]).includes(detector))
      throw new HTTPException(400, {
        message: `detector "${detector}" is not a monitor detector; use one of ${DETECTOR_NAMES.join(', ')}`,
      });
    return c.json(listAlerts(runs, { ...(run ? { run } : {}), ...(detector ? { detector } : {}) }));
  });

  app.get('/api/runs', (c) => c.json(runs.list()));
  app.get('/api/live', (c) => c.json(runs.live()));
  // Live progress of running studies, pushed once a second until the page goes away.
  app.get('/api/live/stream', (c) =>
    streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      while (open) {
        await stream.writeSSE({ event: 'live', data: JSON.stringify(runs.live()) });
        await stream.sleep(1000);
      }
    }),
  );
  app.get('/api/runs/:id/report', (c) => {
    const r = runs.report(runOr404(c.req.param('id')));
    if (r === null) throw new HTTPException(404, { message: 'this run has no report.json' });
    return c.json(r);
  });
  app.get('/api/runs/:id/tearsheet', (c) => {
    const r = runs.report(runOr404(c.req.param('id')));
    if (r === null) throw new HTTPException(404, { message: 'this run has no report.json' });
    const sections = r.sections.map((s) => {
      const { benchmark, rows } = sectionTearSheets(s);
      return {
        id: s.id,
        benchmark: benchmark?.name ?? null,
        rows: rows.map(({ s: x, sheet }) => ({
          name: x.name,
          stats: sheet.stats,
          drawdowns: sheet.drawdowns,
          monthly: sheet.monthly,
          annual: sheet.annual,
          // Typed arrays → plain arrays (JSON writes NaN, the warm-up, as null).
          rolling: {
            window: sheet.rolling.window,
            dates: sheet.rolling.dates,
            sharpe: Array.from(sheet.rolling.sharpe),
            volatility: Array.from(sheet.rolling.volatility),
            ...(sheet.rolling.beta ? { beta: Array.from(sheet.rolling.beta) } : {}),
          },
        })),
      };
    });
    return c.json({ sections });
  });
  app.get('/api/runs/:id/explanations', (c) => {
    const t = runs.readText(runOr404(c.req.param('id')), 'explanations.json');
    return c.json({ strategies: t === null ? [] : explanationsView(JSON.parse(t) as ExplanationsArtefact) });
  });
  app.get('/api/runs/:id/findings', (c) => {
    const t = runs.readText(runOr404(c.req.param('id')), 'findings.json');
    return c.json(t === null ? [] : (JSON.parse(t) as unknown));
  });

  app.notFound((c) => c.json({ error: `no such page: ${new URL(c.req.url).pathname}` }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    return c.json({ error: `internal error: ${err.message}` }, 500);
  });
  return app;
}
