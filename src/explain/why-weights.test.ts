import { describe, expect, it } from 'vitest';
import { maxQuadraticUtility, type Constraints } from '../allocation/index.ts';
import { createRng, Matrix } from '../core/index.ts';
import { whyWeights, bindingConstraints, type AllocatorState, type BlackBoxAllocator } from './why-weights.ts';

const assets = ['A', 'B', 'C', 'D', 'E'];

function randomCov(seed: number): Matrix {
  const rng = createRng(seed);
  const n = assets.length;
  const F = Array.from({ length: n * 8 }, () => 0.1 * rng.normal());
  const cov = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.01 : 0;
      for (let k = 0; k < 8; k++) s += F[i * 8 + k]! * F[j * 8 + k]!;
      cov.data[i * n + j] = s;
    }
  return cov;
}

/** Mean-variance utility (δ = 4) with a trading-cost penalty on |w − previous|: the allocation stage's own QP. */
function mvAllocator(caps: Constraints, cost: number): BlackBoxAllocator {
  return (s: AllocatorState, relaxed: boolean) =>
    maxQuadraticUtility(
      { assets, mu: s.mu, cov: s.cov, previousWeights: s.previous },
      4,
      relaxed
        ? { weightBounds: [0, 1], ...(cost > 0 ? { transactionCost: cost } : {}) }
        : { ...caps, ...(cost > 0 ? { transactionCost: cost } : {}) },
    );
}

const before: AllocatorState = {
  mu: Float64Array.from([0.08, 0.05, 0.1, 0.02, 0.06]),
  cov: randomCov(1),
  previous: Float64Array.from([0.3, 0.2, 0.3, 0.1, 0.1]),
};
const after: AllocatorState = {
  mu: Float64Array.from([0.03, 0.09, 0.12, 0.04, 0.02]),
  cov: randomCov(2),
  previous: Float64Array.from([0.25, 0.22, 0.33, 0.08, 0.12]),
};
const caps: Constraints = { weightBounds: [0, 0.35] };

describe('whyWeights: Δw into drift, forecasts, risk and constraints', () => {
  it('the parts sum to Δw to 1e-9 (Shapley and sequential), through the allocation stage QP', () => {
    const f = mvAllocator(caps, 0.02);
    for (const method of ['shapley', 'sequential'] as const) {
      const r = whyWeights(f, before, after, { method });
      expect(r.maxResidual).toBeLessThan(1e-9);
      for (let i = 0; i < 5; i++) {
        const s = r.parts.drift[i]! + r.parts.forecasts[i]! + r.parts.risk[i]! + r.parts.constraints[i]!;
        expect(Math.abs(s - r.deltaW[i]!)).toBeLessThan(1e-9);
      }
      expect(r.deltaW.some((d) => Math.abs(d) > 1e-3)).toBe(true);
    }
  });

  it('Shapley parts are the average of the six sequential orders', () => {
    const f = mvAllocator(caps, 0.02);
    const sh = whyWeights(f, before, after);
    const orders = [
      ['drift', 'forecasts', 'risk'],
      ['drift', 'risk', 'forecasts'],
      ['forecasts', 'drift', 'risk'],
      ['forecasts', 'risk', 'drift'],
      ['risk', 'drift', 'forecasts'],
      ['risk', 'forecasts', 'drift'],
    ] as const;
    const avg = { drift: new Float64Array(5), forecasts: new Float64Array(5), risk: new Float64Array(5) };
    for (const order of orders) {
      const r = whyWeights(f, before, after, { method: 'sequential', order });
      for (const k of ['drift', 'forecasts', 'risk'] as const)
        for (let i = 0; i < 5; i++) avg[k][i] = avg[k][i]! + r.parts[k][i]! / 6;
    }
    for (const k of ['drift', 'forecasts', 'risk'] as const)
      for (let i = 0; i < 5; i++) expect(sh.parts[k][i]).toBeCloseTo(avg[k][i]!, 12);
  });

  it('a memoryless allocator (no trading cost) gives drift exactly 0; a trading cost makes drift matter', () => {
    const r0 = whyWeights(mvAllocator(caps, 0), before, after);
    expect(Math.max(...r0.parts.drift.map(Math.abs))).toBe(0);
    const r1 = whyWeights(mvAllocator(caps, 0.05), before, after);
    expect(Math.max(...r1.parts.drift.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it('only forecasts changed: risk and drift parts are 0; constraints are 0 when no cap binds', () => {
    const onlyMu = { ...before, mu: after.mu };
    const r = whyWeights(mvAllocator({ weightBounds: [0, 1] }, 0), before, onlyMu);
    for (let i = 0; i < 5; i++) {
      expect(r.parts.risk[i]).toBe(0);
      expect(r.parts.drift[i]).toBe(0);
      expect(Math.abs(r.parts.constraints[i]!)).toBeLessThan(1e-12);
      expect(Math.abs(r.parts.forecasts[i]! - r.deltaW[i]!)).toBeLessThan(1e-12);
    }
  });

  it('a binding 35 % cap shows up as a constraints part and in the binding list', () => {
    const r = whyWeights(mvAllocator(caps, 0), before, after);
    expect(Math.max(...r.parts.constraints.map(Math.abs))).toBeGreaterThan(1e-3);
    const binding = bindingConstraints(r.after, assets, {
      lower: [0, 0, 0, 0, 0],
      upper: [0.35, 0.35, 0.35, 0.35, 0.35],
    });
    expect(binding.some((b) => b.includes('at its maximum 0.35'))).toBe(true);
  });

  it('rejects mismatched inputs and bad orders with the fix', () => {
    const f = mvAllocator(caps, 0);
    expect(() => whyWeights(f, before, { ...after, mu: new Float64Array(3) })).toThrow(/must be 5/);
    expect(() => whyWeights(f, before, after, { method: 'sequential', order: ['drift', 'drift', 'risk'] })).toThrow(
      /once each/,
    );
  });
});
