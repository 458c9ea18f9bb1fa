import { describe, expect, it } from 'vitest';
import { Matrix, createRng, isKeelError } from '../core/index.ts';
import {
  allocatorKinds,
  checkConstraints,
  efficientRisk,
  historicalCVaR,
  minCvarSolve,
  maxSharpe,
  minVariance,
  valueAtRisk,
  type ReturnDistribution,
} from './index.ts';

const assets = ['A', 'B', 'C'];
const cov = Matrix.fromRows([
  [0.04, 0.006, 0.002],
  [0.006, 0.09, 0.01],
  [0.002, 0.01, 0.16],
]);
const dist: ReturnDistribution = { assets, mu: Float64Array.from([0.05, 0.08, 0.12]), cov, riskFreeRate: 0.02 };

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isKeelError(e)) return e.message;
    throw e;
  }
  throw new Error('expected a KeelError');
}

describe('failure is a value: fallback chains', () => {
  it('max-Sharpe with every μ below rf falls back to min-variance and says why', () => {
    const low = { ...dist, mu: Float64Array.from([0.001, 0.005, 0.01]) };
    const a = allocatorKinds['max-sharpe'].create({}).allocate(low);
    expect(a.status).toBe('fallback');
    expect(a.trail[0]!.by).toBe('max-sharpe');
    expect(a.trail[0]!.outcome).toMatch(/risk-free rate 0.02/);
    expect(a.trail[1]).toEqual({ by: 'min-variance', outcome: 'ok' });
    expect(Array.from(a.weights)).toEqual(Array.from(minVariance(low)));
  });
  it('a non-PSD covariance: the optimiser reports it and the chain falls back to inverse-volatility', () => {
    const bad = {
      ...dist,
      cov: Matrix.fromRows([
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ]),
    };
    const a = allocatorKinds['max-sharpe'].create({}).allocate(bad);
    expect(a.status).toBe('fallback');
    expect(a.trail[0]!.outcome).toMatch(/not positive semidefinite/);
    expect(a.trail[1]!.outcome).toMatch(/not positive semidefinite/);
    expect(a.trail[2]).toEqual({ by: 'inverse-volatility', outcome: 'ok' });
    expect(a.weights.every((w) => Number.isFinite(w))).toBe(true);
  });
  it('an infeasible set fails every link: status failed, weights all zero (cash), never NaN', () => {
    const a = allocatorKinds['max-sharpe'].create({}).allocate(dist, { weightBounds: [0, 0.3] });
    expect(a.status).toBe('failed');
    expect(a.trail.map((t) => t.by)).toEqual(['max-sharpe', 'min-variance', 'inverse-volatility', 'equal-weight']);
    expect(a.trail[0]!.outcome).toMatch(/maximum weights sum to 0.9 < 1/);
    expect(Array.from(a.weights)).toEqual([0, 0, 0]);
  });
  it('fallback: [] disables the chain', () => {
    const low = { ...dist, mu: Float64Array.from([0.001, 0.005, 0.01]) };
    const a = allocatorKinds['max-sharpe'].create({ fallback: [] }).allocate(low);
    expect(a.status).toBe('failed');
    expect(a.trail).toHaveLength(1);
  });
  it('a volatility target below the minimum achievable falls back with the reason', () => {
    const a = allocatorKinds['efficient-risk'].create({ targetVolatility: 0.05 }).allocate(dist);
    expect(a.status).toBe('fallback');
    expect(a.trail[0]!.outcome).toMatch(/volatility target 0.05 is below the minimum achievable 0\.\d+/);
  });
  it('forecast-proportional: all-negative forecasts fall back; long-short normalises by Σ|r̂|', () => {
    const neg = { ...dist, mu: Float64Array.from([-0.01, -0.02, -0.03]) };
    expect(allocatorKinds['forecast-proportional'].create({}).allocate(neg).status).toBe('fallback');
    const mixed = { ...dist, mu: Float64Array.from([0.03, -0.01, 0.06]) };
    const lo = allocatorKinds['forecast-proportional'].create({}).allocate(mixed);
    expect(Array.from(lo.weights)).toEqual([1 / 3, 0, 2 / 3]);
    const ls = allocatorKinds['forecast-proportional']
      .create({ mode: 'long-short' })
      .allocate(mixed, { weightBounds: [-1, 1] });
    expect(ls.status).toBe('ok');
    expect(ls.weights[1]).toBeCloseTo(-0.1, 15);
    expect(ls.weights[2]).toBeCloseTo(0.6, 15);
  });
});

