import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  annualizedReturn,
  annualizedTurnover,
  computeMetrics,
  costDrag,
  deflatedSharpeRatio,
  maxDrawdown,
  normCdf,
  normInv,
  probabilisticSharpeRatio,
  rollingSharpe,
  rollingVolatility,
  sharpeRatio,
  sortinoRatio,
  totalReturn,
  historicalVaR,
  certaintyEquivalent,
  beta,
  alpha,
} from './index.ts';

interface Fixture {
  params: { periodsPerYear: number; alpha: number; gamma: number; nTrials: number; window: number };
  returns: number[];
  benchmark: number[];
  expected: Record<string, number>;
  rolling: { index: number[]; volatility: (number | null)[]; sharpe: (number | null)[] };
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/sp500-metrics.json', import.meta.url), 'utf8')) as Fixture;

describe('closed forms', () => {
  it('total and annualised return of a constant 1 % a month', () => {
    const r = new Float64Array(24).fill(0.01);
    expect(totalReturn(r)).toBeCloseTo(1.01 ** 24 - 1, 14);
    expect(annualizedReturn(r, 12)).toBeCloseTo(1.01 ** 12 - 1, 14);
  });

  it('Sharpe of ±1 alternating around a mean is mean/sd·√ppy', () => {
    const r = Float64Array.from({ length: 100 }, (_, i) => 0.01 + (i % 2 === 0 ? 0.02 : -0.02));
    const sd = Math.sqrt((100 * 0.0004) / 99);
    expect(sharpeRatio(r, 252)).toBeCloseTo((0.01 / sd) * Math.sqrt(252), 12);
    // Sortino: downside deviation √(½·0.01²) over all periods.
    expect(sortinoRatio(r, 1)).toBeCloseTo(0.01 / Math.sqrt(0.5 * 0.0001), 12);
  });

  it('max drawdown and its duration on a hand-made path', () => {
    // wealth 1, 1.1, 0.88, 0.99, 1.1, 1.21 → peak 1.1 at 1, trough 0.88 at 2, back at 1.1 at 4 → duration 3.
    const r = [0.1, -0.2, 0.125, 1.1 / 0.99 - 1, 0.1];
    const dd = maxDrawdown(r);
    expect(dd.maxDrawdown).toBeCloseTo(0.2, 14);
    expect(dd.peak).toBe(1);
    expect(dd.trough).toBe(2);
    expect(dd.maxDuration).toBe(3);
    expect(maxDrawdown([0.1, -0.1, -0.1]).maxDuration).toBe(2); // under water at the end
  });

  it('normal distribution helpers agree with known values to 1e-12', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(normCdf(1.959963984540054)).toBeCloseTo(0.975, 13);
    expect(normCdf(-5)).toBeCloseTo(2.866515718791939e-7, 18);
    expect(normInv(0.05)).toBeCloseTo(-1.6448536269514729, 12);
    expect(normInv(0.999)).toBeCloseTo(3.090232306167813, 11);
  });

  it('PSR(0) of a series with Sharpe ≈ 0 is ½; DSR falls as trials grow', () => {
    const r = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01));
    expect(probabilisticSharpeRatio(r, 0)).toBeCloseTo(0.5, 10);
    const up = Float64Array.from({ length: 500 }, (_, i) => 0.001 + 0.01 * Math.sin(i * 1.7));
    const d1 = deflatedSharpeRatio(up, 1).dsr;
    const d100 = deflatedSharpeRatio(up, 100).dsr;
    expect(d1).toBeCloseTo(probabilisticSharpeRatio(up, 0), 14);
    expect(d100).toBeLessThan(d1);
  });

  it('turnover and cost drag: a full switch once a year is 2.0; 10 bp a year is 0.001', () => {
    const nav = new Float64Array(12).fill(100);
    const traded = new Float64Array(12);
    traded[5] = 200;
    const costs = new Float64Array(12);
    costs[5] = 0.1;
    expect(annualizedTurnover(traded, nav, 12)).toBeCloseTo(2, 14);
    expect(costDrag(costs, nav, 12)).toBeCloseTo(0.001, 14);
  });

  it('beta of 2·b + c is 2 and alpha is c·ppy', () => {
    const b = Float64Array.from({ length: 50 }, (_, i) => 0.01 * Math.cos(i));
    const r = b.map((v) => 2 * v + 0.001);
    expect(beta(r, b)).toBeCloseTo(2, 12);
    expect(alpha(r, b, 12)).toBeCloseTo(0.012, 12);
  });

  it('never mutates its inputs', () => {
    const r = Float64Array.from(fx.returns.slice(0, 100));
    const snap = r.slice();
    computeMetrics({ returns: r, periodsPerYear: 252, benchmark: r, nTrials: 3 });
    historicalVaR(r);
    certaintyEquivalent(r);
    expect(Array.from(r)).toEqual(Array.from(snap));
  });
});

describe('against numpy/pandas on real data (scripts/make-metrics-fixtures.py, AAPL vs S&P 500, 1000 days)', () => {
  const p = fx.params;
  const m = computeMetrics({
    returns: fx.returns,
    benchmark: fx.benchmark,
    periodsPerYear: p.periodsPerYear,
    nTrials: p.nTrials,
    alpha: p.alpha,
    gamma: p.gamma,
  }) as unknown as Record<string, number>;
  // 1e-10 relative: both sides are double-precision evaluations of the same formulas; differences come only from
  // summation order (Keel compensates) and the normal quantile (Acklam + Halley step vs Python's NormalDist).
  for (const [k, v] of Object.entries(fx.expected)) {
    if (k === 'deflatedSharpeThreshold') continue;
    it(`${k} = ${v}`, () => {
      expect(Math.abs(m[k]! - v)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(v)));
    });
  }
  it('deflated Sharpe threshold', () => {
    const d = deflatedSharpeRatio(fx.returns, p.nTrials);
    expect(d.threshold).toBeCloseTo(fx.expected['deflatedSharpeThreshold']!, 12);
  });
  it('rolling volatility and Sharpe (pandas rolling, min_periods = window)', () => {
    const vol = rollingVolatility(fx.returns, p.window, p.periodsPerYear);
    const sh = rollingSharpe(fx.returns, p.window, p.periodsPerYear);
    fx.rolling.index.forEach((i, k) => {
      const ev = fx.rolling.volatility[k];
      const es = fx.rolling.sharpe[k];
      if (ev === null || ev === undefined) expect(Number.isNaN(vol[i])).toBe(true);
      else expect(vol[i]).toBeCloseTo(ev, 10);
      if (es === null || es === undefined) expect(Number.isNaN(sh[i])).toBe(true);
      else expect(sh[i]).toBeCloseTo(es, 9);
    });
  });
});
