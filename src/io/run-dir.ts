/**
 * The run directory: everything one `keel run` produces, under `<out>/<id>/`, written atomically. Files go into
 * `<out>/.tmp-<id>/` first and the folder is renamed into place only when the whole run succeeded; on failure the
 * temporary folder is removed, so `<out>/` never holds partial output.
 *
 * id = `<yyyymmdd-hhmmss>-<study name>-<config hash>` (UTC clock, first 8 hex digits of the resolved study's
 * sha256), so a fixed clock and the same study give the same id.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { ioError, usageError } from '../core/index.ts';

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

/**
 * A run folder being written. Create with `RunDir.open`, add files, then `commit()` (rename into place) or
 * `abort()` (remove everything). Lines passed to `log` are written to `log.txt` at commit.
 */
export class RunDir {
  readonly id: string;
  /** Final location, `<outDir>/<id>`; exists only after `commit()`. */
  readonly path: string;
  /** Where files are written until commit, `<outDir>/.tmp-<id>`. */
  readonly tmpPath: string;
  private readonly logLines: string[] = [];
  private readonly written = new Set<string>();
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(id: string, path: string, tmpPath: string) {
    this.id = id;
    this.path = path;
    this.tmpPath = tmpPath;
  }

  static open(options: RunDirOptions): RunDir {
    const at = (options.clock ?? (() => new Date()))();
    const base = runId(at, options.studyName, options.hash);
    try {
      mkdirSync(options.outDir, { recursive: true });
    } catch (e) {
      throw ioError(
        `cannot create the runs folder ${options.outDir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; choose another with --out`,
        e,
      );
    }
    // Same second, same study: keep both runs apart with a -2, -3… suffix rather than overwrite.
    let id = base;
    for (let k = 2; existsSync(join(options.outDir, id)) || existsSync(join(options.outDir, `.tmp-${id}`)); k++)
      id = `${base}-${k}`;
    const tmpPath = join(options.outDir, `.tmp-${id}`);
    try {
      mkdirSync(tmpPath);
    } catch (e) {
      throw ioError(
        `cannot create ${tmpPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; check that ${options.outDir} is writable`,
        e,
      );
    }
    return new RunDir(id, join(options.outDir, id), tmpPath);
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
      throw ioError(`cannot write ${rel} in the run folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, e);
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

  /** Writes log.txt, then renames the temporary folder into place. Returns the final path. */
  commit(): string {
    if (this.state !== 'open') throw usageError(`run ${this.id} is already ${this.state}`);
    this.writeText('log.txt', this.logText);
    try {
      renameSync(this.tmpPath, this.path);
    } catch (e) {
      this.abort();
      throw ioError(
        `cannot move the finished run into ${this.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        e,
      );
    }
    this.state = 'committed';
    return this.path;
  }

  /** Removes the temporary folder and everything in it. Safe to call more than once. */
  abort(): void {
    if (this.state === 'committed') return;
    rmSync(this.tmpPath, { recursive: true, force: true });
    this.state = 'aborted';
  }
}

/**
 * Runs `body` with a fresh run folder: commits when it resolves, aborts (no output left behind) when it throws.
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
    dir.abort();
    throw e;
  }
}
