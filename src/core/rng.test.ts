import { describe, expect, it } from 'vitest';
import { Matrix, cholesky, correlation, createRng, mean, multivariateNormal, std, sum, variance } from './index.ts';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 100 }, () => a.nextUint32());
    const xb = Array.from({ length: 100 }, () => b.nextUint32());
    const xc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('pins the first outputs of seed 1 so a platform or refactor change cannot alter streams unnoticed', () => {
    const r = createRng(1);
    const first = Array.from({ length: 4 }, () => r.nextUint32());
    // Recorded from this implementation; xoshiro128** is pure 32-bit integer arithmetic, so these are exact.
    expect(first).toEqual(PINNED_SEED1);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12 (n = 200 000, 5σ bands)', () => {
    const r = createRng(5);
    const x = Float64Array.from({ length: 200_000 }, () => r.uniform());
    expect(x.reduce((m, v) => Math.min(m, v), 1)).toBeGreaterThanOrEqual(0);
    expect(x.reduce((m, v) => Math.max(m, v), 0)).toBeLessThan(1);
    expect(Math.abs(mean(x) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / 200_000));
    expect(Math.abs(variance(x) - 1 / 12)).toBeLessThan(0.001);
  });

  it('draws standard normals with mean 0, sd 1 and kurtosis 3', () => {
    const r = createRng(9);
    const n = 200_000;
    const x = Float64Array.from({ length: n }, () => r.normal());
    expect(Math.abs(mean(x))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(std(x) - 1)).toBeLessThan(0.01);
    const m = mean(x);
    const k = x.reduce((s, v) => s + (v - m) ** 4, 0) / n / variance(x, 0) ** 2;
    expect(Math.abs(k - 3)).toBeLessThan(0.08);
  });

  it('draws Student-t(5) with variance df/(df−2) = 5/3', () => {
    const r = createRng(10);
    const x = Float64Array.from({ length: 200_000 }, () => r.studentT(5));
    expect(Math.abs(variance(x) - 5 / 3)).toBeLessThan(0.06);
  });

  it('forks streams by key, independent of how many draws the parent made', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 10; i++) b.uniform();
    expect(a.fork('asset-3').uniform()).toBe(b.fork('asset-3').uniform());
    expect(a.fork('asset-3').uniform()).not.toBe(a.fork('asset-4').uniform());
  });

  it('rejects a bad seed with the fix in the message', () => {
    expect(() => createRng(-1)).toThrow('seed must be an integer in [0, 4294967295], got -1. Use e.g. seed: 42.');
  });

  it('draws multivariate normals with the requested covariance', () => {
    const cov = Matrix.fromRows([
      [1, 0.6],
      [0.6, 2],
    ]);
    const l = cholesky(cov)!;
    const r = createRng(12);
    const n = 100_000;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      const d = multivariateNormal(r, [1, -1], l);
      sxy += (d[0]! - 1) * (d[1]! + 1);
      sxx += (d[0]! - 1) ** 2;
    }
    expect(sxy / n).toBeCloseTo(0.6, 1);
    expect(sxx / n).toBeCloseTo(1, 1);
  });
});

describe('stats', () => {
  it('compensated sum keeps 1e16 + 1 − 1e16 exact', () => {
    expect(sum([1e16, 1, -1e16])).toBe(1);
  });
  it('correlation is ±1 on exact lines, matches a hand computation, and is NaN for a constant side', () => {
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    // x = [1,2,3,4], y = [1,3,2,4]: sxy = 4, sxx = syy = 5 → 0.8
    expect(correlation([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 15);
    expect(correlation([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
  it('variance of [1, 2, 3, 4] is 5/3 (ddof 1) and 5/4 (ddof 0)', () => {
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 15);
    expect(variance([1, 2, 3, 4], 0)).toBeCloseTo(1.25, 15);
    expect(variance([1])).toBeNaN();
  });
});

const PINNED_SEED1 = [2442144158, 3238099751, 3819917871, 2104621829];
