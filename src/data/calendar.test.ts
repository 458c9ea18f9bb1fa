import { describe, expect, it } from 'vitest';
import {
  addDays,
  businessDays,
  calendarGaps,
  daysToIso,
  intersectCalendar,
  isoToDays,
  medianSpacingDays,
  monthEnd,
  monthStart,
  unionCalendar,
  weekday,
  weekKey,
} from './calendar.ts';

describe('calendar', () => {
  it('isoToDays matches Date.UTC for every day from 1899 to 2101 and round-trips', () => {
    for (let d = isoToDays('1899-01-01'); d <= isoToDays('2101-12-31'); d += 13) {
      const iso = daysToIso(d);
      expect(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000).toBe(d);
      expect(isoToDays(iso)).toBe(d);
    }
  });
  it('weekday: 2024-01-01 was a Monday, 1970-01-01 a Thursday', () => {
    expect(weekday('2024-01-01')).toBe(0);
    expect(weekday('1970-01-01')).toBe(3);
    expect(weekday('2023-12-31')).toBe(6);
  });
  it('month ends handle leap years', () => {
    expect(monthEnd('2024-02-10')).toBe('2024-02-29');
    expect(monthEnd('1900-02-01')).toBe('1900-02-28');
    expect(monthEnd('2000-02-01')).toBe('2000-02-29');
    expect(monthEnd('2023-12-05')).toBe('2023-12-31');
    expect(monthStart('2023-12-05')).toBe('2023-12-01');
  });
  it('businessDays skips weekends; weekKey groups Monday..Sunday', () => {
    expect(businessDays('2024-01-05', '2024-01-09')).toEqual(['2024-01-05', '2024-01-08', '2024-01-09']);
    expect(weekKey('2024-01-08')).toBe(weekKey('2024-01-14'));
    expect(weekKey('2024-01-14')).not.toBe(weekKey('2024-01-15'));
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });
  it('union and intersection of calendars are sorted', () => {
    expect(
      unionCalendar([
        ['2020-01-03', '2020-01-06'],
        ['2020-01-02', '2020-01-03'],
      ]),
    ).toEqual(['2020-01-02', '2020-01-03', '2020-01-06']);
    expect(
      intersectCalendar([
        ['2020-01-03', '2020-01-06'],
        ['2020-01-02', '2020-01-03'],
      ]),
    ).toEqual(['2020-01-03']);
  });
  it('calendarGaps reports stretches longer than a week in daily data, not weekends', () => {
    const dates = [...businessDays('2001-09-03', '2001-09-10'), ...businessDays('2001-09-17', '2001-09-28')];
    expect(medianSpacingDays(dates)).toBe(1);
    const gaps = calendarGaps(dates);
    expect(gaps).toEqual([]); // a 7-day closure is within the default tolerance
    expect(calendarGaps(dates, 5)).toEqual([{ from: '2001-09-10', to: '2001-09-17', days: 7, index: 6 }]);
    expect(calendarGaps(['2020-01-01', '2020-01-02', '2020-01-20'])).toHaveLength(1);
  });
});
