/**
 * How charts reach a reader: each report figure carries its echarts option as inline JSON, and the page draws them
 * with an inline copy of echarts (the "common" build: line, bar, scatter, the SVG renderer; ~0.7 MB) — still one
 * self-contained file that works offline from file://, with the dashboard's hover tooltips and legend toggles.
 * The dashboard (src/server) serves the full echarts build and shares CHART_JS, the code that creates a chart.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PALETTE, type ChartSpec } from './charts.ts';

const sources = new Map<string, string>();
/**
 * The minified echarts build: 'common' for report.html, 'full' (adds heatmap and visualMap) for the dashboard.
 * Read on first use and kept (one file read per process, not echarts' modules loaded to render SVG).
 */
export function echartsSource(build: 'common' | 'full'): string {
  let s = sources.get(build);
  if (s === undefined) {
    const file = build === 'common' ? 'echarts/dist/echarts.common.min.js' : 'echarts/dist/echarts.min.js';
    s = readFileSync(createRequire(import.meta.url).resolve(file), 'utf8');
    // An inline <script> ends at the first "</script"; echarts' minified builds contain none (checked here, once).
    if (/<\/script|<!--/i.test(s)) throw new Error(`${file} contains "</script" or "<!--"; it cannot be inlined`);
    sources.set(build, s);
  }
  return s;
}

/**
 * Browser code shared by report.html and the dashboard (plain ES2020, needs the global `echarts`):
 * keelChart(el, option, renderer) creates a chart with Keel's defaults (no animation, the report palette, axis
 * tooltips) after turning the named formatters of charts.ts (`{ keelFormat: … }`) into functions; every chart
 * follows the window's size.
 */
export const CHART_JS = String.raw`
const KEEL_PALETTE = ${JSON.stringify(PALETTE)};
const KEEL_FORMATS = {
  percent: (f) => (v) => (f.digits === 0 ? Math.round(v * 100) : (v * 100).toFixed(f.digits)) + '%',
  nav: () => (v) => (v >= 10 ? v.toFixed(0) : v.toPrecision(2)),
};
function keelFormatters(x) {
  if (Array.isArray(x)) return x.map(keelFormatters);
  if (x === null || typeof x !== 'object') return x;
  if (typeof x.keelFormat === 'string') {
    const make = KEEL_FORMATS[x.keelFormat];
    if (!make) throw new Error('unknown chart formatter ' + x.keelFormat);
    return make(x);
  }
  const out = {};
  for (const k of Object.keys(x)) out[k] = keelFormatters(x[k]);
  return out;
}
const keelCharts = [];
function keelChart(el, option, renderer) {
  const c = echarts.init(el, null, { renderer: renderer });
  c.setOption(Object.assign({ animation: false, color: KEEL_PALETTE, tooltip: { trigger: 'axis' }, textStyle: { fontFamily: 'system-ui, sans-serif' } }, keelFormatters(option)));
  keelCharts.push(c);
  return c;
}
window.addEventListener('resize', () => keelCharts.forEach((c) => c.resize()));
`;

/**
 * report.html's own script: draws every figure from its JSON (SVG renderer: sharp text and printable). A chart
 * that fails says so in its box and on the console instead of leaving a blank space.
 */
const REPORT_JS = `'use strict';${CHART_JS}
document.querySelectorAll('figure.chart').forEach((fig) => {
  const box = fig.querySelector('div.plot');
  try {
    keelChart(box, JSON.parse(fig.querySelector('script.chart-option').textContent), 'svg');
  } catch (e) {
    box.textContent = 'This chart could not be drawn: ' + e.message;
    console.error('chart ' + fig.dataset.chart + ': ' + e.message);
  }
});
document.body.dataset.charts = String(keelCharts.length);
`;

/**
 * Chart data to 5 significant digits: far finer than a pixel, and a third of the bytes of full doubles. A function
 * would silently vanish from the JSON (an axis without its formatter), so it is refused.
 */
function compact(key: string, v: unknown): unknown {
  if (typeof v === 'function') throw new Error(`chart option "${key}" is a function; use charts.ts's format.*`);
  return typeof v === 'number' ? Number(v.toPrecision(5)) : v;
}

/** A `<figure class="chart" data-chart=kind>`: the box echarts draws into, the option as JSON, the caption. */
export function chartFigure(kind: string, spec: ChartSpec, captionHtml: string): string {
  // "<" as \u003c: no "</script>" or "<!--" inside the JSON can end or confuse the element that holds it.
  const json = JSON.stringify(spec.option, compact).replace(/</g, '\\u003c');
  const caption = captionHtml === '' ? '' : `<figcaption>${captionHtml}</figcaption>`;
  return `<figure class="chart" data-chart="${kind}"><div class="plot" style="max-width:${spec.width}px;height:${spec.height}px"></div><script type="application/json" class="chart-option">${json}</script>${caption}</figure>`;
}

/** The page's two scripts (echarts, then REPORT_JS), placed at the end of the body (report.html, tune's report.html). */
export function reportScripts(): string {
  return `<script>${echartsSource('common')}</script>\n<script>${REPORT_JS}</script>`;
}

let policy: string | undefined;
/**
 * The Content-Security-Policy the dashboard serves report.html with: only these exact two scripts may run (their
 * sha256), no network, inline styles allowed (the tables and charts use them).
 */
export function reportContentSecurityPolicy(): string {
  const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
  policy ??= `default-src 'none'; script-src ${hash(echartsSource('common'))} ${hash(REPORT_JS)}; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'`;
  return policy;
}

/** The charts of a written page, read back: kind and option of each figure in order (tests and tools). */
export function pageCharts(html: string): { kind: string; option: Record<string, unknown> }[] {
  const re =
    /<figure class="chart" data-chart="([^"]+)"><div class="plot"[^>]*><\/div><script type="application\/json" class="chart-option">([^<]*)<\/script>/g;
  return [...html.matchAll(re)].map((m) => ({ kind: m[1]!, option: JSON.parse(m[2]!) as Record<string, unknown> }));
}
