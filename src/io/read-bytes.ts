/**
 * Reading an input file into bytes with the failures a user actually hits turned into one-line `io` errors:
 * a missing file, a directory, no permission, a corrupt or truncated gzip, a gzip that expands past the
 * decompression cap (a "zip bomb": 1 MB that inflates to 1 GiB would exhaust memory). Gzip is recognised by its
 * magic bytes (1f 8b), whatever the name; a `.gz` name over plain bytes is refused because it means the wrong file.
 * Input files are text: UTF-16 and invalid UTF-8 are refused here (encoding.ts), naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { configError, ioError } from '../core/index.ts';
import { assertUtf8Text } from './encoding.ts';

/** Default cap on a gzip file's decompressed size: 512 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;
/** Environment variable that raises (or lowers) the cap, in MiB. */
export const MAX_DECOMPRESSED_ENV = 'KEEL_MAX_DECOMPRESSED_MB';

/** The decompression cap in bytes: `KEEL_MAX_DECOMPRESSED_MB` when set, else 512 MiB. */
export function maxDecompressedBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env[MAX_DECOMPRESSED_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_DECOMPRESSED_BYTES;
  const mb = Number(text);
  if (!(mb > 0) || !Number.isFinite(mb))
    throw configError(
      `${MAX_DECOMPRESSED_ENV} must be a size in MiB > 0, got "${text}". Example: ${MAX_DECOMPRESSED_ENV}=2048.`,
    );
  return Math.floor(mb * 1024 * 1024);
}

const mib = (bytes: number): string => `${Number((bytes / 1024 / 1024).toPrecision(4))} MiB`;

export interface ReadInputOptions {
  /** Cap on the decompressed size of a gzip file, bytes. Default: `maxDecompressedBytes()` (512 MiB). */
  readonly maxDecompressedBytes?: number;
  /** Skip the UTF-8 check (binary content). Default false: input files are text. */
  readonly binary?: boolean;
}

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

/**
 * The file's bytes, gunzipped (up to the cap) when they start with the gzip magic, checked to be UTF-8 text. Typed
 * Uint8Array (a Buffer at run time) so the package's public types do not need @types/node.
 */
export function readInputBytes(path: string, options: ReadInputOptions = {}): Uint8Array {
  assertReadableFile(path);
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw ioError(`${path}: permission denied. Make the file readable (chmod +r).`, e);
    throw ioError(`${path}: cannot be read (${code ?? String(e)}).`, e);
  }
  const text = (b: Buffer): Buffer => {
    if (!options.binary) assertUtf8Text(b, path);
    return b;
  };
  if (isGzip(raw)) {
    const cap = options.maxDecompressedBytes ?? maxDecompressedBytes();
    let out: Buffer;
    try {
      // inflates chunk by chunk and stops as soon as the output passes the cap: memory stays ≤ the cap
      out = gunzipSync(raw, { maxOutputLength: cap });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw ioError(
          `${path}: gzip data expands to more than ${mib(cap)} (the decompression cap; ${mib(raw.length)} compressed). If the file is genuine, raise the cap: ${MAX_DECOMPRESSED_ENV}=${Math.max(1024, 2 * Math.ceil(cap / 1024 / 1024))}.`,
          e,
        );
      }
      throw ioError(
        `${path}: gzip data is corrupt or truncated (${(e as Error).message}). Download or compress the file again.`,
        e,
      );
    }
    return text(out);
  }
  if (/\.gz$/i.test(path) && raw.length > 0) {
    throw ioError(
      `${path}: the name ends in .gz but the bytes are not gzip. Rename it without .gz or compress it with gzip.`,
    );
  }
  return text(raw);
}
