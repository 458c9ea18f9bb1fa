/**
 * A fast, strict CSV reader for numeric tables: `date, col1, col2, …` → one Float64Array (rows × columns,
 * row-major) plus ISO dates and source line numbers. It works on the raw bytes (no per-cell strings or objects on
 * the common path) and turns digits straight into doubles: a cell with ≤ 15 significant digits and a decimal
 * exponent within ±22 is exactly `mantissa ÷ 10^k` (Clinger's fast path, correctly rounded); anything else goes
 * through `Number()` on the cell's text, so results equal JavaScript's own parsing bit for bit.
 *
 * Rules (each violation is a one-line `data` error `file:line: problem. fix.`):
 * - UTF-8 with or without BOM; UTF-16 (with or without BOM) is refused, and so is invalid UTF-8 in files (read-bytes.ts). CRLF or LF. Blank lines are skipped.
 * - Delimiter: `,` `;` tab or `|`, detected from the header (the most frequent outside quotes) unless given.
 * - RFC 4180 quoting (`"a,b"`, `""` inside quotes); an unterminated quote or text after a closing quote is an error.
 * - Every row has exactly as many fields as the header.
 * - Missing: an empty cell or NA/NaN/N/A/null/#N/A (case-insensitive) plus `naValues` → NaN. `inf`/`Infinity` →
 *   ±Infinity (kept, so validation can name it). Any other text is a non-numeric error.
 */
import { dataError } from '../core/index.ts';
import { refuseUtf16 } from './encoding.ts';
import { daysInMonth, detectDateFormat, parseDateText, type DateFormat } from './csv-dates.ts';

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

export interface CsvOptions {
  /** Name used in messages (usually the file path). */
  readonly source?: string;
  /** Field delimiter; detected from the header when absent. */
  readonly delimiter?: Delimiter;
  /** Date format of the first column; detected from the first data row when absent. */
  readonly dateFormat?: DateFormat;
  /** Extra cell texts to read as missing (e.g. `'.'` for FRED, `'-99.99'` for Kenneth French). */
  readonly naValues?: readonly string[];
}

/** A parsed numeric CSV: `values[r * nCols + c]` is row r, value column c (the date column excluded). */
export interface NumericCsv {
  readonly source: string;
  readonly delimiter: Delimiter;
  readonly dateFormat: DateFormat;
  /** Header text of the date column (e.g. 'date', 'Date' or ''). */
  readonly dateHeader: string;
  /** Names of the value columns, trimmed. */
  readonly columns: readonly string[];
  /** Row dates as YYYY-MM-DD, in file order (not sorted, not de-duplicated: that is the loader's job). */
  readonly dates: readonly string[];
  /** 1-based source line of each row. */
  readonly lines: Int32Array;
  readonly values: Float64Array;
  readonly nRows: number;
  readonly nCols: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;

/** 10^0 … 10^22: every one exactly representable as a double. */
const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let i = 1; i < 23; i++) POW10[i] = POW10[i - 1]! * 10;

const DEFAULT_NA = ['', 'na', 'nan', 'n/a', '#n/a', 'null', 'none', '-nan', '#na', 'nil'];
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const utf8 = new TextDecoder('utf-8');

