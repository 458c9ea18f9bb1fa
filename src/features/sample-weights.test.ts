import { describe, expect, it } from 'vitest';
import { averageUniqueness, timeDecay, uniquenessWeights } from './sample-weights.ts';

// Asset 0: labels A (0,3], B (1,4], C (3,5]; asset 1: D (0,3]. Concurrency of asset 0 over bars 1..5: 1, 2, 2, 2, 1.
const starts = [0, 1, 3, 0];
const ends = [3, 4, 5, 3];
const groups = [0, 0, 0, 1];

describe('sample weights for overlapping labels (AFML ch. 4)', () => {
  it('average uniqueness is the mean of 1/concurrency over each label span, per asset (hand computation)', () => {
    const u = averageUniqueness(starts, ends, groups);
    expect(u[0]).toBeCloseTo((1 + 1 / 2 + 1 / 2) / 3, 15); // A: bars 1, 2, 3
    expect(u[1]).toBeCloseTo((1 / 2 + 1 / 2 + 1 / 2) / 3, 15); // B: bars 2, 3, 4
    expect(u[2]).toBeCloseTo((1 / 2 + 1) / 2, 15); // C: bars 4, 5
    expect(u[3]).toBe(1); // D shares no bar with another label of its asset
    // Pooled as one series, D stacks on A and B: bars 1..3 have concurrency 2, 3, 3.
    expect(averageUniqueness(starts, ends)[3]).toBeCloseTo((1 / 2 + 1 / 3 + 1 / 3) / 3, 15);
  });

  it('non-overlapping labels weigh 1; h labels on the same bars 1/h each', () => {
    expect([...averageUniqueness([0, 5, 10], [5, 10, 15])]).toEqual([1, 1, 1]);
    expect([...averageUniqueness([0, 0, 0, 0], [4, 4, 4, 4])]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('time decay is linear in cumulative uniqueness: newest 1, oldest rows decay (hand computation)', () => {
    const u = averageUniqueness(starts, ends, groups); // 2/3, 1/2, 3/4, 1
    const d = timeDecay(u, starts, 0.5);
    // Cumulative uniqueness by start: {A, D} 5/3, B 13/6, C 35/12; slope 0.5 / (35/12), intercept 0.5.
    expect(d[0]).toBeCloseTo(0.5 + (6 / 35) * (5 / 3), 15);
    expect(d[3]).toBeCloseTo(d[0]!, 15); // same start date → same decay
    expect(d[1]).toBeCloseTo(0.5 + (6 / 35) * (13 / 6), 15);
    expect(d[2]).toBeCloseTo(1, 15);
    // Negative decay: the oldest |c| share of cumulative uniqueness gets weight 0.
    const z = timeDecay([1, 1, 1, 1], [0, 1, 2, 3], -0.5);
    expect(z[0]).toBe(0);
    expect(z[1]).toBe(0);
    expect(z[3]).toBeCloseTo(1, 15);
    expect(() => timeDecay(u, starts, 1.5)).toThrow(/decay must be in \(−1, 1\], got 1\.5/);
  });

  it('weights are uniqueness × decay normalised to mean 1, and never mutate their inputs', () => {
    const s = starts.slice();
    const w = uniquenessWeights(starts, ends, groups);
    const u = averageUniqueness(starts, ends, groups);
    const mean = u.reduce((a, b) => a + b, 0) / 4;
    w.forEach((v, i) => expect(v).toBeCloseTo(u[i]! / mean, 14));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
    const wd = uniquenessWeights(starts, ends, groups, { decay: 0.5 });
    const d = timeDecay(u, starts, 0.5);
    const k = 4 / u.reduce((a, v, i) => a + v * d[i]!, 0);
    wd.forEach((v, i) => expect(v).toBeCloseTo(u[i]! * d[i]! * k, 14));
    expect(starts).toEqual(s);
  });
});
