/**
 * Seeded random numbers for model fits: core's `createRng` (xoshiro128**, bit-identical on every platform) behind
 * the small interface the models use. `fork(key)` derives a stream from the seed and the key only, so a tree's
 * stream does not depend on how many draws the trees before it made.
 */
import { createRng, type Rng } from '../../core/index.ts';

export type ModelRng = Pick<Rng, 'uniform' | 'int' | 'normal' | 'shuffle' | 'fork'>;

/** Seeds outside core's 32-bit range (negative, > 2³²−1 or fractional) are folded into it deterministically. */
function toSeed(seed: number): number {
  if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return seed;
  const whole = Math.trunc(Number.isFinite(seed) ? seed : 0);
  return ((whole % 4294967296) + 4294967296) % 4294967296;
}

export function modelRng(seed: number, stream = 0): ModelRng {
  const rng = createRng(toSeed(seed));
  return stream === 0 ? rng : rng.fork(stream);
}
