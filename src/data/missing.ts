/**
 * The missing-data policy: what to do with a hole (NaN) in an asset's history after its first value.
 * NaNs before an asset's first value mean "not listed yet" and are never touched or counted as missing.
 * Nothing is ever back-filled. Every fix is counted per asset in the returned report, so the run log can say
 * exactly what was changed.
 *
 * - `{ policy: 'error' }` (default): refuse, naming the asset and the date.
 * - `{ policy: 'forward-fill', limit: N }`: carry the last value forward over at most N consecutive missing dates;
 *   a longer hole is still refused.
 * - `{ policy: 'drop-dates' }`: remove every date on which a listed asset has a hole.
 * - `{ policy: 'drop-assets' }`: remove every asset that has a hole. Note: this decides the universe from the whole
 *   loaded history (an asset with a hole in 2022 is gone in 2010 too), which is hindsight; prefer forward-fill or
 *   drop-dates for backtests, or load only the history a decision may see.
 */
import { z } from 'zod';
import { dataError, type Finding } from '../core/index.ts';
import { Panel, type IsoDate } from './panel.ts';

export const missingDataPolicySchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('error') }),
  z.strictObject({
    policy: z.literal('forward-fill'),
    /** Most consecutive missing dates to carry a value over (≥ 1). */
    limit: z.int().min(1).max(100_000),
  }),
  z.strictObject({ policy: z.literal('drop-dates') }),
  z.strictObject({ policy: z.literal('drop-assets') }),
]);
export type MissingDataPolicy = z.infer<typeof missingDataPolicySchema>;

export const DEFAULT_MISSING_POLICY: MissingDataPolicy = { policy: 'error' };

/** What the policy did to one asset. */
export interface AssetMissingFixes {
  readonly asset: string;
  /** Holes found after the asset's first value (cells, summed over the fields checked). */
  readonly missing: number;
  /** Cells forward-filled. */
  readonly filled: number;
  /** Dates removed because this asset had a hole on them. */
  readonly datesDropped: number;
  /** True when the asset itself was removed. */
  readonly dropped: boolean;
}

export interface MissingDataReport {
  readonly policy: MissingDataPolicy;
  readonly fields: readonly string[];
  /** Cells before an asset's first value ("not listed yet"): informational, never fixed. */
  readonly notListedCells: number;
  readonly missingCells: number;
  readonly filledCells: number;
  readonly droppedDates: readonly IsoDate[];
  readonly droppedAssets: readonly string[];
  /** One entry per asset that had at least one hole, in panel order. */
  readonly perAsset: readonly AssetMissingFixes[];
  /** Human-readable lines for the run log. */
  readonly lines: readonly string[];
}

export interface MissingPolicyOptions {
  /** Fields to check and fix; default: every field of the panel. */
  readonly fields?: readonly string[];
  /** Prefix for error messages given a row index, e.g. `file:line` (the loader passes one). */
  readonly locate?: (t: number) => string;
}

const describePolicy = (p: MissingDataPolicy): string =>
  p.policy === 'forward-fill' ? `forward-fill (limit ${p.limit})` : p.policy;

/**
 * Applies `policy` to `panel` and returns the fixed panel and the report. The input is never mutated.
 * Throws a one-line data error when the policy refuses.
 */
