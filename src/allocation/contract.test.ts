/**
 * One contract suite for every allocator kind: weights finite, sum and bounds hold, input untouched, deterministic,
 * and point-in-time (estimates from data ≤ t do not change when data after t is perturbed).
 */
import { describe, expect, it } from 'vitest';
import { Matrix, createRng } from '../core/index.ts';
import { completeRows, meanHistoricalReturn, sampleCov, type ReturnsTable } from '../risk/index.ts';
import { allocatorKinds, type ReturnDistribution } from './index.ts';

/** Synthetic 6-asset daily returns (seeded factor model), 600 dates. */
function synthReturns(seed = 11, T = 600, n = 6): ReturnsTable {
  const rng = createRng(seed);
  const values = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    const f = rng.normal() * 0.01;
    for (let i = 0; i < n; i++)
      values[t * n + i] = 0.0004 + 0.0001 * i + (0.4 + 0.1 * i) * f + 0.01 * (1 + 0.2 * i) * rng.normal();
  }
  return { values, nDates: T, nAssets: n, assets: Array.from({ length: n }, (_, i) => `A${i}`) };
}

function distribution(r: ReturnsTable): ReturnDistribution {
  const all = completeRows(r);
  const keep = Math.min(150, all.nDates); // the most recent 150 scenarios keep the CVaR LP small in tests
  const sc = { ...all, values: all.values.slice((all.nDates - keep) * all.nAssets), nDates: keep };
  return {
    assets: r.assets,
    mu: meanHistoricalReturn(r),
    cov: sampleCov(r),
    scenarios: new Matrix(sc.nDates, sc.nAssets, sc.values),
    riskFreeRate: 0.02,
  };
}

const params: Record<string, object> = {
  'fixed-mix': { weights: { A0: 0.6, A1: 0.3, A2: 0.1 } },
  'efficient-risk': { targetVolatility: 0.2 },
  'efficient-return': { targetReturn: 0.15 },
  'black-litterman': { views: { absolute: { A0: 0.1 }, relative: [{ long: ['A5'], short: ['A1'], value: 0.02 }] } },
  'volatility-target': { targetVolatility: 0.1 },
  'efficient-cvar': { maxCVaR: 0.03 },
};

const cashKinds = new Set(['volatility-target']);

describe('allocator contract suite (every kind in allocatorKinds)', () => {
  const r = synthReturns();
  const dist = distribution(r);
  for (const [kind, entry] of Object.entries(allocatorKinds)) {
    describe(kind, () => {
      const make = () =>
        (entry.create as (p: object) => { allocate: (d: ReturnDistribution) => import('./index.ts').Allocation })(
          entry.schema.parse(params[kind] ?? {}) as object,
        );
      it('weights are finite, sum to 1 (or ≤ 1 with cash), within [0, 1], status ok', () => {
        const a = make().allocate(dist);
        expect(a.status, JSON.stringify(a.trail)).toBe('ok');
        expect(a.weights.length).toBe(6);
        let s = 0;
        for (const w of a.weights) {
          expect(Number.isFinite(w)).toBe(true);
          expect(w).toBeGreaterThanOrEqual(-1e-8);
          expect(w).toBeLessThanOrEqual(1 + 1e-8);
          s += w;
        }
        if (cashKinds.has(kind)) expect(s).toBeLessThanOrEqual(1 + 1e-8);
        else expect(Math.abs(s - 1)).toBeLessThan(1e-8);
      });
      it('leaves its input untouched and is deterministic', () => {
        const mu = dist.mu.slice();
        const cov = dist.cov.data.slice();
        const a = make().allocate(dist);
        const b = make().allocate(dist);
        expect(Array.from(dist.mu)).toEqual(Array.from(mu));
        expect(Array.from(dist.cov.data)).toEqual(Array.from(cov));
        expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
      });
      it('is point-in-time: perturbing returns after t leaves the decision at t unchanged', () => {
        const t = 400;
        const past: ReturnsTable = { ...r, values: r.values.slice(0, t * 6), nDates: t };
        const perturbed = r.values.slice();
        for (let i = t * 6; i < perturbed.length; i++) perturbed[i] = perturbed[i]! * -3 + 0.01;
        const pastOfPerturbed: ReturnsTable = { ...r, values: perturbed.slice(0, t * 6), nDates: t };
        const a = make().allocate(distribution(past));
        const b = make().allocate(distribution(pastOfPerturbed));
        expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
      });
    });
  }
});
