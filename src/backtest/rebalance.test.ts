import { describe, expect, it } from 'vitest';
import { createRebalanceRule, inferPeriodsPerYear, isPeriodStart, periodKey } from './index.ts';

describe('calendar periods (judged from dates ≤ t only)', () => {
  it('weeks start on Monday; months, quarters and years on their first trading date', () => {
    expect(periodKey('2024-01-07', 'weekly')).not.toBe(periodKey('2024-01-08', 'weekly')); // Sun → Mon
    expect(periodKey('2024-01-08', 'weekly')).toBe(periodKey('2024-01-12', 'weekly')); // Mon … Fri
    const dates = ['2024-03-28', '2024-04-01', '2024-04-02', '2024-12-31', '2025-01-02'];
    expect(dates.map((_, t) => isPeriodStart(dates, t, 'monthly'))).toEqual([true, true, false, true, true]);
    expect(dates.map((_, t) => isPeriodStart(dates, t, 'quarterly'))).toEqual([true, true, false, true, true]);
    expect(dates.map((_, t) => isPeriodStart(dates, t, 'yearly'))).toEqual([true, false, false, false, true]);
  });

  it('infers the annualisation from the calendar', () => {
    const step = (k: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        new Date(Date.UTC(2020, 0, 6) + i * k * 86_400_000).toISOString().slice(0, 10),
      );
    expect(inferPeriodsPerYear(step(1, 50))).toBe(252);
    expect(inferPeriodsPerYear(step(7, 50))).toBe(52);
    expect(inferPeriodsPerYear(step(30, 50))).toBe(12);
    expect(inferPeriodsPerYear(step(91, 20))).toBe(4);
  });

  it('rules never mutate the weights they are given', () => {
    const rule = createRebalanceRule({ kind: 'no-trade-band', threshold: 0.05 }, ['2024-01-01']);
    const drifted = Float64Array.from([0.7, 0.3]);
    const target = Float64Array.from([0.5, 0.5]);
    const out = rule.tradeTo(drifted, target, null)!;
    expect(Array.from(out)).toEqual([0.55, 0.45]);
    expect(Array.from(drifted)).toEqual([0.7, 0.3]);
    expect(Array.from(target)).toEqual([0.5, 0.5]);
    expect(rule.tradeTo(Float64Array.from([0.52, 0.48]), target, null)).toBeNull();
  });

  it('rejects a bad rule with one line and an example', () => {
    expect(() => createRebalanceRule('hourly' as never, [])).toThrow(/backtest.rebalance.*Use e.g. rebalance: monthly/);
    expect(() => createRebalanceRule({ kind: 'band', threshold: -1 }, [])).toThrow(/threshold/);
  });
});
