/**
 * The synthetic market's calendar: business days (Monday–Friday, no holidays) from `start` for `years` years.
 * Pure integer day arithmetic on UTC day numbers, so the same inputs give the same dates on every machine.
 */
import type { IsoDate } from '../data/index.ts';

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 (UTC) of an ISO date. */
export function dayNumber(date: IsoDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/** Saturday or Sunday? (1970-01-01, day 0, was a Thursday: weekday 4 with 0 = Sunday.) */
function isWeekend(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

/** ISO date of a UTC day number. */
export function isoOfDay(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Business days in [start, start + years): every Monday–Friday. Returns the ISO dates and, for each date, its
 * calendar year and month (1–12), which the macro and fundamentals schedules use, plus the month of the business day
 * just after the calendar (so month ends are found the same way whatever the calendar's length).
 */
export function businessDays(
  start: IsoDate,
  years: number,
): { dates: IsoDate[]; year: Int32Array; month: Int32Array; monthAfterLast: number } {
  const first = dayNumber(start);
  // Whole years by the calendar (2014-01-01 + 10 years = 2024-01-01, exclusive), the fraction at 365.25 days a year.
  const whole = Math.floor(years);
  const y = Number(start.slice(0, 4)) + whole;
  const sameDayLater = dayNumber(`${String(y).padStart(4, '0')}${start.slice(4)}`);
  const anniversary = Number.isNaN(sameDayLater) ? dayNumber(`${String(y).padStart(4, '0')}-03-01`) : sameDayLater; // 29 Feb → 1 Mar
  const last = anniversary + Math.round((years - whole) * 365.25); // exclusive
  const dates: IsoDate[] = [];
  for (let d = first; d < last; d++) {
    if (!isWeekend(d)) dates.push(isoOfDay(d));
  }
  // Month of the first business day after the calendar, so the last date knows whether it closes its month.
  let after = last;
  while (isWeekend(after)) after++;
  const monthAfterLast = Number(isoOfDay(after).slice(5, 7));
  const year = new Int32Array(dates.length);
  const month = new Int32Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const s = dates[t]!;
    year[t] = Number(s.slice(0, 4));
    month[t] = Number(s.slice(5, 7));
  }
  return { dates, year, month, monthAfterLast };
}
