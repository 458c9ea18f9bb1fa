/**
 * The dashboard's browser code, served as /assets/keel.js. Plain ES2020, no build step, no external URLs: charts
 * use the ECharts build served from the package (/assets/echarts.min.js) and report.html's chart code (CHART_JS:
 * defaults, palette, resize). Each page's <body data-page="…"> picks what runs. Interactive charts: hover
 * tooltips, zoom (wheel and slider), legend toggles, a linear/log NAV axis.
 */
import { CHART_JS } from '../report/index.ts';

export const CLIENT_JS = String.raw`
'use strict';
const $ = (sel, el = document) => el.querySelector(sel);
const csrf = () => $('meta[name="csrf-token"]').content;
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fmt = (v, pct, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : pct ? (v * 100).toFixed(1) + '%' : v.toFixed(d));
async function getJson(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  if (!r.ok) throw new Error((await r.json()).error || r.statusText);
  return r.json();
}
async function postJson(url, body) {
  const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() }, body: JSON.stringify(body || {}) });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}
${CHART_JS}
const chart = (el, option) => keelChart(el, option, 'canvas');
const zoom = [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4 }];

function navOption(series, log) {
  return {
    legend: { type: 'scroll', top: 22 },
    grid: { left: 56, right: 20, top: 56, bottom: 56 },
    xAxis: { type: 'time' },
    yAxis: log ? { type: 'log', logBase: 2, scale: true } : { type: 'value', scale: true },
    dataZoom: zoom,
    series,
  };
}
function navSeries(strategies, prefix) {
  return strategies.map((s) => ({
    name: (prefix || '') + s.name,
    type: 'line',
    showSymbol: false,
    lineStyle: { width: s.baseline ? 1.2 : 2, type: s.baseline ? 'dashed' : 'solid' },
    data: s.dates.map((d, i) => [d, s.nav[i]]),
  }));
}
function logToggle(button, c, series) {
  let log = false;
  button.addEventListener('click', () => {
    log = !log;
    c.setOption(navOption(series, log), { replaceMerge: ['yAxis'] });
    button.textContent = log ? 'linear axis' : 'log axis';
    button.dataset.axis = log ? 'log' : 'linear';
  });
}
function table(headers, rows, attrs) {
  return '<table ' + (attrs || '') + '><thead><tr>' + headers.map((h) => '<th>' + esc(h) + '</th>').join('') + '</tr></thead><tbody>' + rows.map((r) => '<tr>' + r.map((c) => '<td>' + c + '</td>').join('') + '</tr>').join('') + '</tbody></table>';
}
const METRICS = [['annualizedReturn', 'Ann. return', true], ['annualizedVolatility', 'Volatility', true], ['sharpe', 'Sharpe'], ['deflatedSharpe', 'Deflated Sharpe'], ['deflatedSharpeVsEqualWeight', 'DSR vs 1/N'], ['maxDrawdown', 'Max drawdown', true], ['turnover', 'Turnover/yr']];

/** Running studies: the server pushes their progress files; ETA = elapsed × (1 − f) / f over a rough fraction f. */
function liveTable(list) {
  $('#live').hidden = list.length === 0;
  $('#live-table').innerHTML = table(['Study', 'Step', 'Progress', 'Elapsed', 'ETA (rough)', 'Process'], list.map((p) => {
    const f = (p.index - 1 + (p.total > 0 ? p.done / p.total : 0)) / p.count;
    const eta = f > 0.02 ? Math.round((p.elapsedMs / 1000) * (1 - f) / f) + ' s' : '—';
    return [esc(p.study), esc(p.step + ' (' + p.index + '/' + p.count + ')' + (p.note ? ': ' + p.note : '')), '<progress max="1" value="' + f.toFixed(3) + '"></progress> ' + Math.round(f * 100) + '%', Math.round(p.elapsedMs / 1000) + ' s', eta, esc(p.host + ':' + p.pid) + (p.stale ? ' (no update for 30 s)' : '')];
  }), 'class="grid" data-table="live"');
}

async function runsPage() {
  liveTable(await getJson('/api/live'));
  const es = new EventSource('/api/live/stream');
  es.addEventListener('live', (e) => liveTable(JSON.parse(e.data)));
  const runs = await getJson('/api/runs');
  const rows = runs.flatMap((r) => (r.strategies.length ? r.strategies : [{ name: '', baseline: false, metrics: {} }]).map((s) => ({ r, s })));
  let sortKey = null;
  let sortDir = -1;
  const render = () => {
    const q = $('#filter').value.toLowerCase();
    const shown = rows.filter(({ r, s }) => (r.id + ' ' + r.study + ' ' + s.name + ' ' + r.kind).toLowerCase().includes(q));
    if (sortKey) shown.sort((a, b) => {
      const x = a.s.metrics[sortKey], y = b.s.metrics[sortKey];
      const fx = Number.isFinite(x) ? x : -Infinity, fy = Number.isFinite(y) ? y : -Infinity;
      return (fx - fy) * sortDir;
    });
    const head = ['', 'Run', 'Kind', 'Study', 'Strategy', ...METRICS.map((m) => m[1]), 'Findings (err/warn/info)'];
    $('#runs').innerHTML = table(head, shown.map(({ r, s }) => [
      '<input type="checkbox" class="pick" value="' + esc(r.id) + '">',
      r.kind === 'run' ? '<a href="/runs/' + encodeURIComponent(r.id) + '">' + esc(r.id) + '</a>' : esc(r.id),
      esc(r.kind), esc(r.study), esc(s.name) + (s.baseline ? ' <span class="tag">baseline</span>' : ''),
      ...METRICS.map((m) => fmt(s.metrics[m[0]], m[2])),
      r.findings.error + ' / ' + r.findings.warning + ' / ' + r.findings.info,
    ]), 'class="grid" data-table="runs"');
    document.querySelectorAll('#runs thead th').forEach((th, i) => {
      const m = METRICS[i - 5];
      if (!m) return;
      th.classList.add('sortable');
      th.addEventListener('click', () => { sortDir = sortKey === m[0] ? -sortDir : -1; sortKey = m[0]; render(); });
    });
    $('#count').textContent = shown.length + ' rows';
  };
  $('#filter').addEventListener('input', render);
  $('#compare').addEventListener('click', () => {
    const ids = [...new Set([...document.querySelectorAll('.pick:checked')].map((x) => x.value))];
    if (ids.length >= 2) location.href = '/compare?ids=' + ids.map(encodeURIComponent).join(',');
    else $('#count').textContent = 'pick two or more runs to compare';
  });
  render();
}

function sectionBlock(run, s, ts) {
  const el = document.createElement('section');
  el.innerHTML = '<h2>' + esc(s.title) + '</h2><div class="toolbar"><button class="axis" data-axis="linear">log axis</button></div><div class="chart" data-chart="nav"></div><div class="chart" data-chart="drawdown"></div><div class="chart" data-chart="weights"></div><div class="tables"></div>';
  $('#sections').appendChild(el);
  const series = navSeries(s.strategies);
  const c = chart(el.querySelector('[data-chart=nav]'), Object.assign(navOption(series, false), { title: { text: 'Growth of 1 (after costs)', left: 'center', textStyle: { fontSize: 13 } } }));
  logToggle(el.querySelector('button.axis'), c, series);
  chart(el.querySelector('[data-chart=drawdown]'), {
    title: { text: 'Drawdown', left: 'center', textStyle: { fontSize: 13 } },
    legend: { type: 'scroll', top: 22 }, grid: { left: 56, right: 20, top: 56, bottom: 56 },
    xAxis: { type: 'time' }, yAxis: { type: 'value', axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } }, dataZoom: zoom,
    series: s.strategies.map((x) => { let peak = -Infinity; return { name: x.name, type: 'line', showSymbol: false, data: x.dates.map((d, i) => { peak = Math.max(peak, x.nav[i]); return [d, x.nav[i] / peak - 1]; }) }; }),
  });
  if (s.weights && s.weights.dates.length) {
    chart(el.querySelector('[data-chart=weights]'), {
      title: { text: 'Weights at each rebalance — ' + s.weights.strategy, left: 'center', textStyle: { fontSize: 13 } },
      legend: { type: 'scroll', top: 22 }, grid: { left: 56, right: 20, top: 56, bottom: 56 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', max: 1 }, dataZoom: zoom,
      series: s.weights.assets.map((a, k) => ({ name: a, type: 'line', stack: 'w', showSymbol: false, areaStyle: {}, lineStyle: { width: 0.5 }, data: s.weights.dates.map((d, i) => [d, Math.max(0, s.weights.weights[i][k])]) })),
    });
  } else el.querySelector('[data-chart=weights]').remove();
  const tables = el.querySelector('.tables');
  tables.innerHTML = table(['Strategy', ...METRICS.map((m) => m[1])], s.strategies.map((x) => [esc(x.name) + (x.baseline ? ' <span class="tag">baseline</span>' : ''), ...METRICS.map((m) => fmt(x.metrics[m[0]], m[2]))]), 'class="grid" data-table="metrics"');
  const sheet = ts.sections.find((x) => x.id === s.id);
  if (sheet) {
    const cols = [['calmar', 'Calmar'], ['valueAtRisk', 'VaR 95%', true], ['conditionalValueAtRisk', 'CVaR 95%', true], ['skewness', 'Skew'], ['excessKurtosis', 'Excess kurt.'], ['bestMonth', 'Best month', true], ['worstMonth', 'Worst month', true], ['beta', 'Beta'], ['alpha', 'Alpha/yr', true], ['trackingError', 'Tracking err.', true], ['informationRatio', 'Info. ratio']];
    tables.innerHTML += '<h3>Tear sheet' + (sheet.benchmark ? ' (relative to ' + esc(sheet.benchmark) + ')' : '') + '</h3>' + table(['Strategy', ...cols.map((x) => x[1])], sheet.rows.map((r) => [esc(r.name), ...cols.map((x) => fmt(r.stats[x[0]], x[2]))]), 'class="grid" data-table="tear-sheet"');
    tearSheetCharts(el, s, sheet);
  }
}

// The tear sheet's charts: monthly returns heatmap, calendar years and worst drawdowns of the lead strategy (the
// one whose weights are shown, else the first that is not a baseline), rolling Sharpe and volatility of all.
function tearSheetCharts(el, s, sheet) {
  const lead = sheet.rows.find((r) => s.weights && r.name === s.weights.strategy) || sheet.rows.find((r) => !s.strategies.find((x) => x.name === r.name && x.baseline)) || sheet.rows[0];
  if (!lead) return;
  const box = document.createElement('div');
  box.innerHTML = '<h3>' + esc(lead.name) + '</h3><div class="chart" data-chart="monthly"></div><div class="chart" data-chart="annual"></div><div class="chart" data-chart="rolling-sharpe"></div><div class="chart" data-chart="rolling-volatility"></div><div class="drawdowns"></div>';
  el.appendChild(box);
  const years = [...new Set(lead.monthly.map((m) => m.period.slice(0, 4)))];
  const cells = lead.monthly.map((m) => [Number(m.period.slice(5, 7)) - 1, years.indexOf(m.period.slice(0, 4)), m.ret]);
  const span = Math.max(0.01, ...cells.map((c) => Math.abs(c[2])));
  chart(box.querySelector('[data-chart=monthly]'), {
    title: { text: 'Monthly returns — ' + lead.name, left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item', formatter: (p) => years[p.value[1]] + '-' + String(p.value[0] + 1).padStart(2, '0') + ': ' + (p.value[2] * 100).toFixed(2) + '%' },
    grid: { left: 56, right: 20, top: 36, bottom: 84 },
    xAxis: { type: 'category', data: ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'] },
    yAxis: { type: 'category', data: years },
    visualMap: { min: -span, max: span, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#b2182b', '#f7f7f7', '#2166ac'] }, formatter: (v) => (v * 100).toFixed(1) + '%' },
    series: [{ type: 'heatmap', data: cells, label: { show: true, fontSize: 9, formatter: (p) => (p.value[2] * 100).toFixed(1) } }],
  });
  chart(box.querySelector('[data-chart=annual]'), {
    title: { text: 'Calendar-year returns (first and last years partial)', left: 'center', textStyle: { fontSize: 13 } },
    legend: { top: 22 }, grid: { left: 56, right: 20, top: 56, bottom: 32 },
    xAxis: { type: 'category', data: lead.annual.map((a) => a.period) }, yAxis: { type: 'value', axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } },
    series: [{ name: lead.name, type: 'bar', data: lead.annual.map((a) => a.ret) }].concat(sheet.benchmark ? [{ name: sheet.benchmark, type: 'bar', data: lead.annual.map((a) => a.benchmark === undefined ? null : a.benchmark) }] : []),
  });
  const rollingChart = (key, title) => chart(box.querySelector('[data-chart=rolling-' + key + ']'), {
    title: { text: title + ' (' + lead.rolling.window + ' periods)', left: 'center', textStyle: { fontSize: 13 } },
    legend: { type: 'scroll', top: 22 }, grid: { left: 56, right: 20, top: 56, bottom: 56 }, xAxis: { type: 'time' }, yAxis: { type: 'value', scale: true }, dataZoom: zoom,
    series: sheet.rows.map((r) => ({ name: r.name, type: 'line', showSymbol: false, data: r.rolling.dates.map((d, i) => [d, r.rolling[key][i]]) })),
  });
  rollingChart('sharpe', 'Rolling Sharpe');
  rollingChart('volatility', 'Rolling volatility');
  box.querySelector('.drawdowns').innerHTML = '<h4>Worst drawdowns</h4>' + table(['Peak', 'Valley', 'Recovery', 'Depth', 'Periods'], lead.drawdowns.map((d) => [esc(d.peak), esc(d.valley), esc(d.recovery || 'not yet'), fmt(-d.depth, true), String(d.periods)]), 'class="grid" data-table="drawdowns"');
}

// Explanations of the ML strategies: mean |SHAP| per feature, and the latest distilled tree's fidelity and rules.
function explanationsBlock(view) {
  const el = $('#explanations');
  if (!view.strategies.length) { el.innerHTML = '<p>No ML strategies in this run, so nothing to explain.</p>'; return; }
  view.strategies.forEach((s) => {
    const box = document.createElement('div');
    box.innerHTML = '<h3>' + esc(s.strategy) + ' <span class="tag">' + esc(s.model) + '</span></h3><p>' + s.explained + ' of ' + s.decisions + ' decisions explained (mean |SHAP| over every asset and decision, forecast units).</p><div class="chart" data-chart="importance"></div>' + (s.distill ? '<p>Distilled tree at ' + esc(s.distill.date) + ': fidelity R² ' + fmt(s.distill.fidelity, false, 3) + '</p><pre data-distill>' + esc(s.distill.rules.join('\n')) + '</pre>' : '');
    el.appendChild(box);
    const rows = [...s.importance].reverse();
    chart(box.querySelector('[data-chart=importance]'), {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, grid: { left: 160, right: 20, top: 10, bottom: 24 },
      xAxis: { type: 'value' }, yAxis: { type: 'category', data: rows.map((r) => r.feature) },
      series: [{ name: 'mean |SHAP|', type: 'bar', data: rows.map((r) => r.meanAbsShap) }],
    });
  });
}

async function runPage() {
  const id = document.body.dataset.run;
  const [report, ts, ex] = await Promise.all(['report', 'tearsheet', 'explanations'].map((k) => getJson('/api/runs/' + encodeURIComponent(id) + '/' + k)));
  const f = report.findings || [];
  $('#findings').innerHTML = f.length === 0 ? '<p class="ok">No findings: every strategy ran the methods the study names.</p>' : table(['severity', 'kind', 'strategy', 'count', 'what happened'], f.map((g) => [esc(g.severity), '<code>' + esc(g.kind) + '</code>', esc(g.strategy || ''), String(g.count), esc(g.message)]), 'class="grid findings" data-table="findings"');
  report.sections.forEach((s) => sectionBlock(id, s, ts));
  explanationsBlock(ex);
  const alerts = await getJson('/api/alerts?run=' + encodeURIComponent(id));
  $('#alerts-link').textContent = 'monitoring alerts (' + alerts.alerts.length + ')';
}

async function comparePage() {
  const ids = (new URLSearchParams(location.search).get('ids') || '').split(',').filter(Boolean);
  const reports = await Promise.all(ids.map((id) => getJson('/api/runs/' + encodeURIComponent(id) + '/report')));
  const series = reports.flatMap((r, k) => r.sections.flatMap((s) => navSeries(s.strategies.filter((x) => !x.baseline || k === 0), ids[k].slice(0, 15) + ' · ' + (r.sections.length > 1 ? s.id + '/' : ''))));
  const c = chart($('[data-chart=nav]'), navOption(series, false));
  logToggle($('button.axis'), c, series);
  $('#metrics').innerHTML = table(['Run', 'Strategy', ...METRICS.map((m) => m[1])], reports.flatMap((r, k) => r.sections.flatMap((s) => s.strategies.map((x) => ['<a href="/runs/' + encodeURIComponent(ids[k]) + '">' + esc(ids[k]) + '</a>', esc(x.name), ...METRICS.map((m) => fmt(x.metrics[m[0]], m[2]))]))), 'class="grid" data-table="compare"');
}

async function paperPage() {
  const render = async () => {
    const l = await getJson('/api/ledger');
    $('#halted').textContent = l.halted ? 'Trading is HALTED (keel trade resume to continue).' : 'Cash ' + l.cash.toFixed(2);
    $('#positions').innerHTML = table(['Asset', 'Quantity'], Object.entries(l.positions).map(([a, q]) => [esc(a), String(q)]), 'class="grid" data-table="positions"');
    const decided = (p) => esc(p.status) + (p.approvedBy ? ' by ' + esc(p.approvedBy) : '') + (p.rejectedBy ? ' by ' + esc(p.rejectedBy) + (p.reason ? ': ' + esc(p.reason) : '') : '');
    const actions = (p) => p.status !== 'planned' ? '' : '<button class="approve" data-plan="' + esc(p.id) + '">Approve</button> <input class="reason" data-plan="' + esc(p.id) + '" maxlength="500" placeholder="reason (optional)" aria-label="reason for rejecting ' + esc(p.id) + '"> <button class="reject" data-plan="' + esc(p.id) + '">Reject</button>';
    $('#plans').innerHTML = table(['Plan', 'As of', 'Strategy', 'Orders', 'Status', ''], l.plans.map((p) => [esc(p.id), esc(p.date), esc(p.strategy), String(p.orders), decided(p), actions(p)]), 'class="grid" data-table="plans"');
    $('#orders').innerHTML = table(['Order', 'Asset', 'Side', 'Quantity', 'State'], l.openOrders.map((o) => [esc(o.clientOrderId), esc(o.asset), esc(o.side), String(o.quantity), esc(o.state)]), 'class="grid" data-table="open-orders"');
    // Approve and Reject go through the trading desk on the server (CSRF token + same Origin); the body's data-approved
    // / data-rejected attributes say which plan the last click settled (the browser tests wait on them).
    const act = (cls, verb, body) => document.querySelectorAll('button.' + cls).forEach((b) => b.addEventListener('click', async () => {
      b.disabled = true;
      try { await postJson('/api/ledger/plans/' + encodeURIComponent(b.dataset.plan) + '/' + verb, body(b.dataset.plan)); $('#error').textContent = ''; }
      catch (e) { $('#error').textContent = 'error: ' + e.message; }
      await render();
      document.body.dataset[verb === 'approve' ? 'approved' : 'rejected'] = b.dataset.plan;
    }));
    act('approve', 'approve', () => ({}));
    act('reject', 'reject', (id) => {
      const r = [...document.querySelectorAll('input.reason')].find((x) => x.dataset.plan === id);
      return r && r.value.trim() ? { reason: r.value.trim() } : {};
    });
    return l;
  };
  const l = await render();
  // The NAV chart is drawn once; approving or rejecting a plan changes plans, not marks.
  if (l.marks.length) chart($('[data-chart=paper-nav]'), navOption([{ name: 'NAV', type: 'line', showSymbol: false, data: l.marks.map((m) => [m.date, m.nav]) }], false));
  else $('[data-chart=paper-nav]').hidden = true;
}

/** Small p-values and large distances both stay readable: 4 significant digits, exponent below 1e-3. */
const num = (v) => (!Number.isFinite(v) ? String(v) : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString());

/** Monitoring alerts of every run, filtered by run and detector; the filters live in the URL (?run=&detector=). */
async function alertsPage() {
  const params = new URLSearchParams(location.search);
  const all = await getJson('/api/alerts');
  const fill = (sel, values, current) => {
    for (const v of values) sel.insertAdjacentHTML('beforeend', '<option value="' + esc(v) + '">' + esc(v) + '</option>');
    sel.value = values.includes(current) ? current : '';
  };
  fill($('#alert-run'), all.runs, params.get('run') || '');
  fill($('#alert-detector'), all.detectors, params.get('detector') || '');
  $('#problems').textContent = all.problems.join(' · ');
  const render = async () => {
    const q = new URLSearchParams();
    if ($('#alert-run').value) q.set('run', $('#alert-run').value);
    if ($('#alert-detector').value) q.set('detector', $('#alert-detector').value);
    const qs = q.toString();
    history.replaceState(null, '', '/alerts' + (qs ? '?' + qs : ''));
    const l = qs ? await getJson('/api/alerts?' + qs) : all;
    $('#alerts').innerHTML = l.alerts.length === 0 ? '<p class="ok">No monitor events' + (l.total === 0 ? ' in any run: add a monitor: section to a study with an ml-forecast strategy (docs/monitoring.md).' : ' match these filters.') + '</p>' : table(['Date', 'Run', 'Strategy', 'Detector', 'Value', 'Threshold', 'Action', 'Acted on'], l.alerts.map((a) => [
      esc(a.date), '<a href="/runs/' + encodeURIComponent(a.run) + '">' + esc(a.run) + '</a>', esc(a.strategy) + (a.section && a.section !== 'universe-1' ? ' <span class="tag">' + esc(a.section) + '</span>' : ''),
      '<code>' + esc(a.detector) + '</code>', num(a.value), (a.kind === 'pValue' ? '≤ ' : '≥ ') + num(a.threshold), esc(a.action), esc(a.actedOn || ''),
    ]), 'class="grid" data-table="alerts"');
    $('#count').textContent = l.alerts.length + ' of ' + l.total + ' events';
    document.body.dataset.shown = String(l.alerts.length);
  };
  $('#alert-run').addEventListener('change', () => render().catch((e) => { $('#error').textContent = 'error: ' + e.message; }));
  $('#alert-detector').addEventListener('change', () => render().catch((e) => { $('#error').textContent = 'error: ' + e.message; }));
  await render();
}

const pages = { runs: runsPage, run: runPage, compare: comparePage, paper: paperPage, alerts: alertsPage };
const page = pages[document.body.dataset.page];
if (page) page().then(() => { document.body.dataset.ready = '1'; }, (e) => { $('#error').textContent = 'error: ' + e.message; document.body.dataset.ready = 'error'; });
`;
