/**
 * `perturbFuture`: a copy of a panel whose every value dated after `asOf` is replaced by garbage, or deleted.
 * A computation that only reads data dated ≤ asOf gives the same answer at ≤ asOf on the perturbed panel;
 * one that peeks ahead does not. Used by `checkPointInTime` and directly by other stages' tests.
 */
import { Panel } from '../data/index.ts';
import type { IsoDate } from '../data/index.ts';

/** `garbage`: future values replaced by seeded noise; `delete`: future rows removed. */
export type PerturbMode = 'garbage' | 'delete';
export const perturbModes = ['garbage', 'delete'] as const satisfies readonly PerturbMode[];

/**
 * Deterministic uniform in [0, 1) from (seed, index): splitmix32-style integer hash, so the same seed gives the
 * same garbage on every platform without depending on any RNG state.
 */
export function hashUniform(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  return h / 4294967296;
}

/**
 * Garbage for one value: finite v → v·e^{±u}, u uniform in (1, 2.5), the sign fixed by the seed's parity (even:
 * every future value scaled UP by 2.7–12×, odd: DOWN by the same). The sign of v is kept, so prices stay positive
 * and the code under test still runs, but every number is wrong; running one even and one odd seed (as
 * `checkPointInTime` does) flips any comparison between a future and a present value. NaN → a positive number.
 */
export function garbageValue(v: number, seed: number, index: number): number {
  const u = hashUniform(seed, index);
  if (Number.isNaN(v)) return 1 + 100 * u;
  if (v === 0) return (u - 0.5) * 1e-2 + 1e-3;
  const up = (seed & 1) === 0;
  return v * Math.exp((up ? 1 : -1) * (1 + 1.5 * u));
}

/**
 * Copy of `panel` with every value dated strictly after `asOf` perturbed. Rows dated ≤ asOf are bitwise identical.
 * Never mutates `panel`. `seed` fixes the garbage (same seed → same bytes).
 */
export function perturbFuture(panel: Panel, asOf: IsoDate, mode: PerturbMode, seed = 1): Panel {
  const last = panel.lastIndexOnOrBefore(asOf);
  if (mode === 'delete') return panel.sliceRows(0, last + 1);
  const n = panel.nAssets;
  const start = (last + 1) * n;
  const fields: Record<string, Float64Array> = {};
  let f = 0;
  for (const name of panel.fieldNames) {
    const src = panel.field(name);
    const out = src.slice();
    // Same parity as `seed` (direction of the garbage), different stream per field.
    const fieldSeed = (seed + 2 * (f * 104729 + 7919)) | 0;
    for (let i = start; i < out.length; i++) out[i] = garbageValue(src[i]!, fieldSeed, i);
    fields[name] = out;
    f++;
  }
  return new Panel({ dates: panel.dates, assets: panel.assets, fields, meta: panel.meta });
}
