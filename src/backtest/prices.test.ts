import { describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import { periodBefore, withPriceIndex } from './index.ts';

describe('withPriceIndex', () => {
  it('starts every index at 1 one period before its first return, so no return is lost', () => {
    const r = new Float64Array([0.1, NaN, -0.5, 0.2, NaN, 0.5]);
    const p = new Panel({
      dates: ['2020-01-31', '2020-02-29', '2020-03-31'],
      assets: ['A', 'B'],
      fields: { return: r },
    });
    const before = r.slice();
    const q = withPriceIndex(p);
    expect(q.dates).toEqual(['2019-12-31', '2020-01-31', '2020-02-29', '2020-03-31']);
    // A: 1 → 1.1 → 0.55 → (missing: NaN, the engine carries 0.55); B listed in February: its base is January.
    const want = [1, NaN, 1.1, 1, 1.1 * 0.5, 1.2, NaN, 1.2 * 1.5];
    expect(Array.from(q.field('close'))).toEqual(want);
    expect(Array.from(q.field('return').subarray(0, 2))).toEqual([NaN, NaN]);
    const c = q.field('close');
    for (let t = 1; t < q.nDates; t++)
      if (Number.isFinite(c[t * 2]!) && Number.isFinite(c[(t - 1) * 2]!))
        expect(c[t * 2]! / c[(t - 1) * 2]! - 1).toBeCloseTo(q.field('return')[t * 2]!, 14);
    expect(Array.from(p.field('return'))).toEqual(Array.from(before)); // input untouched
    // No asset starts on the first row: no row is added.
    const late = new Panel({
      dates: ['2020-01-31', '2020-02-29'],
      assets: ['A'],
      fields: { return: new Float64Array([NaN, 0.1]) },
    });
    expect(Array.from(withPriceIndex(late).field('close'))).toEqual([1, 1.1]);
  });

  it('dates the base row one period earlier on the data calendar', () => {
    expect(periodBefore(['2020-03-31', '2020-04-30'])).toBe('2020-02-29'); // month ends
    expect(periodBefore(['1963-07-31'])).toBe('1963-06-30');
    expect(periodBefore(['2020-03-31', '2020-06-30'])).toBe('2019-12-31'); // quarterly
    expect(periodBefore(['2020-12-31', '2021-12-31'])).toBe('2019-12-31'); // annual
    expect(periodBefore(['2020-03-01', '2020-04-01'])).toBe('2020-02-01'); // month starts
    expect(periodBefore(['2024-01-08', '2024-01-09'])).toBe('2024-01-05'); // business days: Monday → Friday
    expect(periodBefore(['2024-01-10', '2024-01-17'])).toBe('2024-01-03'); // weekly
  });
});
