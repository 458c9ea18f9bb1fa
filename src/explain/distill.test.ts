import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { modelKinds } from '../models/index.ts';
import { distill } from './distill.ts';

describe('distill: a shallow tree fitted to a complex model', () => {
  const rng = createRng(3);
  const n = 400;
  const p = 4;
  const X = Float64Array.from({ length: n * p }, () => rng.uniform());
  const y = Float64Array.from(
    { length: n },
    (_, i) => (X[i * p]! > 0.5 ? 1 : -1) + 0.3 * X[i * p + 1]! + 0.05 * rng.normal(),
  );
  const names = ['mom', 'vol', 'rsi', 'noise'];
  const forest = modelKinds['random-forest']!.create({ nTrees: 20, maxDepth: 6 }).fit(
    { X, y, n, p, featureNames: names },
    { asOf: '9999-12-31', seed: 1 },
  );

  it('a step the model learned is recovered: fidelity R² > 0.9, the root rule splits mom near 0.5', () => {
    const d = distill(forest, X, n, names, { maxDepth: 2 });
    expect(d.fidelity).toBeGreaterThan(0.9);
    expect(d.fidelity).toBeLessThanOrEqual(1);
    expect(d.rules.length).toBeGreaterThanOrEqual(2);
    expect(d.rules.length).toBeLessThanOrEqual(4);
    const root = Number(/mom ≤ ([\d.]+)/.exec(d.rules[0]!)![1]);
    expect(Math.abs(root - 0.5)).toBeLessThan(0.05);
    expect(d.rules[0]).toMatch(/^if mom ≤ [\d.]+ and .* then -?[\d.]+ \(n = \d+\)$/);
  });

  it('fidelity is measured against the model, not the targets: distilling a depth-2 tree is exact', () => {
    const small = modelKinds['decision-tree']!.create({ maxDepth: 2 }).fit(
      { X, y, n, p, featureNames: names },
      { asOf: '9999-12-31', seed: 1 },
    );
    const d = distill(small, X, n, names, { maxDepth: 2, minSamplesLeaf: 1 });
    expect(d.fidelity).toBeCloseTo(1, 10);
  });

  it('predictions the caller already has give the same distillation without predicting again', () => {
    let calls = 0;
    const counted = Object.create(forest, {
      predict: { value: (Xs: Float64Array, m: number) => (calls++, forest.predict(Xs, m)) },
    }) as typeof forest;
    const fresh = distill(counted, X, n, names, { maxDepth: 3 });
    expect(calls).toBe(1);
    const reused = distill(counted, X, n, names, { maxDepth: 3, predictions: forest.predict(X, n) });
    expect(calls).toBe(1);
    expect(reused.fidelity).toBe(fresh.fidelity);
    expect(reused.rules).toEqual(fresh.rules);
    expect(() => distill(forest, X, n, names, { predictions: new Float64Array(3) })).toThrow(
      /predictions has 3 values for 400 rows/,
    );
  });

  it('refuses depth above 4 with the rule', () => {
    expect(() => distill(forest, X, n, names, { maxDepth: 5 })).toThrow(/1–4/);
  });
});
