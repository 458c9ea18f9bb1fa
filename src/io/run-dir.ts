/**
 * The run directory: everything one `keel run` produces, under `<out>/<id>/`, written atomically. Files go into a
 * temporary `<out>/.tmp-<id>~<pid>.<host>.<random>/` first (temp-dir.ts) and the folder is renamed into place only
 * when the whole run succeeded; on failure (or SIGINT/SIGTERM in the CLI) the temporary folder is removed, and a
 * leftover of a killed process is removed by the next run into the same folder, so `<out>/` never keeps partial
 * output.
 *
 * id = `<yyyymmdd-hhmmss>-<study name>-<config hash>` (UTC clock, first 8 hex digits of the resolved study's
 * sha256), so a fixed clock and the same study give the same id.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { ioError, usageError } from '../core/index.ts';
import { createTempDir, sweepStaleTempDirs, type TempDir } from './temp-dir.ts';

/** sha256 of bytes or UTF-8 text, as 64 lowercase hex digits. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a file's bytes (an input the run read), with a one-line io error when it cannot be read. */
export function sha256File(path: string): string {
  try {
    return sha256Hex(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw ioError(`${path}: file not found (cwd is ${process.cwd()}); check data.path in the study`, e);
    if (code === 'EISDIR') throw ioError(`${path}: is a directory, expected a data file; name a file inside it`, e);
    throw ioError(`${path}: cannot be read (${code ?? String(e)})`, e);
  }
}

/** JSON with object keys sorted at every level, so equal values always serialise to equal bytes. */
export function canonicalJson(value: unknown, indent = 0): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, sortKeys(o[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sortKeys(value), null, indent);
}

/** First 8 hex digits of the sha256 of the canonical JSON of a resolved study. */
export function configHash(resolved: unknown): string {
  return sha256Hex(canonicalJson(resolved)).slice(0, 8);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `yyyymmdd-hhmmss-<name>-<hash>` in UTC. */
export function runId(at: Date, studyName: string, hash: string): string {
  const stamp =
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  const safeName = studyName.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${stamp}-${safeName}-${hash}`;
}

export interface RunDirOptions {
  /** Parent folder of all runs (created when missing), e.g. `runs`. */
  readonly outDir: string;
  readonly studyName: string;
  /** Usually `configHash(resolvedStudy)`. */
  readonly hash: string;
  /** Wall clock for the id; injectable so tests get a fixed id. Default: `new Date()`. */
  readonly clock?: () => Date;
}

/** An artefact name relative to the run folder: no absolute paths, no `..`. */
function checkArtefactName(name: string): string {
  const n = normalize(name);
  if (name === '' || isAbsolute(name) || n.startsWith('..') || n.split(sep).includes('..')) {
    throw usageError(`run artefact name "${name}" must be a relative path inside the run folder, e.g. "metrics.json"`);
  }
  return n;
}

/** An errno code or the message, for one-line errors. */
const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/**
 * A run folder being written. Create with `RunDir.open`, add files, then `commit()` (rename into place) or
 * `abort()` (remove everything). Lines passed to `log` are written to `log.txt` at commit.
 */
export class RunDir {
  private currentId: string;
  private readonly base: string;
  private readonly outDir: string;
  /** Where files are written until commit, `<outDir>/.tmp-<id>~<pid>.<host>.<random>` (see temp-dir.ts). */
  readonly tmpPath: string;
  private readonly release: () => void;
  private readonly logLines: string[] = [];
  private readonly written = new Set<string>();
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(outDir: string, base: string, id: string, tmp: TempDir) {
    this.outDir = outDir;
    this.base = base;
    this.currentId = id;
    this.tmpPath = tmp.path;
    this.release = tmp.release;
  }

  /** The run id; gains a -2, -3… suffix when another run took the name first (even at commit). */
  get id(): string {
    return this.currentId;
  }

  /** Final location, `<outDir>/<id>`; exists only after `commit()`. */
  get path(): string {
    return join(this.outDir, this.currentId);
  }

  static open(options: RunDirOptions): RunDir {
    const at = (options.clock ?? (() => new Date()))();
    const base = runId(at, options.studyName, options.hash);
    try {
      mkdirSync(options.outDir, { recursive: true });
    } catch (e) {
      throw ioError(`cannot create the runs folder ${options.outDir}: ${codeOf(e)}; choose another with --out`, e);
    }
    // Leftovers of runs that were killed (SIGKILL, power loss) go first; only Keel's own temp folders of dead pids.
    sweepStaleTempDirs(options.outDir);
    let tmp: TempDir;
    try {
      tmp = createTempDir(options.outDir, base);
    } catch (e) {
      throw ioError(
        `cannot create a temporary run folder in ${options.outDir}: ${codeOf(e)}; check that ${options.outDir} is writable or choose another with --out`,
        e,
      );
    }
    return new RunDir(options.outDir, base, nextFreeId(options.outDir, base, 1), tmp);
  }

  /** Names written so far (relative to the run folder), in order. */
  get files(): string[] {
    return [...this.written];
  }

  writeBytes(name: string, bytes: Uint8Array | string): void {
    if (this.state !== 'open') throw usageError(`run ${this.id} is already ${this.state}; cannot write ${name}`);
    const rel = checkArtefactName(name);
    const target = join(this.tmpPath, rel);
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    } catch (e) {
      throw ioError(`cannot write ${rel} in the run folder: ${codeOf(e)}`, e);
    }
    this.written.add(rel);
  }

  writeText(name: string, text: string): void {
    this.writeBytes(name, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Pretty JSON with sorted keys (stable bytes). */
  writeJson(name: string, value: unknown): void {
    this.writeText(name, canonicalJson(value, 2));
  }

  /** One line for log.txt (data fixes, fallbacks, timings). Newlines inside a line are flattened. */
  log(line: string): void {
    this.logLines.push(line.replace(/\s*\n\s*/g, ' '));
  }

  get logText(): string {
    return this.logLines.join('\n');
  }

  /**
   * Writes log.txt, then renames the temporary folder into place. A concurrent run that took the same id first
   * makes this one take the next free suffix (never overwrite). Returns the final path.
   */
  commit(): string {
    if (this.state !== 'open') throw usageError(`run ${this.id} is already ${this.state}`);
    this.writeText('log.txt', this.logText);
    for (let attempt = 0; ; attempt++) {
      this.currentId = nextFreeId(this.outDir, this.base, this.currentId === this.base ? 1 : suffixOf(this.currentId));
      try {
        renameSync(this.tmpPath, this.path);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // Another process renamed its run into this name between our check and our rename: try the next one.
        if ((code === 'ENOTEMPTY' || code === 'EEXIST') && attempt < 100) continue;
        const failure = ioError(`cannot move the finished run into ${this.path}: ${codeOf(e)}`, e);
        this.abortQuietly();
        throw failure;
      }
    }
    this.state = 'committed';
    this.release();
    return this.path;
  }

  /**
   * Removes the temporary folder and everything in it. Safe to call more than once. Throws an io error when the
   * folder cannot be removed (it then stays, and the next run into the same folder removes it).
   */
  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    try {
      rmSync(this.tmpPath, { recursive: true, force: true });
    } catch (e) {
      throw ioError(
        `cannot remove the temporary run folder ${this.tmpPath}: ${codeOf(e)}; the next run into ${this.outDir} removes it`,
        e,
      );
    } finally {
      this.release();
    }
  }

  /** `abort()` for failure paths: the error that made the run fail is the one to report, not a cleanup error. */
  abortQuietly(): void {
    try {
      this.abort();
    } catch {
      // The original failure wins; the leftover carries our pid and is swept by the next run.
    }
  }
}

/** The numeric suffix of `<base>-<k>` ids (1 for the base itself). */
function suffixOf(id: string): number {
  const m = /-(\d+)$/.exec(id);
  return m ? Number(m[1]) : 1;
}

/** The first of `<base>`, `<base>-2`, `<base>-3`… (from suffix `from`) that does not exist in `outDir`. */
function nextFreeId(outDir: string, base: string, from: number): string {
  for (let k = Math.max(1, from); ; k++) {
    const id = k === 1 ? base : `${base}-${k}`;
    if (!existsSync(join(outDir, id))) return id;
  }
}

/**
 * Runs `body` with a fresh run folder: commits when it resolves, aborts (no output left behind) when it throws.
 * The body's error is the one thrown, even when removing the temporary folder fails too.
 */
export async function withRunDir<T>(
  options: RunDirOptions,
  body: (dir: RunDir) => Promise<T> | T,
): Promise<{ readonly result: T; readonly id: string; readonly path: string; readonly files: string[] }> {
  const dir = RunDir.open(options);
  try {
    const result = await body(dir);
    const path = dir.commit();
    return { result, id: dir.id, path, files: dir.files };
  } catch (e) {
    dir.abortQuietly();
    throw e;
  }
}
