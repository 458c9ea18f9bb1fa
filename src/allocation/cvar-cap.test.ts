/**
 * Historical CVaR caps inside the QP allocators (cutting planes) and the scenario LPs (Rockafellar–Uryasev rows),
 * checked against the full RU programme solved as one QP over [w, α, u] (no cuts: HiGHS' own QP would be the
 * independent oracle, but it errors on this programme — 'HiGHS error -1' with more than a few scenario rows), and
 * the historical VaR cap's convex fallback.
 */
import { describe, expect, it } from 'vitest';
import { Matrix } from '../core/index.ts';
import { markPositiveSemidefinite } from '../risk/index.ts';
import {
  allocatorKinds,
  historicalCVaR,
  minCvarSolve,
  minVariance,
  portfolioVariance,
  valueAtRisk,
  type ReturnDistribution,
} from './index.ts';
import { solveQpActiveSet, type QpRow } from './solvers/activeSetQp.ts';
import { feasiblePoint } from './solvers/feasible.ts';

/** T × n daily returns with distinct vols, a common factor and fat-ish tails; deterministic (LCG). */
function distribution(T = 120, n = 5, seed = 9): ReturnDistribution & { scenarios: Matrix } {
  let s = seed >>> 0;
  const u = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  const vol = [0.006, 0.01, 0.014, 0.02, 0.008].slice(0, n);
  const R = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    const f = u() * (t % 17 === 0 ? 4 : 1);
    for (let i = 0; i < n; i++) R[t * n + i] = 0.0003 * (i + 1) + vol[i]! * (2 * f * (i % 2 ? 1 : 0.5) + 2 * u());
  }
  const mu = new Float64Array(n);
  for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) mu[i] = mu[i]! + (R[t * n + i]! * 252) / T;
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let c = 0;
      for (let t = 0; t < T; t++) c += (R[t * n + i]! - mu[i]! / 252) * (R[t * n + j]! - mu[j]! / 252);
      cov[i * n + j] = (c / (T - 1)) * 252;
    }
  return {
    assets: Array.from({ length: n }, (_, i) => `A${i}`),
    mu,
    cov: markPositiveSemidefinite(new Matrix(n, n, cov)),
    scenarios: new Matrix(T, n, R),
    riskFreeRate: 0,
  };
}

/**
 * min wᵀΣw s.t. CVaR_β ≤ cap as ONE QP over [w, α, u] (the full Rockafellar–Uryasev programme: u_t ≥ −r_tᵀw − α,
 * u ≥ 0, α + Σu/((1−β)T) ≤ cap), solved by the active-set QP with a 1e-12 ridge on α and u so the Hessian is
 * definite. A different formulation from the cutting planes under test (no cuts, no loop), so it checks them.
 */
function liftedMinVarianceWithCvarCap(d: ReturnDistribution & { scenarios: Matrix }, level: number, cap: number) {
  const n = d.assets.length;
  const T = d.scenarios.rows;
  const N = n + 1 + T;
  const P = new Float64Array(N * N);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * N + j] = 2 * d.cov.data[i * n + j]!;
  for (let k = n; k < N; k++) P[k * N + k] = 1e-12;
  const lb = new Float64Array(N);
  const ub = new Float64Array(N).fill(Infinity);
  ub.fill(1, 0, n);
  lb[n] = -Infinity;
  const rows: QpRow[] = [];
  const budget = new Float64Array(N).fill(1, 0, n);
  rows.push({ a: budget, lo: 1, hi: 1, name: 'budget' });
  const capRow = new Float64Array(N);
  capRow[n] = 1;
  for (let t = 0; t < T; t++) capRow[n + 1 + t] = 1 / ((1 - level) * T);
  rows.push({ a: capRow, lo: -Infinity, hi: cap, name: 'cap' });
  for (let t = 0; t < T; t++) {
    const a = new Float64Array(N);
    for (let i = 0; i < n; i++) a[i] = d.scenarios.data[t * n + i]!;
    a[n] = 1;
    a[n + 1 + t] = 1;
    rows.push({ a, lo: 0, hi: Infinity, name: `s${t}` });
  }
  const x0 = feasiblePoint(lb, ub, null, rows, []);
  const res = solveQpActiveSet({ n: N, P, q: new Float64Array(N), lb, ub, rows }, x0, { maxIterations: 20_000 });
  expect(res.status).toBe('optimal');
  return res.x.slice(0, n);
}

