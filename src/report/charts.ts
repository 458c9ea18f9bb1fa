/**
 * Report charts as echarts options (plain JSON), drawn by the reader's browser from the page's inline echarts
 * (chart-page.ts). Rendering them to SVG here cost ~0.5 s of CPU per run; an option costs about nothing. One
 * function per chart, each returning a ChartSpec; inputs are parts of the report model. JSON carries no
 * functions, so axis-label formatters are named (`format`) and the page's script turns them into functions.
 */
import type {
  FeatureImportance,
  FrontierSnapshot,
  IcSeries,
  StrategySeries,
  TrainingCurve,
  AgentTrainingCurve,
  ShapSummary,
  WeightsHistory,
} from './model.ts';

const WIDTH = 900;
const HEIGHT = 360;
/**
 * 30 distinct colours (Tableau's tab10, then tab20's light tints, then tab20b's darks): a 24-stock weights chart
 * never repeats a colour, and the first ten — what most charts use — are the strongest.
 */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#aec7e8',
  '#ffbb78',
  '#98df8a',
  '#ff9896',
  '#c5b0d5',
  '#c49c94',
  '#f7b6d2',
  '#c7c7c7',
  '#dbdb8d',
  '#9edae5',
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
  '#7b4173',
  '#5254a3',
  '#8ca252',
  '#bd9e39',
  '#ad494a',
  '#a55194',
];

export type Option = Record<string, unknown>;

/** One chart of the page: its echarts option (JSON-safe) and its size in CSS pixels (the width is a maximum). */
export interface ChartSpec {
  readonly option: Option;
  readonly width: number;
  readonly height: number;
}

export function chartSpec(option: Option, width = WIDTH, height = HEIGHT): ChartSpec {
  return { option, width, height };
}

/**
 * Named axis-label formatters (chart-page.ts's script defines them): `percent` is 100·v with `digits` decimals and
 * a % sign (0 digits: Math.round), `nav` is a growth-of-1 value (no decimals from 10 up, else 2 significant digits).
 */
export const format = {
  percent: (digits: number) => ({ keelFormat: 'percent', digits }),
  nav: { keelFormat: 'nav' },
} as const;

export const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Thins a long daily series to at most `max` points (keeps the last point) so the page stays small. */
export function thin<T>(xs: readonly T[], max = 400): { idx: number[] } {
  const n = xs.length;
  const step = Math.max(1, Math.ceil(n / max));
  const idx: number[] = [];
  for (let i = 0; i < n; i += step) idx.push(i);
  if (n > 0 && idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return { idx };
}

export function baseLayout(title: string, legend: readonly string[]): Option {
  return {
    title: { text: title, left: 10, top: 6, textStyle: { fontSize: 14 } },
    legend: { data: legend, top: 30, left: 10, type: 'plain', textStyle: { fontSize: 11 } },
    grid: { left: 64, right: 24, top: 78, bottom: 40 },
  };
}

/**
 * The growth-of-1 axis, fitted to the data: echarts' base-10 log axis ticks only at powers of ten, so a NAV
 * between 0.8 and 3 got one label and its lines squashed. A range under 4× is drawn linear; wider ranges on a
 * base-2 log axis (ticks at ×2 steps). Both are bounded by the data with a 3 % margin.
 */
export function navAxis(strategies: readonly StrategySeries[]): Option {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of strategies)
    for (const v of s.nav)
      if (Number.isFinite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (!Number.isFinite(lo)) return { type: 'value', scale: true };
  // the data-fitted min and max are not round numbers: their labels would crowd the round ticks next to them
  const label = { fontSize: 10, formatter: format.nav, showMinLabel: false, showMaxLabel: false };
  if (hi / lo < 4) {
    const pad = (hi - lo) * 0.03 || 0.01;
    return { type: 'value', min: lo - pad, max: hi + pad, splitNumber: 6, axisLabel: label };
  }
  return { type: 'log', logBase: 2, min: lo / 1.03, max: hi * 1.03, axisLabel: label };
}

/** NAV (growth of 1) of every strategy; baselines dashed. */
export function equityChart(strategies: readonly StrategySeries[]): ChartSpec {
  const dates = strategies[0]?.dates ?? [];
  const { idx } = thin(dates);
  return chartSpec({
    ...baseLayout(
      'Growth of 1 (after costs)',
      strategies.map((s) => s.name),
    ),
    xAxis: { type: 'category', data: idx.map((i) => dates[i]), axisLabel: { fontSize: 10 } },
    yAxis: navAxis(strategies),
    series: strategies.map((s) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      lineStyle: { width: s.baseline ? 1.2 : 2, type: s.baseline ? 'dashed' : 'solid' },
      data: idx.map((i) => finiteOrNull(s.nav[i]!)),
    })),
  });
}

