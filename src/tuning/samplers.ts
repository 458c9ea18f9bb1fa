/**
 * Samplers propose the next point of a search space from the trials so far. Each holds its own seeded stream, so the
 * same seed and the same told values give the same sequence of proposals, to the byte.
 * - random: independent uniform draws (log-uniform for log-scale parameters).
 * - grid: every point of the grid once, in a seeded shuffled order; asking past the last point is an error.
 * - tpe: the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011), see tpe.ts.
 */
import { createRng, usageError } from '../core/index.ts';
import type { Rng } from '../core/index.ts';
import { intValues } from './space.ts';
import type { Choice, ParamSpec, Params, SearchSpace } from './space.ts';
import { tpeSample, tpeDefaults } from './tpe.ts';
import type { TpeOptions } from './tpe.ts';
import { randomPoint } from './uniform.ts';
import type { Direction, Trial } from './trial.ts';

export interface Sampler {
  readonly kind: 'random' | 'grid' | 'tpe';
  /** The next point, given every trial so far (oldest first). */
  sample(trials: readonly Trial[]): Params;
}

export interface GridOptions {
  /** Points per float parameter (evenly spaced, geometric when log); default 5. */
  readonly floatPoints?: number;
}

export type SamplerSpec =
  | 'random'
  | 'grid'
  | 'tpe'
  | { readonly kind: 'random' }
  | ({ readonly kind: 'grid' } & GridOptions)
  | ({ readonly kind: 'tpe' } & Partial<TpeOptions>);

/** The values a grid visits for one parameter. */
export function gridAxis(p: ParamSpec, floatPoints = 5): readonly Choice[] {
  if (p.kind === 'categorical') return p.choices;
  if (p.kind === 'int') return intValues(p);
  const k = floatPoints;
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const t = k === 1 ? 0.5 : i / (k - 1);
    out.push(
      p.log ? Math.exp(Math.log(p.low) + t * (Math.log(p.high) - Math.log(p.low))) : p.low + t * (p.high - p.low),
    );
  }
  out[0] = p.low;
  if (k > 1) out[k - 1] = p.high;
  return out;
}

/** Largest grid the grid sampler will shuffle (the order array is built up front). */
export const MAX_GRID_POINTS = 1_000_000;

function axisLength(p: ParamSpec, floatPoints: number): number {
  if (p.kind === 'categorical') return p.choices.length;
  return p.kind === 'int' ? (p.high - p.low) / (p.step ?? 1) + 1 : floatPoints;
}

/** Number of points of the grid over `space` (counted, not built). */
export function gridSize(space: SearchSpace, floatPoints = 5): number {
  return Object.values(space).reduce((n, p) => n * axisLength(p, floatPoints), 1);
}

export function gridSampler(space: SearchSpace, seed: number, opt: GridOptions = {}): Sampler {
  const fp = opt.floatPoints ?? 5;
  if (!(Number.isInteger(fp) && fp >= 1))
    throw usageError(`grid floatPoints must be an integer ≥ 1, got ${fp}; use e.g. 5`);
  const names = Object.keys(space);
  const size = gridSize(space, fp);
  if (size > MAX_GRID_POINTS)
    throw usageError(
      `grid has ${size} points, more than ${MAX_GRID_POINTS}; lower floatPoints or use sampler: tpe or random`,
    );
  const axes = names.map((n) => gridAxis(space[n]!, fp));
  const order = createRng(seed).shuffle(Array.from({ length: size }, (_, i) => i));
  let next = 0;
  return {
    kind: 'grid',
    sample() {
      if (next >= size)
        throw usageError(
          `grid search exhausted: all ${size} points were asked; ask at most ${size} trials or use sampler: tpe`,
        );
      let idx = order[next++]!;
      const out: Record<string, Choice> = {};
      for (let j = names.length - 1; j >= 0; j--) {
        const axis = axes[j]!;
        out[names[j]!] = axis[idx % axis.length]!;
        idx = Math.floor(idx / axis.length);
      }
      const ordered: Record<string, Choice> = {};
      for (const n of names) ordered[n] = out[n]!;
      return Object.freeze(ordered);
    },
  };
}

export function randomSampler(space: SearchSpace, seed: number): Sampler {
  const rng = createRng(seed);
  return { kind: 'random', sample: () => randomPoint(space, rng) };
}

export function tpeSampler(
  space: SearchSpace,
  seed: number,
  direction: Direction,
  opt: Partial<TpeOptions> = {},
): Sampler {
  const o: TpeOptions = { ...tpeDefaults, ...opt };
  const bad = (name: string, rule: string, fix: string): never => {
    throw usageError(`tpe ${name} must be ${rule}, got ${String(o[name as keyof TpeOptions])}; use ${fix}`);
  };
  if (!(Number.isInteger(o.nStartupTrials) && o.nStartupTrials >= 0)) bad('nStartupTrials', 'an integer ≥ 0', '10');
  if (!(Number.isInteger(o.nEiCandidates) && o.nEiCandidates >= 1)) bad('nEiCandidates', 'an integer ≥ 1', '24');
  if (!(o.gammaFraction > 0 && o.gammaFraction <= 1)) bad('gammaFraction', 'in (0, 1]', '0.1');
  if (!(Number.isInteger(o.gammaMax) && o.gammaMax >= 1)) bad('gammaMax', 'an integer ≥ 1', '25');
  if (!(o.priorWeight > 0 && Number.isFinite(o.priorWeight))) bad('priorWeight', 'a finite number > 0', '1');
  const rng = createRng(seed);
  return { kind: 'tpe', sample: (trials) => tpeSample(space, trials, direction, o, rng) };
}

export function createSampler(spec: SamplerSpec, space: SearchSpace, seed: number, direction: Direction): Sampler {
  const s = typeof spec === 'string' ? { kind: spec } : spec;
  switch (s.kind) {
    case 'random':
      return randomSampler(space, seed);
    case 'grid':
      return gridSampler(space, seed, s as GridOptions);
    case 'tpe': {
      const { kind: _k, ...opt } = s as { kind: 'tpe' } & Partial<TpeOptions>;
      return tpeSampler(space, seed, direction, opt);
    }
    default:
      throw usageError(`sampler must be tpe, random or grid, got ${JSON.stringify((s as { kind: unknown }).kind)}`);
  }
}
