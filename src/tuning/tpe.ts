/**
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011, "Algorithms for Hyper-Parameter
 * Optimization", §4), independent per parameter as optuna's default TPESampler (v3.1):
 * 1. The first `nStartupTrials` (10) completed trials are drawn uniformly at random.
 * 2. Completed trials are ranked by loss (value, negated when maximising); the best γ(n) = min(⌈0.1·n⌉, 25) form the
 *    "good" group (l(x)), the others the "bad" group (g(x)) (optuna’s default γ).
 *    Failed trials join the bad group (so TPE moves away from where the objective breaks; optuna ignores them).
 * 3. For each parameter, l and g are Parzen estimators (parzen.ts) in internal units: log(x) for log-scale
 *    parameters, the value widened by ±step/2 for ints; `nEiCandidates` (24) draws from l, and the one with the
 *    largest log l(x) − log g(x) (the EI maximiser, since EI ∝ (γ + g/l·(1 − γ))⁻¹) is proposed, rounded for ints.
 * Parameters are modelled independently by default (as optuna); `multivariate: true` uses joint kernels
 * (multivariate.ts).
 *
 * Scoring (`bandwidthWeighted`, default true): the continuous kernels in log l − log g are evaluated without their
 * 1/σ factor, exactly as optuna 3.1–3.4 did (issue #5109; optuna ≥ 3.5 uses the true density), which amounts to
 * weighting kernel i by w_i·σ_i: isolated observations (wide kernels) count more than clustered ones, so the score
 * is smoother. On bench/tpe.bench.ts's objectives over 100 seeds it lowered the median best value against the true
 * density (`bandwidthWeighted: false`, Bergstra et al.'s / hyperopt's l and g) by 34–51 %: noisy quadratic
 * 1.57 → 0.80 (50 trials) and 0.73 → 0.41 (100); Branin regret 0.256 → 0.168 and 0.067 → 0.033. Sampling from l is
 * the same either way.
 */
import type { Rng } from '../core/index.ts';
import type { ParzenOptions } from './parzen.ts';
import { categoricalParzen, logPdfNumeric, numericParzen, sampleCategorical, sampleNumeric } from './parzen.ts';
import { randomPoint } from './uniform.ts';
import { multivariateSample } from './multivariate.ts';
import { numericScale } from './scale.ts';
import type { Direction, Trial } from './trial.ts';
import type { Choice, ParamSpec, Params, SearchSpace } from './space.ts';

export interface TpeOptions {
  /** Completed trials drawn at random before TPE starts (optuna: 10). */
  readonly nStartupTrials: number;
  /** Candidates drawn from l(x) per parameter (optuna: 24). */
  readonly nEiCandidates: number;
  /** γ(n) = min(⌈gammaFraction·n⌉, gammaMax): size of the good group (optuna: 0.1, 25). */
  readonly gammaFraction: number;
  readonly gammaMax: number;
  /** Weight of the prior component relative to one observation (optuna: 1). */
  readonly priorWeight: number;
  /** Score continuous kernels weighted by their bandwidth (optuna 3.1–3.4 behaviour; see parzen.ts). */
  readonly bandwidthWeighted: boolean;
  /** Joint kernels over all parameters (multivariate.ts) instead of one estimator per parameter. */
  readonly multivariate: boolean;
}

export const tpeDefaults: TpeOptions = Object.freeze({
  nStartupTrials: 10,
  nEiCandidates: 24,
  gammaFraction: 0.1,
  gammaMax: 25,
  priorWeight: 1,
  bandwidthWeighted: true,
  multivariate: false,
});

/** Size of the good group for n completed trials. */
export function gammaCount(n: number, o: Pick<TpeOptions, 'gammaFraction' | 'gammaMax'> = tpeDefaults): number {
  return Math.min(Math.ceil(o.gammaFraction * n), o.gammaMax);
}

/** Split completed (and failed) trials into the good and bad groups, each oldest first. */
export function splitTrials(
  trials: readonly Trial[],
  direction: Direction,
  o: Pick<TpeOptions, 'gammaFraction' | 'gammaMax'> = tpeDefaults,
): { below: Trial[]; above: Trial[] } {
  const done = trials.filter((t) => t.state === 'complete');
  const sign = direction === 'minimize' ? 1 : -1;
  const ranked = done.map((t, i) => i).sort((i, j) => sign * done[i]!.value! - sign * done[j]!.value! || i - j);
  const good = new Set(ranked.slice(0, gammaCount(done.length, o)).map((i) => done[i]!));
  const below = done.filter((t) => good.has(t));
  const above = trials.filter((t) => t.state === 'failed' || (t.state === 'complete' && !good.has(t)));
  return { below, above };
}

/** A fitted Parzen estimator of one parameter, in its external units. */
export interface ParamEstimator {
  /** log density (log-scale parameters: with respect to log x; ints and categoricals: log probability). */
  logPdf(value: Choice): number;
  sample(rng: Rng): Choice;
}

/** Fit l(x) or g(x) of one parameter from the values it took in a group of trials (oldest first). */
export function paramEstimator(p: ParamSpec, values: readonly Choice[], o: ParzenOptions): ParamEstimator {
  if (p.kind === 'categorical') {
    const probs = categoricalParzen(
      values.map((v) => p.choices.indexOf(v)),
      p.choices.length,
      o,
    );
    return {
      logPdf: (v) => Math.log(probs[p.choices.indexOf(v)]!),
      sample: (rng) => p.choices[sampleCategorical(probs, rng)]!,
    };
  }
  const sc = numericScale(p);
  const pe = numericParzen(
    values.map((v) => sc.toInternal(v as number)),
    sc.low,
    sc.high,
    sc.q,
    o,
  );
  return {
    logPdf: (v) => logPdfNumeric(pe, sc.toInternal(v as number)),
    sample: (rng) => sc.fromInternal(sampleNumeric(pe, rng)),
  };
}

function sampleParam(p: ParamSpec, name: string, below: Trial[], above: Trial[], o: TpeOptions, rng: Rng): Choice {
  const l = paramEstimator(
    p,
    below.map((t) => t.params[name]!),
    o,
  );
  const g = paramEstimator(
    p,
    above.map((t) => t.params[name]!),
    o,
  );
  let best: Choice = l.sample(rng);
  let bestScore = l.logPdf(best) - g.logPdf(best);
  for (let i = 1; i < o.nEiCandidates; i++) {
    const c = l.sample(rng);
    const score = l.logPdf(c) - g.logPdf(c);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

/** The next TPE proposal given every trial so far (oldest first). Consumes `rng`. */
export function tpeSample(
  space: SearchSpace,
  trials: readonly Trial[],
  direction: Direction,
  o: TpeOptions,
  rng: Rng,
): Params {
  const nDone = trials.reduce((n, t) => n + (t.state === 'complete' ? 1 : 0), 0);
  if (nDone < o.nStartupTrials) return randomPoint(space, rng);
  const { below, above } = splitTrials(trials, direction, o);
  if (o.multivariate) return multivariateSample(space, below, above, o, rng);
  const out: Record<string, Choice> = {};
  for (const name of Object.keys(space)) out[name] = sampleParam(space[name]!, name, below, above, o, rng);
  return Object.freeze(out);
}
