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

/** ISO date of a UTC day number. */
export function isoOfDay(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Business days in [start, start + years): every Monday–Friday. Returns the ISO dates and, for each date, its
 * calendar year and month (1–12), which the macro and fundamentals schedules use.
 */
export function businessDays(start: IsoDate, years: number): { dates: IsoDate[]; year: Int32Array; month: Int32Array } {
  const first = dayNumber(start);
  // Whole years by the calendar (2014-01-01 + 10 years = 2024-01-01, exclusive), the fraction at 365.25 days a year.
  const whole = Math.floor(years);
  const y = Number(start.slice(0, 4)) + whole;
  const sameDayLater = dayNumber(`${String(y).padStart(4, '0')}${start.slice(4)}`);
  const anniversary = Number.isNaN(sameDayLater) ? dayNumber(`${String(y).padStart(4, '0')}-03-01`) : sameDayLater; // 29 Feb → 1 Mar
  const last = anniversary + Math.round((years - whole) * 365.25); // exclusive
  const dates: IsoDate[] = [];
  for (let d = first; d < last; d++) {
    const weekday = (((d + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday, 6 = Saturday
    if (weekday !== 0 && weekday !== 6) dates.push(isoOfDay(d));
  }
  const year = new Int32Array(dates.length);
  const month = new Int32Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const s = dates[t]!;
    year[t] = Number(s.slice(0, 4));
    month[t] = Number(s.slice(5, 7));
  }
  return { dates, year, month };
}