export function applyMissingPolicy(
  panel: Panel,
  policy: MissingDataPolicy = DEFAULT_MISSING_POLICY,
  options: MissingPolicyOptions = {},
): { panel: Panel; report: MissingDataReport } {
  const parsed = missingDataPolicySchema.safeParse(policy);
  if (!parsed.success) {
    throw dataError(
      `missing-data policy ${JSON.stringify(policy)} is not valid (${parsed.error.issues[0]?.message ?? 'unknown'}). Use { policy: 'error' }, { policy: 'forward-fill', limit: 5 }, { policy: 'drop-dates' } or { policy: 'drop-assets' }.`,
    );
  }
  const fields = options.fields ?? panel.fieldNames;
  const T = panel.nDates;
  const n = panel.nAssets;
  const missing = new Int32Array(n);
  const filled = new Int32Array(n);
  const datesDroppedBy = new Int32Array(n);
  let notListed = 0;
  let firstHole: { t: number; a: number; field: string } | undefined;
  /** rowHasHole[t] = 1 when some listed asset has a hole at t (any checked field). */
  const rowHasHole = new Uint8Array(T);
  const assetHasHole = new Uint8Array(n);
  for (const f of fields) {
    const x = panel.field(f);
    for (let a = 0; a < n; a++) {
      let t = 0;
      while (t < T && Number.isNaN(x[t * n + a]!)) t++;
      notListed += t;
      for (; t < T; t++) {
        if (Number.isNaN(x[t * n + a]!)) {
          missing[a]!++;
          rowHasHole[t] = 1;
          assetHasHole[a] = 1;
          if (firstHole === undefined || t < firstHole.t || (t === firstHole.t && a < firstHole.a))
            firstHole = { t, a, field: f };
        }
      }
    }
  }
  const totalMissing = missing.reduce((s, v) => s + v, 0);
  const nAssetsWithHoles = assetHasHole.reduce((s, v) => s + v, 0);
  const where = (t: number): string => (options.locate ? `${options.locate(t)}: ` : '');
  const p = parsed.data;
  let out = panel;
  let droppedDates: IsoDate[] = [];
  let droppedAssets: string[] = [];

  if (totalMissing > 0 && p.policy === 'error') {
    const h = firstHole!;
    throw dataError(
      `${where(h.t)}missing data: asset "${panel.assets[h.a]}" has no ${h.field} on ${panel.dates[h.t]} (${totalMissing} missing cell${totalMissing === 1 ? '' : 's'} in ${nAssetsWithHoles} asset${nAssetsWithHoles === 1 ? '' : 's'} after their first value; the missing-data policy is 'error'). Choose a policy: { policy: 'forward-fill', limit: 5 }, { policy: 'drop-dates' } or { policy: 'drop-assets' }.`,
    );
  }
  if (totalMissing > 0 && p.policy === 'forward-fill') {
    const next: Record<string, Float64Array> = {};
    for (const name of panel.fieldNames) next[name] = panel.field(name);
    for (const f of fields) {
      const x = panel.field(f).slice();
      for (let a = 0; a < n; a++) {
        let t = 0;
        while (t < T && Number.isNaN(x[t * n + a]!)) t++;
        let last = NaN;
        let run = 0;
        for (; t < T; t++) {
          const v = x[t * n + a]!;
          if (!Number.isNaN(v)) {
            last = v;
            run = 0;
            continue;
          }
          run++;
          if (run <= p.limit) {
            x[t * n + a] = last;
            filled[a]!++;
          } else {
            let len = run;
            while (t + 1 < T && Number.isNaN(x[(t + 1) * n + a]!)) {
              t++;
              len++;
            }
            const start = t - len + 1;
            throw dataError(
              `${where(start)}missing data: asset "${panel.assets[a]}" has no ${f} for ${len} consecutive dates from ${panel.dates[start]} to ${panel.dates[t]}, more than the forward-fill limit of ${p.limit}. Raise the limit, or use { policy: 'drop-dates' } or { policy: 'drop-assets' }.`,
            );
          }
        }
      }
      next[f] = x;
    }
    out = new Panel({ dates: panel.dates, assets: panel.assets, fields: next, meta: panel.meta });
  }
  if (totalMissing > 0 && p.policy === 'drop-dates') {
    const keep: number[] = [];
    for (let t = 0; t < T; t++) if (!rowHasHole[t]) keep.push(t);
    droppedDates = panel.dates.filter((_, t) => rowHasHole[t] === 1);
    for (const f of fields) {
      const x = panel.field(f);
      for (let t = 0; t < T; t++) {
        if (!rowHasHole[t]) continue;
        for (let a = 0; a < n; a++) {
          // count the date against each asset that has a hole on it (once per asset)
          if (Number.isNaN(x[t * n + a]!) && hasValueBefore(x, t, a, n)) datesDroppedBy[a]!++;
        }
      }
    }
    const next: Record<string, Float64Array> = {};
    for (const name of panel.fieldNames) {
      const x = panel.field(name);
      const y = new Float64Array(keep.length * n);
      keep.forEach((t, i) => y.set(x.subarray(t * n, (t + 1) * n), i * n));
      next[name] = y;
    }
    out = new Panel({ dates: keep.map((t) => panel.dates[t]!), assets: panel.assets, fields: next, meta: panel.meta });
  }
  if (totalMissing > 0 && p.policy === 'drop-assets') {
    droppedAssets = panel.assets.filter((_, a) => assetHasHole[a] === 1);
    if (droppedAssets.length === n) {
      throw dataError(
        `missing data: every asset has a hole, so { policy: 'drop-assets' } would leave none. Use { policy: 'forward-fill', limit: 5 } or { policy: 'drop-dates' }.`,
      );
    }
    out = panel.selectAssets(panel.assets.filter((_, a) => assetHasHole[a] === 0));
  }
  if (p.policy === 'drop-dates' && out.nDates === 0) {
    throw dataError(
      `missing data: { policy: 'drop-dates' } removed every date. Use { policy: 'forward-fill', limit: 5 } or { policy: 'drop-assets' }.`,
    );
  }

  const perAsset: AssetMissingFixes[] = [];
  for (let a = 0; a < n; a++) {
    if (missing[a] === 0) continue;
    perAsset.push({
      asset: panel.assets[a]!,
      missing: missing[a]!,
      filled: filled[a]!,
      datesDropped: datesDroppedBy[a]!,
      dropped: assetHasHole[a] === 1 && p.policy === 'drop-assets',
    });
  }
  const filledCells = filled.reduce((s, v) => s + v, 0);
  const lines: string[] = [];
  if (totalMissing === 0) {
    lines.push(
      `missing data: none after listing (policy ${describePolicy(p)}); ${notListed} cells before listing left as not-listed`,
    );
  } else {
    const detail = perAsset
      .map(
        (f) =>
          `${f.asset} ${p.policy === 'forward-fill' ? f.filled : p.policy === 'drop-dates' ? f.datesDropped : f.missing}`,
      )
      .join(', ');
    if (p.policy === 'forward-fill')
      lines.push(
        `missing data: forward-filled ${filledCells} cells in ${perAsset.length} assets (limit ${p.limit}): ${detail}`,
      );
    if (p.policy === 'drop-dates')
      lines.push(
        `missing data: dropped ${droppedDates.length} dates with holes in ${perAsset.length} assets: ${detail}`,
      );
    if (p.policy === 'drop-assets')
      lines.push(`missing data: dropped ${droppedAssets.length} assets with holes: ${detail}`);
  }
  return {
    panel: out,
    report: {
      policy: p,
      fields,
      notListedCells: notListed,
      missingCells: totalMissing,
      filledCells,
      droppedDates,
      droppedAssets,
      perAsset,
      lines,
    },
  };
}

