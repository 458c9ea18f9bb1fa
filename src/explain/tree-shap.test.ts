import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { modelFromJSON, modelKinds, type FittedModel, type TreeModel } from '../models/index.ts';
import { explain, explainEnsemble } from './explainer.ts';
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
      if (inS[f]) {
        const xf = x[f]!;
        return Number.isNaN(xf) ? g(t.childrenDefault[node]!) : xf <= t.thresholds[node]! ? g(l) : g(r);
      }
      // a zero-cover node splits its (zero) weight evenly, as the kernels do
      return c[node]! > 0 ? (c[l]! * g(l) + c[r]! * g(r)) / c[node]! : 0.5 * g(l) + 0.5 * g(r);
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

/**
 * A random tree of the given depth (each node below the root a leaf with probability `leafProb`) with random covers
 * that add up (children sum to the parent); with `zeroCovers` some splits send all their cover one way.
 */
function randomTree(
  rng: ReturnType<typeof createRng>,
  p: number,
  depth: number,
  { leafProb = 0.15, zeroCovers = false } = {},
): FlatTreeForm {
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
    if (d === depth || (d > 0 && rng.uniform() < leafProb)) {
      val[id] = rng.normal();
      return id;
    }
    feat[id] = rng.int(p); // features repeat along paths on purpose (exercises unwindPath)
    thr[id] = rng.uniform();
    const u = rng.uniform();
    const share = zeroCovers && u < 0.2 ? (u < 0.1 ? 0 : 1) : 0.1 + 0.8 * rng.uniform();
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

describe('path-dependent TreeSHAP: per-leaf tables and the path recursion', () => {
  const p = 6;
  const ensemble = (seed: number, zeroCovers: boolean) => {
    const rng = createRng(seed);
    const trees = Array.from({ length: 6 }, (_, k) => randomTree(rng, p, 3 + k, { zeroCovers }));
    const e: TreeEnsembleForm = { trees, base: -0.2, scale: 0.7, nFeatures: p };
    const n = 8;
    const X = uniform(rng, n * p);
    X[5] = NaN; // row 0 follows the default child at splits on feature 5
    X[2 * p + 1] = NaN;
    return { e, X, n };
  };

  it('give the same values on random trees with repeated features and NaN inputs', async () => {
    const { treeShapPathDependent, treeShapPathRecursion, treeShapPathDependentRows } = await import('./tree-shap.ts');
    for (const seed of [11, 12, 13, 14]) {
      const { e, X, n } = ensemble(seed, false);
      const byTables = new Float64Array(n * p);
      const byRecursion = new Float64Array(n * p);
      for (let i = 0; i < n; i++) {
        treeShapPathDependent(e, X, i, byTables, i * p);
        treeShapPathRecursion(e, X, i, byRecursion, i * p);
      }
      const scaleOfValues = Math.max(...Array.from(byRecursion, Math.abs));
      expect(scaleOfValues).toBeGreaterThan(0);
      for (let k = 0; k < n * p; k++)
        expect(Math.abs(byTables[k]! - byRecursion[k]!)).toBeLessThan(1e-13 * scaleOfValues);
      // the batch entry point adds the same numbers in the same order: the same bytes
      const rows = new Float64Array(n * p);
      treeShapPathDependentRows(e, X, n, rows);
      expect(Array.from(rows)).toEqual(Array.from(byTables));
    }
  });

  it('splits that send all their cover one way (zero-cover branches) give finite, exact values, not NaN', async () => {
    const { treeShapPathRecursion } = await import('./tree-shap.ts');
    for (const seed of [11, 12, 13, 14]) {
      const { e, X, n } = ensemble(seed, true);
      const { values, base, additivityError } = explainEnsemble(e, X, n); // the tables
      expect(additivityError).toBeLessThan(1e-10);
      const byRecursion = new Float64Array(n * p);
      for (let i = 0; i < n; i++) treeShapPathRecursion(e, X, i, byRecursion, i * p);
      for (let i = 0; i < n; i++) {
        const want = bruteShapley(p, (inS) => pathValue(e, X.subarray(i * p, i * p + p), inS));
        for (let j = 0; j < p; j++) {
          expect(values[i * p + j]).toBeCloseTo(want[j]!, 12);
          expect(byRecursion[i * p + j]).toBeCloseTo(want[j]!, 12);
        }
        expect(base).toBeCloseTo(pathValue(e, X.subarray(i * p, i * p + p), new Array<boolean>(p).fill(false)), 12);
      }
    }
  });

  it('a tree too large for tables (2^16 entries) is explained by the recursion, exactly', async () => {
    const { treeShapPathDependent, pathExpectedValue } = await import('./tree-shap.ts');
    const { tableSize } = await import('./tree-shap-table.ts');
    const rng = createRng(21);
    const big = randomTree(rng, p, 13, { leafProb: 0 }); // 8192 leaves, up to 6 features on a path
    expect(tableSize(big)).toBeGreaterThan(1 << 16);
    const e: TreeEnsembleForm = { trees: [big, randomTree(rng, p, 4)], base: 0, scale: 1, nFeatures: p };
    const X = uniform(rng, 2 * p);
    for (let i = 0; i < 2; i++) {
      const got = new Float64Array(p);
      treeShapPathDependent(e, X, i, got, 0);
      const want = bruteShapley(p, (inS) => pathValue(e, X.subarray(i * p, i * p + p), inS));
      for (let j = 0; j < p; j++) expect(got[j]).toBeCloseTo(want[j]!, 10);
      const sum = got.reduce((a, b) => a + b, 0);
      expect(Math.abs(pathExpectedValue(e) + sum - ensembleOutput(e, X, i))).toBeLessThan(1e-10);
    }
  });
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
