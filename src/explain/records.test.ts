import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { modelKinds } from '../models/index.ts';
import { explainForecasts, globalImportance, recordOutput } from './records.ts';

describe('explainForecasts: the compact per-decision record', () => {
  const rng = createRng(8);
  const n = 300;
  const p = 6;
  const X = Float64Array.from({ length: n * p }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => 0.5 * X[i * p]! - 0.2 * X[i * p + 3]! + 0.1 * rng.normal());
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const data = { X, y, n, p, featureNames: names };
  const ctx = { asOf: '9999-12-31', seed: 1 };
  const Xd = X.slice(0, 8 * p);

  it('base + Σ top + rest reproduces each forecast to 1e-10 (trees, linear, sampling)', () => {
    const models = [
      modelKinds['gradient-boosting']!.create({ nRounds: 20, maxDepth: 3 }).fit(data, ctx),
      modelKinds['ridge']!.create({ alpha: 1 }).fit(data, ctx),
      modelKinds['svr']!.create({ C: 1 }).fit(data, ctx),
    ];
    for (const m of models) {
      const rec = explainForecasts(m, Xd, names, {
        top: 2,
        ...(m.kind === 'gradient-boosting' ? {} : { background: new Float64Array(p) }),
      });
      const pred = m.predict(Xd, 8);
      expect(rec.top.every((t) => t.length === 2)).toBe(true);
      for (let i = 0; i < 8; i++) expect(Math.abs(recordOutput(rec, i) - pred[i]!)).toBeLessThan(1e-10);
    }
  });

  it('top contributions come largest first and name the features the model uses', () => {
    const m = modelKinds['ridge']!.create({ alpha: 1 }).fit(data, ctx);
    const rec = explainForecasts(m, Xd, names, {
      top: 3,
      background: X.slice(0, 100 * p),
      rows: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'],
    });
    expect(rec.rows[0]).toBe('A');
    for (const t of rec.top)
      for (let q = 1; q < t.length; q++) expect(Math.abs(t[q - 1]![1])).toBeGreaterThanOrEqual(Math.abs(t[q]![1]));
    const g = globalImportance([rec, rec], p);
    expect(g.indexOf(Math.max(...g))).toBe(0); // feature a has the largest coefficient
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
  });
});
