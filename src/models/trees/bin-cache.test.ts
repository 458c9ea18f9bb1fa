import { describe, expect, it } from 'vitest';
import { clearBinCache, modelKinds, type TreeModel } from '../index.ts';
import { FAR, friedman1 } from '../test-support.ts';
import { applyBins, computeBinEdges } from './binning.ts';
import { binTraining } from './tree-model.ts';

describe('training bins are reused by content', () => {
  it('returns the same binning for a bit-identical copy of a matrix (another strategy, a distillation tree)', () => {
    const { X, n, p } = friedman1(300, 6, 101);
    const first = binTraining(X, n, p, 255);
    expect(binTraining(X.slice(), n, p, 255)).toBe(first);
    expect(binTraining(X, n, p, 64)).not.toBe(first); // other maxBins: other bins
    clearBinCache();
    const cold = binTraining(X, n, p, 255);
    expect(cold).not.toBe(first);
    expect(cold.binned.bins).toEqual(first.binned.bins);
  });

  it('bins a matrix edited in place afresh (the cache keeps its own copy of the bits)', () => {
    const { X, n, p } = friedman1(300, 6, 102);
    const before = binTraining(X, n, p, 255);
    X[0] = 7; // an edit of one value after a fit: the next fit must see it
    const after = binTraining(X, n, p, 255);
    expect(after).not.toBe(before);
    const fresh = computeBinEdges(X, n, p, 255);
    expect(after.edges.map((e) => Array.from(e))).toEqual(fresh.map((e) => Array.from(e)));
    expect(after.binned.bins).toEqual(applyBins(X, n, p, fresh).bins);
  });

  it('a forest fitted on a window binned before (by a distillation tree) is the forest fitted on fresh bins', () => {
    const data = friedman1(400, 8, 103);
    const forest = () => modelKinds['random-forest']!.create({ nTrees: 5, maxDepth: 4 });
    const ctx = { asOf: FAR, seed: 3 };
    // one value moved by an ulp: a different matrix, so its bins are computed fresh
    const X2 = data.X.slice();
    X2[5] = X2[5]! + Number.EPSILON * X2[5]!;
    const fresh = forest().fit({ ...data, X: X2 }, ctx) as TreeModel;
    const again = forest().fit({ ...data, X: X2.slice() }, ctx) as TreeModel;
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(fresh.toJSON()));
    // the cold path (kernels directly) gives the thresholds the cached fit used
    const edges = computeBinEdges(X2, data.n, data.p, 255);
    const t = again.trees[0]!;
    for (let k = 0; k < t.feature.length; k++)
      if (t.feature[k]! >= 0) expect(Array.from(edges[t.feature[k]!]!)).toContain(t.threshold[k]);
  });
});
