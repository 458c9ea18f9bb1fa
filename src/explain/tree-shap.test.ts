import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { modelFromJSON, modelKinds, type FittedModel, type TreeModel } from '../models/index.ts';
import { explain } from './explainer.ts';
import { InvalidModelError } from './errors.ts';
import { ensembleOutput, fromKeelTrees, makeTree, type FlatTreeForm, type TreeEnsembleForm } from './tree-form.ts';

/** Exact Shapley values by enumerating every coalition of the p features (p ≤ 10). */
function bruteShapley(p: number, v: (inS: boolean[]) => number): Float64Array {
  const phi = new Float64Array(p);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  for (let mask = 0; mask < 1 << p; mask++) {
    const inS = Array.from({ length: p }, (_, j) => ((mask >> j) & 1) === 1);
    const size = inS.filter(Boolean).length;
    const vS = v(inS);
    for (let j = 0; j < p; j++) {
      if (inS[j]) continue;
      const withJ = inS.slice();
      withJ[j] = true;
      phi[j] = phi[j]! + ((fact(size) * fact(p - size - 1)) / fact(p)) * (v(withJ) - vS);
    }
  }
  return phi;
}

/** Path-dependent value function: E[f(x) | x_S] along the tree (features outside S split by cover share). */
function pathValue(e: TreeEnsembleForm, x: Float64Array, inS: boolean[]): number {
  let s = 0;
  for (const t of e.trees) {
    const c = t.nodeSampleWeight!;
    const g = (node: number): number => {
      const l = t.childrenLeft[node]!;
      if (l < 0) return t.values[node]!;
      const r = t.childrenRight[node]!;
      const f = t.features[node]!;
      if (inS[f]) return x[f]! <= t.thresholds[node]! ? g(l) : g(r);
      return (c[l]! * g(l) + c[r]! * g(r)) / c[node]!;
    };
    s += g(0);
  }
  return e.base + e.scale * s;
}

/** Interventional value function: mean over background rows of f(x_S, r_S̄). */
function interventionalValue(
  f: (row: Float64Array) => number,
  x: Float64Array,
  R: Float64Array,
  nR: number,
  inS: boolean[],
): number {
  const p = x.length;
  let s = 0;
  for (let r = 0; r < nR; r++) {
    const z = Float64Array.from({ length: p }, (_, j) => (inS[j] ? x[j]! : R[r * p + j]!));
    s += f(z);
  }
  return s / nR;
}

/** A random full tree of the given depth with random covers that add up (children sum to the parent). */
function randomTree(rng: ReturnType<typeof createRng>, p: number, depth: number): FlatTreeForm {
  const left: number[] = [];
  const right: number[] = [];
  const feat: number[] = [];
  const thr: number[] = [];
  const val: number[] = [];
  const cover: number[] = [];
  const build = (d: number, c: number): number => {
    const id = feat.length;
    left.push(-1);
    right.push(-1);
    feat.push(-1);
    thr.push(0);
    val.push(0);
    cover.push(c);
    if (d === depth || (d > 0 && rng.uniform() < 0.15)) {
      val[id] = rng.normal();
      return id;
    }
    feat[id] = rng.int(p); // features repeat along paths on purpose (exercises unwindPath)
    thr[id] = rng.uniform();
    const share = 0.1 + 0.8 * rng.uniform();
    const l = build(d + 1, c * share);
    const r = build(d + 1, c * (1 - share));
    left[id] = l;
    right[id] = r;
    return id;
  };
  build(0, 100);
  return makeTree({
    childrenLeft: Int32Array.from(left),
    childrenRight: Int32Array.from(right),
    features: Int32Array.from(feat),
    thresholds: Float64Array.from(thr),
    values: Float64Array.from(val),
    nodeSampleWeight: Float64Array.from(cover),
  });
}

/** A fitted Keel model that `explain` treats as trees, wrapping a hand-made ensemble (tests only). */
function uniform(rng: ReturnType<typeof createRng>, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform());
}

describe('TreeSHAP equals brute-force Shapley enumeration', () => {
  const p = 5;
  for (const seed of [1, 2, 3]) {
    const rng = createRng(seed);
    const e: TreeEnsembleForm = {
      trees: [randomTree(rng, p, 4), randomTree(rng, p, 3)],
      base: 0.3,
      scale: 0.5,
      nFeatures: p,
    };
    const X = uniform(rng, 4 * p);
    const R = uniform(rng, 6 * p);

    it(`path-dependent mode on random depth-4 trees with repeated features (seed ${seed})`, async () => {
      const { treeShapPathDependent, pathExpectedValue } = await import('./tree-shap.ts');
      for (let i = 0; i < 4; i++) {
        const x = X.subarray(i * p, i * p + p);
        const want = bruteShapley(p, (inS) => pathValue(e, x, inS));
        const got = new Float64Array(p);
        treeShapPathDependent(e, X, i, got, 0);
        for (let j = 0; j < p; j++) expect(got[j]).toBeCloseTo(want[j]!, 12);
        const sum = got.reduce((a, b) => a + b, 0);
        expect(Math.abs(pathExpectedValue(e) + sum - ensembleOutput(e, X, i))).toBeLessThan(1e-10);
      }
    });

    it(`interventional mode against a background of 6 rows (seed ${seed})`, async () => {
      const { treeShapInterventional } = await import('./tree-shap.ts');
      const f = (z: Float64Array) => ensembleOutput(e, z, 0);
      for (let i = 0; i < 4; i++) {
        const x = X.slice(i * p, i * p + p);
        const want = bruteShapley(p, (inS) => interventionalValue(f, x, R, 6, inS));
        const got = new Float64Array(p);
        treeShapInterventional(e, X, i, R, 6, got, 0);
        for (let j = 0; j < p; j++) expect(got[j]).toBeCloseTo(want[j]!, 12);
      }
    });
  }
});

