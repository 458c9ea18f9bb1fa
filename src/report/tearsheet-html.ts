/**
 * The tear sheet of a report section: distribution and benchmark-relative statistics for every strategy, then
 * for the section's lead strategy its monthly returns heatmap, calendar-year returns, rolling Sharpe, volatility
 * and beta, worst drawdown spells, and exposure and turnover by month. Figures come from the metrics stage
 * (`tearSheet`, checked against a NumPy fixture); this file only lays them out.
 */
import { tearSheet, type TearSheet } from '../metrics/index.ts';
import { activityChart, annualReturnsChart, rollingChart } from './tearsheet-charts.ts';
import { chartFigure } from './chart-page.ts';
import type { ChartSpec } from './charts.ts';
import type { ReportSection, StrategySeries } from './model.ts';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (v: number | undefined, d = 1): string =>
  v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(d)}%`;
const num = (v: number | undefined, d = 2): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** The strategy and benchmark NAVs on their common dates, each rebased to 1 at the first common date. */
function alignedPair(
  s: StrategySeries,
  b: StrategySeries | undefined,
): { dates: string[]; nav: number[]; bnav?: number[] } {
  if (!b || b === s) return { dates: [...s.dates], nav: [...s.nav] };
  const at = new Map(b.dates.map((d, i) => [d, b.nav[i]!]));
  const dates: string[] = [];
  const nav: number[] = [];
  const bnav: number[] = [];
  s.dates.forEach((d, i) => {
    const v = at.get(d);
    if (v !== undefined && Number.isFinite(v) && Number.isFinite(s.nav[i]!)) {
      dates.push(d);
      nav.push(s.nav[i]!);
      bnav.push(v);
    }
  });
  return { dates, nav: nav.map((v) => v / nav[0]!), bnav: bnav.map((v) => v / bnav[0]!) };
}

function sheetOf(s: StrategySeries, b: StrategySeries | undefined): TearSheet | undefined {
  const { dates, nav, bnav } = alignedPair(s, b);
  if (dates.length < 3) return undefined;
  const ppy = s.metrics['periodsPerYear'];
  return tearSheet({
    dates,
    nav,
    ...(bnav ? { benchmarkNav: bnav } : {}),
    periodsPerYear: ppy !== undefined && Number.isFinite(ppy) && ppy > 0 ? ppy : 252,
  });
}

const STAT_COLUMNS: readonly [string, keyof TearSheet['stats'], (v: number | undefined) => string, string][] = [
  ['Calmar', 'calmar', (v) => num(v), 'annualised return / max drawdown'],
  ['VaR 95%', 'valueAtRisk', (v) => pct(v, 2), 'historical, one period, positive = loss'],
  ['CVaR 95%', 'conditionalValueAtRisk', (v) => pct(v, 2), 'mean of the returns at or below the 5 % quantile'],
  ['Skew', 'skewness', (v) => num(v), 'bias-adjusted'],
  ['Excess kurt.', 'excessKurtosis', (v) => num(v), 'bias-adjusted'],
  ['Best month', 'bestMonth', (v) => pct(v), ''],
  ['Worst month', 'worstMonth', (v) => pct(v), ''],
  ['Months > 0', 'positiveMonths', (v) => pct(v, 0), ''],
  ['Beta', 'beta', (v) => num(v), 'against the benchmark, daily returns'],
  ['Alpha / yr', 'alpha', (v) => pct(v), 'Jensen, arithmetic, annualised'],
  ['Tracking err.', 'trackingError', (v) => pct(v), 'sd of the daily active return, annualised'],
  ['Info. ratio', 'informationRatio', (v) => num(v), 'mean / sd of the daily active return, annualised'],
];

function statsTable(rows: readonly { s: StrategySeries; sheet: TearSheet }[], benchmark: string | undefined): string {
  const head = STAT_COLUMNS.map(([l, , , tip]) => `<th title="${esc(tip)}">${esc(l)}</th>`).join('');
  const body = rows
    .map(({ s, sheet }) => {
      const cells = STAT_COLUMNS.map(([, k, f]) => `<td>${f(sheet.stats[k])}</td>`).join('');
      return `<tr class="${s.baseline ? 'baseline' : 'model'}"><th scope="row">${esc(s.name)}</th>${cells}</tr>`;
    })
    .join('\n');
  const vs = benchmark
    ? `Relative figures against ${esc(benchmark)}, on the dates both are invested.`
    : 'No benchmark in this section.';
  return `<div class="scroll"><table class="metrics" data-table="tear-sheet"><caption>Tear sheet: distribution and benchmark-relative statistics, out of sample, after costs. ${vs}</caption><thead><tr><th>Strategy</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Cell colour: green for gains, red for losses, saturation ∝ |r| / the largest |monthly r| shown. */
function heat(r: number, scale: number): string {
  if (!Number.isFinite(r)) return '';
  const a = Math.min(1, Math.abs(r) / scale) * 0.75;
  return ` style="background:rgba(${r >= 0 ? '46,158,91' : '214,39,40'},${a.toFixed(3)})"`;
}

