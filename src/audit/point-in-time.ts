/**
 * `checkPointInTime`: the perturb-the-future harness. For each cutoff `asOf` and each mode, it recomputes on a panel
 * whose data after `asOf` is garbage (or deleted) and asserts that what was known at ≤ asOf is unchanged.
 *
 * Usage (a feature producing a Panel; rows ≤ asOf are compared by default):
 * ```ts
 * assertPointInTime({ panel, asOf: ['2020-03-31', '2021-06-30'], compute: (p) => momentum(p, 20) });
 * ```
 * Usage (a decision at asOf, e.g. an allocator or a strategy's decide; the whole result is compared):
 * ```ts
 * assertPointInTime({ panel, asOf: d, compute: (p, asOf) => strategy.decide(p.upTo(asOf), ctx).weights });
 * ```
 */
import { KeelError } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import type { IsoDate } from '../data/index.ts';
import { firstDifference } from './compare.ts';
import type { Difference } from './compare.ts';
import { perturbFuture, perturbModes } from './perturb.ts';
import { perturbRecords } from './records.ts';
import type { PerturbMode } from './perturb.ts';

export interface PointInTimeOptions<T> {
  /** The full panel (all dates). Never mutated. */
  readonly panel: Panel;
  /** Cutoff date(s) t: everything dated after t is perturbed. */
  readonly asOf: IsoDate | readonly IsoDate[];
  /**
   * The computation under test, run on the original and on each perturbed panel. When `records` is given, the
   * third argument is those records perturbed the same way (release dates after asOf garbled or deleted).
   */
  readonly compute: (panel: Panel, asOf: IsoDate, records?: unknown) => T;
  /** Point-in-time records beside the panel (macro releases, headlines, reports): perturbed too. */
  readonly records?: unknown;
  /**
   * What must not change: the part of the result known at ≤ asOf. Default: a Panel result is cut to its rows
   * dated ≤ asOf (all fields); anything else is compared whole.
   */
  readonly observe?: (result: T, asOf: IsoDate) => unknown;
  /** Default both `garbage` and `delete`. */
  readonly modes?: readonly PerturbMode[];
  /** Seed of the garbage (default 1). */
  readonly seed?: number;
  /** Relative tolerance for numbers (default 0: bitwise equal, NaN = NaN). */
  readonly tolerance?: number;
}

export interface PointInTimeViolation extends Difference {
  readonly asOf: IsoDate;
  readonly mode: PerturbMode;
}

export interface PointInTimeReport {
  readonly ok: boolean;
  /** Number of (asOf, mode) checks; each has at most one violation. */
  readonly checks: number;
  /** Recomputations run: per cutoff, 2 for garbage (scaled up, scaled down) and 1 for delete. */
  readonly runs: number;
  readonly violations: readonly PointInTimeViolation[];
}

/** Rows dated ≤ asOf of every field of a panel, as a plain comparable object. */
export function panelUpToObservation(panel: Panel, asOf: IsoDate): Record<string, unknown> {
  const cut = panel.upTo(asOf);
  const fields: Record<string, Float64Array> = {};
  for (const name of cut.fieldNames) fields[name] = cut.field(name);
  return { dates: cut.dates, assets: cut.assets, fields };
}

const defaultObserve = (result: unknown, asOf: IsoDate): unknown =>
  result instanceof Panel ? panelUpToObservation(result, asOf) : result;

/** Run the harness and report every violation (does not throw on a violation; errors thrown by `compute` propagate). */
export function checkPointInTime<T>(options: PointInTimeOptions<T>): PointInTimeReport {
  const { panel, compute } = options;
  const asOfs = typeof options.asOf === 'string' ? [options.asOf] : options.asOf;
  const modes = options.modes ?? perturbModes;
  const observe = options.observe ?? (defaultObserve as (r: T, a: IsoDate) => unknown);
  const seed = options.seed ?? 1;
  const violations: PointInTimeViolation[] = [];
  let checks = 0;
  let runs = 0;
  for (const asOf of asOfs) {
    const base = observe(compute(panel, asOf, options.records), asOf);
    for (const mode of modes) {
      // Garbage runs twice: scaled up (even seed) and scaled down (odd seed), so a comparison between a future
      // and a present value flips in one of them.
      checks++;
      for (const s of mode === 'garbage' ? [2 * seed, 2 * seed + 1] : [seed]) {
        const perturbed = perturbFuture(panel, asOf, mode, s);
        const recs = options.records === undefined ? undefined : perturbRecords(options.records, asOf, mode, s);
        const after = observe(compute(perturbed, asOf, recs), asOf);
        runs++;
        const d = firstDifference(base, after, options.tolerance ?? 0);
        if (d) {
          violations.push({ ...d, asOf, mode });
          break;
        }
      }
    }
  }
  return { ok: violations.length === 0, checks, runs, violations };
}

/** `checkPointInTime`, throwing a one-line `lookahead` KeelError naming the first violation. */
export function assertPointInTime<T>(options: PointInTimeOptions<T>): PointInTimeReport {
  const report = checkPointInTime(options);
  const v = report.violations[0];
  if (v) {
    throw new KeelError(
      'lookahead',
      `look-ahead detected: with data after ${v.asOf} ${v.mode === 'garbage' ? 'replaced by garbage' : 'deleted'}, ${v.path} changed from ${String(v.before)} to ${String(v.after)} (${report.violations.length} of ${report.checks} checks failed). A value dated ≤ ${v.asOf} must be computed only from data dated ≤ ${v.asOf}.`,
    );
  }
  return report;
}
