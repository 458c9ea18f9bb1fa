/**
 * `tuneStudy(study, options)`: the study-level tuner behind `keel tune`. Each trial runs a copy of the study with
 * the trial's parameters, its data cut at the end of a fold of `tune.validation` and its backtest on that fold only,
 * so no trial loads a row dated after the validation end — which lies before `backtest.start` (refused otherwise at
 * validation). The objective is the named strategy's metric, averaged over the folds. Writes `runs/<id>/`:
 * trials.csv, tune.json (trials, best, PBO by CSCV over the trials' validation returns), best.study.yaml and
 * report.html.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { configError, usageError } from '../core/index.ts';
import { parseStudyText, validateStudy, withStudyPaths, type Study } from '../config/index.ts';
import { configHash, readStudyFile, withRunDir } from '../io/index.ts';
import {
  createStudy,
  probabilityOfBacktestOverfitting,
  type Params,
  type SamplerSpec,
  type SearchSpace,
} from '../tuning/index.ts';
import type { StudyProgressEvent } from './context.ts';
import { liveProgressWriter } from './live-progress.ts';
import { runStudy } from './run-study.ts';
import { localExecutor, type QueuedTrial, type TrialExecutor } from './trials.ts';
import { bestStudyYaml, tuneReportHtml, trialsCsv, type TuneTrial } from './tune-output.ts';

export type { TuneTrial } from './tune-output.ts';

export interface TuneOptions {
  readonly outDir?: string;
  readonly trials?: number;
  readonly sampler?: 'tpe' | 'random' | 'grid';
  readonly seed?: number;
  readonly clock?: () => Date;
  readonly baseDir?: string;
  readonly source?: { readonly path: string; readonly text: string };
  /** A trial whose run has a finding of severity warning or worse fails (recorded with the findings' first line). */
  readonly strict?: boolean;
  /** Called after each trial (progress on the terminal). */
  readonly onTrial?: (trial: TuneTrial, best: TuneTrial | undefined, total: number) => void;
  /**
   * Progress in trials (fractional within one: its folds, and each fold's study steps down to the ML job's refits
   * and epochs), for a bar with an ETA: `(done, total trials, note)`.
   */
  readonly onProgress?: (done: number, total: number, note?: string) => void;
  /**
   * Trials asked at once (default 1). The sampler sees only finished batches, so results depend on the batch size
   * but never on where or in what order a batch's trials run: the same batch size gives the same bytes here and on
   * queue workers.
   */
  readonly batch?: number;
  /** Where trials run (default: here, one after another), e.g. `remote('tune-trial', failedTuneTrial)`. */
  readonly executor?: TrialExecutor<TuneTrialPayload, TuneTrialOutcome>;
}

/** One tune trial as a worker receives it: the study, the trial's parameters and the folds to score it on. */
export interface TuneTrialPayload extends QueuedTrial {
  readonly study: Study;
  readonly params: Params;
  readonly folds: readonly { readonly start: string; readonly end: string }[];
  /** Study seeds to score every fold on (default: the study's own); fold scores are seed-major. */
  readonly seeds?: readonly number[];
  readonly strict?: boolean;
  readonly baseDir?: string;
}

export interface TuneTrialOutcome {
  readonly number: number;
  readonly foldScores: readonly number[];
  readonly returns: readonly number[];
  readonly findings: number;
  readonly error?: string;
}

/** A tune trial that could not run at all (a worker gave up on it). */
export const failedTuneTrial = (p: TuneTrialPayload, reason: string): TuneTrialOutcome => ({
  number: p.number,
  foldScores: [],
  returns: [],
  findings: 0,
  error: reason,
});

