/**
 * Sample weights in the estimator contract: the linear family fits weighted least squares (checked against the
 * closed form and against repeated rows); kinds without weight support refuse weighted data in one line.
 */
import { describe, expect, it } from 'vitest';
import { modelKinds, type Dataset, type LinearModel } from './index.ts';
import { modelRng } from './internal/rng.ts';
import { dataset, FAR, gaussSolve } from './test-support.ts';

const ctx = { asOf: FAR, seed: 1 };
const r = modelRng(7);
const n = 40;
const p = 3;
const X = Array.from({ length: n }, () => Array.from({ length: p }, (_, j) => r.normal() * (j + 1)));
const y = X.map((row) => 0.3 + row[0]! * 0.8 - row[2]! * 0.5 + r.normal());
const w = Array.from({ length: n }, (_, i) => 0.2 + ((i * 7) % 5) / 2);
const weighted = (d: Dataset, ws: ArrayLike<number>): Dataset => ({ ...d, sampleWeights: Float64Array.from(ws) });

/** Weighted centred normal equations (XcᵀWXc + αI) β = XcᵀW yc (weighted means); intercept ȳ_w − x̄_wᵀβ. */
function weightedClosedForm(alpha: number): { intercept: number; coef: number[] } {
  const sw = w.reduce((a, b) => a + b, 0);
  const xm = Array.from({ length: p }, (_, j) => X.reduce((s, row, i) => s + w[i]! * row[j]!, 0) / sw);
  const ym = y.reduce((s, v, i) => s + w[i]! * v, 0) / sw;
  const A = Array.from({ length: p }, (_, j) =>
    Array.from(
      { length: p },
      (_, k) => X.reduce((s, row, i) => s + w[i]! * (row[j]! - xm[j]!) * (row[k]! - xm[k]!), 0) + (j === k ? alpha : 0),
    ),
  );
  const b = Array.from({ length: p }, (_, j) =>
    X.reduce((s, row, i) => s + w[i]! * (row[j]! - xm[j]!) * (y[i]! - ym), 0),
  );
  const coef = gaussSolve(A, b);
  return { intercept: ym - coef.reduce((s, c, j) => s + c * xm[j]!, 0), coef };
}

describe('sample weights', () => {
  it('weighted ridge equals the closed form (XcᵀWXc + αI)⁻¹ XcᵀW yc to 1e-10', () => {
    for (const alpha of [0, 3, 50]) {
      const m = modelKinds
        .ridge!.create({ alpha, standardize: false })
        .fit(weighted(dataset(X, y), w), ctx) as LinearModel;
      const cf = weightedClosedForm(alpha);
      expect(m.intercept).toBeCloseTo(cf.intercept, 10);
      cf.coef.forEach((c, j) => expect(m.coef[j]).toBeCloseTo(c, 10));
    }
  });

  it('integer weights fit like repeated rows (ridge standardised, ols, elastic net)', () => {
    const counts = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const Xr = X.flatMap((row, i) => Array.from({ length: counts[i]! }, () => row));
    const yr = y.flatMap((v, i) => Array.from({ length: counts[i]! }, () => v));
    for (const [kind, params] of [
      ['ridge', { alpha: 5 }],
      ['ols', {}],
      ['elastic-net', { alpha: 0.05, tol: 1e-12, maxIter: 100000 }],
    ] as const) {
      const a = modelKinds[kind]!.create(params).fit(weighted(dataset(X, y), counts), ctx) as LinearModel;
      const b = modelKinds[kind]!.create(params).fit(dataset(Xr, yr), ctx) as LinearModel;
      expect(a.intercept).toBeCloseTo(b.intercept, 8);
      b.coef.forEach((c, j) => expect(a.coef[j]).toBeCloseTo(c, 8));
    }
  });

  it('trees: integer weights grow the tree of repeated rows; weights change a forest', () => {
    const counts = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const Xr = X.flatMap((row, i) => Array.from({ length: counts[i]! }, () => row));
    const yr = y.flatMap((v, i) => Array.from({ length: counts[i]! }, () => v));
    const params = { maxDepth: 4, minSamplesLeaf: 3 };
    const a = modelKinds['decision-tree']!.create(params).fit(weighted(dataset(X, y), counts), ctx);
    const b = modelKinds['decision-tree']!.create(params).fit(dataset(Xr, yr), ctx);
    const Xf = Float64Array.from(X.flat());
    // Same splits and leaves; a leaf mean summed in another order may differ in the last bits.
    const pa = a.predict(Xf, n);
    const pb = b.predict(Xf, n);
    pa.forEach((v, i) => expect(v).toBeCloseTo(pb[i]!, 12));
    const unweighted = modelKinds['decision-tree']!.create(params).fit(dataset(X, y), ctx).predict(Xf, n);
    expect(unweighted.some((v, i) => Math.abs(v - pb[i]!) > 1e-6)).toBe(true); // the check has teeth
    const plain = modelKinds['random-forest']!.create({ nTrees: 5 }).fit(dataset(X, y), ctx).predict(Xf, n);
    const heavy = modelKinds['random-forest']!.create({ nTrees: 5 })
      .fit(weighted(dataset(X, y), w), ctx)
      .predict(Xf, n);
    expect([...heavy]).not.toEqual([...plain]);
  });

  it('equal weights give the unweighted fit; the weights are not mutated', () => {
    const ones = new Float64Array(n).fill(1);
    const a = modelKinds.ridge!.create({ alpha: 2 }).fit(weighted(dataset(X, y), ones), ctx) as LinearModel;
    const b = modelKinds.ridge!.create({ alpha: 2 }).fit(dataset(X, y), ctx) as LinearModel;
    expect(a.intercept).toBeCloseTo(b.intercept, 12);
    b.coef.forEach((c, j) => expect(a.coef[j]).toBeCloseTo(c, 12));
    expect([...ones].every((v) => v === 1)).toBe(true);
  });

  it('a kind without weight support refuses weighted data in one line (never ignores the weights)', () => {
    const takes = Object.entries(modelKinds)
      .filter(([, k]) => k.sampleWeights)
      .map(([k]) => k)
      .sort();
    expect(takes).toEqual(['decision-tree', 'elastic-net', 'lasso', 'ols', 'random-forest', 'ridge']);
    const members = { members: [{ kind: 'ridge' }, { kind: 'ols' }] };
    for (const [kind, params] of [
      ['gradient-boosting', {}],
      ['svr', {}],
      ['bayesian-linear', {}],
      ['gaussian-nb', {}],
      ['averaging', members], // its members take weights, the ensemble does not pass them on: refused
    ] as const) {
      const fit = () => modelKinds[kind]!.create(params).fit(weighted(dataset(X, y), w), ctx);
      expect(fit).toThrow(new RegExp(`^${kind}: does not take sample weights, but the training data carry them; use`));
    }
  });

  it('bad weights are refused naming the row', () => {
    const bad = w.slice();
    bad[4] = -1;
    expect(() => modelKinds.ridge!.create({}).fit(weighted(dataset(X, y), bad), ctx)).toThrow(
      /^ridge: sample weight -1 at row 4 is not a finite number ≥ 0/,
    );
    expect(() => modelKinds.ridge!.create({}).fit(weighted(dataset(X, y), new Float64Array(n)), ctx)).toThrow(
      /every sample weight of the 40 training rows is 0/,
    );
  });
});
