/** What `keel tune` writes: trials.csv, best.study.yaml and report.html (objective by trial, importance, slices). */
import { stringify } from 'yaml';
import type { Study } from '../config/index.ts';
import { chartFigure, chartSpec, escapeHtml, reportScripts } from '../report/index.ts';
import type { Params } from '../tuning/index.ts';

export interface TuneTrial {
  /** 1-based (the first trial is 1), the same in trials.csv, tune.json, best.study.yaml, log.txt and the terminal. */
  readonly number: number;
  readonly params: Params;
  /** Mean of the fold scores (NaN when the trial failed). */
  readonly value: number;
  readonly foldScores: readonly number[];
  /** Findings of the trial's runs, all folds. */
  readonly findings: number;
  readonly error?: string;
}

const cell = (v: unknown): string => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per trial: number, state, the parameters, objective, fold scores, findings, error. */
export function trialsCsv(trials: readonly TuneTrial[], paths: readonly string[], folds: number): string {
  const head = [
    'trial',
    'state',
    ...paths,
    'objective',
    ...Array.from({ length: folds }, (_, k) => `fold${k + 1}`),
    'findings',
    'error',
  ];
  const rows = trials.map((t) => [
    t.number,
    t.error === undefined ? 'complete' : 'failed',
    ...paths.map((p) => t.params[p]),
    t.value,
    ...Array.from({ length: folds }, (_, k) => t.foldScores[k]),
    t.findings,
    t.error ?? '',
  ]);
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/**
 * The resolved study with the best parameters filled in, and backtest.nTrials raised to at least the number of
 * trials, so the deflated Sharpe of the tuned study counts the search.
 */
export function bestStudyYaml(
  _sourceText: string | undefined,
  tuned: Study,
  params: Params,
  info: {
    validation: { start: string; end: string };
    trials: number;
    seed: number;
    best: { number: number; value: number; metric: string };
  },
): string {
  const nTrials = Math.max(tuned.backtest?.nTrials ?? 1, info.trials);
  const out = { ...tuned, backtest: { ...tuned.backtest!, nTrials } };
  const header = [
    `# Tuned by keel tune on the validation period ${info.validation.start}…${info.validation.end} with ${info.trials} trials, seed ${info.seed}.`,
    `# Best: trial ${info.best.number} of ${info.trials} (${info.best.metric} ${info.best.value}), numbered from 1 as in trials.csv.`,
    `# Best parameters: ${Object.entries(params)
      .map(([k, v]) => `${k} = ${String(v)}`)
      .join(', ')}.`,
    `# backtest.nTrials is ${nTrials} so the deflated Sharpe counts the search; keel run ignores the tune: section.`,
  ];
  return `${header.join('\n')}\n${stringify(JSON.parse(JSON.stringify(out)), { lineWidth: 0 })}`;
}

/** Share of the objective's variance explained by each parameter's binned values (between-bin / total). */
export function parameterImportance(trials: readonly TuneTrial[], paths: readonly string[]): Record<string, number> {
  const done = trials.filter((t) => t.error === undefined);
  const ys = done.map((t) => t.value);
  const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length);
  const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  const out: Record<string, number> = {};
  for (const p of paths) {
    const xs = done.map((t) => t.params[p]);
    const numeric = xs.every((x) => typeof x === 'number');
    const distinct = [...new Set(xs)];
    let key: (x: unknown) => string;
    if (numeric && distinct.length > 4) {
      const sorted = (xs as number[]).slice().sort((a, b) => a - b);
      const edges = [1, 2, 3].map((q) => sorted[Math.floor((q * sorted.length) / 4)]!);
      key = (x) => String(edges.filter((e) => (x as number) >= e).length);
    } else key = (x) => String(x);
    const groups = new Map<string, number[]>();
    done.forEach((t, i) => {
      const k = key(t.params[p]);
      groups.set(k, [...(groups.get(k) ?? []), ys[i]!]);
    });
    let between = 0;
    for (const g of groups.values()) between += g.length * (g.reduce((a, b) => a + b, 0) / g.length - mean) ** 2;
    out[p] = total > 0 ? between / total : 0;
  }
  return out;
}

