import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { Noise } from './noise.ts';
import { moments } from './test-stats.ts';

describe('Noise (fast draws on a core RNG stream)', () => {
  const N = 400_000;

  it('uniform is in (0, 1) with mean 1/2 and variance 1/12 (±4 standard errors)', () => {
    const nz = new Noise(createRng(1));
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = nz.uniform();
    const m = moments(x);
    expect(Math.min(...x.subarray(0, 10000))).toBeGreaterThan(0);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N));
    expect(m.sd * m.sd).toBeCloseTo(1 / 12, 3);
  });

  it('normal has mean 0, variance 1, kurtosis 3 (tolerances ≈ 4 standard errors)', () => {
    const nz = new Noise(createRng(2));
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = nz.normal();
    const m = moments(x);
    expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(m.sd - 1)).toBeLessThan(0.005);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.05);
  });

  it('Student-t(5): variance df/(df−2) = 5/3, and P(|t| > 2.571) = 0.05 (the 97.5 % quantile)', () => {
    const nz = new Noise(createRng(3));
    const x = new Float64Array(N);
    let beyond = 0;
    for (let i = 0; i < N; i++) {
      x[i] = nz.studentT(5);
      if (Math.abs(x[i]!) > 2.570582) beyond++;
    }
    const m = moments(x);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    // The sample variance of t(5) converges slowly (infinite fourth moment): 3 % tolerance.
    expect(m.sd * m.sd).toBeGreaterThan((5 / 3) * 0.97);
    expect(m.sd * m.sd).toBeLessThan((5 / 3) * 1.03);
    expect(beyond / N).toBeCloseTo(0.05, 2);
  });

  it('same seed, same stream', () => {
    const a = new Noise(createRng(9));
    const b = new Noise(createRng(9));
    for (let i = 0; i < 100; i++) expect(a.studentT(4)).toBe(b.studentT(4));
  });
});
