import { describe, expect, it } from 'vitest';
import { coordinateDescent, modelKinds, type LinearModel } from './index.ts';
import { modelRng } from './internal/rng.ts';
import { dataset, FAR, gaussSolve } from './test-support.ts';

const ctx = { asOf: FAR, seed: 1 };

function noisyLinear(n: number, p: number, seed: number): { X: number[][]; y: number[] } {
  const r = modelRng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: p }, (_, j) => r.normal() * (j + 1) + j);
    X.push(row);
    y.push(0.7 + row.reduce((s, v, j) => s + v * (j % 2 ? -1.5 : 0.8), 0) + r.normal());
  }
  return { X, y };
}

/** Centred normal equations (XcᵀXc + αI) β = Xcᵀyc solved by Gauss–Jordan; intercept ȳ − x̄ᵀβ. */
function closedForm(X: number[][], y: number[], alpha: number): { intercept: number; coef: number[] } {
  const n = y.length;
  const p = X[0]!.length;
  const xm = Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / n);
  const ym = y.reduce((s, v) => s + v, 0) / n;
  const A = Array.from({ length: p }, (_, j) =>
    Array.from(
      { length: p },
      (_, k) => X.reduce((s, r) => s + (r[j]! - xm[j]!) * (r[k]! - xm[k]!), 0) + (j === k ? alpha : 0),
    ),
  );
  const b = Array.from({ length: p }, (_, j) => X.reduce((s, r, i) => s + (r[j]! - xm[j]!) * (y[i]! - ym), 0));
  const coef = gaussSolve(A, b);
  return { intercept: ym - coef.reduce((s, c, j) => s + c * xm[j]!, 0), coef };
}

describe('OLS', () => {
  it('recovers an exact linear relation', () => {
    const X = [
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 3],
      [5, 8],
    ];
    const y = X.map(([a, b]) => 1 + 2 * a! - 3 * b!);
    const m = modelKinds['ols']!.create({}).fit(dataset(X, y), ctx) as LinearModel;
    expect(m.intercept).toBeCloseTo(1, 10);
    expect(Array.from(m.coef)).toEqual([expect.closeTo(2, 10), expect.closeTo(-3, 10)]);
  });

  it('equals the normal-equations solution on noisy data (1e-9: both are direct solves of a well-conditioned 5×5 system)', () => {
    const { X, y } = noisyLinear(200, 5, 3);
    const m = modelKinds['ols']!.create({}).fit(dataset(X, y), ctx) as LinearModel;
    const ref = closedForm(X, y, 0);
    expect(m.intercept).toBeCloseTo(ref.intercept, 9);
    m.coef.forEach((c, j) => expect(c).toBeCloseTo(ref.coef[j]!, 9));
  });

  it('rejects collinear features with a one-line numeric error naming ridge', () => {
    const X = [
      [1, 2],
      [2, 4],
      [3, 6],
      [4, 8.000000000000001],
      [5, 10],
    ];
    expect(() => modelKinds['ols']!.create({}).fit(dataset(X, [1, 2, 3, 4, 5]), ctx)).toThrow(/ridge/);
  });
});

describe('ridge', () => {
  it('matches the closed form (XcᵀXc + αI)⁻¹Xcᵀyc without standardisation', () => {
    const { X, y } = noisyLinear(150, 4, 5);
    const m = modelKinds['ridge']!.create({ alpha: 25, standardize: false }).fit(dataset(X, y), ctx) as LinearModel;
    const ref = closedForm(X, y, 25);
    expect(m.intercept).toBeCloseTo(ref.intercept, 9);
    m.coef.forEach((c, j) => expect(c).toBeCloseTo(ref.coef[j]!, 9));
  });

  it('with standardisation equals the closed form on z-scored features, mapped back', () => {
    const { X, y } = noisyLinear(150, 4, 6);
    const n = y.length;
    const p = 4;
    const mean = Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / n);
    const sd = Array.from({ length: p }, (_, j) => Math.sqrt(X.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n));
    const Z = X.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
    const ref = closedForm(Z, y, 10);
    const m = modelKinds['ridge']!.create({ alpha: 10 }).fit(dataset(X, y), ctx) as LinearModel;
    m.coef.forEach((c, j) => expect(c).toBeCloseTo(ref.coef[j]! / sd[j]!, 9));
  });
});

describe('lasso and elastic net', () => {
  // Orthogonal design with XᵀX/n = I (centred ±1 Hadamard columns): the solution is the soft threshold
  // β_j = S(x_jᵀy/n, α·l1Ratio) / (1 + α(1 − l1Ratio)), exact up to the solver tolerance.
  const H = [
    [1, 1, 1],
    [-1, 1, -1],
    [1, -1, -1],
    [-1, -1, 1],
    [1, 1, 1],
    [-1, 1, -1],
    [1, -1, -1],
    [-1, -1, 1],
  ];
  const y = [3.1, -0.4, 1.2, -2.2, 2.7, 0.3, 0.9, -1.8];
  const n = 8;
  const z = [0, 1, 2].map((j) => H.reduce((s, r, i) => s + r[j]! * y[i]!, 0) / n);
  const soft = (v: number, t: number): number => Math.sign(v) * Math.max(0, Math.abs(v) - t);

  it('lasso = soft-thresholded univariate coefficients on an orthogonal design', () => {
    for (const alpha of [0.05, 0.3, 1.0]) {
      const m = modelKinds['lasso']!.create({ alpha, tol: 1e-12 }).fit(dataset(H, y), ctx) as LinearModel;
      m.coef.forEach((c, j) => expect(c).toBeCloseTo(soft(z[j]!, alpha), 10));
    }
    // alpha large enough zeroes everything: only the intercept (mean of y) remains
    const big = modelKinds['lasso']!.create({ alpha: 10 }).fit(dataset(H, y), ctx) as LinearModel;
    expect(Array.from(big.coef)).toEqual([0, 0, 0]);
    expect(big.intercept).toBeCloseTo(y.reduce((s, v) => s + v, 0) / n, 12);
  });

  it('elastic net = soft threshold shrunk by 1 + α(1 − l1Ratio)', () => {
    const m = modelKinds['elastic-net']!.create({ alpha: 0.4, l1Ratio: 0.25, tol: 1e-12 }).fit(
      dataset(H, y),
      ctx,
    ) as LinearModel;
    m.coef.forEach((c, j) => expect(c).toBeCloseTo(soft(z[j]!, 0.1) / (1 + 0.3), 10));
  });

  it('coordinate descent with alpha 0 converges to OLS', () => {
    const { X, y: yy } = noisyLinear(120, 3, 9);
    const ref = closedForm(X, yy, 0);
    const m = modelKinds['elastic-net']!.create({ alpha: 0, standardize: false, tol: 1e-13, maxIter: 100000 }).fit(
      dataset(X, yy),
      ctx,
    ) as LinearModel;
    m.coef.forEach((c, j) => expect(c).toBeCloseTo(ref.coef[j]!, 7));
    expect(
      coordinateDescent(new Float64Array([2, 0, 0, 2]), new Float64Array([4, -1]), 2, 2, 0, 1, 10, 1e-12).beta[0],
    ).toBeCloseTo(2, 12);
  });
});
