/**
 * Fast noise for the generator's hot loops, drawn from a core `Rng` stream's raw 32-bit integers (so the stream stays
 * seeded, reproducible and cross-platform). Uniforms carry 32 random bits, plenty for simulation noise; the Student-t
 * uses Bailey's polar method (a log, an expm1 and a sqrt per draw instead of a gamma variate), which is exact.
 */
import type { Rng } from '../core/index.ts';

const TWO_POW_MINUS_32 = 1 / 4294967296;

export class Noise {
  private readonly next: () => number;
  private spare = Number.NaN;

  constructor(rng: Rng) {
    this.next = rng.nextUint32;
  }

  /** Raw 32-bit unsigned integer. */
  uint32(): number {
    return this.next();
  }

  /** Uniform on (0, 1): 32 random bits, never exactly 0 or 1. */
  uniform(): number {
    return (this.next() + 0.5) * TWO_POW_MINUS_32;
  }

  /** Uniform integer in [0, n) for n ≤ 2^32 (multiply-high, no division). */
  int(n: number): number {
    return Math.floor(this.next() * TWO_POW_MINUS_32 * n);
  }

  /** Standard normal (Marsaglia polar; the second variate of each pair is kept for the next call). */
  normal(): number {
    const s0 = this.spare;
    if (s0 === s0) {
      this.spare = Number.NaN;
      return s0;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /**
   * Student-t with `df` degrees of freedom (Bailey 1994, polar method): for (u, v) uniform in the unit disc with
   * w = u² + v², t = u·√(df·(w^(−2/df) − 1) / w).
   */
  studentT(df: number): number {
    let u: number;
    let w: number;
    do {
      u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      w = u * u + v * v;
    } while (w >= 1);
    return u * Math.sqrt((df * Math.expm1((-2 / df) * Math.log(w))) / w);
  }
}