describe('historical CVaR caps are optimised', () => {
  const d = distribution(60);
  const level = 0.95;
  const free = minVariance(d);
  const least = minCvarSolve(d, { beta: level }).cvar;
  const cap = least + 0.4 * (historicalCVaR(free, d, level) - least);
  // the same scenarios with μ lifted by 30 % a year, so return-seeking kinds have a positive excess return to seek
  const up = { ...d, mu: d.mu.map((m) => m + 0.3) };

  it('min-variance under maxCVaR matches the full Rockafellar–Uryasev QP over [w, α, u]', () => {
    expect(historicalCVaR(free, d, level)).toBeGreaterThan(cap); // the cap must bind, or the test says nothing
    const a = allocatorKinds['min-variance'].create({}).allocate(d, { maxCVaR: { level, max: cap } });
    expect(a.status).toBe('ok');
    const oracle = liftedMinVarianceWithCvarCap(d, level, cap);
    // Both are exact active-set solutions; the oracle's 1e-12 ridge on α, u moves its weights by ~1e-9 at most,
    // so 1e-7 on weights and 1e-9 relative on the variance leave room for rounding only.
    const vOurs = portfolioVariance(a.weights, d.cov);
    const vOracle = portfolioVariance(oracle, d.cov);
    expect(Math.abs(vOurs - vOracle)).toBeLessThan(1e-9 * vOracle);
    a.weights.forEach((w, i) => expect(Math.abs(w - oracle[i]!)).toBeLessThan(1e-7));
    expect(historicalCVaR(a.weights, d, level)).toBeLessThanOrEqual(cap + 1e-10);
    expect(historicalCVaR(a.weights, d, level)).toBeGreaterThan(cap - 1e-8); // active at the optimum
  });

  it('return-seeking kinds meet the cap (max-sharpe, max-quadratic-utility) and min-cdar / min-cvar carry it as LP rows', () => {
    for (const kind of ['max-sharpe', 'max-quadratic-utility', 'min-cdar'] as const) {
      const a = (allocatorKinds[kind].create as (p: object) => ReturnType<(typeof allocatorKinds)['hrp']['create']>)(
        {},
      ).allocate(up, { maxCVaR: { level, max: cap } });
      expect(a.status, `${kind}: ${JSON.stringify(a.trail)}`).toBe('ok');
      expect(historicalCVaR(a.weights, d, level)).toBeLessThanOrEqual(cap + 1e-9);
    }
    // a cap at another level than min-cvar's own β is its own RU block now (it was only re-checked before)
    const c90 = allocatorKinds['min-cvar'].create({ beta: 0.9 }).allocate(d, { maxCVaR: { level, max: cap } });
    expect(c90.status).toBe('ok');
    expect(historicalCVaR(c90.weights, d, level)).toBeLessThanOrEqual(cap + 1e-9);
  });

  it('a cap below the least reachable CVaR is refused with the arithmetic', () => {
    const a = allocatorKinds['min-variance']
      .create({ fallback: [] })
      .allocate(d, { maxCVaR: { level, max: least * 0.9 } });
    expect(a.status).toBe('failed');
    expect(a.trail[0]!.outcome).toMatch(
      /least historical CVaR\(0\.95\) any portfolio reaches under these constraints is/,
    );
  });

  it('a historical VaR cap is not optimised (not convex): the chain falls back to the CVaR cap that implies it', () => {
    const ms = allocatorKinds['max-sharpe'].create({});
    // μ favouring the most volatile asset: the max-Sharpe answer is risky, with VaR above the least reachable CVaR
    const risky = { ...d, mu: Float64Array.from([0.05, 0.05, 0.05, 0.6, 0.05]) };
    const vfree = valueAtRisk(ms.allocate(risky, {}).weights, d, level, 'historical');
    // a cap the max-Sharpe answer breaks but the CVaR bound can meet (the least CVaR is below it)
    const vcap = 0.5 * (vfree + least);
    expect(vfree).toBeGreaterThan(vcap);
    const a = ms.allocate(risky, { maxVaR: { level, max: vcap, method: 'historical' } });
    expect(a.status).toBe('fallback');
    expect(a.trail[0]!.outcome).toContain('not convex');
    expect(a.trail[1]!.by).toBe('max-sharpe under CVaR ≤ maxVaR');
    expect(a.trail[1]!.outcome).toBe('ok');
    expect(valueAtRisk(a.weights, d, level, 'historical')).toBeLessThanOrEqual(vcap + 1e-10);
    expect(historicalCVaR(a.weights, d, level)).toBeLessThanOrEqual(vcap + 1e-10);
    // the link only appears when a historical VaR cap is there
    expect(ms.allocate(risky, {}).trail.map((x) => x.by)).toEqual(['max-sharpe']);
  });

  it('min-cvar and min-cdar honour maxTurnover and transaction costs against the previous weights', () => {
    const prev = new Float64Array(d.assets.length).fill(1 / d.assets.length);
    const withPrev = { ...d, previousWeights: prev };
    for (const kind of ['min-cvar', 'min-cdar'] as const) {
      const a = allocatorKinds[kind].create({ fallback: [] }).allocate(withPrev, { maxTurnover: 0.1 });
      expect(a.status, kind).toBe('ok');
      let t = 0;
      a.weights.forEach((w, i) => (t += Math.abs(w - prev[i]!)));
      expect(t).toBeLessThanOrEqual(0.1 + 1e-9);
    }
  });
});
