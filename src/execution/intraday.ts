/**
 * A seeded intraday path for one bar: `slots` prices that start at the open, end at the close and touch the high
 * and the low (in an order and at slots drawn from the seed), with Brownian-bridge noise between those anchors
 * clipped to [low, high]; and a volume profile (default U-shaped: more volume at the open and the close).
 * Same (seed, date, asset) → same path, whatever else was simulated before.
 */
import { createRng } from '../core/index.ts';

/** Default intraday volume shares: 1 + 2·z² with z ∈ [−1, 1] across the session, normalised to sum 1. */
export function uShapedProfile(slots: number): Float64Array {
  const u = new Float64Array(slots);
  let s = 0;
  for (let k = 0; k < slots; k++) {
    const z = slots === 1 ? 0 : (2 * k) / (slots - 1) - 1;
    u[k] = 1 + 2 * z * z;
    s += u[k]!;
  }
  for (let k = 0; k < slots; k++) u[k] = u[k]! / s;
  return u;
}

export function intradayPath(
  bar: { readonly open: number; readonly high: number; readonly low: number; readonly close: number },
  slots: number,
  seed: number,
  key: string,
): Float64Array {
  const { open, close } = bar;
  const hi = Number.isFinite(bar.high) ? Math.max(bar.high, open, close) : Math.max(open, close);
  const lo = Number.isFinite(bar.low) ? Math.min(bar.low, open, close) : Math.min(open, close);
  const path = new Float64Array(slots);
  if (slots === 1) {
    path[0] = close;
    return path;
  }
  const rng = createRng(seed).fork(key);
  const anchors: [number, number][] = [[0, open]];
  if (slots >= 4) {
    const i1 = 1 + rng.int(slots - 3);
    const i2 = i1 + 1 + rng.int(slots - 2 - i1);
    const highFirst = rng.uniform() < 0.5;
    anchors.push([i1, highFirst ? hi : lo], [i2, highFirst ? lo : hi]);
  }
  anchors.push([slots - 1, close]);
  const sd = (0.25 * (hi - lo)) / Math.sqrt(slots);
  for (let s = 0; s + 1 < anchors.length; s++) {
    const [k0, p0] = anchors[s]!;
    const [k1, p1] = anchors[s + 1]!;
    // Brownian bridge from 0 to 0 over the segment, added to the straight line.
    const w = new Float64Array(k1 - k0 + 1);
    for (let k = 1; k < w.length; k++) w[k] = w[k - 1]! + sd * rng.normal();
    const end = w[w.length - 1]!;
    for (let k = k0; k <= k1; k++) {
      const f = k1 === k0 ? 0 : (k - k0) / (k1 - k0);
      const bridge = w[k - k0]! - f * end;
      path[k] = Math.min(hi, Math.max(lo, p0 + f * (p1 - p0) + bridge));
    }
    path[k0] = p0;
    path[k1] = p1;
  }
  return path;
}
