import { describe, expect, it } from 'vitest';
import { modelKinds, type BayesianLinearModel, type GaussianNbModel, type LinearModel } from '../index.ts';
import { modelRng } from '../internal/rng.ts';
import { dataset, FAR, gaussSolve } from '../test-support.ts';

const ctx = { asOf: FAR, seed: 1 };

describe('Gaussian naive Bayes', () => {
  it('on separable toy data: class means/variances by hand, perfect predictions, probabilities by formula', () => {
    const rows = [
      [0, 0],
      [1, 0],
      [0, 1],
      [5, 5],
      [6, 5],
      [5, 7],
    ];
    const y = [0, 0, 0, 1, 1, 1];
    const m = modelKinds['gaussian-nb']!.create({ varSmoothing: 0 }).fit(dataset(rows, y), ctx) as GaussianNbModel;
    expect(Array.from(m.mean)).toEqual([1 / 3, 1 / 3, 16 / 3, 17 / 3]);
    expect(m.variance[0]).toBeCloseTo(2 / 9, 12); // population variance of {0,1,0}
    expect(m.variance[3]).toBeCloseTo(8 / 9, 12); // of {5,5,7}
    expect(Array.from(m.predict(dataset(rows, y).X, 6))).toEqual(y);
    // P(class 1 | x) by the formula with equal priors
    const x = [3, 3];
    const logN = (v: number, mu: number, s2: number) => -0.5 * (Math.log(2 * Math.PI * s2) + (v - mu) ** 2 / s2);
    const l0 = logN(x[0]!, 1 / 3, 2 / 9) + logN(x[1]!, 1 / 3, 2 / 9);
    const l1 = logN(x[0]!, 16 / 3, 2 / 9) + logN(x[1]!, 17 / 3, 8 / 9);
    const p1 = 1 / (1 + Math.exp(l0 - l1));
    expect(m.predictProba(Float64Array.from(x), 1)[1]).toBeCloseTo(p1, 12);
  });
});

describe('Bayesian linear regression (normal–inverse-gamma)', () => {
  const r = modelRng(2);
  const n = 60;
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [r.normal(), r.normal() * 2, r.uniform()];
    rows.push(x);
    y.push(1 + 0.5 * x[0]! - 0.25 * x[1]! + 2 * x[2]! + 0.3 * r.normal());
  }

  it('posterior mean, a, b and predictive variance match the conjugate formulas', () => {
    const lambda = 3;
    const a0 = 2;
    const b0 = 0.5;
    const m = modelKinds['bayesian-linear']!.create({ lambda, a0, b0, standardize: false }).fit(
      dataset(rows, y),
      ctx,
    ) as BayesianLinearModel;
    const p = 3;
    const xm = [0, 1, 2].map((j) => rows.reduce((s, x) => s + x[j]!, 0) / n);
    const ym = y.reduce((s, v) => s + v, 0) / n;
    const Xc = rows.map((x) => x.map((v, j) => v - xm[j]!));
    const yc = y.map((v) => v - ym);
    const Lam = [0, 1, 2].map((j) =>
      [0, 1, 2].map((k) => Xc.reduce((s, x) => s + x[j]! * x[k]!, 0) + (j === k ? lambda : 0)),
    );
    const Xty = [0, 1, 2].map((j) => Xc.reduce((s, x, i) => s + x[j]! * yc[i]!, 0));
    const mu = gaussSolve(Lam, Xty);
    mu.forEach((v, j) => expect(m.mu[j]).toBeCloseTo(v, 10));
    const aN = a0 + (n - 1) / 2;
    const bN = b0 + 0.5 * (yc.reduce((s, v) => s + v * v, 0) - mu.reduce((s, v, j) => s + v * Xty[j]!, 0));
    expect(m.aN).toBeCloseTo(aN, 12);
    expect(m.bN).toBeCloseTo(bN, 10);
    // predictive variance at x*: (b/a)(1 + 1/n + x̃ᵀΛ⁻¹x̃) · ν/(ν − 2), ν = 2a
    const xs = [0.3, -1, 2];
    const xt = xs.map((v, j) => v - xm[j]!);
    const q = xt.reduce((s, v, j) => s + v * gaussSolve(Lam, xt)[j]!, 0);
    const nu = 2 * aN;
    const expected = (bN / aN) * (1 + 1 / n + q) * (nu / (nu - 2));
    expect(m.predictVariance(Float64Array.from(xs), 1)[0]).toBeCloseTo(expected, 10);
    expect(m.predict(Float64Array.from(xs), 1)[0]).toBeCloseTo(ym + mu.reduce((s, v, j) => s + v * xt[j]!, 0), 10);
    expect(p).toBe(3);
  });

  it('with a vague prior the mean approaches OLS and the noise variance the true 0.09', () => {
    const blr = modelKinds['bayesian-linear']!.create({ lambda: 1e-8, standardize: false }).fit(
      dataset(rows, y),
      ctx,
    ) as BayesianLinearModel;
    const ols = modelKinds['ols']!.create({}).fit(dataset(rows, y), ctx) as LinearModel;
    const X = Float64Array.from(rows.flat());
    const a = blr.predict(X, n);
    const b = ols.predict(X, n);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    expect(blr.noiseVariance).toBeGreaterThan(0.05);
    expect(blr.noiseVariance).toBeLessThan(0.15);
    // uncertainty grows away from the data
    const near = blr.predictVariance(Float64Array.from([0, 0, 0.5]), 1)[0]!;
    const far = blr.predictVariance(Float64Array.from([20, 40, 10]), 1)[0]!;
    expect(far).toBeGreaterThan(near * 2);
  });
});