/** Drawdown from the running peak, fractions (≤ 0). */
export function drawdownChart(strategies: readonly StrategySeries[]): ChartSpec {
  const dates = strategies[0]?.dates ?? [];
  const { idx } = thin(dates);
  return chartSpec({
    ...baseLayout(
      'Drawdown',
      strategies.map((s) => s.name),
    ),
    xAxis: { type: 'category', data: idx.map((i) => dates[i]), axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { fontSize: 10, formatter: format.percent(0) } },
    series: strategies.map((s) => {
      let peak = -Infinity;
      const dd = s.nav.map((v) => {
        peak = Math.max(peak, v);
        return v / peak - 1;
      });
      return {
        name: s.name,
        type: 'line',
        showSymbol: false,
        lineStyle: { width: s.baseline ? 1 : 1.6, type: s.baseline ? 'dashed' : 'solid' },
        ...(s.baseline ? {} : { areaStyle: { opacity: 0.15 } }),
        data: idx.map((i) => finiteOrNull(dd[i]!)),
      };
    }),
  });
}

/** Stacked weights per asset at each rebalance (cash = 1 − Σw shown as its own band when positive). */
export function weightsChart(w: WeightsHistory): ChartSpec {
  const cash = w.weights.map((row) => Math.max(0, 1 - row.reduce((s, x) => s + x, 0)));
  const showCash = cash.some((c) => c > 1e-6);
  const names = [...w.assets, ...(showCash ? ['cash'] : [])];
  return chartSpec(
    {
      ...baseLayout(`Weights at each rebalance — ${w.strategy}`, names),
      legend: { data: names, top: 30, left: 10, type: 'plain', textStyle: { fontSize: 10 }, itemWidth: 14 },
      grid: { left: 64, right: 24, top: w.assets.length > 12 ? 110 : 78, bottom: 40 },
      xAxis: { type: 'category', data: [...w.dates], axisLabel: { fontSize: 10 } },
      yAxis: {
        type: 'value',
        max: 1,
        axisLabel: { fontSize: 10, formatter: format.percent(0) },
      },
      series: names.map((name, a) => ({
        name,
        type: 'line',
        stack: 'w',
        showSymbol: false,
        lineStyle: { width: 0.5 },
        areaStyle: { opacity: 0.85 },
        data: w.weights.map((row, d) => (a < w.assets.length ? Math.max(0, row[a]!) : cash[d]!)),
      })),
    },
    WIDTH,
    w.assets.length > 12 ? 420 : HEIGHT,
  );
}

/** Efficient frontier (annualised σ vs μ), the assets, and the chosen portfolio. */
export function frontierChart(f: FrontierSnapshot): ChartSpec {
  return chartSpec({
    ...baseLayout(`Efficient frontier at the last rebalance (${f.asOf}) — ${f.strategy}`, [
      'frontier',
      'assets',
      'chosen',
    ]),
    tooltip: { trigger: 'item' },
    xAxis: {
      type: 'value',
      name: 'volatility',
      nameLocation: 'middle',
      nameGap: 26,
      scale: true,
      axisLabel: { fontSize: 10, formatter: format.percent(0) },
    },
    yAxis: {
      type: 'value',
      name: 'expected return',
      scale: true,
      axisLabel: { fontSize: 10, formatter: format.percent(1) },
    },
    series: [
      { name: 'frontier', type: 'line', showSymbol: false, smooth: false, data: f.curve.map((p) => [p.risk, p.ret]) },
      {
        name: 'assets',
        type: 'scatter',
        symbolSize: 7,
        label: { show: f.assets.length <= 12, formatter: '{b}', position: 'right', fontSize: 9 },
        data: f.assets.map((p) => ({ name: p.id, value: [p.risk, p.ret] })),
      },
      ...(f.chosen
        ? [
            {
              name: 'chosen',
              type: 'scatter',
              symbol: 'diamond',
              symbolSize: 14,
              data: [[f.chosen.risk, f.chosen.ret]],
            },
          ]
        : []),
    ],
  });
}

