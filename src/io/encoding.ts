/**
 * Text encoding of input files. Keel reads UTF-8 (with or without BOM). A UTF-16 file — with a byte-order mark or
 * without one (NUL in every other byte) — and a file that is not valid UTF-8 (Latin-1 or Windows-1252 exports
 * from Excel) are refused with one line naming the file and the conversion, instead of being read as garbage
 * (replacement characters in asset names, or a "wrong delimiter" error on a header full of NULs).
 */
import { isUtf8 } from 'node:buffer';
import { basename } from 'node:path';
import { dataError } from '../core/index.ts';

/** The fix, with the file's own name in the iconv example. */
function convert(source: string, from: string): string {
  const name = basename(source);
  const gz = /\.gz$/i.test(name);
  const plain = gz ? name.slice(0, -3) : name;
  const out = /\.(csv|txt)$/i.test(plain) ? plain.replace(/\.(csv|txt)$/i, '-utf8.$1') : `${plain}.utf8`;
  const cmd = gz
    ? `gunzip -c ${name} | iconv -f ${from} -t UTF-8 > ${out}`
    : `iconv -f ${from} -t UTF-8 ${name} > ${out}`;
  return `Convert it to UTF-8, e.g. ${cmd} (Excel: save as "CSV UTF-8").`;
}

/** 'LE' / 'BE' when the start of the bytes is UTF-16 (with or without BOM), else undefined. */
export function detectUtf16(bytes: Uint8Array): { order: 'LE' | 'BE'; bom: boolean } | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { order: 'LE', bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { order: 'BE', bom: true };
  // without BOM: ASCII text in UTF-16 has a NUL in every other byte; plain CSV has none
  const m = Math.min(bytes.length, 512) & ~1;
  if (m < 8) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < m; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = m / 2;
  if (oddZero >= 0.6 * pairs && evenZero <= 0.1 * pairs) return { order: 'LE', bom: false };
  if (evenZero >= 0.6 * pairs && oddZero <= 0.1 * pairs) return { order: 'BE', bom: false };
  return undefined;
}

/** Throws a one-line data error for UTF-16 bytes. */
export function refuseUtf16(bytes: Uint8Array, source: string): void {
  const u = detectUtf16(bytes);
  if (!u) return;
  throw dataError(
    `${source}: the file is UTF-16 ${u.order} encoded (${u.bom ? `byte-order mark ${u.order === 'LE' ? 'FF FE' : 'FE FF'}` : 'no byte-order mark: a NUL byte in every other byte'}); Keel reads UTF-8. ${convert(source, `UTF-16${u.order}`)}`,
  );
}

/** Offset of the first byte that breaks UTF-8 (only called once `isUtf8` said no). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > n) return i;
    for (let k = 1; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    // overlong 3/4-byte forms, surrogates and code points past U+10FFFF
    if (c === 0xe0 && b[i + 1]! < 0xa0) return i;
    if (c === 0xed && b[i + 1]! > 0x9f) return i;
    if (c === 0xf0 && b[i + 1]! < 0x90) return i;
    if (c === 0xf4 && b[i + 1]! > 0x8f) return i;
    i += len;
  }
  return n;
}

/**
 * Refuses UTF-16 and bytes that are not valid UTF-8, naming the file, the line and the first offending byte (with
 * the text around it read as Latin-1, which is what such files usually are).
 */
export function assertUtf8Text(bytes: Uint8Array, source: string): void {
  refuseUtf16(bytes, source);
  if (isUtf8(bytes)) return;
  const at = firstInvalidUtf8(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = at;
  while (lineEnd < bytes.length && lineEnd - lineStart < 60 && bytes[lineEnd] !== 10 && bytes[lineEnd] !== 13)
    lineEnd++;
  const context = Buffer.from(bytes.subarray(lineStart, lineEnd)).toString('latin1');
  const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  throw dataError(
    `${source}:${line}: the file is not valid UTF-8 (byte 0x${hex} in "${context}" read as Latin-1); it is probably Latin-1 or Windows-1252. ${convert(source, 'WINDOWS-1252')}`,
  );
}
