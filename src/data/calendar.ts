/**
 * Calendar arithmetic on `YYYY-MM-DD` strings through day numbers (days since 1970-01-01, UTC, proleptic
 * Gregorian), so nothing depends on the machine's time zone. Weeks run Monday..Sunday (ISO).
 */
import { dataError } from '../core/index.ts';
import type { IsoDate } from './panel.ts';

/** Days from 1970-01-01 to `date` (negative before). Throws on a malformed date. */
export function isoToDays(date: IsoDate): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  if (date.length !== 10 || !Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) {
    throw dataError(`"${date}" is not a YYYY-MM-DD date.`);
  }
  return daysFromCivil(y, m, d);
}

/** Howard Hinnant's days_from_civil: exact for every Gregorian date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** Inverse of `isoToDays`. */
export function daysToIso(days: number): IsoDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** Day of week, 0 = Monday … 6 = Sunday. */
export function weekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (3 with Monday = 0)
  return (((isoToDays(date) + 3) % 7) + 7) % 7;
}

export function isWeekend(date: IsoDate): boolean {
  return weekday(date) >= 5;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return daysToIso(isoToDays(date) + n);
}

/** Whole calendar days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return isoToDays(b) - isoToDays(a);
}

/** Monday..Friday dates from `start` to `end` inclusive (no holiday calendar: holidays are whatever the data lacks). */
export function businessDays(start: IsoDate, end: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  const e = isoToDays(end);
  for (let d = isoToDays(start); d <= e; d++) {
    const wd = (((d + 3) % 7) + 7) % 7;
    if (wd < 5) out.push(daysToIso(d));
  }
  return out;
}

/** The last calendar day of the month of `date`. */
export function monthEnd(date: IsoDate): IsoDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return daysToIso(daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1);
}

/** The first calendar day of the month of `date`. */
export function monthStart(date: IsoDate): IsoDate {
  return `${date.slice(0, 7)}-01`;
}

/** Key of the ISO week (Monday..Sunday) containing `date`: the Monday's day number. */
export function weekKey(date: IsoDate): number {
  const d = isoToDays(date);
  return d - ((((d + 3) % 7) + 7) % 7);
}

/** Sorted union of several calendars (each sorted ascending). */
export function unionCalendar(calendars: readonly (readonly IsoDate[])[]): IsoDate[] {
  const set = new Set<IsoDate>();
  for (const c of calendars) for (const d of c) set.add(d);
  return [...set].sort();
}

/** Sorted intersection of several calendars. */
export function intersectCalendar(calendars: readonly (readonly IsoDate[])[]): IsoDate[] {
  if (calendars.length === 0) return [];
  let acc = new Set<IsoDate>(calendars[0]);
  for (let i = 1; i < calendars.length; i++) {
    const next = new Set(calendars[i]);
    acc = new Set([...acc].filter((d) => next.has(d)));
  }
  return [...acc].sort();
}

/** A stretch of calendar with no dates. `days` = calendar days between the two dates. */
export interface CalendarGap {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly days: number;
  readonly index: number; // index of `to` in the calendar
}

/** Typical spacing of a calendar in calendar days (median of consecutive differences), 1 for daily data. */
export function medianSpacingDays(dates: readonly IsoDate[]): number {
  if (dates.length < 2) return 1;
  const diffs: number[] = [];
  let prev = isoToDays(dates[0]!);
  for (let i = 1; i < dates.length; i++) {
    const d = isoToDays(dates[i]!);
    diffs.push(d - prev);
    prev = d;
  }
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor((diffs.length - 1) / 2)]!;
}

/**
 * Gaps longer than `maxDays` calendar days. Default: 7 days for daily data (a long weekend plus a holiday is 4-5;
 * exchanges were shut for a week after 2001-09-11), otherwise 2.5 × the median spacing.
 */
export function calendarGaps(dates: readonly IsoDate[], maxDays?: number): CalendarGap[] {
  const spacing = medianSpacingDays(dates);
  const limit = maxDays ?? (spacing <= 1 ? 7 : Math.ceil(2.5 * spacing));
  const out: CalendarGap[] = [];
  for (let i = 1; i < dates.length; i++) {
    const days = daysBetween(dates[i - 1]!, dates[i]!);
    if (days > limit) out.push({ from: dates[i - 1]!, to: dates[i]!, days, index: i });
  }
  return out;
}