function hasValueBefore(x: Float64Array, t: number, a: number, n: number): boolean {
  for (let s = t - 1; s >= 0; s--) if (!Number.isNaN(x[s * n + a]!)) return true;
  return false;
}

/**
 * Parses the compact CLI form of a policy: `error`, `forward-fill:N` (or `ffill:N`), `drop-dates`, `drop-assets`.
 * Returns undefined for anything else (the caller names the flag in its usage error).
 */
export function parseMissingPolicy(text: string): MissingDataPolicy | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'error' || t === 'drop-dates' || t === 'drop-assets') return { policy: t };
  const m = /^(?:forward-fill|ffill)(?::(\d+))?$/.exec(t);
  if (m) {
    const limit = m[1] === undefined ? NaN : Number(m[1]);
    return Number.isInteger(limit) && limit >= 1 ? { policy: 'forward-fill', limit } : undefined;
  }
  return undefined;
}

/**
 * The policy's fixes as run findings: forward-fills and dropped dates are `info` (the study chose the policy and it
 * did what it says, counted); every dropped asset is a `warning` — the universe lost an asset, decided from its
 * whole history, including dates after early decisions.
 */
export function missingDataFindings(report: MissingDataReport): Finding[] {
  const out: Finding[] = [];
  if (report.filledCells > 0)
    out.push({
      severity: 'info',
      kind: 'data-fix',
      message: `forward-filled ${report.filledCells} missing cells in ${report.perAsset.filter((f) => f.filled > 0).length} assets (${describePolicy(report.policy)})`,
      fix: 'supply complete data, or keep the policy if carrying the last price is acceptable',
    });
  if (report.droppedDates.length > 0)
    out.push({
      severity: 'info',
      kind: 'data-fix',
      message: `dropped ${report.droppedDates.length} dates with holes (first ${report.droppedDates[0]})`,
      fix: 'supply complete data, or use { policy: forward-fill, limit: N }',
    });
  for (const asset of report.droppedAssets)
    out.push({
      severity: 'warning',
      kind: 'asset-dropped',
      asset,
      message: `${asset} was dropped from the whole study because it has a hole somewhere in its history`,
      fix: 'supply complete data for it, or use { policy: forward-fill, limit: N }',
    });
  return out;
}
