/**
 * `sweepStudy(study, grid)`: run one copy of a study per point of a parameter grid and tabulate each strategy's
 * out-of-sample figures. A trial is a pure function of (resolved study, parameters): it runs in a scratch folder
 * with a fixed clock and returns plain JSON, so it can run here or on any queue worker (src/queue) and the output —
 * rows in trial order — has the same bytes either way. Every variant is validated before the first trial runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { usageError } from '../core/index.ts';
import { parseStudyText, validateStudy, withStudyPaths, type Study } from '../config/index.ts';
import { configHash, readStudyFile, withRunDir } from '../io/index.ts';
import { liveProgressWriter } from './live-progress.ts';
import { runStudy } from './run-study.ts';
import { localExecutor, type QueuedTrial, type TrialExecutor } from './trials.ts';

/** One axis of the grid: a study path and the values it takes, e.g. `strategies.core-linear.model.alpha=1,10`. */
export interface GridAxis {
  readonly path: string;
  readonly values: readonly unknown[];
}

/** Figures kept per strategy (NaN → null in JSON). */
export const SWEEP_METRICS = [
  'sharpe',
  'annualizedReturn',
  'annualizedVolatility',
  'maxDrawdown',
  'deflatedSharpe',
  'deflatedSharpeVsEqualWeight',
  'turnover',
] as const;

/** What a worker receives: everything a trial needs, nothing about where it runs (`batchId` is the sweep id). */
export interface SweepTrialPayload extends QueuedTrial {
  /** The validated study with this trial's parameters already applied. */
  readonly study: Study;
  readonly params: Readonly<Record<string, unknown>>;
  readonly baseDir?: string;
}

export interface SweepTrialResult {
  readonly number: number;
  readonly params: Readonly<Record<string, unknown>>;
  /** strategy → metric → value (null when undefined); `ic` for forecasting strategies. */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number | null>>>>;
  readonly findings: number;
  readonly error?: string;
}

/** `path=v1,v2,…` → an axis; values are YAML scalars (numbers, booleans, strings). */
export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1)
    throw usageError(
      `--grid "${text}": expected PATH=V1,V2,… (for example --grid strategies.core-linear.model.alpha=1,10,100)`,
    );
  const path = text.slice(0, eq).trim();
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  if (values.some((v) => v === ''))
    throw usageError(`--grid "${text}": an empty value; separate values with single commas`);
  return { path, values: values.map((v) => parseYaml(v) as unknown) };
}

/** Cartesian product, first axis slowest: trial k's parameters. */
export function gridPoints(axes: readonly GridAxis[]): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.path]: v })));
  return points;
}

const round = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(10)) : null;

/** One trial, run in a scratch folder that is removed afterwards. Never throws: failures become `error`. */
export async function runSweepTrial(p: SweepTrialPayload): Promise<SweepTrialResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'keel-sweep-'));
  try {
    const run = await runStudy(
      { ...p.study, report: { ...p.study.report, html: false } },
      { outDir: scratch, clock: () => new Date(0), ...(p.baseDir !== undefined ? { baseDir: p.baseDir } : {}) },
    );
    const report = JSON.parse(readFileSync(join(run.path, 'report.json'), 'utf8')) as {
      sections: {
        strategies: { name: string; metrics: Record<string, number | null> }[];
        forecastQuality?: { model: string; ic: number | null }[];
      }[];
    };
    const metrics: Record<string, Record<string, number | null>> = {};
    for (const section of report.sections)
      for (const s of section.strategies) {
        const row: Record<string, number | null> = {};
        for (const m of SWEEP_METRICS) row[m] = round(s.metrics[m]);
        const ic = section.forecastQuality?.find((q) => q.model === s.name)?.ic;
        if (ic !== undefined) row['ic'] = round(ic);
        metrics[s.name] = row;
      }
    return { number: p.number, params: p.params, metrics, findings: run.findings.length };
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, '; ');
    return { number: p.number, params: p.params, metrics: {}, findings: 0, error: msg };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A sweep trial that could not run at all (a worker gave up on it). */
