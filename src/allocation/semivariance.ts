/**
 * Mean–semivariance optimisation (Estrada 2008; PyPortfolioOpt `EfficientSemivariance`) over return scenarios:
 * semivariance(w) = f/T · Σ_t min(r_tᵀw − b, 0)² with T scenarios and f periods a year. For a fixed downside set
 * D = {t : r_tᵀw < b} it is the quadratic wᵀS_D w with S_D = f/T · Σ_{t∈D} (r_t − b)(r_t − b)ᵀ, so the exact
 * optimum is found by solving the QP for S_D, recomputing D at the answer, and repeating until D no longer changes
 * (then the answer satisfies the KKT conditions of the piecewise-quadratic problem exactly).
 */
import { Matrix, dataError, numericError } from '../core/index.ts';
import { markPositiveSemidefinite } from '../risk/index.ts';
import { infeasible, round, type Constraints } from './constraints.ts';
import { efficientReturn, maxAchievableReturn, minVariance } from './mean-variance.ts';
import type { ReturnDistribution } from './types.ts';

export interface SemivarianceOptions {
  /** Per-period benchmark return (default 0). */
  readonly benchmark?: number;
  /** Periods per year of the scenarios (default 252). */
  readonly frequency?: number;
  /** Minimum expected return (annualised); omit for the minimum-semivariance portfolio. */
  readonly targetReturn?: number;
  /**
   * Instead: maximise the expected return with annualised semideviation ≤ this (PyPortfolioOpt `efficient_risk`).
   * Solved by a safeguarded secant search on the target return (semideviation rises along the frontier).
   */
  readonly targetSemideviation?: number;
}

/** Annualised semideviation √(f/T · Σ min(r_tᵀw − b, 0)²). */
export function semideviation(w: ArrayLike<number>, scenarios: Matrix, benchmark = 0, frequency = 252): number {
  const T = scenarios.rows;
  const n = scenarios.cols;
  let s = 0;
  for (let t = 0; t < T; t++) {
    let r = -benchmark;
    for (let i = 0; i < n; i++) r += scenarios.data[t * n + i]! * w[i]!;
    if (r < 0) s += r * r;
  }
  return Math.sqrt((s / T) * frequency);
}

export function efficientSemivariance(
  dist: ReturnDistribution,
  options: SemivarianceOptions = {},
  c: Constraints = {},
): Float64Array {
  if (options.targetSemideviation !== undefined) return semivarianceRisk(dist, options, options.targetSemideviation, c);
  const S = dist.scenarios;
  if (!S)
    throw dataError(
      'semivariance optimisation needs scenarios (nScenarios × nAssets returns) in the return distribution.',
    );
  const n = dist.assets.length;
  if (S.cols !== n) throw dataError(`scenarios have ${S.cols} columns but there are ${n} assets.`);
  const b = options.benchmark ?? 0;
  const f = options.frequency ?? 252;
  const T = S.rows;
  const solveFor = (down: Uint8Array): Float64Array => {
    const M = new Float64Array(n * n);
    for (let t = 0; t < T; t++) {
      if (!down[t]) continue;
      const off = t * n;
      for (let i = 0; i < n; i++) {
        const ri = S.data[off + i]! - b;
        if (ri === 0) continue;
        for (let j = 0; j < n; j++) M[i * n + j] = M[i * n + j]! + ri * (S.data[off + j]! - b);
      }
    }
    for (let k = 0; k < n * n; k++) M[k] = (M[k]! * f) / T;
    const d = { ...dist, cov: markPositiveSemidefinite(new Matrix(n, n, M)) };
    return options.targetReturn === undefined ? minVariance(d, c) : efficientReturn(d, options.targetReturn, c);
  };
  const downsideOf = (w: Float64Array): Uint8Array => {
    const out = new Uint8Array(T);
    for (let t = 0; t < T; t++) {
      let r = -b;
      for (let i = 0; i < n; i++) r += S.data[t * n + i]! * w[i]!;
      out[t] = r < 0 ? 1 : 0;
    }
    return out;
  };
  // start from the downside set of equal weights
  let down = downsideOf(new Float64Array(n).fill(1 / n));
  let best: Float64Array | null = null;
  let bestValue = Infinity;
  for (let it = 0; it < 100; it++) {
    const w = solveFor(down);
    const value = semideviation(w, S, b, f);
    if (value < bestValue - 1e-15) {
      bestValue = value;
      best = w;
    }
    const next = downsideOf(w);
    let same = true;
    for (let t = 0; t < T; t++) if (next[t] !== down[t]) same = false;
    if (same) return w;
    down = next;
  }
  if (best) return best;
  throw numericError('the semivariance iteration did not settle on a downside set.');
}

function semivarianceRisk(
  dist: ReturnDistribution,
  options: SemivarianceOptions,
  target: number,
  c: Constraints,
): Float64Array {
  if (!(target > 0)) throw dataError(`targetSemideviation must be > 0 (annualised), got ${target}.`);
  const S = dist.scenarios;
  if (!S)
    throw dataError(
      'semivariance optimisation needs scenarios (nScenarios × nAssets returns) in the return distribution.',
    );
  const b = options.benchmark ?? 0;
  const f = options.frequency ?? 252;
  const base = { benchmark: b, frequency: f };
  const ret = (w: Float64Array): number => w.reduce((a, x, i) => a + x * dist.mu[i]!, 0);
  const sd = (w: Float64Array): number => semideviation(w, S, b, f);
  const top = maxAchievableReturn(dist, c).weights;
  if (sd(top) <= target) return top;
  const low = efficientSemivariance(dist, base, c);
  if (sd(low) > target * (1 + 1e-12)) {
    throw infeasible(
      `semideviation target ${target} is below the minimum achievable ${round(sd(low))} under these constraints. Raise the target.`,
    );
  }
  let a = ret(low);
  let fa = sd(low) - target;
  let wa = low;
  let bR = ret(top);
  let fb = sd(top) - target;
  let side = 0;
  for (let it = 0; it < 100 && bR - a > 1e-12 * Math.max(1, Math.abs(bR)); it++) {
    const m = (a * fb - bR * fa) / (fb - fa);
    const r = m > a && m < bR ? m : 0.5 * (a + bR);
    const w = efficientSemivariance(dist, { ...base, targetReturn: r }, c);
    const fr = sd(w) - target;
    if (Math.abs(fr) <= 1e-12 * target) return w;
    if (fr < 0) {
      a = r;
      fa = fr;
      wa = w;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      bR = r;
      fb = fr;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return wa;
}
