import { describe, expect, it } from 'vitest';
import { Matrix } from '../core/index.ts';
import {
  blackLitterman,
  cleanWeights,
  greedyDiscreteAllocation,
  integerDiscreteAllocation,
  latestPrices,
  viewsToPQ,
} from './index.ts';

const assets = ['A', 'B', 'C', 'D'];
const prices = Float64Array.from([101.5, 33.2, 250.0, 12.7]);
const weights = Float64Array.from([0.4, 0.3, 0.2, 0.1]);

function deviation(shares: Record<string, number>, value: number): number {
  let spent = 0;
  let dev = 0;
  assets.forEach((a, i) => {
    const x = shares[a] ?? 0;
    spent += x * prices[i]!;
    dev += Math.abs(weights[i]! * value - x * prices[i]!);
  });
  return dev + (value - spent);
}

describe('discrete allocation', () => {
  it('the integer programme never does worse than greedy on its own objective and never overspends', () => {
    for (const value of [1000, 10000]) {
      const g = greedyDiscreteAllocation(assets, weights, prices, value);
      const m = integerDiscreteAllocation(assets, weights, prices, value);
      expect(m.leftover).toBeGreaterThanOrEqual(-1e-9);
      expect(g.leftover).toBeGreaterThanOrEqual(-1e-9);
      expect(deviation(m.shares, value)).toBeLessThanOrEqual(deviation(g.shares, value) + 1e-6);
    }
  });
  it('shorts are allocated on value × shortRatio with negative share counts', () => {
    const r = greedyDiscreteAllocation(assets, Float64Array.from([0.8, 0.5, -0.2, -0.1]), prices, 10000, {
      shortRatio: 0.3,
    });
    expect(r.shares['C']).toBeLessThan(0);
    expect(r.shares['D']).toBeLessThan(0);
    expect(r.shares['A']).toBeGreaterThan(0);
  });
  it('clean_weights and latest prices (forward-filled last row)', () => {
    expect(Array.from(cleanWeights([0.123456789, 0.00005, -0.2]))).toEqual([0.12346, 0, -0.2]);
    expect(Array.from(latestPrices(Float64Array.from([1, 2, 3, NaN]), 2, 2))).toEqual([3, 2]);
  });
  it('bad input: non-positive value, mismatched lengths', () => {
    expect(() => greedyDiscreteAllocation(assets, weights, prices, -5)).toThrow(
      /total portfolio value must be a positive amount, got -5/,
    );
    expect(() => greedyDiscreteAllocation(assets, weights.slice(0, 2), prices, 100)).toThrow(/same length/);
  });
});

describe('Black-Litterman views', () => {
  it('a relative view builds +1/len(long), −1/len(short) rows; a 100 %-confident view is met exactly', () => {
    const { P, Q } = viewsToPQ(assets, { relative: [{ long: ['A', 'B'], short: ['C'], value: 0.02 }] });
    expect(Array.from(P.row(0))).toEqual([0.5, 0.5, -1, 0]);
    expect(Array.from(Q)).toEqual([0.02]);
    const cov = Matrix.fromRows([
      [0.04, 0.01, 0, 0],
      [0.01, 0.09, 0.01, 0],
      [0, 0.01, 0.16, 0],
      [0, 0, 0, 0.01],
    ]);
    const post = blackLitterman({ cov, pi: Float64Array.from([0.05, 0.06, 0.07, 0.02]), P, Q, confidences: [1] });
    expect(0.5 * post.mu[0]! + 0.5 * post.mu[1]! - post.mu[2]!).toBeCloseTo(0.02, 12);
  });
  it('forecast views: a precise forecast moves the posterior to it, a vague one stays near the prior', async () => {
    const { posteriorDistribution, blackLittermanParamsSchema } = await import('./index.ts');
    const cov = Matrix.fromRows([
      [0.04, 0, 0, 0],
      [0, 0.04, 0, 0],
      [0, 0, 0.04, 0],
      [0, 0, 0, 0.04],
    ]);
    const d = {
      assets,
      mu: Float64Array.from([0.2, 0.2, 0.2, 0.2]),
      cov,
      forecastVariance: Float64Array.from([1e-9, 1e3, 1e-9, 1e3]),
      riskFreeRate: 0,
    };
    const post = posteriorDistribution(d, blackLittermanParamsSchema.parse({ prior: 'zero', forecastViews: true }));
    expect(post.mu[0]).toBeCloseTo(0.2, 6);
    expect(post.mu[1]).toBeCloseTo(0, 5);
  });
  it('unknown view assets and bad confidences are errors', () => {
    expect(() => viewsToPQ(assets, { absolute: { Z: 0.1 } })).toThrow(/unknown asset "Z"/);
    const { P, Q } = viewsToPQ(assets, { absolute: { A: 0.1 } });
    expect(() =>
      blackLitterman({ cov: Matrix.identity(4), pi: new Float64Array(4), P, Q, confidences: [1.5] }),
    ).toThrow(/confidences must be in \[0, 1\]/);
  });
});
