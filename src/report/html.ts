/**
 * report.html: one self-contained page (inline CSS, tables as HTML, charts as echarts options drawn by an inline
 * echarts — chart-page.ts; no external URLs) rendered from a report model. Every chart sits in
 * `<figure class="chart" data-chart="…">` so a browser test can find it.
 */
import {
  beeswarmChart,
  drawdownChart,
  equityChart,
  frontierChart,
  icChart,
  importanceChart,
  trainingChart,
  agentTrainingChart,
  weightsChart,
} from './charts.ts';
import { chartFigure, reportScripts } from './chart-page.ts';
import type { ChartSpec } from './charts.ts';
import type { FindingGroup } from '../core/index.ts';
import { tearSheetHtml } from './tearsheet-html.ts';
import type {
  AgentMembersTable,
  MemberFigures,
  ForecastQualityRow,
  ModelSelectionRow,
  MonitorEventRow,
  ReportModel,
  ReportSection,
  ShapWaterfall,
  StrategySeries,
} from './model.ts';

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const pct = (v: number | undefined, digits = 1): string =>
  v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
const num = (v: number | undefined, digits = 2): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

/** Columns of the metrics table: [label, metric key, formatter, tooltip]. */
const METRIC_COLUMNS: readonly [string, string, (v: number | undefined) => string, string][] = [
  ['Ann. return', 'annualizedReturn', (v) => pct(v), 'geometric, after costs'],
  ['Volatility', 'annualizedVolatility', (v) => pct(v), 'annualised σ of daily returns'],
  ['Sharpe', 'sharpe', (v) => num(v), 'annualised, rf = 0'],
  [
    'Deflated Sharpe',
    'deflatedSharpe',
    (v) => num(v, 3),
    'probability the true Sharpe beats the best of N unskilled trials',
  ],
  [
    'DSR vs 1/N',
    'deflatedSharpeVsEqualWeight',
    (v) => num(v, 3),
    'deflated Sharpe of the daily return over 1/N: the probability the edge over 1/N is real after N trials',
  ],
  ['Sortino', 'sortino', (v) => num(v), ''],
  ['Max drawdown', 'maxDrawdown', (v) => pct(v), ''],
  ['Turnover / yr', 'turnover', (v) => num(v), 'one-way traded notional over NAV, annualised'],
  ['L1 from 1/N', 'l1FromEqualWeight', (v) => num(v), 'mean over dates of Σ|w − 1/N| of the post-trade weights'],
  ['Cost drag / yr', 'costDrag', (v) => pct(v, 2), ''],
];

