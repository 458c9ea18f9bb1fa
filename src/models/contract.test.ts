/** Runs the shared estimator contract over every classic model kind (neural kinds run it in neural/). */
import { describe, expect, it } from 'vitest';
import { runEstimatorContract, type ContractCase } from './contract-suite.ts';
import { classicModelKinds, modelKinds } from './index.ts';

const member = (kind: string, params: Record<string, unknown> = {}) => ({ kind, params });

export const classicCases: ContractCase[] = [
  { kind: 'ols', params: {}, task: 'regression', constantFeatures: 'error' },
  { kind: 'ridge', params: { alpha: 2 }, task: 'regression', constantFeatures: 'error' },
  { kind: 'lasso', params: { alpha: 0.05 }, task: 'regression', constantFeatures: 'error' },
  { kind: 'elastic-net', params: { alpha: 0.05, l1Ratio: 0.3 }, task: 'regression', constantFeatures: 'error' },
  { kind: 'decision-tree', params: { maxDepth: 4 }, task: 'regression', constantFeatures: 'allow' },
  {
    name: 'decision-tree (classification)',
    kind: 'decision-tree',
    params: { task: 'classification' },
    task: 'classification',
    constantFeatures: 'allow',
  },
  { kind: 'random-forest', params: { nTrees: 12, maxFeatures: 0.5 }, task: 'regression', constantFeatures: 'allow' },
  {
    name: 'random-forest (3 classes)',
    kind: 'random-forest',
    params: { task: 'classification', nTrees: 10 },
    task: 'classification',
    nClasses: 3,
    constantFeatures: 'allow',
  },
  {
    kind: 'gradient-boosting',
    params: { nRounds: 20, subsample: 0.8, colsampleByTree: 0.75, validationFraction: 0.2, earlyStoppingRounds: 5 },
    task: 'regression',
    constantFeatures: 'allow',
  },
  {
    name: 'gradient-boosting (binary)',
    kind: 'gradient-boosting',
    params: { task: 'classification', nRounds: 15, maxLeaves: 6, maxDepth: 0 },
    task: 'classification',
    constantFeatures: 'allow',
  },
  {
    name: 'gradient-boosting (3 classes)',
    kind: 'gradient-boosting',
    params: { task: 'classification', nRounds: 10 },
    task: 'classification',
    nClasses: 3,
    constantFeatures: 'allow',
  },
  { kind: 'svr', params: { C: 3 }, task: 'regression', constantFeatures: 'error' },
  { name: 'svr (linear)', kind: 'svr', params: { kernel: 'linear' }, task: 'regression', constantFeatures: 'error' },
  { kind: 'svc', params: {}, task: 'classification', constantFeatures: 'error' },
  {
    name: 'svc (3 classes, linear)',
    kind: 'svc',
    params: { kernel: 'linear' },
    task: 'classification',
    nClasses: 3,
    constantFeatures: 'error',
  },
  { kind: 'gaussian-nb', params: {}, task: 'classification', constantFeatures: 'allow' },
  { kind: 'bayesian-linear', params: {}, task: 'regression', constantFeatures: 'error' },
  {
    kind: 'averaging',
    params: { members: [member('ridge'), member('decision-tree', { maxDepth: 3 })], weights: [2, 1] },
    task: 'regression',
    constantFeatures: 'error',
  },
  {
    name: 'averaging (classification)',
    kind: 'averaging',
    params: { task: 'classification', members: [member('gaussian-nb'), member('svc')] },
    task: 'classification',
    constantFeatures: 'error',
  },
  {
    kind: 'stacking',
    params: { members: [member('ols'), member('random-forest', { nTrees: 5 })], folds: 3 },
    task: 'regression',
    constantFeatures: 'error',
  },
];

runEstimatorContract(classicCases);

describe('modelKinds', () => {
  it('has a contract case for every classic kind', () => {
    const covered = new Set(classicCases.map((c) => c.kind));
    for (const kind of Object.keys(classicModelKinds)) expect(covered.has(kind), kind).toBe(true);
  });
  it('lists the classic kinds, each with schema, create and fromJSON', () => {
    for (const [name, k] of Object.entries(modelKinds)) {
      expect(typeof k.create, name).toBe('function');
      expect(typeof k.fromJSON, name).toBe('function');
      expect(k.schema.safeParse({}).success || name === 'averaging' || name === 'stacking', name).toBe(true);
    }
  });
});
