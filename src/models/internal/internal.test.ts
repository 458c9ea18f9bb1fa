import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskyInverse, choleskySolveVec } from './linalg.ts';
import { modelRng } from './rng.ts';

describe('modelRng', () => {
  it('same seed → same stream; different seeds and forks differ', () => {
    const a = modelRng(42);
    const b = modelRng(42);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(modelRng(43).uniform()).not.toBe(xs[0]);
    expect(modelRng(42).fork(1).uniform()).not.toBe(modelRng(42).fork(2).uniform());
  });
  it('uniform mean ≈ ½ and normal variance ≈ 1 over 20 000 draws (4 standard errors)', () => {
    const r = modelRng(7);
    let s = 0;
    let v = 0;
    for (let i = 0; i < 20000; i++) {
      s += r.uniform();
      v += r.normal() ** 2;
    }
    expect(Math.abs(s / 20000 - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 20000));
    expect(Math.abs(v / 20000 - 1)).toBeLessThan(4 * Math.sqrt(2 / 20000));
  });
});

describe('Cholesky helpers', () => {
  it('solve and inverse of [[4,2],[2,3]]', () => {
    const L = Float64Array.from([4, 2, 2, 3]);
    expect(choleskyInPlace(L, 2)).toBe(true);
    expect(Array.from(choleskySolveVec(L, 2, Float64Array.from([2, 1])))).toEqual(
      [0.5, 0].map((v) => expect.closeTo(v, 14)),
    );
    const inv = choleskyInverse(L, 2);
    expect(Array.from(inv)).toEqual([3 / 8, -2 / 8, -2 / 8, 4 / 8].map((v) => expect.closeTo(v, 14)));
  });
  it('reports non-positive-definite and numerically singular matrices', () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(choleskyInPlace(Float64Array.from([1, 1, 1, 1 + 1e-14]), 2, 1e-10)).toBe(false);
  });
});
