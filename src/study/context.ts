/**
 * What a study step sees: the resolved study, seeds, a place to put artefacts, a log and a progress callback, plus
 * `state`, the values earlier steps handed on (the panel, forecasts, decisions…). Steps are small objects in
 * `steps/`, run in the order of `steps/index.ts`; a new stage plugs in by adding one step there.
 */
import type { Finding } from '../core/index.ts';
import type { Study } from '../config/index.ts';
import { sha256Hex } from '../io/index.ts';

/** The Panel surface the runner itself needs (the full Panel lives in data/; this keeps study/ decoupled). */
export interface PanelLike {
  readonly dates: readonly string[];
  readonly assets: readonly string[];
  readonly nDates: number;
  readonly nAssets: number;
  readonly fieldNames: readonly string[];
  field(name: string): Float64Array;
  series(field: string, asset: number | string): Float64Array;
  selectAssets(ids: readonly string[]): PanelLike;
  /** Rows [start, end) as a new panel. */
  sliceRows(start: number, end: number): PanelLike;
}

/** Where a step writes its files; they land in the run folder only if the whole run succeeds. */
export interface ArtefactSink {
  writeText(name: string, text: string): void;
  writeJson(name: string, value: unknown): void;
  writeBytes(name: string, bytes: Uint8Array | string): void;
}

/** Values passed from step to step. Steps add fields; later steps read them. */
export interface StudyState {
  /** The market data after loading, selection and the missing-data policy. */
  panel?: PanelLike;
  /** Non-price inputs a loader or the synthetic market produced (macro releases, headlines, fundamentals…). */
  records?: unknown;
  /** sha256 of every input: `file:<path>` for files read, `generated:<what>` for generated data bytes. */
  readonly dataHashes: Record<string, string>;
  /** Headline figures for the CLI and summary.json, keyed by step. */
  readonly summary: Record<string, unknown>;
  /** Every finding so far, in the order reported (findings.json; see core/findings.ts). */
  readonly findings: Finding[];
  /** Anything else a step hands on (e.g. `forecasts`, `decisions`, `ledger`), keyed by step name. */
  readonly extra: Record<string, unknown>;
}

export interface StudyProgressEvent {
  readonly step: string;
  /** 1-based position of the step among those that run, and how many run. */
  readonly index: number;
  readonly count: number;
  readonly done: number;
  readonly total: number;
  readonly note?: string;
}

export interface RunContext {
  readonly study: Study;
  /** Folder relative data paths are resolved against (the study file's folder). */
  readonly baseDir: string;
  /** A seed for a named purpose, derived from the master seed (stable across platforms). */
  seedFor(purpose: string): number;
  /** Records a seed chosen some other way (e.g. the master seed itself) in seeds.json under `purpose`. */
  recordSeed(purpose: string, seed: number): number;
  readonly artefacts: ArtefactSink;
  log(line: string): void;
  /** Records findings (substitutions, degradations, data fixes): findings.json, summary, report, terminal. */
  report(...findings: readonly Finding[]): void;
  progress(done: number, total: number, note?: string): void;
  readonly state: StudyState;
  /** Worker threads a step may use for independent work (undefined or 1: none, everything on the main thread). */
  readonly workers?: number;
}

export interface StudyStep {
  readonly name: string;
  /** Top-level study sections this step executes (the runner refuses a study with a section no step executes). */
  readonly sections: readonly string[];
  /** Whether this study asks for the step. */
  applies(study: Study): boolean;
  run(ctx: RunContext): Promise<void> | void;
}

/** uint32 seed for `purpose`: the first 8 hex digits of sha256("<master>:<purpose>"). */
export function deriveSeed(master: number, purpose: string): number {
  return Number.parseInt(sha256Hex(`${master}:${purpose}`).slice(0, 8), 16);
}