function metricsTable(strategies: readonly StrategySeries[], nTrials: number): string {
  const head = METRIC_COLUMNS.map(([l, , , tip]) => `<th title="${escapeHtml(tip)}">${escapeHtml(l)}</th>`).join('');
  const rows = strategies
    .map((s) => {
      const cells = METRIC_COLUMNS.map(([, key, fmt]) => `<td>${fmt(s.metrics[key])}</td>`).join('');
      return `<tr class="${s.baseline ? 'baseline' : 'model'}"><th scope="row">${escapeHtml(s.name)}${s.baseline ? ' <span class="tag">baseline</span>' : ''}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table class="metrics" data-table="metrics"><caption>Out-of-sample, after costs. Deflated Sharpe uses ${nTrials} configuration${nTrials === 1 ? '' : 's'} tried.</caption><thead><tr><th>Strategy</th>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

/** An rl-agent ensemble beside each of its agents acting alone (same trained policies, same costs). */
function agentMembersTable(t: AgentMembersTable): string {
  const row = (m: MemberFigures, ensemble: boolean): string =>
    `<tr class="${ensemble ? 'model' : 'member'}"><th scope="row">${escapeHtml(m.name)}${ensemble ? ' <span class="tag">ensemble</span>' : ''}</th><td>${pct(m.annualReturn)}</td><td>${pct(m.volatility)}</td><td>${num(m.sharpe)}</td><td>${pct(m.maxDrawdown)}</td><td>${num(m.turnover)}</td><td>${num(m.l1FromEqualWeight)}</td></tr>`;
  const rows = [row(t.ensemble, true), ...t.members.map((m) => row(m, false))].join('\n');
  return `<div class="scroll"><table class="metrics" data-table="agent-members"><caption>${escapeHtml(t.strategy)}: the ensemble (the mean of its ${t.members.length} agents' allocations) and each agent acting alone on its own book — the same trained policies, costs and fills, no extra training. The agents are the ${t.members.length} trials the ensemble already counts in the deflated Sharpe.</caption><thead><tr><th>Agent</th><th>Return / yr</th><th>Volatility / yr</th><th>Sharpe</th><th>Max drawdown</th><th>Turnover / yr</th><th>L1 from 1/N</th></tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function qualityTable(rows: readonly ForecastQualityRow[], perFold = false): string {
  // Synthetic data: the ceiling (planted expected return on the same cross sections) and the share found.
  const ceiling = !perFold && rows.some((r) => r.ceilingIc !== undefined);
  const ceilingCells = (r: ForecastQualityRow): string =>
    ceiling
      ? r.ceilingIc === undefined
        ? '<td></td><td></td>'
        : `<td>${num(r.ceilingIc, 3)}</td><td>${pct(r.ic / r.ceilingIc)}</td>`
      : '';
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.model)}</th>${perFold ? `<td>${escapeHtml(r.fold ?? '')}</td>` : ''}<td>${num(r.ic, 3)}</td>${ceilingCells(r)}<td>${num(r.rankIc, 3)}</td><td>${num(r.icIR, 2)}</td><td>${num(r.icTStat, 2)}</td><td>${pct(r.hitRate)}</td><td>${num(r.r2VsZero, 4)}</td><td>${num(r.r2VsHistoricalMean, 4)}</td><td>${r.nDates}</td></tr>`,
    )
    .join('\n');
  const caption = perFold
    ? 'Per walk-forward fold: the rebalances served by one fitted model (fit date shown).'
    : 'Forecast quality, out of sample (IC across assets at each rebalance; R² against the zero and the historical-mean forecasts).';
  return `<table class="metrics" data-table="${perFold ? 'forecast-quality-by-fold' : 'forecast-quality'}"><caption>${caption}</caption><thead><tr><th>Model</th>${perFold ? '<th>Fold (fit date)</th>' : ''}<th>IC</th>${ceiling ? '<th title="IC of the planted expected return on the same dates and assets">Ceiling IC</th><th>IC / ceiling</th>' : ''}<th>Rank IC</th><th>IC IR</th><th>IC t-stat</th><th>Hit rate</th><th>R² vs 0</th><th>R² vs hist. mean</th><th>Dates</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function selectionTable(rows: readonly ModelSelectionRow[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.model)}</th><td>${escapeHtml(r.fitDate)}</td><td>${escapeHtml(r.chosen)}</td><td>${escapeHtml(r.objective)}</td><td>${num(r.score, 4)}</td><td>${r.candidates}</td></tr>`,
    )
    .join('\n');
  return `<table class="metrics" data-table="model-selection"><caption>Model selection per refit: the candidate an inner purged k-fold on the training rows chose, and its mean inner score.</caption><thead><tr><th>Model</th><th>Refit date</th><th>Chosen</th><th>Objective</th><th>Inner score</th><th>Candidates</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function monitorTable(rows: readonly MonitorEventRow[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.strategy)}</th><td>${escapeHtml(r.date)}</td><td>${escapeHtml(r.actedOn)}</td><td>${escapeHtml(r.detector)}</td><td>${num(r.value, 4)}</td><td>${r.kind === 'pValue' ? '≤' : '≥'} ${num(r.threshold, 4)}</td><td>${escapeHtml(r.action)}</td><td>${escapeHtml(r.changeDate ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<table class="metrics" data-table="monitor-events"><caption>Monitor events: each detector firing (its rising edge) on data up to its date, and the action the study's monitor section took at the next decision.</caption><thead><tr><th>Strategy</th><th>Fired</th><th>Acted on</th><th>Detector</th><th>Value</th><th>Threshold</th><th>Action</th><th>Estimated change</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function waterfallTable(w: ShapWaterfall): string {
  const scale = Math.max(...w.steps.map((t) => Math.abs(t.value)), 1e-300);
  let run = w.base;
  const rows = w.steps.map((t) => {
    run += t.value;
    const width = Math.max(1, Math.round((120 * Math.abs(t.value)) / scale));
    const colour = t.value >= 0 ? '#2a7d4f' : '#b03a2e';
    return `<tr><th scope="row">${escapeHtml(t.feature)}</th><td>${t.value >= 0 ? '+' : '−'}${num(Math.abs(t.value), 5)}</td><td>${num(run, 5)}</td><td><span style="display:inline-block;height:10px;width:${width}px;background:${colour}"></span></td></tr>`;
  });
  return `<table class="metrics" data-table="shap-waterfall"><caption>Why ${escapeHtml(w.model)} forecast ${num(w.output, 5)} for ${escapeHtml(w.asset)} (its largest holding) on ${escapeHtml(w.date)}: the base (expected forecast) plus each feature’s SHAP contribution.</caption><thead><tr><th>Step</th><th>Contribution</th><th>Running total</th><th></th></tr></thead><tbody>\n<tr><th scope="row">base</th><td></td><td>${num(w.base, 5)}</td><td></td></tr>\n${rows.join('\n')}\n</tbody></table>`;
}

const pctCell = (x: number): string => `${(x * 100).toFixed(2)} %`;

function whyWeightsHtml(w: NonNullable<ReportSection['whyWeights']>): string {
  if ('unavailable' in w)
    return `<p data-table="why-weights">Why ${escapeHtml(w.model)}'s weights changed: not shown — ${escapeHtml(w.unavailable)}</p>`;
  const cols = ['before', 'after', 'deltaW', 'drift', 'forecasts', 'risk', 'constraints'] as const;
  const rows = w.rows.map(
    (r) =>
      `<tr><th scope="row">${escapeHtml(r.asset)}</th>${cols.map((c) => `<td>${pctCell(r[c])}</td>`).join('')}</tr>`,
  );
  const zero =
    w.zeroByConstruction.length > 0
      ? ` ${w.zeroByConstruction.join(', ')}: 0 by construction (the method does not read that input).`
      : '';
  const caption = `Why ${w.model} (${w.method}) changed its weights from ${w.from} to ${w.to}: Δw split exactly (Shapley over the input changes; parts sum to Δw within ${w.maxResidual.toExponential(1)}) into drift = ${w.meaning.drift}; forecasts = ${w.meaning.forecasts}; risk = ${w.meaning.risk}; constraints = what the caps changed.${zero} keel explain RUN --why-weights prints any rebalance.`;
  const table = `<table class="metrics" data-table="why-weights"><caption>${escapeHtml(caption)}</caption><thead><tr><th>Asset</th><th>Before</th><th>After</th><th>Δw</th><th>Drift</th><th>Forecasts</th><th>Risk</th><th>Constraints</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
  const sp = w.shadowPrices;
  const prices =
    'unavailable' in sp
      ? `<p data-table="shadow-prices">Binding at ${escapeHtml(w.to)}: ${escapeHtml(w.binding.join('; ') || 'no weight or sector cap')}. Shadow prices: none — ${escapeHtml(sp.unavailable)}.</p>`
      : `<table class="metrics" data-table="shadow-prices"><caption>${escapeHtml(`Constraints binding at ${w.to} and their shadow prices: ∂(optimal objective)/∂(limit) in annualised return units (${sp.source}). Positive: raising the limit would raise the objective.`)}</caption><thead><tr><th>Constraint</th><th>Asset(s)</th><th>Limit</th><th>Multiplier</th></tr></thead><tbody>\n${sp.prices
          .map(
            (p) =>
              `<tr><th scope="row">${escapeHtml(p.constraint)}</th><td>${escapeHtml(p.assets.join(', ') || '—')}</td><td>${num(p.limit, 4)}</td><td>${escapeHtml(p.value.toExponential(4))}</td></tr>`,
          )
          .join('\n')}\n</tbody></table>`;
  return table + prices;
}

function distillationHtml(d: NonNullable<ReportSection['distillation']>): string {
  const rows = d.windows.map(
    (w) =>
      `<tr><th scope="row">${escapeHtml(w.model)}</th><td>${escapeHtml(w.fitDate)}</td><td>${w.n}</td><td>${num(w.fidelity, 3)}</td></tr>`,
  );
  const table = `<table class="metrics" data-table="distillation"><caption>Distillation: at each refit, a depth-3 regression tree fitted to the model's forecasts on its training rows; fidelity = R² of the tree to the model (1 = the tree reproduces it). keel explain RUN --distill prints any refit.</caption><thead><tr><th>Strategy</th><th>Fitted</th><th>Training rows</th><th>Fidelity R²</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
  const rules = d.latest.map(
    (l) =>
      `<div data-table="distillation-rules"><p>${escapeHtml(`${l.model}: the tree of the model fitted ${l.fitDate} (R² ${l.fidelity.toFixed(3)})`)}</p><pre>${escapeHtml(l.rules.join('\n'))}</pre></div>`,
  );
  return table + rules.join('');
}

function figure(kind: string, spec: ChartSpec, caption: string): string {
  return chartFigure(kind, spec, escapeHtml(caption));
}

function section(s: ReportSection, nTrials: number): string {
  const parts: string[] = [`<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>`];
  if (s.description) parts.push(`<p>${escapeHtml(s.description)}</p>`);
  parts.push(metricsTable(s.strategies, nTrials));
  for (const t of s.agentMembers ?? []) parts.push(agentMembersTable(t));
  if (s.strategies.length > 0) {
    parts.push(
      figure(
        'equity',
        equityChart(s.strategies),
        'Net asset value after costs against the baselines (growth of 1 from the first fill).',
      ),
    );
    parts.push(figure('drawdown', drawdownChart(s.strategies), 'Drawdown from the running peak.'));
    parts.push(tearSheetHtml(s));
  }
  if (s.weights && s.weights.dates.length > 0)
    parts.push(figure('weights', weightsChart(s.weights), 'Target weights set at each rebalance.'));
  for (const w of s.moreWeights ?? [])
    if (w.dates.length > 0)
      parts.push(figure('weights', weightsChart(w), `Target weights of ${w.strategy} set at each rebalance.`));
  if (s.frontier && s.frontier.curve.length > 1)
    parts.push(
      figure(
        'frontier',
        frontierChart(s.frontier),
        'Long-only frontier from the forecast μ and the risk model Σ at the last rebalance (unconstrained except budget and max weight).',
      ),
    );
  if (s.forecastQuality && s.forecastQuality.length > 0) parts.push(qualityTable(s.forecastQuality));
  if (s.forecastQualityByFold && s.forecastQualityByFold.length > 0) {
    parts.push(
      `<details><summary>Forecast quality per fold</summary>${qualityTable(s.forecastQualityByFold, true)}</details>`,
    );
  }
  if (s.modelSelection && s.modelSelection.length > 0) parts.push(selectionTable(s.modelSelection));
  if (s.monitorEvents && s.monitorEvents.length > 0) parts.push(monitorTable(s.monitorEvents));
  if (s.ic && s.ic.length > 0)
    parts.push(
      figure(
        'ic',
        icChart(s.ic),
        'Information coefficient of each model’s forecasts against realised returns, per rebalance.',
      ),
    );
  if (s.featureImportance && s.featureImportance.length > 0)
    parts.push(
      figure(
        'importance',
        importanceChart(s.featureImportance),
        'Feature importance of the last fitted model (impurity-based for trees, |standardised coefficient| for linear models).',
      ),
    );
  if (s.shapImportance && s.shapImportance.length > 0)
    parts.push(
      figure(
        'shap-importance',
        importanceChart(s.shapImportance),
        'Mean |SHAP| per feature over every decision and asset (exact TreeSHAP for trees, exact linear SHAP, sampled otherwise), as shares of each model’s total: what moved the forecasts, in forecast units. keel explain RUN prints any decision.',
      ),
    );
  if (s.shapWaterfall) parts.push(waterfallTable(s.shapWaterfall));
  if (s.shapSummary)
    parts.push(
      figure(
        'shap-summary',
        beeswarmChart(s.shapSummary),
        `SHAP summary of ${s.shapSummary.model}: each dot is one asset at one decision where the feature was among its ${s.shapSummary.topPerRow} largest contributions (the run stores those), placed at its SHAP value and coloured by the feature's value (blue low, red high; percentile among the feature's dots).`,
      ),
    );
  if (s.whyWeights) parts.push(whyWeightsHtml(s.whyWeights));
  if (s.distillation) parts.push(distillationHtml(s.distillation));
  if (s.trainingCurves && s.trainingCurves.length > 0)
    parts.push(
      figure(
        'training',
        trainingChart(s.trainingCurves),
        'Training curves of the neural forecasters: mean-squared loss per epoch on the training and validation folds of each walk-forward refit (targets standardised, so about 1 is what a constant scores). Dotted: the loss of the constant forecast learnt from the training fold (its mean) on the validation fold; a validation curve that stays above it learnt nothing usable.',
      ),
    );
  if (s.agentTraining && s.agentTraining.length > 0)
    parts.push(
      figure(
        'agent-training',
        agentTrainingChart(s.agentTraining),
        'Training curves of the reinforcement-learning agents: the return of each training episode (mean over the agents trained at that refit), for the last refits. Rewards are in the units of the strategy’s reward (log return, differential Sharpe or risk-penalised return).',
      ),
    );
  parts.push('</section>');
  return parts.join('\n');
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1240px;padding:16px 20px 48px;color:#1b1f24}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
p.meta{color:#556;margin:0 0 12px}figure.chart{margin:12px 0;border:1px solid #e3e6ea;border-radius:6px;padding:4px;overflow-x:auto}
figure.chart div.plot{width:100%}figcaption{font-size:12px;color:#556;padding:2px 6px}
table.metrics{border-collapse:collapse;width:100%;margin:10px 0;font-size:12.5px}table.metrics caption{text-align:left;color:#556;padding:4px 0}
table.metrics th,table.metrics td{padding:4px 5px;border-bottom:1px solid #eceef1;text-align:right;white-space:nowrap}table.metrics thead th{white-space:normal;vertical-align:bottom}table.metrics tbody th[scope=row]{white-space:normal;min-width:7em;max-width:14em}\ntable.heatmap td{font-size:11.5px;min-width:3.2em}table.heatmap td.total{font-weight:600}h3{font-size:16px;margin:24px 0 6px}h4{font-size:14px;margin:16px 0 4px}
table.metrics th[scope=row],table.metrics thead th:first-child{text-align:left}tr.baseline{color:#555}
span.tag{font-size:10px;background:#eef;border-radius:3px;padding:0 4px;color:#446}ul.notes{color:#445;font-size:13px}div.scroll{overflow-x:auto}
table.findings{border-collapse:collapse;width:100%;font-size:12.5px}table.findings td,table.findings th{padding:4px 6px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top}
tr.warning td:first-child{color:#a60}tr.error td:first-child{color:#b00;font-weight:bold}tr.info td:first-child{color:#557}p.ok{color:#275}`;

/**
 * The Findings panel: what ran differently from what the study asked, most severe first. Always shown, so a clean
 * run says so in words instead of by omission.
 */
function findingsPanel(groups: readonly FindingGroup[]): string {
  if (groups.length === 0)
    return '<section id="findings"><h2>Findings</h2><p class="ok">None: every strategy ran the methods the study names, on the data as given.</p></section>';
  const total = groups.reduce((n, g) => n + g.count, 0);
  const rows = groups.map((g) => {
    const when = g.first === undefined ? '' : g.first === g.last ? g.first : `${g.first} … ${g.last}`;
    return `<tr class="${g.severity}"><td>${g.severity}</td><td><code>${escapeHtml(g.kind)}</code></td><td>${escapeHtml(g.strategy ?? '')}</td><td>${g.count}</td><td>${escapeHtml(when)}</td><td>${escapeHtml(g.message)}${g.fix ? `<br><em>Fix:</em> ${escapeHtml(g.fix)}` : ''}</td></tr>`;
  });
  return `<section id="findings"><h2>Findings (${total})</h2><p class="meta">What ran differently from what the study asked; all of them in findings.json.</p><div class="scroll"><table class="findings"><thead><tr><th>severity</th><th>kind</th><th>strategy</th><th>count</th><th>dates</th><th>what happened</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

/** The whole report page. Pure function of the model: same model → same bytes. */
export function renderReportHtml(model: ReportModel): string {
  const toc = model.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join(' · ');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(model.title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(model.title)}</h1>`,
    `<p class="meta">Study <code>${escapeHtml(model.study)}</code> · seed ${model.seed} · ${model.nTrials} configurations tried · ${toc}</p>`,
    '<noscript><p class="meta">The charts are drawn by the page’s script; with JavaScript off only the tables show.</p></noscript>',
    findingsPanel(model.findings ?? []),
    ...model.sections.map((s) => section(s, model.nTrials)),
    model.notes.length > 0
      ? `<h2>Notes</h2><ul class="notes">${model.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
      : '',
    reportScripts(),
    '</body></html>',
    '',
  ].join('\n');
}