/** Shortens a cell text for an error message. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function delimiterName(d: Delimiter): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/** Checks the start of the bytes (BOM, UTF-16, emptiness) and returns the offset of the first real byte. */
export function skipBom(bytes: Uint8Array, source: string): number {
  refuseUtf16(bytes, source);
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** Picks the delimiter that occurs most often outside quotes on the first line starting at `pos`. */
export function detectDelimiter(bytes: Uint8Array, pos: number): Delimiter {
  const counts = [0, 0, 0, 0];
  const codes = DELIMITERS.map((d) => d.charCodeAt(0));
  let inQuotes = false;
  for (let i = pos; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (c === LF || c === CR) break;
      const k = codes.indexOf(c);
      if (k >= 0) counts[k]!++;
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (counts[k]! > counts[best]!) best = k;
  return DELIMITERS[best]!;
}

/** One record read as strings: its cells, the position after it, and its first and next line numbers. */
export interface StringRecord {
  readonly cells: string[];
  readonly next: number;
  readonly line: number;
  readonly nextLine: number;
}

/**
 * Reads one record (RFC 4180) starting at `pos` as strings. Used for headers and small text tables; the numeric
 * hot loop lives in `parseNumericCsv`.
 */
export function readStringRecord(
  bytes: Uint8Array,
  pos: number,
  delim: number,
  line: number,
  source: string,
): StringRecord {
  const cells: string[] = [];
  const n = bytes.length;
  const startLine = line;
  for (;;) {
    let c = bytes[pos];
    let cell: string;
    let p = pos;
    while (c === SP || (c === TAB && delim !== TAB)) c = bytes[++p];
    if (c === QUOTE) {
      const q = readQuoted(bytes, p, delim, line, source);
      cell = q.text;
      pos = q.next;
      line = q.line;
    } else {
      let e = pos;
      while (e < n) {
        const b = bytes[e]!;
        if (b === delim || b === LF || b === CR) break;
        e++;
      }
      cell = utf8Text(bytes, pos, e).trim();
      pos = e;
    }
    cells.push(cell);
    if (pos >= n) return { cells, next: pos, line: startLine, nextLine: line + 1 };
    const b = bytes[pos]!;
    if (b === delim) {
      pos++;
      continue;
    }
    // end of record
    if (b === CR && bytes[pos + 1] === LF) pos += 2;
    else pos++;
    return { cells, next: pos, line: startLine, nextLine: line + 1 };
  }
}

/** Reads a quoted cell whose opening quote is at `p`. Returns its text and the position after it (at a delimiter/EOL/EOF). */
function readQuoted(
  bytes: Uint8Array,
  p: number,
  delim: number,
  line: number,
  source: string,
): { text: string; next: number; line: number } {
  const n = bytes.length;
  const openLine = line;
  const parts: Uint8Array[] = [];
  let s = p + 1;
  let i = s;
  for (;;) {
    if (i >= n) {
      throw dataError(
        `${source}:${openLine}: a quoted field opened here is never closed (broken quoting). Close the quote or remove the stray '"'.`,
      );
    }
    const b = bytes[i]!;
    if (b === LF) line++;
    if (b === QUOTE) {
      if (bytes[i + 1] === QUOTE) {
        parts.push(bytes.subarray(s, i + 1));
        i += 2;
        s = i;
        continue;
      }
      parts.push(bytes.subarray(s, i));
      i++;
      while (bytes[i] === SP || (bytes[i] === TAB && delim !== TAB)) i++;
      if (i < n && bytes[i] !== delim && bytes[i] !== LF && bytes[i] !== CR) {
        throw dataError(
          `${source}:${line}: text follows a closing quote (broken quoting). Quote the whole field and double any '"' inside it ("").`,
        );
      }
      const text = parts.length === 1 ? utf8.decode(parts[0]) : parts.map((x) => utf8.decode(x)).join('');
      return { text: text.trim(), next: i, line };
    }
    i++;
  }
}

/** Reads the header record; refuses empty files and names the delimiter problem when there is one column only. */
export function readHeader(
  bytes: Uint8Array,
  source: string,
  delimiter: Delimiter | undefined,
): { header: string[]; delimiter: Delimiter; next: number; line: number } {
  let pos = skipBom(bytes, source);
  let line = 1;
  const n = bytes.length;
  // skip blank (whitespace-only) lines before the header
  for (;;) {
    let p = pos;
    while (p < n && (bytes[p] === SP || bytes[p] === TAB)) p++;
    if (p < n && (bytes[p] === LF || bytes[p] === CR)) {
      pos = bytes[p] === CR && bytes[p + 1] === LF ? p + 2 : p + 1;
      line++;
      continue;
    }
    if (p >= n)
      throw dataError(
        `${source}: the file is empty. Expected a header line such as "date,ASSET1,ASSET2" then one row per date.`,
      );
    break;
  }
  const delim = delimiter ?? detectDelimiter(bytes, pos);
  const rec = readStringRecord(bytes, pos, delim.charCodeAt(0), line, source);
  return { header: rec.cells, delimiter: delim, next: rec.next, line: rec.nextLine };
}

/** Rejects duplicate or empty column names (the date column, index 0, may be empty). */
export function checkHeader(
  header: readonly string[],
  source: string,
  delimiter: Delimiter,
  givenDelimiter: boolean,
): void {
  if (header.length < 2) {
    const h = header[0] ?? '';
    const other = DELIMITERS.find((d) => d !== delimiter && h.includes(d));
    if (other !== undefined) {
      throw dataError(
        `${source}:1: the header has one column when split on ${delimiterName(delimiter)} but contains ${delimiterName(other)} (wrong delimiter). ${givenDelimiter ? `Pass delimiter ${delimiterName(other)}` : 'Use one delimiter throughout the file'}.`,
      );
    }
    throw dataError(
      `${source}:1: the header "${clip(h)}" has only a date column and no asset columns (zero assets). Add one column per asset: "date,ASSET1,ASSET2".`,
    );
  }
  const seen = new Map<string, number>();
  for (let i = 1; i < header.length; i++) {
    const name = header[i]!;
    if (name === '') {
      throw dataError(
        `${source}:1: column ${i + 1} of the header has no name. Name every asset column (or delete the trailing delimiter).`,
      );
    }
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw dataError(
        `${source}:1: column "${clip(name)}" appears twice (columns ${prev + 1} and ${i + 1}). Rename or remove one of them.`,
      );
    }
    seen.set(name, i);
  }
}

/** Counts line feeds: an upper bound on the number of rows, so the output arrays are allocated once. */
export function countLines(bytes: Uint8Array, from: number): number {
  let count = 1;
  if (Buffer.isBuffer(bytes)) {
    let i = bytes.indexOf(LF, from);
    while (i >= 0) {
      count++;
      i = bytes.indexOf(LF, i + 1);
    }
    return count;
  }
  for (let i = from; i < bytes.length; i++) if (bytes[i] === LF) count++;
  return count;
}

/** Parses a numeric wide CSV (first column = dates). See the module comment for the rules. */
export function parseNumericCsv(bytes: Uint8Array, options: CsvOptions = {}): NumericCsv {
  const source = options.source ?? '<input>';
  const head = readHeader(bytes, source, options.delimiter);
  const { header, delimiter } = head;
  checkHeader(header, source, delimiter, options.delimiter !== undefined);
  const nCols = header.length - 1;
  const delim = delimiter.charCodeAt(0);
  const na = naSet(options.naValues);
  const naHasNumbers = (options.naValues ?? []).some((v) => NUMBER_TEXT.test(v.trim()));
  const naNumbers = new Set((options.naValues ?? []).filter((v) => NUMBER_TEXT.test(v.trim())).map((v) => Number(v)));

  const n = bytes.length;
  let pos = head.next;
  let line = head.line;
  const cap = countLines(bytes, pos);
  let values = new Float64Array(cap * nCols);
  let lines = new Int32Array(cap);
  const dates: string[] = [];
  let dateFormat: DateFormat | undefined = options.dateFormat;
  let r = 0;
  let lastDateText = '';
  let lastDate = '';

  const slowCell = (text: string, col: number): number =>
    parseCellText(text, na, `${source}:${line}`, header[col + 1]!);

  while (pos < n) {
    let c = bytes[pos]!;
    // blank or whitespace-only line
    if (c === LF || c === CR || c === SP || c === TAB) {
      let p = pos;
      while (p < n && (bytes[p] === SP || bytes[p] === TAB)) p++;
      if (p >= n) break;
      if (bytes[p] === LF || bytes[p] === CR) {
        pos = bytes[p] === CR && bytes[p + 1] === LF ? p + 2 : p + 1;
        line++;
        continue;
      }
    }
    if (r >= cap) {
      // only reachable through CR-only line endings; grow
      const v2 = new Float64Array(values.length * 2 + nCols);
      v2.set(values);
      values = v2;
      const l2 = new Int32Array(lines.length * 2 + 1);
      l2.set(lines);
      lines = l2;
    }
    // ---- date cell
    let dateText: string;
    {
      let p = pos;
      while (bytes[p] === SP || (bytes[p] === TAB && delim !== TAB)) p++;
      if (bytes[p] === QUOTE) {
        const q = readQuoted(bytes, p, delim, line, source);
        dateText = q.text;
        pos = q.next;
      } else {
        let e = pos;
        while (e < n) {
          const b = bytes[e]!;
          if (b === delim || b === LF || b === CR) break;
          e++;
        }
        dateText = latin1(bytes, pos, e);
        pos = e;
      }
    }
    if (dateText === lastDateText) {
      dates.push(lastDate);
    } else if (dateFormat === 'YYYY-MM-DD' && isCanonicalIsoDate(dateText)) {
      // fast path: the cell already is a valid YYYY-MM-DD date, keep the string as is
      lastDate = dateText;
      lastDateText = dateText;
      dates.push(dateText);
    } else {
      const t = dateText.trim();
      const where = `${source}:${line}`;
      if (t === '') throw dataError(`${where}: the date cell is empty. Every row needs a date in the first column.`);
      if (DELIMITERS.some((d) => d !== delimiter && t.includes(d))) {
        throw dataError(
          `${where}: the row has 1 field, the header has ${nCols + 1}. The row looks delimited by another character than the header's ${delimiterName(delimiter)} (wrong delimiter); use one delimiter throughout.`,
        );
      }
      if (dateFormat === undefined) dateFormat = detectDateFormat(t, where);
      lastDate = parseDateText(t, dateFormat, where);
      lastDateText = dateText;
      dates.push(lastDate);
    }
    lines[r] = line;
    const base = r * nCols;
    // ---- value cells
    for (let col = 0; col < nCols; col++) {
      if (pos >= n || bytes[pos] !== delim) {
        throw dataError(
          `${source}:${line}: the row has ${col + 1} field${col === 0 ? '' : 's'}, the header has ${nCols + 1}. ${col === 0 && DELIMITERS.some((d) => d !== delimiter && dateText.includes(d)) ? `The row looks delimited by another character than the header's ${delimiterName(delimiter)} (wrong delimiter); use one delimiter throughout.` : 'Add the missing cells (empty = missing) or fix the delimiters.'}`,
        );
      }
      pos++;
      const cellStart = pos;
      c = bytes[pos]!;
      while (c === SP || (c === TAB && delim !== TAB)) c = bytes[++pos]!;
      const numStart = pos;
      let neg = false;
      if (c === MINUS) {
        neg = true;
        c = bytes[++pos]!;
      } else if (c === PLUS) c = bytes[++pos]!;
      let mant = 0;
      let nd = 0;
      let exp = 0;
      let digits = false;
      let slow = false;
      while (c >= 48 && c <= 57) {
        digits = true;
        if (nd < 15) {
          mant = mant * 10 + (c - 48);
          if (mant !== 0) nd++;
        } else {
          slow = true;
        }
        c = bytes[++pos]!;
      }
      if (c === DOT) {
        c = bytes[++pos]!;
        while (c >= 48 && c <= 57) {
          digits = true;
          if (nd < 15) {
            mant = mant * 10 + (c - 48);
            if (mant !== 0) nd++;
            exp--;
          } else if (c !== 48) slow = true;
          c = bytes[++pos]!;
        }
      }
      if (digits && (c === 101 || c === 69)) {
        c = bytes[++pos]!;
        let eneg = false;
        if (c === MINUS) {
          eneg = true;
          c = bytes[++pos]!;
        } else if (c === PLUS) c = bytes[++pos]!;
        let e = 0;
        let edigits = false;
        while (c >= 48 && c <= 57) {
          edigits = true;
          if (e < 100000) e = e * 10 + (c - 48);
          c = bytes[++pos]!;
        }
        if (!edigits) slow = true;
        exp += eneg ? -e : e;
      }
      while (c === SP || (c === TAB && delim !== TAB)) c = bytes[++pos]!;
      let v: number;
      if (pos >= n || c === delim || c === LF || c === CR) {
        if (!digits) {
          if (pos === numStart)
            v = NaN; // empty cell
          else v = slowCell(latin1(bytes, cellStart, pos), col);
        } else if (!slow && exp >= -22 && exp <= 22) {
          v = exp < 0 ? mant / POW10[-exp]! : mant * POW10[exp]!;
          if (neg) v = -v;
        } else {
          v = slowCell(latin1(bytes, cellStart, pos), col);
        }
      } else if (bytes[numStart] === QUOTE) {
        const q = readQuoted(bytes, numStart, delim, line, source);
        pos = q.next;
        v = slowCell(q.text, col);
      } else {
        let e = pos;
        while (e < n) {
          const b = bytes[e]!;
          if (b === delim || b === LF || b === CR) break;
          e++;
        }
        const text = utf8Text(bytes, cellStart, e);
        pos = e;
        v = slowCell(text, col);
      }
      if (naHasNumbers && naNumbers.has(v)) v = NaN;
      values[base + col] = v;
    }
    if (pos < n) {
      const b = bytes[pos]!;
      if (b === delim) {
        let extra = 1;
        for (let p = pos + 1; p < n && bytes[p] !== LF && bytes[p] !== CR; p++) if (bytes[p] === delim) extra++;
        throw dataError(
          `${source}:${line}: the row has ${nCols + 1 + extra} fields, the header has ${nCols + 1}. Remove the extra cells, quote values that contain ${delimiterName(delimiter)}, or add the missing column names.`,
        );
      }
      pos = b === CR && bytes[pos + 1] === LF ? pos + 2 : pos + 1;
    }
    line++;
    r++;
  }
  if (r === 0) {
    throw dataError(
      `${source}: the file has a header but no data rows (header only). Add one row per date below the header.`,
    );
  }
  return {
    source,
    delimiter,
    dateFormat: dateFormat!,
    dateHeader: header[0]!,
    columns: header.slice(1),
    dates,
    lines: lines.length === r ? lines : lines.slice(0, r),
    values: values.length === r * nCols ? values : values.slice(0, r * nCols),
    nRows: r,
    nCols,
  };
}

/** The default missing-value tokens plus `extra`, lower-cased. */
export function naSet(extra: readonly string[] = []): Set<string> {
  const na = new Set(DEFAULT_NA);
  for (const v of extra) na.add(v.trim().toLowerCase());
  return na;
}

/**
 * Slow path for one cell's text: NA tokens → NaN, infinities, any decimal number → `Number(text)`; other text
 * throws a one-line data error naming `where` (file:line) and `column`.
 */
export function parseCellText(text: string, na: ReadonlySet<string>, where: string, column: string): number {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (na.has(lower)) return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (NUMBER_TEXT.test(t)) return Number(t);
  const hint = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)
    ? ' It has thousands separators: write 1234.5, not 1,234.5.'
    : /^[+-]?\d+,\d+$/.test(t)
      ? ' It looks like a decimal comma: write 1.5, not 1,5.'
      : /^[+-]?[\d.]+\s*%$/.test(t)
        ? ' Percent signs are not read: write the fraction (5% → 0.05).'
        : /^[+-]?[$€£¥]\s*[\d.]+$|^[\d.]+\s*[$€£¥]$/.test(t)
          ? ' Currency symbols are not read: write the bare number.'
          : t.includes('"')
            ? ' A stray quote: quote the whole field or remove the quote (broken quoting).'
            : ' Leave the cell empty to mark it missing, or fix the value.';
  throw dataError(`${where}: column "${clip(column)}" has non-numeric value "${clip(t)}".${hint}`);
}

