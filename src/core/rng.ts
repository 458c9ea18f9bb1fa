/**
 * Seeded random numbers that reproduce bit for bit on every platform: xoshiro128** over 32-bit integer
 * arithmetic (Math.imul, >>>), seeded through splitmix32. Floats are built from integer bits; the only
 * transcendental calls (Math.log, Math.sqrt) are ones V8 computes with its own portable code, so a seed gives
 * the same stream on any machine running Node.
 */
import { usageError } from './errors.ts';
import type { Matrix } from './matrix.ts';

export interface Rng {
  /** The seed this stream was created from. */
  readonly seed: number;
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal (Marsaglia polar method). */
  normal(): number;
  /** Student-t with `df` degrees of freedom (normal / sqrt(χ²/df)). */
  studentT(df: number): number;
  /** Gamma(shape, 1) by Marsaglia–Tsang. */
  gamma(shape: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T;
  /** An independent stream derived from this stream's seed and `key` (not from how many draws were made). */
  fork(key: string | number): Rng;
  /** Raw 32-bit unsigned integer. */
  nextUint32(): number;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the key's characters mixed with the parent seed: a stable 32-bit child seed. */
function childSeed(seed: number, key: string | number): number {
  const text = `${seed}:${key}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw usageError(`seed must be an integer in [0, 4294967295], got ${seed}. Use e.g. seed: 42.`);
  }
  const init = { s: seed | 0 };
  let a = splitmix32(init);
  let b = splitmix32(init);
  let c = splitmix32(init);
  let d = splitmix32(init);
  if ((a | b | c | d) === 0) a = 1;
  let spare = Number.NaN;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const uniform = (): number => {
    const hi = nextUint32() >>> 5; // 27 bits
    const lo = nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = Number.NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    return u * f;
  };
  const gamma = (shape: number): number => {
    if (!(shape > 0)) throw usageError(`gamma shape must be > 0, got ${shape}.`);
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let vv: number;
      do {
        x = normal();
        vv = 1 + cc * x;
      } while (vv <= 0);
      vv = vv * vv * vv;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * vv;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - vv + Math.log(vv))) return dd * vv;
    }
  };
  const rng: Rng = {
    seed,
    uniform,
    normal,
    gamma,
    nextUint32,
    studentT(df: number): number {
      if (!(df > 0)) throw usageError(`Student-t degrees of freedom must be > 0, got ${df}.`);
      const z = normal();
      const chi2 = 2 * gamma(df / 2);
      return z / Math.sqrt(chi2 / df);
    },
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw usageError(`rng.int(n) needs a positive integer n, got ${n}.`);
      return Math.floor(uniform() * n);
    },
    shuffle(arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const t = arr[i];
        arr[i] = arr[j];
        arr[j] = t;
      }
      return arr;
    },
    fork(key: string | number): Rng {
      return createRng(childSeed(seed, key));
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * One draw from N(mean, L Lᵀ) given the lower Cholesky factor L (n × n): mean + L z with z ~ N(0, I).
 * Writes into `out` when given.
 */
export function multivariateNormal(rng: Rng, mean: ArrayLike<number>, l: Matrix, out?: Float64Array): Float64Array {
  const n = mean.length;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.normal();
  const res = out ?? new Float64Array(n);
  const L = l.data;
  for (let i = 0; i < n; i++) {
    let s = mean[i]!;
    for (let k = 0; k <= i; k++) s += L[i * n + k]! * z[k]!;
    res[i] = s;
  }
  return res;
}
