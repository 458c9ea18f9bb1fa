/**
 * Seeded random numbers for model fits: xoshiro128** seeded through splitmix32, 32-bit integer arithmetic only, so
 * the same seed gives the same stream on every platform. (A stand-in until `core`'s `createRng` lands; the lead may
 * swap it for that one — only determinism per seed is relied on here.)
 */
export interface ModelRng {
  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T;
  /** An independent stream derived from this seed and `key`. */
  fork(key: number): ModelRng;
}

function splitmix32(x: number): () => number {
  let s = x >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function modelRng(seed: number, stream = 0): ModelRng {
  const sm = splitmix32((Math.imul(seed | 0, 0x27d4eb2f) ^ Math.imul(stream | 0, 0x165667b1) ^ (Math.floor(seed / 4294967296) | 0)) >>> 0);
  let a = sm(), b = sm(), c = sm(), d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r >>> 0;
  };
  let spare = NaN;
  const rng: ModelRng = {
    uniform: () => next() / 4294967296,
    int: (n) => Math.floor((next() / 4294967296) * n),
    normal: () => {
      if (!Number.isNaN(spare)) { const s = spare; spare = NaN; return s; }
      let u = 0;
      while (u === 0) u = next() / 4294967296;
      const v = next() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle: (arr) => {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor((next() / 4294967296) * (i + 1));
        const tmp = arr[i]; arr[i] = arr[j]; arr[j] = tmp;
      }
      return arr;
    },
    fork: (key) => modelRng((next() ^ Math.imul(key | 0, 0x9e3779b1)) >>> 0, key),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
