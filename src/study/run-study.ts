/**
 * `runStudy(study, options)`: validates a study (or takes an already-resolved one), runs the steps it asks for
 * (steps/index.ts) and writes `runs/<id>/` atomically: study.resolved.json, seeds.json, data-hashes.json,
 * summary.json, log.txt and every artefact the steps produced. On any failure nothing is left in the runs folder.
 */
import { dirname } from 'node:path';
import {
  configError,
  countFindings,
  enforceStrict,
  formatFindingGroup,
  groupFindings,
  type Finding,
} from '../core/index.ts';
import { parseStudyText, validateStudy, type Study } from '../config/index.ts';
import { configHash, readStudyFile, sha256Hex, withRunDir } from '../io/index.ts';
import { deriveSeed, type RunContext, type StudyProgressEvent, type StudyState, type StudyStep } from './context.ts';
import { liveProgressWriter } from './live-progress.ts';

export interface RunStudyOptions {
  /** Parent folder of run folders. Default `runs`. */
  readonly outDir?: string;
  /** Clock for the run id and log timestamps (fixed in tests). Default: the wall clock. */
  readonly clock?: () => Date;
  readonly onProgress?: (event: StudyProgressEvent) => void;
  /** Called with every log.txt line as it is written (the CLI echoes them with --verbose). */
  readonly onLog?: (line: string) => void;
  /** Folder that relative data paths are resolved against. Default: the current directory. */
  readonly baseDir?: string;
  /** The study file the study came from (its bytes are hashed into data-hashes.json). */
  readonly source?: { readonly path: string; readonly bytes: Uint8Array };
  /** Replaces the study's master seed (the CLI's --seed). */
  readonly seed?: number;
  /** Steps to run instead of the default pipeline (tests, embedders). */
  readonly steps?: readonly StudyStep[];
  /**
   * Worker threads for independent work such as the ML job's backtests (default 1: everything on the main thread).
   * Results are the same bytes whatever the count.
   */
  readonly workers?: number;
  /**
   * Fail the run (StrictFindingsError, exit 1, no run folder) when any finding is a warning or worse: what ran must
   * be exactly what the study asked for.
   */
  readonly strict?: boolean;
}

export interface RunResult {
  readonly runId: string;
  /** Final run folder. */
  readonly path: string;
  /** Files in the run folder, relative to it. */
  readonly artefacts: readonly string[];
  /** Headline figures by step (also written to summary.json). */
  readonly summary: Readonly<Record<string, unknown>>;
  readonly study: Study;
  /** Every finding of the run (also in findings.json), in the order reported. */
  readonly findings: readonly Finding[];
}

/** Top-level study sections that are bookkeeping, not work a step must execute. */
// `trading` is read by `keel trade` / `keel paper` (src/trading). `tune` is read by `keel tune` (study/tune-study.ts), which runs copies of the study without it; `keel run` ignores it.
const PASSIVE_SECTIONS = new Set(['$schema', 'name', 'description', 'seed', 'tune', 'trading']);

function sectionsPresent(study: Study): string[] {
  return Object.entries(study)
    .filter(([k, v]) => !PASSIVE_SECTIONS.has(k) && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k]) => k);
}

/**
 * The default pipeline, loaded on first use: steps pull in the heavy stages (models, report rendering), so a study
 * that fails validation never pays for importing them.
 */
export async function loadStudySteps(): Promise<readonly StudyStep[]> {
  return (await import('./steps/index.ts')).studySteps;
}

export async function runStudy(input: unknown, options: RunStudyOptions = {}): Promise<RunResult> {
  let study = validateStudy(input, options.source?.path ?? 'study');
  if (options.seed !== undefined) study = validateStudy({ ...study, seed: options.seed }, '--seed');
  const steps = (options.steps ?? (await loadStudySteps())).filter((s) => s.applies(study));
  const handled = new Set(steps.flatMap((s) => s.sections));
  const unhandled = sectionsPresent(study).filter((s) => !handled.has(s));
  if (unhandled.length > 0) {
    throw configError(
      `${options.source?.path ?? 'study'}: section${unhandled.length > 1 ? 's' : ''} ${unhandled.map((s) => `"${s}"`).join(', ')} cannot run in this build yet (no step executes ${unhandled.length > 1 ? 'them' : 'it'}); remove ${unhandled.length > 1 ? 'them' : 'it'} or update Keel`,
    );
  }

  const clock = options.clock ?? (() => new Date());
  const hash = configHash(study);
  const seeds: Record<string, number> = { master: study.seed };
  const seedFor = (purpose: string): number => (seeds[purpose] ??= deriveSeed(study.seed, purpose));
  const recordSeed = (purpose: string, seed: number): number => (seeds[purpose] = seed);
  const state: StudyState = { dataHashes: {}, summary: {}, findings: [], extra: {} };
  if (options.source) state.dataHashes[`study:${options.source.path}`] = sha256Hex(options.source.bytes);

  const { id, path, files } = await withRunDir(
    { outDir: options.outDir ?? 'runs', studyName: study.name, hash, clock },
    async (dir) => {
      const log = (line: string): void => {
        dir.log(line);
        options.onLog?.(line);
      };
      log(`keel run ${study.name}: config hash ${hash}, master seed ${study.seed}`);
      const live = liveProgressWriter(dir.tmpPath, study.name);
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i]!;
        const progress = (done: number, total: number, note?: string): void => {
          const e = {
            step: step.name,
            index: i + 1,
            count: steps.length,
            done,
            total,
            ...(note === undefined ? {} : { note }),
          };
          live.update(e);
          options.onProgress?.(e);
        };
        const ctx: RunContext = {
          study,
          baseDir: options.baseDir ?? process.cwd(),
          seedFor,
          recordSeed,
          artefacts: dir,
          log,
          report: (...fs) => {
            for (const f of fs) state.findings.push(f);
          },
          progress,
          state,
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
        };
        const started = clock().getTime();
        progress(0, 1);
        await step.run(ctx);
        progress(1, 1);
        // Back to the event loop between steps, so that a pending SIGINT/SIGTERM is handled (and the run folder
        // removed) without waiting for the whole study; signals are only delivered when the loop is free.
        await new Promise((resolve) => setImmediate(resolve));
        log(`step ${step.name}: done in ${clock().getTime() - started} ms`);
      }
      live.remove();
      const groups = groupFindings(state.findings);
      for (const g of groups) log(`finding: ${formatFindingGroup(g)}`);
      log(`findings: ${state.findings.length} (${groups.length} distinct)`);
      if (options.strict) enforceStrict(state.findings, `study ${study.name}`);
      state.summary['findings'] = { ...countFindings(state.findings), groups };
      dir.writeJson('findings.json', state.findings);
      dir.writeJson('study.resolved.json', study);
      dir.writeJson('seeds.json', seeds);
      dir.writeJson('data-hashes.json', state.dataHashes);
      dir.writeJson('summary.json', state.summary);
    },
  );
  return { runId: id, path, artefacts: files, summary: state.summary, study, findings: state.findings };
}

/** Reads, validates and runs a study file; relative data paths resolve against the file's folder. */
export async function runStudyFile(
  path: string,
  options: Omit<RunStudyOptions, 'source' | 'baseDir'> = {},
): Promise<RunResult> {
  const file = readStudyFile(path);
  const study = parseStudyText(file.text, path);
  return runStudy(study, { ...options, source: { path, bytes: file.bytes }, baseDir: dirname(path) });
}