export const failedSweepTrial = (p: SweepTrialPayload, reason: string): SweepTrialResult => ({
  number: p.number,
  params: p.params,
  metrics: {},
  findings: 0,
  error: reason,
});

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** sweep.csv: one row per trial and strategy, in trial order then strategy order. */
export function sweepCsv(results: readonly SweepTrialResult[], axes: readonly GridAxis[]): string {
  const head = ['trial', ...axes.map((a) => a.path), 'strategy', ...SWEEP_METRICS, 'ic', 'findings', 'error'];
  const rows = [head.map(csvCell).join(',')];
  for (const r of results) {
    const params = axes.map((a) => csvCell(r.params[a.path]));
    const names = Object.keys(r.metrics);
    if (names.length === 0)
      rows.push(
        [r.number, ...params, '', ...SWEEP_METRICS.map(() => ''), '', r.findings, csvCell(r.error ?? '')].join(','),
      );
    for (const name of names) {
      const m = r.metrics[name]!;
      rows.push(
        [
          r.number,
          ...params,
          csvCell(name),
          ...SWEEP_METRICS.map((k) => csvCell(m[k])),
          csvCell(m['ic']),
          r.findings,
          csvCell(r.error ?? ''),
        ].join(','),
      );
    }
  }
  return `${rows.join('\n')}\n`;
}

export interface SweepOptions {
  readonly outDir?: string;
  readonly baseDir?: string;
  readonly clock?: () => Date;
  readonly source?: { readonly path: string };
  /** Where trials run (default: here, one after another); e.g. `remote('sweep-trial', failedSweepTrial)`. */
  readonly executor?: TrialExecutor<SweepTrialPayload, SweepTrialResult>;
  readonly onResult?: (r: SweepTrialResult, done: number, total: number) => void;
}

export interface SweepResult {
  readonly runId: string;
  readonly path: string;
  readonly sweepId: string;
  readonly results: readonly SweepTrialResult[];
}

export async function sweepStudy(
  input: unknown,
  axes: readonly GridAxis[],
  options: SweepOptions = {},
): Promise<SweepResult> {
  const where = options.source?.path ?? 'study';
  const study = validateStudy(input, where);
  if (axes.length === 0) throw usageError('keel sweep: no --grid given; add at least one --grid PATH=V1,V2');
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.path)) throw usageError(`--grid ${a.path} is given twice; list all its values in one --grid`);
    seen.add(a.path);
  }
  const points = gridPoints(axes);
  // Validate every variant before anything runs, so a bad value fails in a second, not after an hour of trials.
  const sweepId = `sweep-${configHash({ study, axes })}`;
  const payloads: SweepTrialPayload[] = points.map((params, k) => {
    let variant: Study;
    try {
      variant = validateStudy(withStudyPaths(study, params), `${where} with ${JSON.stringify(params)}`);
    } catch (e) {
      throw usageError(`--grid: ${e instanceof Error ? e.message : String(e)}`);
    }
    return {
      batchId: sweepId,
      number: k + 1, // 1-based in sweep.csv, sweep.json, log.txt and the terminal, as keel tune numbers trials
      study: variant,
      params,
      ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
    };
  });
  // Trials run inside the run's temporary folder, so `keel serve` shows the sweep's live progress while it runs.
  const {
    id,
    path,
    result: results,
  } = await withRunDir(
    {
      outDir: options.outDir ?? 'runs',
      studyName: `${study.name}-sweep`,
      hash: sweepId.slice(6),
      ...(options.clock ? { clock: options.clock } : {}),
    },
    async (dir) => {
      const live = liveProgressWriter(dir.tmpPath, `${study.name}-sweep`, Date.now, 0);
      const progress = (done: number, note?: string): void =>
        live.update({ step: 'trials', index: 1, count: 1, done, total: payloads.length, ...(note ? { note } : {}) });
      progress(0);
      let done = 0;
      const results = await (options.executor ?? localExecutor(runSweepTrial))(payloads, (r) => {
        progress(++done, `trial ${r.number} ${r.error === undefined ? 'done' : 'failed'}`);
        options.onResult?.(r, done, payloads.length);
      });
      live.remove();
      results.sort((a, b) => a.number - b.number);
      if (results.length !== payloads.length || results.some((r, i) => r.number !== i + 1))
        throw new Error(
          `sweep ${sweepId}: expected ${payloads.length} trial results, got ${results.map((r) => r.number).join(',')}`,
        );
      dir.writeText('sweep.csv', sweepCsv(results, axes));
      dir.writeJson('sweep.json', { study: study.name, sweepId, grid: axes, trials: results });
      for (const r of results)
        dir.log(`trial ${r.number}: ${r.error ?? 'ok'} ${JSON.stringify(r.params)} (${r.findings} findings)`);
      return results;
    },
  );
  return { runId: id, path, sweepId, results };
}

/** Reads a study file (paths inside resolve against its folder) and sweeps it. */
export async function sweepStudyFile(
  path: string,
  axes: readonly GridAxis[],
  options: SweepOptions = {},
): Promise<SweepResult> {
  const file = readStudyFile(path);
  // Absolute, so a worker on another host that mounts the same folder resolves data files the same way.
  return sweepStudy(parseStudyText(file.text, path), axes, {
    baseDir: resolve(dirname(path)),
    ...options,
    source: { path },
  });
}
