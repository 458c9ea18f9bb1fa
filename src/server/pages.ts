/** The dashboard's HTML shells: a layout with navigation and a CSRF <meta>; the data arrive from /api by fetch. */
import { escapeHtml as esc } from '../report/index.ts';

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24}
header{background:#1b2733;color:#fff;padding:8px 20px;display:flex;gap:18px;align-items:center}header a{color:#cfe3ff;text-decoration:none}
header strong{font-size:16px;margin-right:12px}main{padding:12px 20px 40px;max-width:1400px;margin:0 auto}
div.chart{height:340px;margin:10px 0;border:1px solid #e3e6ea;border-radius:6px}
table.grid{border-collapse:collapse;width:100%;font-size:12.5px;margin:8px 0}table.grid th,table.grid td{padding:4px 6px;border-bottom:1px solid #eceef1;text-align:right;white-space:nowrap}
table.grid td:nth-child(-n+2),table.grid th:nth-child(-n+2){text-align:left}th.sortable{cursor:pointer;text-decoration:underline dotted}
span.tag{font-size:10px;background:#eef;border-radius:3px;padding:0 4px;color:#446}#error{color:#b00}p.ok{color:#275}
.toolbar{display:flex;gap:8px;margin:6px 0}input#filter{padding:4px 8px;width:320px}button{padding:3px 10px;cursor:pointer}
div.scroll{overflow-x:auto}table.findings td{white-space:normal;text-align:left}`;

export function layout(opts: {
  title: string;
  page: string;
  csrf: string;
  body: string;
  attrs?: Record<string, string>;
  /** Show the Paper link (the dashboard was given a ledger). */
  paper?: boolean;
}): string {
  const attrs = Object.entries(opts.attrs ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><meta name="csrf-token" content="${esc(opts.csrf)}"><title>${esc(opts.title)} · Keel</title><style>${CSS}</style></head>
<body data-page="${esc(opts.page)}"${attrs}><header><strong>Keel</strong><a href="/">Runs</a><a href="/compare">Compare</a><a href="/alerts">Alerts</a>${opts.paper ? '<a href="/paper">Paper</a>' : ''}</header>
<main><h1>${esc(opts.title)}</h1><p id="error"></p>${opts.body}</main>
<script src="/assets/echarts.min.js"></script><script src="/assets/keel.js"></script></body></html>`;
}

export const runsBody = `<section id="live" hidden><h2>Running now</h2><div class="scroll" id="live-table"></div></section>
<div class="toolbar"><input id="filter" placeholder="filter by run, study or strategy" aria-label="filter">
<button id="compare">Compare selected</button><span id="count"></span></div><div class="scroll" id="runs"></div>`;

export const runBody = (id: string): string =>
  `<p><a href="/runs/${encodeURIComponent(id)}/report.html">static report.html</a> · <a id="alerts-link" href="/alerts?run=${encodeURIComponent(id)}">monitoring alerts</a></p><h2>Findings</h2><div id="findings" class="scroll"></div><div id="sections"></div><h2>Explanations</h2><div id="explanations"></div>`;

export const compareBody = `<p>NAV after costs of the runs' strategies (the first run's baselines dashed); zoom with the wheel or the slider, click legend entries to hide lines.</p>
<div class="toolbar"><button class="axis" data-axis="linear">log axis</button></div><div class="chart" data-chart="nav"></div><div class="scroll" id="metrics"></div>`;

export const paperBody = `<p id="halted"></p><h2>Positions</h2><div class="scroll" id="positions"></div>
<h2>Plans</h2><div class="scroll" id="plans"></div><h2>Open orders</h2><div class="scroll" id="orders"></div>
<h2>NAV</h2><div class="chart" data-chart="paper-nav"></div>`;

export const alertsBody = `<p>Every firing of a drift detector recorded by runs with a <code>monitor:</code> section (their events.json). <code>keel monitor</code> prints a health report and stores nothing, so it has no rows here.</p>
<div class="toolbar"><label>Run <select id="alert-run"><option value="">all runs</option></select></label>
<label>Detector <select id="alert-detector"><option value="">all detectors</option></select></label><span id="count"></span></div>
<p id="problems"></p><div class="scroll" id="alerts"></div>`;
