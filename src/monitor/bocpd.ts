/**
 * Bayesian online change-point detection (Adams & MacKay 2007, arXiv 0710.3742) with a constant hazard H = 1/λ and a
 * Gaussian observation model of known variance σ² and unknown mean, prior mean ~ N(μ₀, τ²) (conjugate: the
 * predictive of a run with n observations summing to s is N(m, v + σ²), v = 1/(1/τ² + n/σ²), m = v(μ₀/τ² + s/σ²)).
 *
 * Run length rₜ = number of observations before xₜ in xₜ's segment (rₜ = 0: xₜ opens a new segment). The first
 * observation opens the first segment; each later one opens a new segment with probability H. After each update the
 * run-length posterior P(rₜ | x₁…ₜ) is exact (no pruning) — O(t) per update.
 * The alarm statistic is the posterior probability that a change happened within the last `window` observations
 * (rₜ < window, excluding the run that began with the first observation, which is no change); default window 21,
 * threshold 0.5, λ = 250 (one change a year a priori on daily data). Keel feeds it standardised daily ICs, so
 * μ₀ = 0, τ = 1, σ = 1 by default.
 * `bocpdUpdate` returns a new state; the previous one is never mutated.
 */
import { distanceResult, type DriftResult } from './types.ts';

export interface BocpdParams {
  readonly hazardLambda: number;
  readonly mu0: number;
  readonly tau: number;
  readonly sigma: number;
  readonly window: number;
  readonly threshold: number;
  /**
   * 'down': only runs whose observations average below μ₀ count towards the alarm (a change to a lower mean, i.e.
   * forecast-quality decay); 'both' (default) counts every recent run.
   */
  readonly direction: 'both' | 'down';
}

export const BOCPD_DEFAULTS: BocpdParams = {
  hazardLambda: 250,
  mu0: 0,
  tau: 1,
  sigma: 1,
  window: 21,
  threshold: 0.5,
  direction: 'both',
};

export interface BocpdState {
  /** Observations seen. */
  readonly t: number;
  /** P(rₜ = r | x₁…ₜ), r = 0…t−1. */
  readonly runLength: Float64Array;
  /** Count and sum of the observations of the run of each length (n = r + 1 after the update). */
  readonly sums: Float64Array;
  /** Log evidence log p(x₁…ₜ). */
  readonly logEvidence: number;
}

export const BOCPD_START: BocpdState = {
  t: 0,
  runLength: new Float64Array(0),
  sums: new Float64Array(0),
  logEvidence: 0,
};

export interface BocpdResult extends DriftResult {
  readonly state: BocpdState;
  /** Most probable run length. */
  readonly mapRunLength: number;
}

function logNormal(x: number, m: number, v: number): number {
  return -0.5 * (Math.log(2 * Math.PI * v) + ((x - m) * (x - m)) / v);
}

/** Log predictive density of x for a run of n observations summing to s. */
function logPredictive(x: number, n: number, s: number, p: BocpdParams): number {
  const s2 = p.sigma * p.sigma;
  const prec = 1 / (p.tau * p.tau) + n / s2;
  const v = 1 / prec;
  const m = v * (p.mu0 / (p.tau * p.tau) + s / s2);
  return logNormal(x, m, v + s2);
}

export function bocpdUpdate(state: BocpdState, x: number, params: Partial<BocpdParams> = {}): BocpdResult {
  const p = { ...BOCPD_DEFAULTS, ...params };
  const H = 1 / p.hazardLambda;
  const t = state.t + 1;
  const run = new Float64Array(t);
  const sums = new Float64Array(t);
  let logZ: number;
  if (t === 1) {
    run[0] = 1;
    sums[0] = x;
    logZ = logPredictive(x, 0, 0, p);
  } else {
    // Joint masses relative to a common scale (log-sum-exp through the max log predictive).
    const prev = state.runLength;
    const logPi = new Float64Array(t);
    logPi[0] = logPredictive(x, 0, 0, p);
    for (let r = 1; r < t; r++) logPi[r] = logPredictive(x, r, state.sums[r - 1]!, p);
    let mx = -Infinity;
    for (let r = 0; r < t; r++) mx = Math.max(mx, logPi[r]!);
    let cp = 0;
    let total = 0;
    for (let r = 1; r < t; r++) {
      const g = prev[r - 1]! * (1 - H) * Math.exp(logPi[r]! - mx);
      run[r] = g;
      total += g;
      sums[r] = state.sums[r - 1]! + x;
    }
    // A change before xₜ: every previous run length, times H, then xₜ under the prior predictive.
    for (let r = 0; r < t - 1; r++) cp += prev[r]!;
    run[0] = cp * H * Math.exp(logPi[0]! - mx);
    sums[0] = x;
    total += run[0]!;
    for (let r = 0; r < t; r++) run[r] = run[r]! / total;
    logZ = Math.log(total) + mx;
  }
  let recent = 0;
  let map = 0;
  for (let r = 0; r < t; r++) {
    if (r < p.window && r < t - 1 && (p.direction === 'both' || sums[r]! / (r + 1) < p.mu0)) recent += run[r]!;
    if (run[r]! > run[map]!) map = r;
  }
  const next: BocpdState = { t, runLength: run, sums, logEvidence: state.logEvidence + logZ };
  return { ...distanceResult(recent, p.threshold), state: next, mapRunLength: map };
}
