/**
 * Reading an input file into bytes with the failures a user actually hits turned into one-line `io` errors:
 * a missing file, a directory, no permission, a corrupt or truncated gzip. Gzip is recognised by its magic
 * bytes (1f 8b), whatever the name; a `.gz` name over plain bytes is refused because it means the wrong file.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ioError } from '../core/index.ts';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** Stats `path` and throws a one-line io error unless it is a readable regular file. */
export function assertReadableFile(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw ioError(`${path}: file not found (cwd is ${process.cwd()}). Check the path and its spelling.`, e);
    }
    if (code === 'EACCES') throw ioError(`${path}: permission denied. Make the file readable (chmod +r).`, e);
    throw ioError(`${path}: cannot be read (${code ?? String(e)}).`, e);
  }
  if (st.isDirectory()) throw ioError(`${path}: is a directory, expected a data file. Name a file inside it.`);
  if (!st.isFile()) throw ioError(`${path}: is not a regular file. Name a CSV, CSV.gz or Parquet file.`);
}

/** The file's bytes, gunzipped when they start with the gzip magic. */
export function readInputBytes(path: string): Buffer {
  assertReadableFile(path);
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw ioError(`${path}: permission denied. Make the file readable (chmod +r).`, e);
    throw ioError(`${path}: cannot be read (${code ?? String(e)}).`, e);
  }
  if (isGzip(raw)) {
    try {
      return gunzipSync(raw);
    } catch (e) {
      throw ioError(
        `${path}: gzip data is corrupt or truncated (${(e as Error).message}). Download or compress the file again.`,
        e,
      );
    }
  }
  if (/\.gz$/i.test(path) && raw.length > 0) {
    throw ioError(
      `${path}: the name ends in .gz but the bytes are not gzip. Rename it without .gz or compress it with gzip.`,
    );
  }
  return raw;
}
