import { describe, expect, it } from 'vitest';
import { checkPointInTime } from '../audit/index.ts';
import { binomial, combinatorialPurgedCV, cpcvPaths, purgedKFold, walkForward, walkForwardSplits } from './index.ts';
import { days, panelOf, walk } from '../../test/support/panels.ts';

const arr = (x: Int32Array): number[] => Array.from(x);

describe('walkForwardSplits', () => {
  it('rolling windows end horizon + embargo samples before each test window', () => {
    const s = walkForwardSplits({ nSamples: 20, trainSize: 5, testSize: 4, horizon: 2, embargo: 1 });
    expect(s.map((x) => [arr(x.train), arr(x.test), x.asOf])).toEqual([
      [[0, 1, 2, 3, 4], [8, 9, 10, 11], 7],
      [[4, 5, 6, 7, 8], [12, 13, 14, 15], 11],
      [[8, 9, 10, 11, 12], [16, 17, 18, 19], 15],
    ]);
    for (const x of s) for (const i of x.train) expect(i + 2).toBeLessThan(x.test[0]! - 1 + 1);
  });
  it('expanding windows keep everything since the start', () => {
    const s = walkForwardSplits({ nSamples: 12, trainSize: 4, testSize: 4, mode: 'expanding' });
    expect(s.map((x) => x.train.length)).toEqual([4, 8]);
  });
  it('refuses a first test window past the data, with the fix', () => {
    expect(() => walkForwardSplits({ nSamples: 10, trainSize: 10, testSize: 2 })).toThrow(
      /past the data \(10 samples\)\. Shorten trainSize/,
    );
  });
});

describe('purged k-fold and CPCV', () => {
  it('purges labels that overlap the test fold and embargoes after it', () => {
    const f = purgedKFold(12, 3, 1, 2);
    // fold 1 tests 4..7; purge i + 1 ≥ 4 → drop 3; embargo drops 8, 9.
    expect(arr(f[1]!.test)).toEqual([4, 5, 6, 7]);
    expect(arr(f[1]!.train)).toEqual([0, 1, 2, 10, 11]);
  });
  it('CPCV(6, 2) has C(6,2) = 15 splits and 5 backtest paths; each group is tested 5 times', () => {
    const s = combinatorialPurgedCV(60, 6, 2, 3, 1);
    expect(s.length).toBe(binomial(6, 2));
    expect(cpcvPaths(6, 2)).toBe(5);
    const count = new Array(6).fill(0);
    for (const x of s) for (const g of x.testGroups) count[g]++;
    expect(count).toEqual([5, 5, 5, 5, 5, 5]);
    for (const x of s) {
      const test = new Set(arr(x.test));
      for (const i of x.train) {
        expect(test.has(i)).toBe(false);
        for (let k = 0; k <= 3; k++) expect(test.has(i + k)).toBe(false); // no label overlaps a test sample
      }
    }
  });
});

describe('walkForward', () => {
  it('each fit sees only rows ≤ its asOf (perturb-the-future audit)', () => {
    const T = 40;
    const p = panelOf(days('2020-01-01', T), walk(T, 2, 5));
    const splits = walkForwardSplits({ nSamples: T, trainSize: 10, testSize: 10, horizon: 2 });
    const fitMean = (view: import('../data/index.ts').Panel) => {
      const c = view.field('close');
      let s = 0;
      for (const v of c) s += v;
      return [view.nDates, s / c.length];
    };
    for (const sp of splits) {
      const rep = checkPointInTime({
        panel: p,
        asOf: p.dates[sp.asOf]!,
        compute: (q) => walkForward(q, [sp], fitMean)[0],
      });
      expect(rep.ok).toBe(true);
    }
    expect(walkForward(p, splits, fitMean).map((x) => x[0])).toEqual(splits.map((s) => s.asOf + 1));
  });
});