/** Scores one trial on every fold. Never throws: a failure becomes `error` (one line). */
export async function runTuneTrial(
  p: TuneTrialPayload,
  onProgress?: (fraction: number, note: string) => void,
): Promise<TuneTrialOutcome> {
  const foldScores: number[] = [];
  const returns: number[] = [];
  let findings = 0;
  try {
    const trialStudy = withStudyPaths(p.study, p.params) as Study;
    const opts: TuneOptions = {
      ...(p.baseDir !== undefined ? { baseDir: p.baseDir } : {}),
      ...(p.strict ? { strict: true } : {}),
    };
    const seeds = p.seeds ?? [trialStudy.seed];
    const runs = seeds.flatMap((seed) => p.folds.map((f) => ({ seed, f })));
    for (const [k, { seed, f }] of runs.entries()) {
      const r = await runFold(
        { ...trialStudy, seed },
        f,
        opts,
        onProgress &&
          ((frac, note) =>
            onProgress(
              (k + frac) / runs.length,
              `${seeds.length > 1 ? `seed ${seed} ` : ''}fold ${(k % p.folds.length) + 1}/${p.folds.length} ${note}`,
            )),
      );
      foldScores.push(r.score);
      returns.push(...r.returns);
      findings += r.findings;
    }
    return { number: p.number, foldScores, returns, findings };
  } catch (e) {
    // One line for trials.csv; a strict refusal carries its finding groups in `problems`.
    const problems = (e as { problems?: unknown }).problems;
    const error = [e instanceof Error ? e.message : String(e), ...(Array.isArray(problems) ? problems : [])]
      .join('; ')
      .replace(/\s*\n\s*/g, '; ');
    return { number: p.number, foldScores, returns, findings, error };
  }
}

export interface TuneResult {
  readonly runId: string;
  readonly path: string;
  readonly artefacts: readonly string[];
  readonly trials: readonly TuneTrial[];
  readonly best: TuneTrial | undefined;
  readonly pbo:
    { readonly pbo: number; readonly partitions: number; readonly periods: number } | { readonly skipped: string };
  readonly folds: readonly { readonly start: string; readonly end: string }[];
  /** The study seeds every trial was scored on (fold scores are seed-major: seed 1's folds, then seed 2's …). */
  readonly seeds: readonly number[];
  readonly seed: number;
}

/** `n` contiguous calendar sub-periods of [start, end]: fold k ends the day before fold k+1 starts. */
export function validationFolds(start: string, end: string, n: number): { start: string; end: string }[] {
  const a = Date.parse(start);
  const span = Date.parse(end) - a;
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const cut = (k: number): number => a + Math.round((span * k) / n / 86_400_000) * 86_400_000;
  return Array.from({ length: n }, (_, k) => ({
    start: day(cut(k)),
    end: k === n - 1 ? end : day(cut(k + 1) - 86_400_000),
  }));
}

interface ReportSectionJson {
  readonly strategies: readonly { name: string; nav: number[]; metrics: Record<string, number | null> }[];
  readonly forecastQuality?: readonly { model: string; ic: number | null }[];
}

