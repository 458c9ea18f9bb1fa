import { describe, expect, it } from 'vitest';
import { Matrix, cholesky, choleskySolve, createRng, inverse, inverseSPD, nearestPSD, solve, symEig } from './index.ts';

function randomSpd(n: number, seed: number): Matrix {
  const rng = createRng(seed);
  const a = new Matrix(n, n);
  for (let i = 0; i < n * n; i++) a.data[i] = rng.normal();
  return a.matmul(a.transpose()).add(Matrix.identity(n).scale(0.1));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('Matrix', () => {
  it('multiplies against a hand-computed product', () => {
    const a = Matrix.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const b = Matrix.fromRows([
      [7, 8, 9],
      [10, 11, 12],
    ]);
    expect(a.matmul(b).toRows()).toEqual([
      [27, 30, 33],
      [61, 68, 75],
      [95, 106, 117],
    ]);
    expect(a.transpose().toRows()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(Array.from(a.mulVec([1, -1]))).toEqual([-1, -1, -1]);
    expect(
      Matrix.fromRows([
        [2, 1],
        [1, 3],
      ]).quadForm([1, 2]),
    ).toBe(2 + 4 + 12);
  });

  it('never mutates its operands', () => {
    const a = randomSpd(5, 1);
    const snapshot = a.data.slice();
    a.matmul(a);
    a.add(a);
    a.scale(3);
    a.transpose();
    cholesky(a);
    symEig(a);
    inverse(a);
    nearestPSD(a);
    expect(a.data).toEqual(snapshot);
  });

  it('rejects mismatched shapes with a one-line message', () => {
    expect(() => Matrix.zeros(2, 3).matmul(Matrix.zeros(2, 3))).toThrow('matmul: 2×3 cannot multiply 2×3.');
  });
});

describe('Cholesky and solves', () => {
  it('factorises the 2 × 2 closed form [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]', () => {
    const l = cholesky(
      Matrix.fromRows([
        [4, 2],
        [2, 3],
      ]),
    )!;
    expect(l.get(0, 0)).toBe(2);
    expect(l.get(1, 0)).toBe(1);
    expect(l.get(1, 1)).toBeCloseTo(Math.SQRT2, 15);
    expect(l.get(0, 1)).toBe(0);
  });

  it('returns null for a matrix that is not positive definite', () => {
    expect(
      cholesky(
        Matrix.fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toBeNull();
  });

  it('solves SPD and general systems to 1e-10 on a 50 × 50 problem', () => {
    const a = randomSpd(50, 7);
    const rng = createRng(3);
    const x = Float64Array.from({ length: 50 }, () => rng.normal());
    const b = a.mulVec(x);
    expect(maxAbsDiff(choleskySolve(cholesky(a)!, b), x)).toBeLessThan(1e-10);
    expect(maxAbsDiff(solve(a, b), x)).toBeLessThan(1e-10);
    const inv = inverseSPD(a);
    expect(maxAbsDiff(inv.matmul(a).data, Matrix.identity(50).data)).toBeLessThan(1e-9);
    expect(maxAbsDiff(inverse(a).data, inv.data)).toBeLessThan(1e-9);
  });

  it('names a singular matrix instead of returning garbage', () => {
    expect(() =>
      solve(
        Matrix.fromRows([
          [1, 2],
          [2, 4],
        ]),
        [1, 2],
      ),
    ).toThrow(/singular/);
  });
});

describe('symEig', () => {
  it('matches the closed form of [[2, 1], [1, 2]]: eigenvalues 1 and 3', () => {
    const { values, vectors } = symEig(
      Matrix.fromRows([
        [2, 1],
        [1, 2],
      ]),
    );
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    expect(Math.abs(vectors.get(0, 1))).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('reconstructs a 60 × 60 SPD matrix and returns orthonormal vectors', () => {
    const a = randomSpd(60, 11);
    const { values, vectors } = symEig(a);
    for (let i = 1; i < 60; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    const rebuilt = vectors.matmul(Matrix.diag(values)).matmul(vectors.transpose());
    expect(maxAbsDiff(rebuilt.data, a.data)).toBeLessThan(1e-9);
    const vtv = vectors.transpose().matmul(vectors);
    expect(maxAbsDiff(vtv.data, Matrix.identity(60).data)).toBeLessThan(1e-12);
    // The trace equals the sum of eigenvalues.
    let trace = 0;
    for (let i = 0; i < 60; i++) trace += a.get(i, i);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 8);
  });

  it('handles repeated eigenvalues (the identity)', () => {
    const { values } = symEig(Matrix.identity(4).scale(2));
    expect(Array.from(values)).toEqual([2, 2, 2, 2]);
  });
});

describe('nearestPSD', () => {
  it('leaves a PSD matrix alone and says so', () => {
    const r = nearestPSD(randomSpd(4, 2));
    expect(r.repaired).toBe(false);
  });

  it('clips the negative eigenvalue of [[1, 2], [2, 1]] (λ = −1, 3) to zero and reports it', () => {
    const r = nearestPSD(
      Matrix.fromRows([
        [1, 2],
        [2, 1],
      ]),
    );
    expect(r.repaired).toBe(true);
    expect(r.minEigenvalueBefore).toBeCloseTo(-1, 14);
    // Only the λ = 3 component with v = (1, 1)/√2 remains: 1.5 everywhere.
    for (const v of r.matrix.data) expect(v).toBeCloseTo(1.5, 13);
    expect(symEig(r.matrix).values[0]!).toBeGreaterThan(-1e-12);
  });
});