/** True for exactly `YYYY-MM-DD` naming a real calendar date (checked on char codes, no regex, no allocation). */
function isCanonicalIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== MINUS || s.charCodeAt(7) !== MINUS) return false;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    y = y * 10 + c;
  }
  const m1 = s.charCodeAt(5) - 48;
  const m2 = s.charCodeAt(6) - 48;
  const d1 = s.charCodeAt(8) - 48;
  const d2 = s.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return false;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** UTF-8 text of bytes [s, e): pure-ASCII short cells are built directly (no view, no decoder call). */
function utf8Text(bytes: Uint8Array, s: number, e: number): string {
  if (e - s <= 24) {
    let ascii = true;
    for (let i = s; i < e; i++) {
      if (bytes[i]! >= 128) {
        ascii = false;
        break;
      }
    }
    if (ascii) return latin1(bytes, s, e);
  }
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8', s, e) : utf8.decode(bytes.subarray(s, e));
}

function latin1(bytes: Uint8Array, s: number, e: number): string {
  if (e - s > 24 && Buffer.isBuffer(bytes)) return bytes.toString('latin1', s, e);
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/**
 * Streams a CSV's records as strings to `onRow(cells, line)` (no row array is kept: large long-format files stay
 * cheap). Returns the header, the delimiter and the number of rows. Row width is not checked here.
 */
export function forEachStringRecord(
  bytes: Uint8Array,
  options: { readonly source?: string; readonly delimiter?: Delimiter },
  onRow: (cells: string[], line: number) => void,
): { header: string[]; delimiter: Delimiter; rows: number } {
  const source = options.source ?? '<input>';
  const head = readHeader(bytes, source, options.delimiter);
  const delim = head.delimiter.charCodeAt(0);
  let pos = head.next;
  let line = head.line;
  let rows = 0;
  const n = bytes.length;
  while (pos < n) {
    let p = pos;
    while (p < n && (bytes[p] === SP || bytes[p] === TAB)) p++;
    if (p >= n) break;
    if (bytes[p] === LF || bytes[p] === CR) {
      pos = bytes[p] === CR && bytes[p + 1] === LF ? p + 2 : p + 1;
      line++;
      continue;
    }
    const rec = readStringRecord(bytes, pos, delim, line, source);
    onRow(rec.cells, line);
    rows++;
    pos = rec.next;
    line = rec.nextLine;
  }
  return { header: head.header, delimiter: head.delimiter, rows };
}

/**
 * Generic CSV → string records (for small text tables such as asset metadata). Returns the header and every
 * non-blank row with its line number. Row width is not checked here.
 */
export function parseStringCsv(
  bytes: Uint8Array,
  options: { readonly source?: string; readonly delimiter?: Delimiter } = {},
): { header: string[]; delimiter: Delimiter; rows: { cells: string[]; line: number }[] } {
  const rows: { cells: string[]; line: number }[] = [];
  const r = forEachStringRecord(bytes, options, (cells, line) => rows.push({ cells, line }));
  return { header: r.header, delimiter: r.delimiter, rows };
}

/** `Number(text)` for plain decimals (sign, digits, one dot; ≤ 20 chars), NaN for anything else (slow path). */
export function quickNumber(t: string): number {
  const n = t.length;
  if (n === 0 || n > 20) return NaN;
  let i = 0;
  let c = t.charCodeAt(0);
  if (c === MINUS || c === PLUS) i++;
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === DOT && !dot) dot = true;
    else return NaN;
  }
  return digits > 0 ? Number(t) : NaN;
}
