import { describe, expect, it } from 'vitest';
import { logGaussMass, logNormCdf, truncPpf } from './truncnorm.ts';

// Reference values: scipy.special.log_ndtr and scipy.stats.truncnorm (SciPy 1.10).
describe('truncated-normal kernels', () => {
  it('log Φ(z) stays accurate deep in both tails, where Φ underflows or rounds to 1', () => {
    expect(logNormCdf(-30)).toBeCloseTo(-454.32124395634327, 9);
    expect(logNormCdf(-19)).toBeCloseTo(-184.36612866916096, 9);
    expect(logNormCdf(-3)).toBeCloseTo(-6.60772622151035, 12);
    expect(logNormCdf(6) / -9.865876455243719e-10).toBeCloseTo(1, 9);
  });

  it('log Gaussian mass of an interval far in a tail, and symmetric in sign', () => {
    expect(logGaussMass(-40, -38)).toBeCloseTo(-726.5572160219617, 8);
    expect(logGaussMass(38, 40)).toBe(logGaussMass(-40, -38));
    expect(logGaussMass(1, 1)).toBe(-Infinity);
  });

  it('the inverse CDF of a truncated normal matches scipy.stats.truncnorm.ppf', () => {
    expect(truncPpf(0.3, -1, 2)).toBeCloseTo(-0.24240381788922707, 12);
    expect(truncPpf(0.3, 0.5, 4)).toBeCloseTo(0.7858223737535058, 12);
    expect(truncPpf(0, -1, 2)).toBeCloseTo(-1, 12);
  });
});