describe('constraints as data, re-checked after every solve', () => {
  it('group caps hold and are binding when they should be', () => {
    const c = { groups: [{ name: 'risky', assets: ['B', 'C'], max: 0.2 }] };
    const w = maxSharpe(dist, c);
    expect(w[1]! + w[2]!).toBeCloseTo(0.2, 12);
    expect(checkConstraints(w, dist, c)).toEqual([]);
  });
  it('conflicting groups are named', () => {
    const c = {
      groups: [
        { name: 'a', assets: ['A'], min: 0.7 },
        { name: 'bc', assets: ['B', 'C'], min: 0.5 },
      ],
    };
    expect(message(() => minVariance(dist, c))).toMatch(/constraints conflict: group "(a|bc)"/);
  });
  it('maximum volatility caps max-Sharpe at the cap (exact: efficient-risk at the cap)', () => {
    const a = allocatorKinds['max-sharpe'].create({}).allocate(dist, { maxVolatility: 0.18 });
    expect(a.status).toBe('ok');
    expect(a.diagnostics['volatility']).toBeCloseTo(0.18, 10);
  });
  it('per-asset bounds and market-neutral', () => {
    const c = {
      weightBounds: [-1, 1] as [number, number],
      marketNeutral: true,
      assetBounds: { C: [-0.2, 0.5] as [number, number] },
    };
    const w = efficientRisk(dist, 0.15, c);
    expect(Math.abs(w[0]! + w[1]! + w[2]!)).toBeLessThan(1e-12);
    expect(w[2]!).toBeLessThanOrEqual(0.5 + 1e-12);
    expect(checkConstraints(w, dist, c)).toEqual([]);
  });
  it('turnover cap against previous weights binds exactly; zero cost and a loose cap change nothing', () => {
    const prev = { ...dist, previousWeights: Float64Array.from([1, 0, 0]) };
    const free = minVariance(prev);
    const capped = minVariance(prev, { maxTurnover: 0.2 });
    const turnover = capped.reduce((t, w, i) => t + Math.abs(w - prev.previousWeights[i]!), 0);
    expect(turnover).toBeCloseTo(0.2, 9);
    const loose = minVariance(prev, { maxTurnover: 5, transactionCost: 0 });
    loose.forEach((w, i) => expect(w).toBeCloseTo(free[i]!, 7));
    expect(checkConstraints(capped, prev, { maxTurnover: 0.2 })).toEqual([]);
  });
  it('a parametric VaR cap moves max-Sharpe down the frontier until the cap binds', () => {
    const a = allocatorKinds['max-sharpe']
      .create({})
      .allocate(dist, { maxVaR: { level: 0.95, max: 0.018, method: 'parametric' } });
    expect(a.status, JSON.stringify(a.trail)).toBe('ok');
    expect(valueAtRisk(a.weights, dist, 0.95, 'parametric')).toBeCloseTo(0.018, 9);
  });
  it('historical CVaR cap: efficient-cvar maximises return with CVaR(0.95) ≤ cap exactly (LP), min-cvar honours it', () => {
    const rng = createRng(5);
    const T = 300;
    const sc = new Matrix(
      T,
      3,
      Float64Array.from({ length: T * 3 }, (_, k) => 0.0002 * (1 + (k % 3)) + 0.01 * (1 + (k % 3)) * rng.normal()),
    );
    const d = { ...dist, scenarios: sc };
    const minC = minCvarSolve(d, { beta: 0.95 });
    const cap = minC.cvar * 1.2;
    const c = { maxCVaR: { level: 0.95, max: cap } };
    const a = allocatorKinds['efficient-cvar'].create({}).allocate(d, c);
    expect(a.status, JSON.stringify(a.trail)).toBe('ok');
    expect(historicalCVaR(a.weights, d, 0.95)).toBeCloseTo(cap, 9);
    const tooTight = allocatorKinds['efficient-cvar']
      .create({})
      .allocate(d, { maxCVaR: { level: 0.95, max: minC.cvar * 0.5 } });
    expect(tooTight.status).not.toBe('ok');
    expect(tooTight.trail[0]!.outcome).toMatch(/may be below the minimum CVaR/);
  });
  it('max holdings is enforced', () => {
    const a = allocatorKinds['min-variance'].create({}).allocate(dist, { maxHoldings: 2 });
    expect(a.status).toBe('ok');
    expect(Array.from(a.weights).filter((v) => v > 1e-6)).toHaveLength(2);
  });
});

describe('bad input gives one-line errors naming the problem', () => {
  it('non-square, asymmetric, NaN μ, mismatched assets, lo > hi, unknown group asset', () => {
    expect(message(() => minVariance({ ...dist, cov: new Matrix(3, 2) }))).toMatch(/must be square, got 3 × 2/);
    const asym = cov.clone();
    asym.set(0, 1, 0.5);
    expect(message(() => minVariance({ ...dist, cov: asym }))).toMatch(/not symmetric: \[A, B\]/);
    expect(message(() => minVariance({ ...dist, mu: Float64Array.from([0.1, NaN, 0.1]) }))).toMatch(
      /expected return of B is NaN/,
    );
    expect(message(() => minVariance({ ...dist, assets: ['A', 'B'] }))).toMatch(
      /mu has 3 values but there are 2 assets/,
    );
    expect(message(() => minVariance(dist, { weightBounds: [0.5, 0.2] }))).toMatch(
      /lower bound must not exceed the upper bound/,
    );
    expect(message(() => minVariance(dist, { groups: [{ name: 'g', assets: ['Z'], max: 0.5 }] }))).toMatch(
      /group "g" names unknown asset "Z"/,
    );
    expect(message(() => minVariance(dist, { weightBounds: [0, 0.3] }))).toMatch(/the maximum weights sum to 0.9 < 1/);
  });
  it('a non-PSD covariance is rejected by Cholesky-based optimisers or repaired and reported by risk models', async () => {
    const { repairCovariance } = await import('../risk/index.ts');
    const bad = Matrix.fromRows([
      [1, 2],
      [2, 1],
    ]);
    const r = repairCovariance(bad);
    expect(r.repaired).toBe(true);
    expect(r.minEigenvalueBefore).toBeCloseTo(-1, 12);
  });
});
