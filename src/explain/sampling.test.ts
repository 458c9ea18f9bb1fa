import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { modelKinds } from '../models/index.ts';
import { explain } from './explainer.ts';

function data(n: number, p: number, seed: number) {
  const rng = createRng(seed);
  const X = Float64Array.from({ length: n * p }, () => rng.uniform());
  const y = Float64Array.from(
    { length: n },
    (_, i) => Math.sin(3 * X[i * p]!) * X[i * p + 1]! + X[i * p + 2]! ** 2 + 0.1 * rng.normal(),
  );
  return { X, y, n, p, featureNames: Array.from({ length: p }, (_, j) => `f${j}`) };
}

/** Exact interventional Shapley values by enumerating coalitions: v(S) = mean_r f(x_S, r_S̄). */
function exactInterventional(
  f: (X: Float64Array, n: number) => Float64Array,
  x: Float64Array,
  R: Float64Array,
  nR: number,
): Float64Array {
  const p = x.length;
  const v = new Float64Array(1 << p);
  for (let mask = 0; mask < 1 << p; mask++) {
    const Z = new Float64Array(nR * p);
    for (let r = 0; r < nR; r++) for (let j = 0; j < p; j++) Z[r * p + j] = (mask >> j) & 1 ? x[j]! : R[r * p + j]!;
    v[mask] = f(Z, nR).reduce((a, b) => a + b, 0) / nR;
  }
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Float64Array(p);
  for (let mask = 0; mask < 1 << p; mask++) {
    const size = [...Array(p).keys()].filter((j) => (mask >> j) & 1).length;
    for (let j = 0; j < p; j++)
      if (!((mask >> j) & 1))
        phi[j] = phi[j]! + ((fact(size) * fact(p - size - 1)) / fact(p)) * (v[mask | (1 << j)]! - v[mask]!);
  }
  return phi;
}

describe('model-agnostic SHAP by antithetic permutation sampling', () => {
  const d = data(200, 5, 4);
  const model = modelKinds['svr']!.create({ kernel: 'rbf', C: 5 }).fit(d, { asOf: '9999-12-31', seed: 1 });
  const X = d.X.slice(0, 6 * 5);
  const bg = d.X.slice(100 * 5, 112 * 5);

  it('local accuracy to 1e-10 for the estimate itself (every permutation telescopes to f(x) − E f)', () => {
    const ex = explain(model, X, 6, { background: bg, pairs: 8, seed: 3 });
    expect(ex.method).toBe('sampling');
    expect(ex.additivityError).toBeLessThan(1e-10);
  });

  it('is within 4 standard errors of the exact Shapley values (brute force over the 32 coalitions)', () => {
    const ex = explain(model, X, 6, { background: bg, pairs: 48, seed: 5 });
    let within = 0;
    for (let i = 0; i < 6; i++) {
      const exact = exactInterventional((Z, n) => model.predict(Z, n), X.slice(i * 5, i * 5 + 5), bg, 12);
      for (let j = 0; j < 5; j++) {
        const se = ex.standardErrors![i * 5 + j]!;
        expect(Math.abs(ex.values[i * 5 + j]! - exact[j]!)).toBeLessThanOrEqual(4 * se + 1e-12);
        if (Math.abs(ex.values[i * 5 + j]! - exact[j]!) <= 2 * se + 1e-12) within++;
      }
    }
    // about 95 % within 2 s.e. if the stated bound is honest; allow sampling noise on 30 values
    expect(within).toBeGreaterThanOrEqual(24);
  });

  it('same seed → same values; another seed → different values', () => {
    const a = explain(model, X.slice(0, 10), 2, { background: bg, pairs: 4, seed: 9 });
    const b = explain(model, X.slice(0, 10), 2, { background: bg, pairs: 4, seed: 9 });
    const c = explain(model, X.slice(0, 10), 2, { background: bg, pairs: 4, seed: 10 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
  });
});
