/** explain() over every model kind of the registry (flat inputs): the right method and local accuracy to 1e-10. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { modelKinds } from '../models/index.ts';
import { explain } from './explainer.ts';

const rng = createRng(21);
const n = 160;
const p = 4;
const X = Float64Array.from({ length: n * p }, () => rng.normal());
const yReg = Float64Array.from(
  { length: n },
  (_, i) => X[i * p]! - 0.5 * X[i * p + 1]! * X[i * p + 2]! + 0.1 * rng.normal(),
);
const yCls = Float64Array.from(yReg, (v) => (v > 0 ? 1 : 0));
const featureNames = ['a', 'b', 'c', 'd'];
const ctx = { asOf: '9999-12-31', seed: 2 };
const quick = { epochs: 3, batchSize: 16, learningRate: 0.01 };

const cases: [string, Record<string, unknown>, 'regression' | 'classification', string][] = [
  ['ols', {}, 'regression', 'linear'],
  ['lasso', { alpha: 0.01 }, 'regression', 'linear'],
  ['elastic-net', { alpha: 0.01 }, 'regression', 'linear'],
  ['decision-tree', { maxDepth: 4 }, 'regression', 'tree-path-dependent'],
  ['random-forest', { nTrees: 5, maxDepth: 4 }, 'classification', 'tree-path-dependent'],
  ['gradient-boosting', { nRounds: 10, task: 'classification' }, 'classification', 'tree-path-dependent'],
  ['svr', {}, 'regression', 'sampling'],
  ['svc', {}, 'classification', 'sampling'],
  ['gaussian-nb', {}, 'classification', 'sampling'],
  ['bayesian-linear', {}, 'regression', 'sampling'],
  [
    'averaging',
    { members: [{ kind: 'ridge' }, { kind: 'decision-tree', params: { maxDepth: 3 } }] },
    'regression',
    'sampling',
  ],
  [
    'stacking',
    { members: [{ kind: 'ridge' }, { kind: 'decision-tree', params: { maxDepth: 3 } }], folds: 3 },
    'regression',
    'sampling',
  ],
  ['fnn', { ...quick, hidden: [8] }, 'regression', 'sampling'],
];

describe('explain() over the model registry', () => {
  for (const [kind, params, task, method] of cases) {
    it(`${kind} (${task}): ${method}, base + Σφ = output to 1e-10`, () => {
      const y = task === 'classification' ? yCls : yReg;
      const taskParam = task === 'classification' && ['random-forest', 'decision-tree'].includes(kind);
      const full = taskParam ? { ...params, task } : params;
      const model = modelKinds[kind]!.create(full).fit({ X, y, n, p, featureNames }, ctx);
      const rows = X.slice(0, 5 * p);
      const ex = explain(model, rows, 5, {
        featureNames,
        ...(method === 'tree-path-dependent' ? {} : { background: X.slice(p * 100, p * 110) }),
        pairs: 3,
        seed: 1,
      });
      expect(ex.method).toBe(method);
      expect(ex.additivityError).toBeLessThan(1e-10);
      expect(ex.values.every(Number.isFinite)).toBe(true);
    });
  }
});
