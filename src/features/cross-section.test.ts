import { describe, expect, it } from 'vitest';
import { createTarget, excessReturn, forwardReturn, percentileRanks, rankTarget } from './targets.ts';
import { crossSectionalNormalize } from './cross-section.ts';
import type { FeatureMatrix } from './dataset.ts';
import { randomWalkPanel } from './test-panel.ts';

describe('cross-sectional targets', () => {
  const panel = randomWalkPanel(5, 120, 5);

  it('excess-return = forward return minus the date mean: rows sum to 0, spreads unchanged, NaN tail kept', () => {
    const fr = forwardReturn(panel, 10).values;
    const xs = excessReturn(panel, 10);
    expect(xs.horizon).toBe(10);
    for (let t = 0; t < 110; t++) {
      let s = 0;
      for (let a = 0; a < 5; a++) s += xs.values[t * 5 + a]!;
      expect(Math.abs(s)).toBeLessThan(1e-15);
      expect(xs.values[t * 5 + 1]! - xs.values[t * 5 + 3]!).toBeCloseTo(fr[t * 5 + 1]! - fr[t * 5 + 3]!, 14);
    }
    for (let t = 110; t < 120; t++) for (let a = 0; a < 5; a++) expect(xs.values[t * 5 + a]).toBeNaN();
  });

  it('rank target is the percentile of the forward return at each date, 0 … 1', () => {
    const fr = forwardReturn(panel, 5).values;
    const r = createTarget(panel, { kind: 'rank', horizon: 5 });
    for (let t = 0; t < 115; t++) {
      const row = Array.from(r.values.subarray(t * 5, t * 5 + 5));
      expect([...row].sort()).toEqual([0, 0.25, 0.5, 0.75, 1]);
      const top = row.indexOf(1);
      for (let a = 0; a < 5; a++) expect(fr[t * 5 + top]!).toBeGreaterThanOrEqual(fr[t * 5 + a]!);
    }
    expect(rankTarget(panel, 5).values[119 * 5]).toBeNaN();
  });

  it('percentileRanks averages ties, skips NaN, and gives 0.5 to a lone value', () => {
    const out = new Float64Array(5);
    percentileRanks([3, NaN, 1, 3, 2], out);
    expect(Array.from(out)).toEqual([2.5 / 3, NaN, 0, 2.5 / 3, 1 / 3]);
    percentileRanks([NaN, 7], out.subarray(0, 2));
    expect(out[1]).toBe(0.5);
  });
});

describe('crossSectionalNormalize', () => {
  const fm: FeatureMatrix = {
    names: ['f'],
    owners: ['f'],
    // 2 dates × 3 assets; date 1 has a missing asset and a common level shift of +100.
    columns: [Float64Array.from([1, 2, 3, 101, NaN, 103])],
    dates: ['2020-01-01', '2020-01-02'],
    assets: ['a', 'b', 'c'],
    warmup: 0,
  };

  it('z-scores each date across assets, using only that date (a level shift at one date vanishes)', () => {
    const z = crossSectionalNormalize(fm, 'zscore').columns[0]!;
    expect(Array.from(z.subarray(0, 3))).toEqual([-1, 0, 1]);
    expect(z[4]).toBeNaN();
    expect(z[3]).toBeCloseTo(-Math.SQRT1_2, 15);
    expect(z[5]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(Array.from(fm.columns[0]!)).toEqual([1, 2, 3, 101, NaN, 103]); // input not mutated
  });

  it('ranks each date across assets; none returns the matrix itself', () => {
    const r = crossSectionalNormalize(fm, 'rank').columns[0]!;
    expect(Array.from(r)).toEqual([0, 0.5, 1, 0, NaN, 1]);
    expect(crossSectionalNormalize(fm, 'none')).toBe(fm);
  });

  it('is point in time: changing a later date leaves earlier rows unchanged', () => {
    const later: FeatureMatrix = { ...fm, columns: [Float64Array.from([1, 2, 3, -5, 9, 1e6])] };
    const a = crossSectionalNormalize(fm, 'zscore').columns[0]!.subarray(0, 3);
    const b = crossSectionalNormalize(later, 'zscore').columns[0]!.subarray(0, 3);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
