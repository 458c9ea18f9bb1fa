/**
 * Randomised robustness: random covariances, bounds, groups and targets. Every allocation is either 'ok' with all
 * constraints holding, or a fallback/failed value with a trail — never a throw, never NaN.
 */
import { describe, expect, it } from 'vitest';
import { Matrix, createRng } from '../core/index.ts';
import { allocatorKinds, checkConstraints, type Constraints, type ReturnDistribution } from './index.ts';

describe('random problems never throw and never give NaN', () => {
  it('120 random (distribution, constraints, allocator) triples', () => {
    const rng = createRng(99);
    const statuses: Record<string, number> = { ok: 0, fallback: 0, failed: 0 };
    const kinds = [
      'min-variance',
      'max-sharpe',
      'max-quadratic-utility',
      'efficient-risk',
      'efficient-return',
      'risk-parity',
      'hrp',
    ] as const;
    for (let trial = 0; trial < 120; trial++) {
      const n = 3 + rng.int(10);
      const T = n + 5 + rng.int(40);
      const X = Float64Array.from({ length: T * n }, () => rng.normal() * 0.1);
      const cov = new Matrix(n, n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let t = 0; t < T; t++) s += X[t * n + i]! * X[t * n + j]!;
          cov.data[i * n + j] = s / T;
        }
      const assets = Array.from({ length: n }, (_, i) => `a${i}`);
      const dist: ReturnDistribution = {
        assets,
        mu: Float64Array.from({ length: n }, () => 0.1 * rng.normal()),
        cov,
        riskFreeRate: 0.01,
      };
      const lo = rng.uniform() < 0.3 ? -0.5 : 0;
      const hi = 0.15 + rng.uniform();
      const c: Constraints = {
        weightBounds: [lo, hi],
        ...(rng.uniform() < 0.4
          ? { groups: [{ name: 'g', assets: assets.slice(0, 1 + rng.int(n - 1)), max: 0.2 + rng.uniform() * 0.6 }] }
          : {}),
        ...(rng.uniform() < 0.2 ? { l2Gamma: rng.uniform() } : {}),
      };
      const kind = kinds[rng.int(kinds.length)]!;
      const params =
        kind === 'efficient-risk'
          ? { targetVolatility: 0.05 + rng.uniform() * 0.3 }
          : kind === 'efficient-return'
            ? { targetReturn: 0.1 * rng.normal() }
            : {};
      const entry = allocatorKinds[kind];
      const a = (
        entry.create as (p: object) => {
          allocate: (d: ReturnDistribution, c: Constraints) => import('./index.ts').Allocation;
        }
      )(entry.schema.parse(params) as object).allocate(dist, c);
      statuses[a.status] = statuses[a.status]! + 1;
      expect(
        a.weights.every((w) => Number.isFinite(w)),
        `${kind} trial ${trial}`,
      ).toBe(true);
      if (a.status !== 'failed')
        expect(checkConstraints(a.weights, dist, c), `${kind} trial ${trial} ${JSON.stringify(a.trail)}`).toEqual([]);
      if (a.status === 'ok' && (kind === 'min-variance' || kind === 'max-sharpe')) expect(a.trail).toHaveLength(1);
    }
    // most random problems are feasible: the suite must exercise the solvers, not only the fallbacks
    expect(statuses['ok']!, JSON.stringify(statuses)).toBeGreaterThan(60);
  });
});
