/**
 * Regression: efficient-risk with a trading cost on the main job's seed-42 decision of 2019-02-01 (stocks-boosting,
 * 10 % per stock, 30 % per sector, cash as an asset because the calmest fully invested portfolio is at 11.4 %).
 * The trade-space QP cycled — a sell variable released from its bound, re-fixed by a rounding-level step component
 * at length 0, released again — until max-iterations, so the job fell back to min-variance (an `allocator-fallback`
 * warning) instead of the volatility-target cash rule. Inputs from that run's explanations.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Matrix } from '../core/index.ts';
import { allocatorKinds, type ReturnDistribution } from './index.ts';

const fx = JSON.parse(readFileSync(new URL('./fixtures/cycling-cash-sector.json', import.meta.url), 'utf8')) as {
  assets: string[];
  sectors: string[];
  mu: number[];
  covUpper: number[];
  held: number[];
};

/** The problem with cash appended as the last asset (μ 0, σ 0, in no sector), as the ml-forecast cash rule builds it. */
function withCash(): { dist: ReturnDistribution; groups: { name: string; assets: string[]; max: number }[] } {
  const n = fx.assets.length;
  const cov = new Matrix(n + 1, n + 1);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      cov.data[i * (n + 1) + j] = fx.covUpper[k]!;
      cov.data[j * (n + 1) + i] = fx.covUpper[k++]!;
    }
  const held = fx.held.reduce((a, b) => a + b, 0);
  const groups = [...new Set(fx.sectors)].map((s) => ({
    name: `sector ${s}`,
    assets: fx.assets.filter((_, a) => fx.sectors[a] === s),
    max: 0.3,
  }));
  return {
    dist: {
      assets: [...fx.assets, '(cash)'],
      mu: Float64Array.from([...fx.mu, 0]),
      cov,
      previousWeights: Float64Array.from([...fx.held, 1 - held]),
      riskFreeRate: 0,
    },
    groups,
  };
}

describe('efficient-risk in trade space on a degenerate vertex (sector at its cap, cash as an asset)', () => {
  it('solves instead of cycling to max-iterations; the answer meets the target and every cap', () => {
    const { dist, groups } = withCash();
    const n = fx.assets.length;
    const assetBounds: Record<string, [number, number]> = Object.fromEntries(fx.assets.map((id) => [id, [0, 0.1]]));
    assetBounds['(cash)'] = [0, 1];
    const allocator = allocatorKinds['efficient-risk'].create({ targetVolatility: 0.1, fallback: [] });
    const r = allocator.allocate(dist, { weightBounds: [0, 0.1], transactionCost: 0.03, groups, assetBounds });
    expect(r.trail.map((t) => t.outcome)).toEqual(['ok']);
    expect(r.status).toBe('ok');
    const w = r.weights;
    let v = 0;
    for (let i = 0; i <= n; i++) for (let j = 0; j <= n; j++) v += w[i]! * dist.cov.data[i * (n + 1) + j]! * w[j]!;
    expect(Math.sqrt(v)).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < n; i++) expect(w[i]!).toBeLessThanOrEqual(0.1 + 1e-12);
    for (const g of groups)
      expect(g.assets.reduce((s, id) => s + w[fx.assets.indexOf(id)]!, 0)).toBeLessThanOrEqual(0.3 + 1e-12);
    // Not worse (objective μᵀw − k·Σ|Δw|) than holding: the held portfolio is feasible here.
    const prev = dist.previousWeights!;
    const obj = (x: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i <= n; i++) s += dist.mu[i]! * x[i]! - 0.03 * Math.abs(x[i]! - prev[i]!);
      return s;
    };
    let vh = 0;
    for (let i = 0; i <= n; i++)
      for (let j = 0; j <= n; j++) vh += prev[i]! * dist.cov.data[i * (n + 1) + j]! * prev[j]!;
    if (Math.sqrt(vh) <= 0.1) expect(obj(w)).toBeGreaterThanOrEqual(obj(prev) - 1e-9);
  });
});
