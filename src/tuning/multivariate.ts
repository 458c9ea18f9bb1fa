/**
 * Multivariate TPE (optuna's `multivariate=True`, after Falkner, Klein & Hutter 2018, BOHB): l and g are joint
 * mixtures whose component i is the product, over parameters, of kernels centred on observation i (plus the prior
 * product). One component is picked per candidate and every parameter drawn from it, so dependencies between
 * parameters (Branin's curved valley) are kept. Bandwidths: Scott-like, σ = 0.2·n^(−1/(d+4))·range for every
 * observation (n observations in the group, d parameters), clipped as in the univariate estimator; prior σ = range.
 */
import type { Rng } from '../core/index.ts';
import {
  categoricalRows,
  logKernelNumeric,
  mixtureWeights,
  numericParzen,
  pick,
  sampleKernelNumeric,
} from './parzen.ts';
import type { NumericParzen, ParzenOptions } from './parzen.ts';
import type { Choice, Params, SearchSpace } from './space.ts';
import type { Trial } from './trial.ts';
import { numericScale } from './scale.ts';
import type { Scale } from './scale.ts';

type Axis =
  | { readonly kind: 'numeric'; readonly scale: Scale; readonly pe: NumericParzen }
  | { readonly kind: 'categorical'; readonly choices: readonly Choice[]; readonly rows: Float64Array[] };

interface Joint {
  readonly logW: Float64Array;
  readonly weights: Float64Array;
  readonly axes: Axis[];
}

function fitJoint(space: SearchSpace, names: string[], group: Trial[], o: ParzenOptions): Joint {
  const n = group.length;
  const shared = 0.2 * Math.max(n, 1) ** (-1 / (names.length + 4));
  const weights = mixtureWeights(n, o.priorWeight);
  const axes: Axis[] = names.map((name) => {
    const p = space[name]!;
    if (p.kind === 'categorical') {
      const obs = group.map((t) => p.choices.indexOf(t.params[name]!));
      return { kind: 'categorical', choices: p.choices, rows: categoricalRows(obs, p.choices.length, o) };
    }
    const scale = numericScale(p);
    const obs = group.map((t) => scale.toInternal(t.params[name] as number));
    return { kind: 'numeric', scale, pe: numericParzen(obs, scale.low, scale.high, scale.q, o, shared) };
  });
  return { logW: weights.map(Math.log), weights, axes };
}

/** log of the joint mixture at internal point x (categoricals as indices). */
function logPdfJoint(j: Joint, x: Float64Array): number {
  const k = j.weights.length;
  const terms = new Float64Array(k);
  let max = -Infinity;
  for (let i = 0; i < k; i++) {
    let t = j.logW[i]!;
    j.axes.forEach((a, d) => {
      t += a.kind === 'numeric' ? logKernelNumeric(a.pe, i, x[d]!) : Math.log(a.rows[i]![x[d]!]!);
    });
    terms[i] = t;
    if (t > max) max = t;
  }
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.exp(terms[i]! - max);
  return max + Math.log(s);
}

export function multivariateSample(
  space: SearchSpace,
  below: Trial[],
  above: Trial[],
  o: ParzenOptions & { readonly nEiCandidates: number },
  rng: Rng,
): Params {
  const names = Object.keys(space);
  const l = fitJoint(space, names, below, o);
  const g = fitJoint(space, names, above, o);
  let best: Choice[] = [];
  let bestScore = -Infinity;
  const x = new Float64Array(names.length);
  for (let c = 0; c < o.nEiCandidates; c++) {
    const i = pick(l.weights, rng.uniform());
    const values: Choice[] = l.axes.map((a, d) => {
      if (a.kind === 'categorical') {
        const idx = pick(a.rows[i]!, rng.uniform());
        x[d] = idx;
        return a.choices[idx]!;
      }
      const v = a.scale.fromInternal(sampleKernelNumeric(a.pe, i, rng));
      x[d] = a.scale.toInternal(v);
      return v;
    });
    const score = logPdfJoint(l, x) - logPdfJoint(g, x);
    if (c === 0 || score > bestScore) [best, bestScore] = [values, score];
  }
  const out: Record<string, Choice> = {};
  names.forEach((n, d) => (out[n] = best[d]!));
  return Object.freeze(out);
}
