/**
 * Allocators that need no optimiser: equal weight, inverse volatility, a fixed strategic mix, forecast-proportional
 * and volatility targeting. Each returns weights summing to the budget (1, or 0 when market-neutral) except
 * volatility targeting, which leaves the rest in cash.
 */
import { dataError } from '../core/index.ts';
import { compileBounds, infeasible, type Constraints } from './constraints.ts';
import { portfolioVariance } from './performance.ts';
import type { ReturnDistribution } from './types.ts';

export function equalWeight(dist: ReturnDistribution, c: Constraints = {}): Float64Array {
  const { budget } = compileBounds(dist.assets, c);
  return new Float64Array(dist.assets.length).fill(budget / dist.assets.length);
}

/** w_i ∝ 1/σ_i (σ from the covariance diagonal). */
export function inverseVolatility(dist: ReturnDistribution, c: Constraints = {}): Float64Array {
  const n = dist.assets.length;
  const { budget } = compileBounds(dist.assets, c);
  if (budget === 0) throw infeasible('inverse-volatility is long-only and cannot be market-neutral.');
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = dist.cov.data[i * n + i]!;
    if (!(v > 0))
      throw dataError(`variance of ${dist.assets[i]} is ${v}; inverse-volatility needs every variance > 0.`);
    w[i] = 1 / Math.sqrt(v);
    s += w[i]!;
  }
  for (let i = 0; i < n; i++) w[i] = w[i]! / s;
  return w;
}

/** A strategic mix such as 60/30/10: target weights by asset id; unnamed assets get 0. */
export function fixedMix(targets: Readonly<Record<string, number>>): (dist: ReturnDistribution) => Float64Array {
  let s = 0;
  for (const [id, v] of Object.entries(targets)) {
    if (!Number.isFinite(v)) throw dataError(`fixed-mix weight of ${id} is ${v}; weights must be finite.`);
    s += v;
  }
  if (Math.abs(s - 1) > 1e-9)
    throw dataError(`fixed-mix weights sum to ${s}; they must sum to 1 (name a cash asset for the rest).`);
  return (dist) => {
    const w = new Float64Array(dist.assets.length);
    for (const [id, v] of Object.entries(targets)) {
      const i = dist.assets.indexOf(id);
      if (i < 0)
        throw dataError(
          `fixed-mix names "${id}", which is not among the assets (${dist.assets.slice(0, 8).join(', ')}…).`,
        );
      w[i] = v;
    }
    return w;
  };
}

/**
 * Forecast-proportional weights w_i = r̂_i / Σ r̂_j, with the negative cases made explicit:
 *  - 'long-only' (default): negative forecasts are clipped to 0 first; if none is positive it fails (→ fallback).
 *  - 'long-short': w_i = r̂_i / Σ|r̂_j| (gross exposure 1; net exposure may be anything in [−1, 1]).
 * The naive r̂_i / Σ r̂_j is never used: with mixed signs its denominator can be ~0 and explode.
 */
export function forecastProportional(mode: 'long-only' | 'long-short' = 'long-only') {
  return (dist: ReturnDistribution): Float64Array => {
    const n = dist.assets.length;
    const w = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const f = dist.mu[i]!;
      const v = mode === 'long-only' ? Math.max(f, 0) : f;
      w[i] = v;
      s += Math.abs(v);
    }
    if (!(s > 0)) {
      throw infeasible(
        `every forecast is ≤ 0, so long-only forecast-proportional weights are undefined. Use mode: long-short or a fallback.`,
      );
    }
    for (let i = 0; i < n; i++) w[i] = w[i]! / s;
    return w;
  };
}

/**
 * Volatility targeting: scale base weights w by k = min(target/σ(w), leverageCap); 1 − kΣw stays in cash.
 * Annualised volatility target, e.g. 0.10.
 */
export function volatilityTarget(
  base: (dist: ReturnDistribution, c: Constraints) => Float64Array,
  target: number,
  leverageCap = 1,
): (dist: ReturnDistribution, c: Constraints) => Float64Array {
  if (!(target > 0))
    throw dataError(`volatility target must be > 0 (annualised), got ${target}. Use 0.1 for 10 % a year.`);
  if (!(leverageCap > 0)) throw dataError(`leverageCap must be > 0, got ${leverageCap}.`);
  return (dist, c) => {
    const w = base(dist, c);
    const vol = Math.sqrt(portfolioVariance(w, dist.cov));
    const k = vol > 0 ? Math.min(target / vol, leverageCap) : leverageCap;
    return w.map((v) => v * k);
  };
}
