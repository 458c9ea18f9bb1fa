/**
 * Keel's own temporary folders (a run folder or a synthetic market being written), named so that they are unique
 * across processes and machines sharing a folder, and so that a later run can tell a leftover of a dead process
 * (SIGKILL, power loss) from a folder another live process is still writing:
 *
 *   .tmp-<label>~<pid>.<host>.<random>      host = first 6 hex of sha256(hostname), random = 4 bytes from crypto
 *
 * While a folder is being written it is registered with core's cleanup registry, so the CLI's SIGINT/SIGTERM
 * handlers remove it. `sweepStaleTempDirs` removes leftovers of dead processes on this host — only names of this
 * exact shape, never anything else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { registerCleanup } from '../core/index.ts';

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);
const TEMP_NAME = /^\.tmp-(.+)~(\d+)\.([0-9a-f]{6})\.([0-9a-f]{8})$/;

/** A fresh temporary folder name for `label` (unique: pid, host and 32 random bits). */
export function tempDirName(label: string): string {
  return `.tmp-${label}~${process.pid}.${HOST}.${randomBytes(4).toString('hex')}`;
}

/** The parts of a Keel temporary folder name, or undefined when `name` is not one. */
export function parseTempDirName(
  name: string,
): { readonly label: string; readonly pid: number; readonly host: string } | undefined {
  const m = TEMP_NAME.exec(name);
  return m ? { label: m[1]!, pid: Number(m[2]), host: m[3]! } : undefined;
}

/** Whether process `pid` exists on this machine (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface TempDir {
  readonly path: string;
  /** Stop removing it on interruption (after it was renamed into place or removed). */
  readonly release: () => void;
}

/** Creates `<parent>/<tempDirName(label)>` (parent must exist) and registers its removal on interruption. */
export function createTempDir(parent: string, label: string): TempDir {
  const path = join(parent, tempDirName(label));
  mkdirSync(path); // not recursive: fails (EEXIST) rather than share a folder, though 32 random bits make that moot
  const release = registerCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, release };
}

/**
 * Removes the temporary folders in `parent` left by processes of this host that no longer run. Best effort: a
 * folder that cannot be removed stays (and is tried again next time). Returns the names removed.
 */
export function sweepStaleTempDirs(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const t = parseTempDirName(name);
    if (!t || t.host !== HOST || t.pid === process.pid || processAlive(t.pid)) continue;
    const path = join(parent, name);
    try {
      if (!statSync(path).isDirectory()) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // left for the next sweep
    }
  }
  return removed;
}
