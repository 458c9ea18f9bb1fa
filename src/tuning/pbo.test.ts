import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { forEachCombination, probabilityOfBacktestOverfitting as pbo } from './index.ts';

interface Case {
  S: number;
  combinations: number;
  pbo: number;
  overfitCount: number;
  sequenceSha256: string;
  bestInSample: number[] | null;
  oosRankTimes2: number[] | null;
  logitSum: number;
  slope: number;
  intercept: number;
  probOosLoss: number;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/pbo-reference.json', import.meta.url), 'utf8')) as {
  T: number;
  N: number;
  returns: number[][];
  cases: Case[];
};

function noise(seed: number, T: number, N: number, edge?: { col: number; mean: number }): Float64Array {
  const rng = createRng(seed);
  const r = new Float64Array(T * N);
  for (let t = 0; t < T; t++)
    for (let j = 0; j < N; j++) r[t * N + j] = 0.01 * rng.normal() + (edge?.col === j ? edge.mean : 0);
  return r;
}

describe('forEachCombination', () => {
  it('visits all C(n, k) subsets once, in lexicographic order', () => {
    const seen: string[] = [];
    forEachCombination(5, 2, (c) => seen.push(Array.from(c).join('')));
    expect(seen).toEqual(['01', '02', '03', '04', '12', '13', '14', '23', '24', '34']);
    let n = 0;
    forEachCombination(16, 8, () => n++);
    expect(n).toBe(12870);
  });
});

describe('probabilityOfBacktestOverfitting (CSCV)', () => {
  const flat = Float64Array.from(fx.returns.flat());
  for (const c of fx.cases) {
    it(`matches the independent Python implementation from the paper exactly (scripts/make-pbo-fixture.py, S = ${c.S})`, () => {
      const r = pbo(flat, fx.T, fx.N, { partitions: c.S });
      expect(r.logits.length).toBe(c.combinations);
      // The combinatorial result is exact: same n* and OOS rank in every combination, same PBO.
      const seq = Array.from(r.bestInSample, (b, i) => `${b}:${r.oosRank[i]! * 2}`).join(';');
      expect(createHash('sha256').update(seq).digest('hex')).toBe(c.sequenceSha256);
      if (c.bestInSample) expect(Array.from(r.bestInSample)).toEqual(c.bestInSample);
      if (c.oosRankTimes2) expect(Array.from(r.oosRank, (x) => x * 2)).toEqual(c.oosRankTimes2);
      expect(r.pbo).toBe(c.pbo);
      expect(r.degradation.probOosLoss).toBe(c.probOosLoss);
      // Sharpe ratios: Keel sums per group, Python two-pass over rows; they agree to rounding (~1e-15 relative).
      const logitSum = r.logits.reduce((s, x) => s + x, 0);
      expect(Math.abs(logitSum - c.logitSum)).toBeLessThan(1e-9 * c.combinations);
      expect(r.degradation.slope).toBeCloseTo(c.slope, 10);
      expect(r.degradation.intercept).toBeCloseTo(c.intercept, 10);
    });
  }

  it('N configurations of identical-law noise give PBO ≈ 0.5: mean over 48 seeds within ±0.1', () => {
    // Under exchangeable noise n*'s OOS rank is uniform, so E[PBO] = 0.5 for even N. One run's PBO is very noisy
    // (combinations share data; measured sd 0.24 over 200 seeds, range 0–1), so the tolerance is on the mean:
    // ±0.1 ≈ 2.9 standard errors (0.24/√48 = 0.035).
    let sum = 0;
    for (let seed = 1; seed <= 48; seed++) sum += pbo(noise(seed, 320, 10), 320, 10, { partitions: 10 }).pbo;
    expect(Math.abs(sum / 48 - 0.5)).toBeLessThan(0.1);
  });

  it('one configuration with a real edge among noise gives PBO near 0 and is chosen in-sample', () => {
    for (const seed of [3, 4, 5]) {
      const r = pbo(noise(seed, 640, 10, { col: 7, mean: 0.004 }), 640, 10);
      expect(r.pbo).toBeLessThan(0.02);
      const chose7 = r.bestInSample.reduce((n, b) => n + (b === 7 ? 1 : 0), 0);
      expect(chose7 / r.bestInSample.length).toBeGreaterThan(0.95);
    }
  });

  it('noise shows performance degradation (negative IS→OOS slope); logits are finite and PBO is their share ≤ 0', () => {
    const r = pbo(noise(9, 480, 12), 480, 12, { partitions: 12 });
    expect(r.degradation.slope).toBeLessThan(0);
    expect(r.logits.every(Number.isFinite)).toBe(true);
    expect(r.pbo).toBe(r.logits.filter((l) => l <= 0).length / r.logits.length);
  });

  it('does not mutate its input and refuses bad shapes with the rule and the fix', () => {
    const r = noise(1, 64, 4);
    const before = r.slice();
    pbo(r, 64, 4, { partitions: 8 });
    expect(r).toEqual(before);
    expect(() => pbo(r, 64, 4, { partitions: 7 })).toThrow(/even integer.*got 7/);
    expect(() => pbo(r, 64, 4, { partitions: 40 })).toThrow(/partitions S must be/);
    expect(() => pbo(r.subarray(0, 16 * 4), 16, 4, { partitions: 16 })).toThrow(/T ≥ 2S = 32 periods, got 16/);
    expect(() => pbo(r.subarray(0, 64), 64, 1)).toThrow(/at least 2 configurations/);
    const bad = r.slice();
    bad[9] = NaN;
    expect(() => pbo(bad, 64, 4, { partitions: 8 })).toThrow(/returns\[2\]\[1\] is NaN/);
  });
});