/** One fold of one trial: the study copy runs into a scratch folder that is removed afterwards. */
async function runFold(
  study: Study,
  fold: { start: string; end: string },
  options: TuneOptions,
  onProgress?: (fraction: number, note: string) => void,
): Promise<{ score: number; returns: number[]; findings: number }> {
  const t = study.tune!;
  const { tune: _omit, ...rest } = study;
  const copy = {
    ...rest,
    // Never later than the study's own data.end.
    data: { ...rest.data, end: rest.data.end !== undefined && rest.data.end < fold.end ? rest.data.end : fold.end },
    backtest: { ...rest.backtest!, start: fold.start, end: fold.end },
    report: { ...rest.report, html: false },
  };
  const scratch = mkdtempSync(join(tmpdir(), 'keel-tune-'));
  try {
    const run = await runStudy(copy, {
      outDir: scratch,
      ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
      clock: () => new Date(0),
      ...(options.strict ? { strict: true } : {}),
      ...(onProgress
        ? {
            onProgress: (e: StudyProgressEvent) =>
              onProgress(
                (e.index - 1 + (e.total > 0 ? Math.min(1, e.done / e.total) : 0)) / e.count,
                `${e.step}${e.note ? ` ${e.note}` : ''}`,
              ),
          }
        : {}),
    });
    const report = JSON.parse(readFileSync(join(run.path, 'report.json'), 'utf8')) as {
      sections: ReportSectionJson[];
    };
    const name = t.objective.strategy;
    const section = report.sections.find((s) => s.strategies.some((x) => x.name === name));
    const s = section?.strategies.find((x) => x.name === name);
    if (!section || !s) throw new Error(`strategy ${name} produced no result on ${fold.start}…${fold.end}`);
    const metric = t.objective.metric;
    const score = metric === 'ic' ? section.forecastQuality?.find((q) => q.model === name)?.ic : s.metrics[metric];
    const returns: number[] = [];
    for (let i = 1; i < s.nav.length; i++) returns.push(s.nav[i]! / s.nav[i - 1]! - 1);
    return { score: typeof score === 'number' ? score : NaN, returns, findings: run.findings.length };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function tuneStudy(input: unknown, options: TuneOptions = {}): Promise<TuneResult> {
  const where = options.source?.path ?? 'study';
  let study = validateStudy(input, where);
  if (study.tune === undefined)
    throw configError(
      `${where}: no tune: section; add one (see docs/tuning.md) to say what to search and how to score it`,
    );
  const tuneIn = {
    ...study.tune,
    ...(options.trials !== undefined ? { trials: options.trials } : {}),
    ...(options.sampler !== undefined ? { sampler: options.sampler } : {}),
  };
  study = validateStudy({ ...study, tune: tuneIn }, '--trials/--sampler');
  const t = study.tune!;
  const seed = options.seed ?? t.seed ?? study.seed;
  const folds = validationFolds(t.validation.start, t.validation.end, t.folds);
  const seeds = Array.from({ length: t.seeds }, (_, k) => study.seed + k);
  const paths = Object.keys(t.space);
  const sampler: SamplerSpec = t.sampler === 'grid' ? { kind: 'grid', floatPoints: t.gridPoints } : t.sampler;
  const tuner = createStudy({
    space: t.space as SearchSpace,
    sampler,
    seed,
    direction: t.objective.direction,
  });
  const trials: TuneTrial[] = [];
  const returnsOf = new Map<number, number[]>();
  let best: TuneTrial | undefined;
  const better = (a: number, b: number): boolean => (t.objective.direction === 'maximize' ? a > b : a < b);
  const batch = options.batch ?? 1;
  if (!(Number.isInteger(batch) && batch >= 1)) throw usageError(`--batch must be an integer ≥ 1, got ${batch}`);
  const tuneId = `tune-${configHash({ study, seed, sampler: t.sampler, trials: t.trials, batch })}`;
  // Here, trials report their folds' steps (down to the ML job's refits and epochs); on a queue, whole trials.
  const progress = options.onProgress;
  const execute =
    options.executor ??
    localExecutor((p: TuneTrialPayload) =>
      runTuneTrial(
        p,
        progress && ((frac, note) => progress(p.number - 1 + frac, t.trials, `trial ${p.number} ${note}`)),
      ),
    );
  const hash = configHash({ study, seed, kind: 'tune' });
  const {
    id,
    path,
    files,
    result: pbo,
  } = await withRunDir(
    {
      outDir: options.outDir ?? 'runs',
      studyName: `${study.name}-tune`,
      hash,
      ...(options.clock ? { clock: options.clock } : {}),
    },
    async (dir) => {
      // Trials run inside the run's temporary folder, so `keel serve` shows the tune's live progress meanwhile.
      const live = liveProgressWriter(dir.tmpPath, `${study.name}-tune`, Date.now, 0);
      live.update({ step: 'trials', index: 1, count: 1, done: 0, total: t.trials });
      for (let asked = 0; asked < t.trials;) {
        const k = Math.min(batch, t.trials - asked);
        const payloads: TuneTrialPayload[] = Array.from({ length: k }, (_, i) => ({
          batchId: tuneId,
          number: asked + i + 1, // 1-based, as every output of keel tune numbers trials
          study,
          params: tuner.ask(),
          folds,
          ...(t.seeds > 1 ? { seeds } : {}),
          ...(options.strict ? { strict: true } : {}),
          ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
        }));
        const outcomes = new Map((await execute(payloads)).map((o) => [o.number, o]));
        for (const p of payloads) {
          const o = outcomes.get(p.number) ?? failedTuneTrial(p, 'no result came back for this trial');
          const value = o.error === undefined ? o.foldScores.reduce((a, b) => a + b, 0) / o.foldScores.length : NaN;
          const trial: TuneTrial = {
            number: p.number,
            params: p.params,
            value,
            foldScores: [...o.foldScores],
            findings: o.findings,
            ...(o.error !== undefined
              ? { error: o.error }
              : Number.isFinite(value)
                ? {}
                : { error: `${t.objective.metric} is not a number on the validation period` }),
          };
          trials.push(trial);
          if (trial.error === undefined) {
            returnsOf.set(p.number, [...o.returns]);
            if (best === undefined || better(value, best.value)) best = trial;
          }
          if (o.error !== undefined) tuner.fail(p.params, `objective threw: ${o.error}`);
          else tuner.tell(p.params, value);
          options.onTrial?.(trial, best, t.trials);
          progress?.(trials.length, t.trials);
          live.update({
            step: 'trials',
            index: 1,
            count: 1,
            done: trials.length,
            total: t.trials,
            note: `trial ${p.number}`,
          });
        }
        asked += k;
      }
      live.remove();
      const pbo = pboOver(trials, returnsOf);
      const bestParams = best?.params;
      dir.writeText('trials.csv', trialsCsv(trials, paths, folds.length * seeds.length));
      dir.writeJson('tune.json', {
        study: study.name,
        seed,
        sampler: t.sampler,
        trials: t.trials,
        batch,
        validation: t.validation,
        folds,
        seeds,
        objective: t.objective,
        best: best ?? null,
        pbo,
        trialsRun: trials,
      });
      if (bestParams !== undefined) {
        const tuned = withStudyPaths(study, bestParams) as Study;
        dir.writeText(
          'best.study.yaml',
          bestStudyYaml(options.source?.text, tuned, bestParams, {
            validation: t.validation,
            trials: t.trials,
            seed,
            best: { number: best!.number, value: best!.value, metric: t.objective.metric },
          }),
        );
      }
      dir.writeText('report.html', tuneReportHtml(study.name, trials, paths, t.objective, pbo));
      for (const tr of trials)
        dir.log(`trial ${tr.number}: ${tr.error ?? tr.value} ${JSON.stringify(tr.params)} (${tr.findings} findings)`);
      return pbo;
    },
  );
  return { runId: id, path, artefacts: files, trials, best, pbo, folds, seeds, seed };
}

/** PBO (CSCV) over the complete trials' validation returns: T periods × N trials, groups S ≤ 16 with ≥ 2 rows each. */
function pboOver(trials: readonly TuneTrial[], returnsOf: ReadonlyMap<number, number[]>): TuneResult['pbo'] {
  const done = trials.filter((x) => returnsOf.has(x.number));
  if (done.length < 2) return { skipped: `needs at least 2 complete trials, got ${done.length}` };
  const T = Math.min(...done.map((x) => returnsOf.get(x.number)!.length));
  const S = Math.min(16, 2 * Math.floor(T / 4));
  if (S < 2) return { skipped: `needs at least 4 validation periods, got ${T}` };
  const m = new Float64Array(T * done.length);
  done.forEach((x, j) => {
    const r = returnsOf.get(x.number)!;
    for (let i = 0; i < T; i++) m[i * done.length + j] = r[r.length - T + i]!;
  });
  const res = probabilityOfBacktestOverfitting(m, T, done.length, { partitions: S });
  return { pbo: res.pbo, partitions: S, periods: T };
}

/** `keel tune FILE`: read and parse the study file, tune relative to its folder. */
export async function tuneStudyFile(
  path: string,
  options: Omit<TuneOptions, 'source' | 'baseDir'> = {},
): Promise<TuneResult> {
  const file = readStudyFile(path);
  const study = parseStudyText(file.text, path);
  if (options.trials !== undefined && !(Number.isInteger(options.trials) && options.trials >= 1))
    throw usageError(`--trials must be an integer ≥ 1, got ${options.trials}`);
  return tuneStudy(study, { ...options, source: { path, text: file.text }, baseDir: dirname(path) });
}
