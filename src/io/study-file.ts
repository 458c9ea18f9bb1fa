/**
 * Reading a study file named on the command line. A path that does not name a readable file is a usage error
 * (exit 2): the argument is wrong, not the data.
 */
import { readFileSync, statSync } from 'node:fs';
import { usageError } from '../core/index.ts';

/** The study file's bytes (hashed into the run) and its UTF-8 text. */
export interface StudyFileText {
  readonly path: string;
  /** Uint8Array (a Node Buffer at run time), so the public types need no @types/node. */
  readonly bytes: Uint8Array;
  readonly text: string;
}

export function readStudyFile(path: string): StudyFileText {
  let isDir = false;
  try {
    const st = statSync(path);
    isDir = st.isDirectory();
    if (!isDir && !st.isFile())
      throw usageError(`${path}: is not a regular file; expected a study file (.yaml, .yml or .json)`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw usageError(
        `${path}: study file not found (cwd is ${process.cwd()}); check the path, e.g. examples/market-summary.yaml`,
      );
    }
    if (code === 'EACCES') throw usageError(`${path}: permission denied; make the study file readable`);
    if (code !== undefined) throw usageError(`${path}: cannot be read (${code})`);
    throw e;
  }
  if (isDir) throw usageError(`${path}: is a directory; expected a study file (.yaml, .yml or .json) inside it`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw usageError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return { path, bytes, text: bytes.toString('utf8') };
}