const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export function tuneReportHtml(
  name: string,
  trials: readonly TuneTrial[],
  paths: readonly string[],
  objective: { metric: string; direction: string; strategy: string },
  pbo: { pbo: number; partitions: number; periods: number } | { skipped: string },
): string {
  const done = trials.filter((t) => t.error === undefined);
  const max = objective.direction === 'maximize';
  let run = max ? -Infinity : Infinity;
  const bestSoFar = trials.map((t) => {
    if (t.error === undefined) run = max ? Math.max(run, t.value) : Math.min(run, t.value);
    return Number.isFinite(run) ? run : null;
  });
  const byTrial = chartSpec({
    title: { text: `${objective.metric} of ${objective.strategy} by trial (validation)`, left: 10, top: 6 },
    legend: { data: ['trial', 'best so far'], top: 30, left: 10 },
    grid: { left: 64, right: 24, top: 70, bottom: 40 },
    xAxis: { type: 'value', name: 'trial' },
    yAxis: { type: 'value', scale: true },
    series: [
      { name: 'trial', type: 'scatter', data: done.map((t) => [t.number, t.value]) },
      {
        name: 'best so far',
        type: 'line',
        step: 'end',
        showSymbol: false,
        data: bestSoFar.map((v, i) => [trials[i]!.number, v]),
      },
    ],
  });
  const imp = parameterImportance(trials, paths);
  const importance = chartSpec(
    {
      title: { text: 'parameter importance (share of objective variance by binned value)', left: 10, top: 6 },
      grid: { left: 260, right: 24, top: 40, bottom: 30 },
      xAxis: { type: 'value', max: 1 },
      yAxis: { type: 'category', data: paths },
      series: [{ type: 'bar', data: paths.map((p) => imp[p]) }],
    },
    900,
    Math.max(160, 60 + 30 * paths.length),
  );
  const slices = paths.map((p) => {
    const numeric = done.every((t) => typeof t.params[p] === 'number');
    const cats = [...new Set(done.map((t) => String(t.params[p])))];
    return chartSpec(
      {
        title: { text: `slice: ${p}`, left: 10, top: 6 },
        grid: { left: 64, right: 24, top: 40, bottom: 40 },
        xAxis: numeric ? { type: 'value', scale: true } : { type: 'category', data: cats },
        yAxis: { type: 'value', scale: true },
        series: [{ type: 'scatter', data: done.map((t) => [numeric ? t.params[p] : String(t.params[p]), t.value]) }],
      },
      440,
      280,
    );
  });
  const pboText =
    'skipped' in pbo
      ? `PBO not computed: ${escapeHtml(pbo.skipped)}`
      : `Probability of backtest overfitting (CSCV, ${pbo.partitions} groups over ${pbo.periods} validation periods × ${done.length} trials): <b>${fmt(pbo.pbo)}</b>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(name)}: tuning</title>
<style>body{font-family:sans-serif;max-width:940px;margin:2em auto}.slices{display:flex;flex-wrap:wrap}figure.chart{margin:6px 0}figure.chart div.plot{width:100%}.slices figure.chart{width:440px;margin:4px}</style></head><body>
<h1>${escapeHtml(name)}: tuning</h1>
<p>${trials.length} trials (${trials.length - done.length} failed), objective ${escapeHtml(objective.metric)} of ${escapeHtml(objective.strategy)} (${escapeHtml(objective.direction)}), scored on the validation period only.</p>
<p>${pboText}</p>
${chartFigure('trials', byTrial, '')}
${chartFigure('parameter-importance', importance, '')}
<div class="slices">${slices.map((c) => chartFigure('slice', c, '')).join('\n')}</div>
${reportScripts()}
</body></html>
`;
}