function friedman(n: number, p: number, seed: number) {
  const rng = createRng(seed);
  const X = uniform(rng, n * p);
  const y = Float64Array.from(
    { length: n },
    (_, i) => 10 * Math.sin(Math.PI * X[i * p]! * X[i * p + 1]!) + 5 * X[i * p + 2]! + rng.normal(),
  );
  return { X, y, n, p, featureNames: Array.from({ length: p }, (_, j) => `f${j}`) };
}

describe('explain() on fitted Keel models: local accuracy to 1e-10', () => {
  const data = friedman(300, 6, 7);
  const ctx = { asOf: '9999-12-31', seed: 3 };
  const fits: [string, FittedModel][] = [
    ['decision-tree', modelKinds['decision-tree']!.create({ maxDepth: 5 }).fit(data, ctx)],
    ['random-forest', modelKinds['random-forest']!.create({ nTrees: 15, maxDepth: 6 }).fit(data, ctx)],
    [
      'gradient-boosting',
      modelKinds['gradient-boosting']!.create({ nRounds: 30, maxDepth: 4, subsample: 0.8 }).fit(data, ctx),
    ],
    ['ridge', modelKinds['ridge']!.create({ alpha: 1 }).fit(data, ctx)],
  ];
  const Xe = data.X.slice(0, 20 * 6);
  const bg = data.X.slice(6 * 100, 6 * 140);
  for (const [kind, model] of fits) {
    it(`${kind}: base + Σφ equals the prediction (both tree modes where they apply)`, () => {
      const modes = kind === 'ridge' ? (['auto'] as const) : (['tree_path_dependent', 'interventional'] as const);
      for (const mode of modes) {
        const ex = explain(model, Xe, 20, { mode, ...(mode === 'tree_path_dependent' ? {} : { background: bg }) });
        const pred = model.predict(Xe, 20);
        for (let i = 0; i < 20; i++) {
          let s = ex.baseValues[i]!;
          for (let j = 0; j < 6; j++) s += ex.values[i * 6 + j]!;
          expect(Math.abs(s - pred[i]!)).toBeLessThan(1e-10);
        }
        expect(ex.additivityError).toBeLessThan(1e-10);
      }
    });
  }

  it('linear SHAP equals brute-force interventional Shapley values', () => {
    const model = fits[3]![1];
    const ex = explain(model, Xe.slice(0, 18), 3, { background: bg });
    for (let i = 0; i < 3; i++) {
      const x = Xe.slice(i * 6, i * 6 + 6);
      const want = bruteShapley(6, (inS) => interventionalValue((z) => model.predict(z, 1)[0]!, x, bg, 40, inS));
      for (let j = 0; j < 6; j++) expect(ex.values[i * 6 + j]).toBeCloseTo(want[j]!, 10);
    }
  });

  it('tree covers add up: each split node covers its two children (in-bag rows, hessian sums)', () => {
    for (const [kind, model] of fits.slice(0, 3)) {
      for (const t of (model as TreeModel).trees) {
        expect(t.cover, kind).toBeDefined();
        for (let node = 0; node < t.nodeCount; node++) {
          if (t.feature[node]! < 0) continue;
          expect(t.cover![t.left[node]!]! + t.cover![t.right[node]!]!).toBeCloseTo(t.cover![node]!, 9);
        }
      }
    }
  });

  it('a model saved before covers loads, predicts the same, and path-dependent mode says to refit', () => {
    const model = fits[2]![1];
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    for (const t of json.state.trees) delete t.cover;
    const old = modelFromJSON(json);
    expect(Array.from(old.predict(Xe, 20))).toEqual(Array.from(model.predict(Xe, 20)));
    expect(() => explain(old, Xe, 20)).toThrow(InvalidModelError);
    expect(() => explain(old, Xe, 20)).toThrow(/refit the model, or pass background rows/);
    const viaBackground = explain(old, Xe, 20, { background: bg });
    expect(viaBackground.additivityError).toBeLessThan(1e-10);
  });

  it('invalid mode combinations throw with the fix', () => {
    const [, tree] = fits[0]!;
    expect(() => explain(tree, Xe, 20, { mode: 'tree_path_dependent', background: bg })).toThrow(
      /use mode interventional/,
    );
    expect(() => explain(tree, Xe, 20, { mode: 'interventional' })).toThrow(/needs background rows/);
    expect(() => explain(fits[3]![1], Xe, 20)).toThrow(/needs background rows/);
    expect(() => explain(tree, Xe, 21)).toThrow(/not 21 rows × 6 features/);
  });

  it('does not mutate its inputs', () => {
    const x0 = Xe.slice();
    const b0 = bg.slice();
    explain(fits[1]![1], Xe, 20, { background: bg });
    expect(Array.from(Xe)).toEqual(Array.from(x0));
    expect(Array.from(bg)).toEqual(Array.from(b0));
  });

  it('the flat form of a Keel ensemble reproduces its raw output exactly', () => {
    for (const [, model] of fits.slice(0, 3)) {
      const form = fromKeelTrees(model as TreeModel);
      const raw = (model as TreeModel).rawScores(Xe, 20);
      for (let i = 0; i < 20; i++) expect(Math.abs(ensembleOutput(form, Xe, i) - raw[i]!)).toBeLessThan(1e-12);
    }
  });
});
