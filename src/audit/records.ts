/**
 * `perturbRecords`: the perturb-the-future treatment for point-in-time records (macro releases, headlines,
 * company reports) that travel beside a panel. A record becomes visible on its release date — the first of
 * `releaseDate`, `reportDate`, `date` it has — and every record visible after `asOf` is garbled (`garbage`) or
 * removed (`delete`). Numbers are scaled up (even seed) or down (odd seed) as `garbageValue` does; strings are
 * rotated character by character (words stop being words). Values of `records` that are not arrays of objects
 * (e.g. a simulator's ground truth) are passed through. Never mutates its input.
 */
import type { IsoDate } from '../data/index.ts';
import { garbageValue } from './perturb.ts';
import type { PerturbMode } from './perturb.ts';

const VISIBLE_AT = ['releaseDate', 'reportDate', 'date'] as const;

/** The date a record becomes visible, or undefined when it has none of the known date fields. */
export function visibleDate(record: unknown): IsoDate | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const r = record as Record<string, unknown>;
  for (const k of VISIBLE_AT) if (typeof r[k] === 'string') return r[k] as string;
  return undefined;
}

const rotate = (s: string): string =>
  s.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.toLowerCase().charCodeAt(0) - 97 + 13) % 26) + 97));

function garble(record: Record<string, unknown>, seed: number, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let f = 0;
  for (const [k, v] of Object.entries(record)) {
    f++;
    if (
      (VISIBLE_AT as readonly string[]).includes(k) ||
      k === 'refDate' ||
      k === 'periodEnd' ||
      k === 'asset' ||
      k === 'series' ||
      k === 'id'
    )
      out[k] = v;
    else if (typeof v === 'number') out[k] = garbageValue(v, seed + 2 * f, index);
    else if (typeof v === 'string') out[k] = rotate(v);
    else out[k] = v;
  }
  return out;
}

export function perturbRecords<R>(records: R, asOf: IsoDate, mode: PerturbMode, seed = 1): R {
  if (records === null || typeof records !== 'object') return records;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(records as Record<string, unknown>)) {
    if (!Array.isArray(value) || !value.some((r) => visibleDate(r) !== undefined)) {
      out[key] = value;
      continue;
    }
    const kept: unknown[] = [];
    value.forEach((r, i) => {
      const d = visibleDate(r);
      if (d === undefined || d <= asOf) kept.push(r);
      else if (mode === 'garbage') kept.push(garble(r as Record<string, unknown>, seed, i));
    });
    out[key] = kept;
  }
  return out as R;
}
