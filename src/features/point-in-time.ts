/**
 * Look-ahead check for features (the perturb-the-future test, feature edition). For each cutoff index t0 it
 * recomputes the feature on (a) the panel with every value after t0 replaced by garbage and every record public
 * after t0 altered, and (b) the panel cut at t0; every value at ≤ t0 must be bitwise unchanged. A violation is a
 * one-line `lookahead` KeelError naming the feature, the column, the date and the asset.
 * (src/audit holds the general harness; features sit left of it in the pipeline, so this check lives here.)
 */
import { KeelError } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import type { Feature, FeatureInput } from './feature.ts';
import type { PitRecords } from './records.ts';

function garbage(v: number, i: number): number {
  // Deterministic, sign-preserving noise (prices stay positive): v · e^u with u in (−1.5, 1.5).
  const u = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  const f = u - Math.floor(u);
  return Number.isNaN(v) ? 1 + 50 * f : v * Math.exp(3 * f - 1.5);
}

function perturbPanel(panel: Panel, t0: number): Panel {
  const n = panel.nAssets;
  const fields: Record<string, Float64Array> = {};
  panel.fieldNames.forEach((name, k) => {
    const out = panel.field(name).slice();
    for (let i = (t0 + 1) * n; i < out.length; i++) out[i] = garbage(out[i]!, i + 7919 * k);
    fields[name] = out;
  });
  return new Panel({ dates: panel.dates, assets: panel.assets, fields, meta: panel.meta });
}

function perturbRecords(r: PitRecords | undefined, cutoff: string): PitRecords | undefined {
  if (!r) return r;
  const out: { -readonly [K in keyof PitRecords]: PitRecords[K] } = {};
  if (r.macro) out.macro = r.macro.map((m, i) => (m.releaseDate > cutoff ? { ...m, value: garbage(m.value, i) } : m));
  if (r.headlines)
    out.headlines = r.headlines.map((h) => (h.date > cutoff ? { ...h, text: 'record surge strong beat upgrade' } : h));
  if (r.fundamentals) {
    out.fundamentals = r.fundamentals.map((f, i) =>
      f.reportDate > cutoff
        ? { ...f, pe: garbage(f.pe, i), pb: garbage(f.pb, i + 1), earningsGrowth: garbage(f.earningsGrowth, i + 2) }
        : f,
    );
  }
  return out;
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export interface FeatureAuditOptions {
  /** Cutoff indices to test (default: 25 %, 50 %, 75 % of the panel and the second-to-last date). */
  readonly cutoffs?: readonly number[];
}

/** Throws a `lookahead` KeelError naming the feature when any value at ≤ t0 depends on data after t0. */
export function checkFeaturePointInTime(
  feature: Feature,
  input: FeatureInput,
  options: FeatureAuditOptions = {},
): { checks: number } {
  const { panel } = input;
  const N = panel.nDates;
  const cutoffs =
    options.cutoffs ??
    [...new Set([Math.floor(N / 4), Math.floor(N / 2), Math.floor((3 * N) / 4), N - 2])].filter(
      (t) => t >= 0 && t < N - 1,
    );
  const base = feature.compute(input);
  const nA = panel.nAssets;
  let checks = 0;
  for (const t0 of cutoffs) {
    const cutoff = panel.dates[t0]!;
    const variants: [string, FeatureInput][] = [
      [
        'replaced by garbage',
        {
          panel: perturbPanel(panel, t0),
          ...(input.records ? { records: perturbRecords(input.records, cutoff)! } : {}),
        },
      ],
      [
        'deleted',
        {
          panel: panel.sliceRows(0, t0 + 1),
          ...(input.records ? { records: perturbRecords(input.records, cutoff)! } : {}),
        },
      ],
    ];
    for (const [how, variant] of variants) {
      const again = feature.compute(variant);
      checks++;
      base.names.forEach((col, j) => {
        const before = base.values[j]!;
        const after = again.values[j];
        if (!after)
          throw new KeelError(
            'lookahead',
            `feature "${feature.name}" returns different columns when data after ${cutoff} is ${how}; a feature's columns must not depend on the future.`,
          );
        for (let i = 0; i < (t0 + 1) * nA; i++) {
          if (!same(before[i]!, after[i]!)) {
            const t = Math.floor(i / nA);
            throw new KeelError(
              'lookahead',
              `feature "${feature.name}" reads the future: column "${col}" for ${panel.assets[i % nA]} on ${panel.dates[t]} changed from ${before[i]} to ${after[i]} when data after ${cutoff} was ${how}. A value at t must use only data dated ≤ t (shift by one bar or fix the window).`,
            );
          }
        }
      });
    }
  }
  return { checks };
}
