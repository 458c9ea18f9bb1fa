import { describe, expect, it } from 'vitest';
import { modelKinds, type SvmModel } from '../index.ts';
import { modelRng } from '../internal/rng.ts';
import { dataset, FAR, r2 } from '../test-support.ts';

const ctx = { asOf: FAR, seed: 1 };

describe('SVC', () => {
  it('hard-margin linear SVC on two points: w = (1, 0), b = 0, decision ±1 at the support vectors', () => {
    // max-margin solution for x = (−1, 0) → class 0 and (1, 0) → class 1 is f(x) = x₀ (α = ½ each)
    const m = modelKinds['svc']!.create({ kernel: 'linear', C: 1000, standardize: false, tol: 1e-10 })
      .fit(dataset([[-1, 0], [1, 0], [-2, 1], [2, -1]], [1, 0, 1, 0]), ctx) as SvmModel;
    // the machine votes class 0 (its +1 side) when positive; class 0 sits at x₀ > 0, so w = (+1, 0)
    const mc = m.machines[0]!;
    expect(mc.rho).toBeCloseTo(0, 8);
    const w = [0, 1].map((f) => Array.from(mc.sv).reduce((s, sv, q) => s + mc.coef[q]! * m.svX[sv * 2 + f]!, 0));
    expect(w[0]).toBeCloseTo(1, 8);
    expect(w[1]).toBeCloseTo(0, 8);
    expect(mc.sv.length).toBe(2); // only (±1, 0) are support vectors
    expect(Array.from(m.predict(Float64Array.from([-5, 3, 5, -3]), 2))).toEqual([1, 0]);
  });

  it('separates two RBF-separable rings perfectly', () => {
    const r = modelRng(3);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const inner = i % 2 === 0;
      const rad = inner ? r.uniform() : 2 + r.uniform();
      const a = r.uniform() * 2 * Math.PI;
      rows.push([rad * Math.cos(a), rad * Math.sin(a)]);
      y.push(inner ? 1 : 0);
    }
    const d = dataset(rows, y);
    const m = modelKinds['svc']!.create({ C: 10 }).fit(d, ctx);
    expect(Array.from(m.predict(d.X, d.n))).toEqual(y);
    const lin = modelKinds['svc']!.create({ kernel: 'linear' }).fit(d, ctx);
    const acc = Array.from(lin.predict(d.X, d.n)).filter((v, i) => v === y[i]).length / y.length;
    expect(acc).toBeLessThan(0.8); // a line cannot separate rings
  });
});

describe('SVR', () => {
  it('linear SVR on an exact line fits within the ε tube', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i / 10]);
    const y = rows.map(([x]) => 2 * x! - 1);
    const m = modelKinds['svr']!.create({ kernel: 'linear', C: 100, epsilon: 0.05, standardize: false, tol: 1e-8 }).fit(dataset(rows, y), ctx);
    const f = m.predict(Float64Array.from(rows.flat()), 40);
    f.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(0.05 + 1e-6));
  });

  it('RBF SVR learns a smooth nonlinear function (R² > 0.95 held out)', () => {
    const r = modelRng(4);
    const mk = (n: number) => {
      const rows: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) { const x = r.uniform() * 6 - 3; rows.push([x]); y.push(Math.sin(x) + 0.05 * r.normal()); }
      return dataset(rows, y);
    };
    const tr = mk(300);
    const te = mk(200);
    const m = modelKinds['svr']!.create({ C: 10, epsilon: 0.05 }).fit(tr, ctx);
    expect(r2(te.y, m.predict(te.X, te.n))).toBeGreaterThan(0.95);
  });
});
