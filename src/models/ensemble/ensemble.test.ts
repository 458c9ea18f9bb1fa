import { describe, expect, it } from 'vitest';
import { modelKinds, permutationImportance } from '../index.ts';
import { modelRng } from '../internal/rng.ts';
import { dataset, FAR, friedman1, r2 } from '../test-support.ts';

const ctx = { asOf: FAR, seed: 4 };

describe('averaging', () => {
  it('predicts the weighted average of its members fitted alone (member m gets seed + m)', () => {
    const tr = friedman1(300, 6, 1);
    const te = friedman1(50, 6, 2);
    const ens = modelKinds['averaging']!.create({
      members: [
        { kind: 'ridge', params: { alpha: 1 } },
        { kind: 'random-forest', params: { nTrees: 5 } },
      ],
      weights: [3, 1],
    }).fit(tr, ctx);
    const a = modelKinds['ridge']!.create({ alpha: 1 })
      .fit(tr, { ...ctx, seed: 4 })
      .predict(te.X, te.n);
    const b = modelKinds['random-forest']!.create({ nTrees: 5 })
      .fit(tr, { ...ctx, seed: 5 })
      .predict(te.X, te.n);
    const f = ens.predict(te.X, te.n);
    f.forEach((v, i) => expect(v).toBeCloseTo(0.75 * a[i]! + 0.25 * b[i]!, 12));
  });
  it('rejects a weight count that does not match the members, in one line', () => {
    expect(() => modelKinds['averaging']!.create({ members: [{ kind: 'ols' }], weights: [1, 2] })).toThrow(
      /one weight per member/,
    );
    expect(() => modelKinds['averaging']!.create({ members: [{ kind: 'olss' }] })).toThrow(/unknown model kind "olss"/);
  });
});

describe('stacking', () => {
  it('does at least as well as its better member out of sample (within 0.02 R²) on a mixed signal', () => {
    const tr = friedman1(1200, 6, 3);
    const te = friedman1(600, 6, 4);
    const members = [
      { kind: 'ols', params: {} },
      { kind: 'gradient-boosting', params: { nRounds: 60, maxDepth: 3 } },
    ];
    const st = modelKinds['stacking']!.create({ members, folds: 4 }).fit(tr, ctx);
    const best = Math.max(
      ...members.map((m, q) =>
        r2(
          te.y,
          modelKinds[m.kind]!.create(m.params)
            .fit(tr, { ...ctx, seed: 4 + q })
            .predict(te.X, te.n),
        ),
      ),
    );
    expect(r2(te.y, st.predict(te.X, te.n))).toBeGreaterThan(best - 0.02);
  });
});

describe('permutation importance', () => {
  it('puts the only informative feature first and ~0 on noise (OLS, held-out rows)', () => {
    const r = modelRng(9);
    const mk = (n: number) => {
      const rows: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = [r.normal(), r.normal(), r.normal()];
        rows.push(x);
        y.push(3 * x[1]! + 0.1 * r.normal());
      }
      return dataset(rows, y);
    };
    const tr = mk(200);
    const te = mk(200);
    const m = modelKinds['ols']!.create({}).fit(tr, ctx);
    const imp = permutationImportance(m, te.X, te.n, 3, te.y, { seed: 1, repeats: 3 });
    // shuffling x1 adds about 2·Var(3x₁) = 18 to the MSE
    expect(imp.mean[1]).toBeGreaterThan(10);
    expect(Math.abs(imp.mean[0]!)).toBeLessThan(0.05);
    expect(imp.normalised[1]).toBeGreaterThan(0.99);
  });
});
