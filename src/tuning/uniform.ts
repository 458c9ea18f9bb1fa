/** Uniform draws over a search space (the random sampler and TPE's start-up trials). */
import type { Rng } from '../core/index.ts';
import type { Choice, ParamSpec, Params, SearchSpace } from './space.ts';

/** A uniform draw of one parameter (ints: log-uniform over [low − ½, high + ½] then rounded, when log). */
export function sampleUniform(p: ParamSpec, rng: Rng): Choice {
  if (p.kind === 'categorical') return p.choices[rng.int(p.choices.length)]!;
  if (p.kind === 'float') {
    if (!p.log) return p.low + rng.uniform() * (p.high - p.low);
    const x = Math.exp(Math.log(p.low) + rng.uniform() * (Math.log(p.high) - Math.log(p.low)));
    return Math.min(p.high, Math.max(p.low, x));
  }
  if (p.log) {
    const lo = Math.log(p.low - 0.5);
    const x = Math.round(Math.exp(lo + rng.uniform() * (Math.log(p.high + 0.5) - lo)));
    return Math.min(p.high, Math.max(p.low, x));
  }
  const step = p.step ?? 1;
  return p.low + rng.int((p.high - p.low) / step + 1) * step;
}

export function randomPoint(space: SearchSpace, rng: Rng): Params {
  const out: Record<string, Choice> = {};
  for (const name of Object.keys(space)) out[name] = sampleUniform(space[name]!, rng);
  return Object.freeze(out);
}
