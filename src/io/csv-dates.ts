/**
 * Date cells of a CSV file → `YYYY-MM-DD`. The format is fixed by the first data row (or by the `dateFormat`
 * option) and every later row must use the same one: a file that mixes `2020-01-02` and `02/01/2020` is refused,
 * because a silent guess per row is how day and month get swapped.
 */
import { dataError } from '../core/index.ts';

/** Date formats the CSV loaders understand. `DD/MM/YYYY` and `MM/DD/YYYY` are never guessed: name one. */
export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** True when `text` looks like a date in `format` (shape only; the calendar check happens in `parseDateText`). */
function shapeOf(text: string): DateFormat | 'ambiguous' | null {
  if (/^\d{4}-\d{1,2}-\d{1,2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return 'YYYY-MM-DD';
  if (/^\d{4}\/\d{1,2}\/\d{1,2}$/.test(text)) return 'YYYY/MM/DD';
  if (/^\d{8}$/.test(text)) return 'YYYYMMDD';
  if (/^\d{1,2}\.\d{1,2}\.\d{4}$/.test(text)) return 'DD.MM.YYYY';
  const m = /^(\d{1,2})\/(\d{1,2})\/\d{4}$/.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > 12 && b <= 12) return 'DD/MM/YYYY';
    if (b > 12 && a <= 12) return 'MM/DD/YYYY';
    return 'ambiguous';
  }
  return null;
}

/**
 * Detects the format of the first date cell. Throws a one-line data error for an unknown or ambiguous shape.
 * `where` is `file:line` for the message.
 */
export function detectDateFormat(text: string, where: string): DateFormat {
  const s = shapeOf(text);
  if (s === 'ambiguous') {
    throw dataError(
      `${where}: date "${text}" is ambiguous (day/month order unknown). Pass dateFormat: 'DD/MM/YYYY' or 'MM/DD/YYYY' (CLI: --date-format), or write dates as YYYY-MM-DD.`,
    );
  }
  if (s === null) {
    throw dataError(
      `${where}: "${text}" in the date column is not a date Keel reads (${DATE_FORMATS.join(', ')}). Write dates as YYYY-MM-DD.`,
    );
  }
  return s;
}

/**
 * Parses one date cell in a known format → `YYYY-MM-DD`, or throws a one-line data error naming `where`
 * (mixed formats, impossible calendar dates).
 */
export function parseDateText(text: string, format: DateFormat, where: string): string {
  let match: readonly (string | undefined)[] | null = null;
  switch (format) {
    case 'YYYY-MM-DD':
      match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(
        text,
      );
      break;
    case 'YYYY/MM/DD':
      match = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(text);
      break;
    case 'YYYYMMDD':
      match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
      break;
    case 'DD/MM/YYYY':
    case 'MM/DD/YYYY': {
      const r = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
      if (r) match = format === 'DD/MM/YYYY' ? [r[0], r[3], r[2], r[1]] : [r[0], r[3], r[1], r[2]];
      break;
    }
    case 'DD.MM.YYYY': {
      const r = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
      if (r) match = [r[0], r[3], r[2], r[1]];
      break;
    }
  }
  if (!match) {
    const other = shapeOf(text);
    if (other !== null) {
      throw dataError(
        `${where}: date "${text}" does not match the file's date format ${format} (mixed date formats). Write every date as YYYY-MM-DD.`,
      );
    }
    throw dataError(
      `${where}: "${text}" in the date column is not a date in format ${format}. Fix the cell or remove the row.`,
    );
  }
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    throw dataError(
      `${where}: date "${text}" is not a real calendar date (${format}). Fix the cell or remove the row.`,
    );
  }
  return `${y}-${pad2(m)}-${pad2(d)}`;
}