/** Feature importance of each model (top features, horizontal bars). */
export function importanceChart(imps: readonly FeatureImportance[], top = 15): ChartSpec {
  const total = new Map<string, number>();
  for (const m of imps) m.names.forEach((n, i) => total.set(n, (total.get(n) ?? 0) + (m.values[i] ?? 0)));
  const names = [...total.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([n]) => n)
    .reverse();
  return chartSpec(
    {
      ...baseLayout(
        'Feature importance (share of the model’s total)',
        imps.map((m) => m.model),
      ),
      grid: { left: 140, right: 24, top: 78, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { fontSize: 10 } },
      yAxis: { type: 'category', data: names, axisLabel: { fontSize: 10 } },
      series: imps.map((m) => ({
        name: m.model,
        type: 'bar',
        data: names.map((n) => {
          const i = m.names.indexOf(n);
          return i >= 0 ? finiteOrNull(m.values[i]!) : 0;
        }),
      })),
    },
    WIDTH,
    Math.max(HEIGHT, 110 + names.length * 22),
  );
}

/** Out-of-sample IC at each forecast date per model, with its 12-point moving average. */
export function icChart(series: readonly IcSeries[]): ChartSpec {
  const dates = [...new Set(series.flatMap((s) => s.dates))].sort();
  const names = series.flatMap((s) => [s.model, `${s.model} (12-pt mean)`]);
  return chartSpec({
    ...baseLayout('Out-of-sample information coefficient through time', names),
    xAxis: { type: 'category', data: dates, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', min: -1, max: 1, axisLabel: { fontSize: 10 } },
    series: series.flatMap((s) => {
      const at = new Map(s.dates.map((d, i) => [d, s.ic[i]!]));
      const raw = dates.map((d) => finiteOrNull(at.get(d) ?? NaN));
      const ma = raw.map((_, i) => {
        const w = raw.slice(Math.max(0, i - 11), i + 1).filter((v): v is number => v !== null);
        return w.length >= 3 ? w.reduce((a, b) => a + b, 0) / w.length : null;
      });
      return [
        { name: s.model, type: 'bar', barGap: '0%', data: raw, itemStyle: { opacity: 0.45 } },
        { name: `${s.model} (12-pt mean)`, type: 'line', showSymbol: false, lineStyle: { width: 2 }, data: ma },
      ];
    }),
  });
}

/**
 * Train (solid) and validation (dashed) loss per epoch of each neural refit, and (dotted) the loss of the constant
 * forecast learnt from its training fold on its validation fold (training fold when it has none): a curve above
 * the dotted line learnt nothing usable. Only the last `maxFits` refits per
 * model are drawn so the chart stays readable; the report JSON keeps them all.
 */
export function trainingChart(curves: readonly TrainingCurve[], maxFits = 4): ChartSpec {
  const byModel = new Map<string, TrainingCurve[]>();
  for (const c of curves) byModel.set(c.model, [...(byModel.get(c.model) ?? []), c]);
  const shown = [...byModel.values()].flatMap((cs) => cs.slice(-maxFits));
  const epochs = shown.reduce((m, c) => Math.max(m, c.trainLoss.length, c.validationLoss.length), 0);
  // One colour per refit, shared by its train and validation lines.
  const palette = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700', '#0a7ea4', '#cf222e', '#57606a'];
  const series = shown.flatMap((c, k) => {
    const label = `${c.model} @ ${c.fitDate}`;
    const color = palette[k % palette.length]!;
    const lines: Record<string, unknown>[] = [
      { name: `${label} train`, type: 'line', showSymbol: false, color, data: c.trainLoss.map(finiteOrNull) },
    ];
    if (c.validationLoss.length > 0)
      lines.push({
        name: `${label} validation`,
        type: 'line',
        showSymbol: false,
        color,
        lineStyle: { type: 'dashed' },
        data: c.validationLoss.map(finiteOrNull),
      });
    // What learning nothing scores: the training fold's mean as the forecast, on the fold the model stops on.
    const flat = c.validationLoss.length > 0 ? c.constantLoss?.validation : c.constantLoss?.train;
    if (flat !== undefined && Number.isFinite(flat)) {
      const n = Math.max(c.trainLoss.length, c.validationLoss.length);
      lines.push({
        name: `${label} constant forecast`,
        type: 'line',
        showSymbol: false,
        color,
        lineStyle: { type: 'dotted', width: 1 },
        data: Array.from({ length: n }, () => flat),
      });
    }
    return lines;
  });
  return chartSpec({
    ...baseLayout(
      'Training curves: loss per epoch (train solid, validation dashed, constant forecast dotted)',
      series.map((x) => String(x['name'])),
    ),
    grid: { left: 64, right: 24, top: 30 + 22 * Math.ceil(series.length / 2) + 20, bottom: 40 },
    xAxis: {
      type: 'category',
      name: 'epoch',
      data: Array.from({ length: epochs }, (_, i) => String(i + 1)),
      axisLabel: { fontSize: 10 },
    },
    yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
    series,
  });
}

/** Episode return per training episode of rl-agent strategies (mean over the K agents), the last `maxFits` refits. */
export function agentTrainingChart(curves: readonly AgentTrainingCurve[], maxFits = 4): ChartSpec {
  const shown = curves.slice(-maxFits);
  const episodes = shown.reduce((m, c) => Math.max(m, c.episodeReturns.length), 0);
  const palette = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700', '#0a7ea4', '#cf222e', '#57606a'];
  const series = shown.map((c, k) => ({
    name: `${c.strategy} @ ${c.fitDate}`,
    type: 'line',
    showSymbol: false,
    color: palette[k % palette.length]!,
    data: c.episodeReturns.map(finiteOrNull),
  }));
  return chartSpec({
    ...baseLayout(
      'Agent training: return per episode (mean over agents)',
      series.map((x) => x.name),
    ),
    grid: { left: 64, right: 24, top: 30 + 22 * Math.ceil(series.length / 2) + 20, bottom: 40 },
    xAxis: {
      type: 'category',
      name: 'episode',
      data: Array.from({ length: episodes }, (_, i) => String(i + 1)),
      axisLabel: { fontSize: 10 },
    },
    yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
    series,
  });
}

/** SHAP's summary-plot colours: feature value low (blue) → high (red). */
function valueColour(t: number): string {
  const lo = [0x1e, 0x88, 0xe5];
  const hi = [0xff, 0x0d, 0x57];
  const c = lo.map((v, i) => Math.round(v + (hi[i]! - v) * Math.min(1, Math.max(0, t))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * SHAP summary (beeswarm): one row per feature (largest mean |SHAP| on top), each dot a stored contribution, x its
 * SHAP value, coloured by the feature's value (blue low → red high). Dots that would overlap are stacked
 * alternately above and below the row (deterministic: bins of 1/120 of the x range, in data order).
 */
export function beeswarmChart(s: ShapSummary): ChartSpec {
  const feats = [...s.features].reverse();
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of feats)
    for (const v of f.shap) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const width = hi > lo ? (hi - lo) / 120 : 1;
  // one series per colour band, drawn in echarts' large mode (one SVG path per series, not one element per dot)
  const BANDS = 9;
  const data: [number, number][][] = Array.from({ length: BANDS }, () => []);
  feats.forEach((f, row) => {
    const count = new Map<number, number>();
    f.shap.forEach((v, i) => {
      const bin = Math.floor((v - lo) / width);
      const k = count.get(bin) ?? 0;
      count.set(bin, k + 1);
      const offset = Math.min(0.42, 0.035 * Math.ceil(k / 2)) * (k % 2 === 0 ? 1 : -1);
      const band = Math.min(BANDS - 1, Math.floor(f.valueRank[i]! * BANDS));
      data[band]!.push([v, row + offset]);
    });
  });
  const names = feats.map((f) => f.name);
  return chartSpec(
    {
      title: {
        text: `SHAP summary: ${s.model}`,
        subtext: 'colour: the feature’s value, blue low → red high',
        left: 10,
        top: 6,
        textStyle: { fontSize: 14 },
        subtextStyle: { fontSize: 11 },
      },
      tooltip: { show: false },
      grid: { left: 160, right: 24, top: 56, bottom: 40 },
      xAxis: {
        type: 'value',
        name: 'SHAP value (forecast units)',
        nameLocation: 'middle',
        nameGap: 24,
        axisLine: { onZero: false },
        axisLabel: { fontSize: 10 },
      },
      // labels on a category axis (centred in their band), dots on a hidden value axis whose row i is band i's centre
      yAxis: [
        { type: 'category', data: names, axisLabel: { fontSize: 10 }, axisTick: { show: false } },
        { type: 'value', min: -0.5, max: names.length - 0.5, show: false },
      ],
      series: data.map((d, b) => ({
        type: 'scatter',
        yAxisIndex: 1,
        symbolSize: 4,
        large: true,
        largeThreshold: 0,
        itemStyle: { color: valueColour((b + 0.5) / BANDS) },
        data: d,
      })),
    },
    WIDTH,
    Math.max(HEIGHT, 90 + names.length * 34),
  );
}
