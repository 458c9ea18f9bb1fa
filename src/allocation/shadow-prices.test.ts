/**
 * efficientRiskShadowPrices against an independent check: each binding limit moved by ±h, the problem re-solved
 * from scratch with efficientRisk, the optimal objective's central difference. Tolerance 1e-5 relative: the δ search
 * meets the volatility target to 1e-13 (relative), which the 2h = 2e-5 step turns into ~1e-8, and the trade-space
 * ridge (1e-9·max diag) moves the answer by ~1e-9.
 */
import { describe, expect, it } from 'vitest';
import { Matrix, createRng } from '../core/index.ts';
import {
  efficientRisk,
  efficientRiskShadowPrices,
  maxAchievableReturn,
  minVariance,
  portfolioVariance,
  type Constraints,
  type ReturnDistribution,
} from './index.ts';

const assets = ['A', 'B', 'C', 'D', 'E', 'F'];

function market(seed: number): ReturnDistribution {
  const n = assets.length;
  const rng = createRng(seed);
  const T = 40;
  const X = Array.from({ length: T * n }, () => rng.normal());
  const cov = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += X[t * n + i]! * X[t * n + j]!;
      cov.data[i * n + j] = (0.04 * Math.sqrt((1 + i / 3) * (1 + j / 3)) * s) / T;
    }
  const mu = Float64Array.from({ length: n }, (_, i) => 0.02 + 0.03 * i + 0.02 * rng.normal());
  const previousWeights = Float64Array.from([0.35, 0.05, 0.2, 0.1, 0.15, 0.15]);
  return { assets, mu, cov, previousWeights, riskFreeRate: 0 };
}

const objective = (w: Float64Array, d: ReturnDistribution, c: Constraints): number => {
  let v = 0;
  w.forEach((x, i) => {
    v += d.mu[i]! * x - (c.l2Gamma ?? 0) * x * x - (c.transactionCost ?? 0) * Math.abs(x - d.previousWeights![i]!);
  });
  return v;
};

/** The constraints (and target) with one limit moved by h. */
function moved(
  c: Constraints,
  target: number,
  p: { constraint: string; assets: readonly string[]; limit: number },
  h: number,
): [Constraints, number] {
  if (p.constraint === 'volatility target') return [c, target + h];
  const [lo, hi] = c.weightBounds ?? [0, 1];
  if (p.constraint === 'maximum weight')
    return [{ ...c, assetBounds: { ...c.assetBounds, [p.assets[0]!]: [lo, p.limit + h] } }, target];
  if (p.constraint === 'minimum weight')
    return [{ ...c, assetBounds: { ...c.assetBounds, [p.assets[0]!]: [p.limit + h, hi] } }, target];
  const groups = (c.groups ?? []).map((g) => (`group "${g.name}"` === p.constraint ? { ...g, max: g.max! + h } : g));
  return [{ ...c, groups }, target];
}

describe('efficientRiskShadowPrices', () => {
  const seen = new Set<string>();
  const cases: [string, Constraints][] = [
    [
      'bounds and a group cap',
      { weightBounds: [0, 0.3], groups: [{ name: 'ABC', assets: ['A', 'B', 'C'], max: 0.4 }] },
    ],
    ['with a trading-cost penalty', { weightBounds: [0.02, 0.35], transactionCost: 0.01 }],
    [
      'with an L2 penalty',
      { weightBounds: [0, 0.4], l2Gamma: 0.05, groups: [{ name: 'EF', assets: ['E', 'F'], max: 0.45 }] },
    ],
  ];
  for (const [label, c] of cases)
    it(`equal the finite difference of the optimal objective in each binding limit (${label})`, () => {
      const h = 1e-5;
      let checked = 0;
      for (let seed = 1; seed <= 4; seed++) {
        const d = market(seed);
        // between the least volatile portfolio and the highest-return one, so the target binds
        const { weightBounds, groups } = c;
        const plain = { ...(weightBounds ? { weightBounds } : {}), ...(groups ? { groups } : {}) };
        const vol = (w: Float64Array): number => Math.sqrt(portfolioVariance(w, d.cov));
        const target = 0.5 * (vol(minVariance(d, plain)) + vol(maxAchievableReturn(d, plain).weights));
        const r = efficientRiskShadowPrices(d, target, c);
        if (!r.available) throw new Error(r.reason);
        // the weights are efficientRisk's own
        efficientRisk(d, target, c).forEach((w, i) => expect(Math.abs(w - r.weights[i]!)).toBeLessThan(1e-9));
        expect(r.prices.some((p) => p.constraint === 'volatility target')).toBe(true);
        for (const p of r.prices) {
          if (p.constraint === 'budget') continue; // the budget is 1 by definition, not a study limit to move
          const f = (s: number): number => {
            const [c2, t2] = moved(c, target, p, s * h);
            return objective(efficientRisk(d, t2, c2), d, c2);
          };
          const fd = (f(1) - f(-1)) / (2 * h);
          expect(Math.abs(p.value - fd), `${p.constraint} ${p.assets.join()}`).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
          checked++;
          seen.add(p.constraint.startsWith('group') ? 'group' : p.constraint);
        }
      }
      expect(checked).toBeGreaterThanOrEqual(8);
    });
  it('the cases above checked every kind of limit', () => {
    expect([...seen].sort()).toEqual(['group', 'maximum weight', 'minimum weight', 'volatility target']);
  });

  it('with the volatility target slack, equal the finite difference of max μᵀw over budget and bounds', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const d = market(seed);
      const c: Constraints = { weightBounds: [0.05, 0.3] };
      const r = efficientRiskShadowPrices(d, 5, c);
      if (!r.available) throw new Error(r.reason);
      expect(r.source).toMatch(/does not bind/);
      const h = 1e-5;
      for (const p of r.prices) {
        if (p.constraint === 'budget') continue;
        const f = (e: number): number => {
          const [c2] = moved(c, 5, p, e);
          return efficientRisk(d, 5, c2).reduce((acc, x, i) => acc + d.mu[i]! * x, 0);
        };
        expect(Math.abs(p.value - (f(h) - f(-h)) / (2 * h))).toBeLessThan(1e-9);
      }
      expect(r.prices.length).toBeGreaterThan(3);
    }
  });

  it('says why there are none at a linear programme with group rows (multipliers not unique)', () => {
    const c: Constraints = { weightBounds: [0, 0.3], groups: [{ name: 'AB', assets: ['A', 'B'], max: 0.4 }] };
    const r = efficientRiskShadowPrices(market(1), 5, c);
    expect(r.available).toBe(false);
    if (!r.available) expect(r.reason).toMatch(/does not bind .* group or turnover rows/);
  });
});