function monthlyHeatmap(sheet: TearSheet): string {
  const byYear = new Map<string, Map<number, number>>();
  for (const m of sheet.monthly) {
    const [y, mo] = m.period.split('-');
    if (!byYear.has(y!)) byYear.set(y!, new Map());
    byYear.get(y!)!.set(Number(mo), m.ret);
  }
  const scale = Math.max(1e-9, ...sheet.monthly.map((m) => Math.abs(m.ret)).filter(Number.isFinite));
  const year = new Map(sheet.annual.map((a) => [a.period, a.ret]));
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const rows = [...byYear.entries()].map(([y, ms]) => {
    const cells = months.map((_, k) => {
      const r = ms.get(k + 1);
      return r === undefined ? '<td></td>' : `<td${heat(r, scale)}>${pct(r)}</td>`;
    });
    return `<tr><th scope="row">${y}</th>${cells.join('')}<td class="total">${pct(year.get(y))}</td></tr>`;
  });
  return `<div class="scroll"><table class="metrics heatmap" data-table="monthly-returns"><caption>Monthly returns (compounded within the month; the first month from the first fill).</caption><thead><tr><th>Year</th>${months.map((m) => `<th>${m}</th>`).join('')}<th>Total</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function drawdownTable(sheet: TearSheet): string {
  if (sheet.drawdowns.length === 0) return '<p>No drawdown: the NAV never fell below a previous peak.</p>';
  const rows = sheet.drawdowns
    .map(
      (d, i) =>
        `<tr><th scope="row">${i + 1}</th><td>${pct(-d.depth)}</td><td>${d.peak}</td><td>${d.valley}</td><td>${d.recovery ?? 'not recovered'}</td><td>${d.periods}</td></tr>`,
    )
    .join('');
  return `<div class="scroll"><table class="metrics" data-table="worst-drawdowns"><caption>Worst drawdown spells: from the last peak to the first date back at that peak.</caption><thead><tr><th>#</th><th>Depth</th><th>Peak</th><th>Valley</th><th>Recovery</th><th>Periods</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

const fig = (kind: string, spec: ChartSpec, caption: string): string => chartFigure(kind, spec, esc(caption));

/** Every strategy's tear sheet in a section, against the section's benchmark (the report and the dashboard). */
export function sectionTearSheets(section: ReportSection): {
  readonly benchmark?: StrategySeries;
  readonly rows: readonly { readonly s: StrategySeries; readonly sheet: TearSheet }[];
} {
  const bench = section.strategies.find((s) => s.name === section.benchmark);
  const rows = section.strategies
    .map((s) => ({ s, sheet: sheetOf(s, bench) }))
    .filter((r): r is { s: StrategySeries; sheet: TearSheet } => r.sheet !== undefined);
  return { ...(bench ? { benchmark: bench } : {}), rows };
}

/** The tear-sheet block of one section ('' when nothing has enough dates). */
export function tearSheetHtml(section: ReportSection): string {
  const { benchmark: bench, rows } = sectionTearSheets(section);
  if (rows.length === 0) return '';
  const leadName = section.weights?.strategy;
  const lead = rows.find((r) => r.s.name === leadName) ?? rows.find((r) => !r.s.baseline) ?? rows[0]!;
  const { s, sheet } = lead;
  const benchName = bench && bench !== s ? bench.name : undefined;
  const parts = [
    `<h3 id="${esc(section.id)}-tear-sheet">Tear sheet</h3>`,
    statsTable(rows, bench?.name),
    `<h4>${esc(s.name)}</h4>`,
    monthlyHeatmap(sheet),
    fig(
      'annual-returns',
      annualReturnsChart(s.name, sheet.annual, benchName),
      'Calendar-year returns (the first and last years are partial).',
    ),
    fig(
      'rolling-sharpe',
      rollingChart(`Rolling ${sheet.rolling.window}-period Sharpe (annualised)`, sheet.rolling.dates, [
        { name: s.name, values: sheet.rolling.sharpe },
      ]),
      'Sharpe ratio over a trailing window, rf = 0.',
    ),
    fig(
      'rolling-volatility',
      rollingChart(
        `Rolling ${sheet.rolling.window}-period volatility (annualised)`,
        sheet.rolling.dates,
        [{ name: s.name, values: sheet.rolling.volatility }],
        true,
      ),
      'Standard deviation of the returns over a trailing window, annualised.',
    ),
    ...(sheet.rolling.beta && benchName
      ? [
          fig(
            'rolling-beta',
            rollingChart(`Rolling ${sheet.rolling.window}-period beta to ${benchName}`, sheet.rolling.dates, [
              { name: s.name, values: sheet.rolling.beta },
            ]),
            'Beta of the daily returns against the benchmark over a trailing window.',
          ),
        ]
      : []),
    drawdownTable(sheet),
  ];
  if (s.activity && s.activity.periods.length > 0)
    parts.push(
      fig(
        'activity',
        activityChart(s.name, s.activity),
        'Gross and net exposure at each month end and the month’s turnover (traded notional / NAV).',
      ),
    );
  return parts.join('\n');
}
