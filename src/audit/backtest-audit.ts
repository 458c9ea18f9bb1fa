/**
 * The look-ahead audit of a whole backtest: for each cutoff t, rerun the backtest on the panel with everything
 * after t replaced by garbage (and, separately, deleted) and require that the asset universe, every decision
 * (target weights) and every fill (ledger row) dated ≤ t, and the NAV path up to t, are bitwise unchanged.
 *
 * With `fill: same-close` an order fills at the close its decision was made on, so that close is not information
 * the decision may use: for each cutoff the audit also garbles the bar of the last decision ≤ t (and everything
 * after it) and requires that decision — and everything before that bar — to be unchanged (mode `same-bar`).
 */
import { configError, usageError } from '../core/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';
import { ledgerRows, runBacktest } from '../backtest/index.ts';
import type { BacktestOptions, BacktestResult, Strategy } from '../backtest/index.ts';
import { firstDifference } from './compare.ts';
import { perturbFuture } from './perturb.ts';
import type { PerturbMode } from './perturb.ts';
import { checkPointInTime } from './point-in-time.ts';
import type { PointInTimeReport, PointInTimeViolation } from './point-in-time.ts';
import { perturbRecords } from './records.ts';

/** What must not change at ≤ asOf: the universe, decisions, fills and NAV (fills and NAV: up to `fillsUpTo`). */
export function backtestObservation(r: BacktestResult, asOf: IsoDate, fillsUpTo: IsoDate = asOf): unknown {
  const upto = r.dates.filter((d) => d <= asOf).length;
  const navUpto = r.dates.filter((d) => d <= fillsUpTo).length;
  return {
    // The universe first (keys compare in sorted order): an asset that exists or not at ≤ t because of later data
    // (drop-assets) is reported as such, not as a target of another length.
    assets: r.assets,
    decisions: r.decisions.filter((x) => x.dateIndex < upto).map((x) => [r.dates[x.dateIndex], Array.from(x.target)]),
    fills: ledgerRows(r.ledger).filter((x) => x.date <= fillsUpTo),
    nav: Array.from(r.nav.subarray(0, navUpto)),
  };
}

/** The simulated dates of a backtest over `panel` (its `start`…`end` range). */
function simulatedDates(panel: Panel, options: Pick<BacktestOptions, 'start' | 'end'>): IsoDate[] {
  return panel.dates.filter(
    (x) => (options.start === undefined || x >= options.start) && (options.end === undefined || x <= options.end),
  );
}

/** Default cutoffs: 3 dates at 40 %, 65 % and 90 % of the simulated range. */
export function defaultCutoffs(panel: Panel, options: Pick<BacktestOptions, 'start' | 'end'>): IsoDate[] {
  const d = simulatedDates(panel, options);
  if (d.length < 3)
    throw configError(`audit: the backtest covers ${d.length} dates; at least 3 are needed to place cutoffs.`);
  return [...new Set([0.4, 0.65, 0.9].map((f) => d[Math.min(d.length - 2, Math.floor(f * (d.length - 1)))]!))];
}

/**
 * Refuses a cutoff at which the check would pass vacuously: on or after the data's last date (nothing after it to
 * perturb) or before the first simulated date (no decision, fill or NAV dated ≤ it to compare). One line, exit 2.
 */
export function checkCutoffs(panel: Panel, options: Pick<BacktestOptions, 'start' | 'end'>, asOf: readonly IsoDate[]) {
  const d = simulatedDates(panel, options);
  const last = panel.dates[panel.nDates - 1];
  const lo = d[0];
  const hi = panel.dates[panel.nDates - 2];
  const range = lo !== undefined && hi !== undefined && lo <= hi ? `use cutoffs from ${lo} to ${hi}` : 'use fewer';
  for (const t of asOf) {
    if (last === undefined || t >= last)
      throw usageError(
        `audit cutoff ${t} (--at) is on or after the data's last date ${last ?? '(no data)'}: nothing after it can be perturbed, so the check would pass vacuously; ${range}.`,
      );
    if (lo === undefined || t < lo)
      throw usageError(
        `audit cutoff ${t} (--at) is before the backtest's first date ${lo ?? '(none)'}: no decision is dated on or before it, so the check would pass vacuously; ${range}.`,
      );
  }
}

/** `garbage` and `delete` perturb after the cutoff; `same-bar` from the bar of the last decision ≤ it (same-close). */
export type AuditMode = PerturbMode | 'same-bar';

export interface BacktestAuditViolation extends Omit<PointInTimeViolation, 'mode'> {
  readonly mode: AuditMode;
  /** same-bar: the decision date whose bar was perturbed. */
  readonly bar?: IsoDate;
}

export interface BacktestAuditReport extends Omit<PointInTimeReport, 'violations'> {
  readonly asOf: readonly IsoDate[];
  readonly violations: readonly BacktestAuditViolation[];
}

export interface BacktestAuditOptions {
  /** Cutoff dates (default `defaultCutoffs`). */
  readonly asOf?: readonly IsoDate[];
  readonly modes?: readonly PerturbMode[];
  readonly seed?: number;
  /** Point-in-time records the strategies read (macro, headlines, reports); perturbed with the panel. */
  readonly records?: unknown;
  /**
   * What the study does to its data before the backtest (its missing-data policy), applied inside every run to
   * the perturbed data — so a preparation that lets later data change earlier rows or the universe (drop-assets
   * removing an asset from its whole history because of a later gap) is caught like any other look-ahead.
   */
  readonly prepare?: (panel: Panel) => Panel;
}

/**
 * Audit one strategy through the engine. `makeStrategy` builds a FRESH strategy for each run (strategies may
 * cache), e.g. `() => createStrategy(spec)`. It receives the (perturbed, prepared) panel of that run, so a factory
 * that wires the full panel into the strategy — a classic leak — is caught too.
 */
export function auditBacktest(
  panel: Panel,
  makeStrategy: (panel: Panel, records?: unknown) => Strategy,
  options: BacktestOptions,
  audit: BacktestAuditOptions = {},
): BacktestAuditReport {
  const asOf = audit.asOf ?? defaultCutoffs(panel, options);
  if (audit.asOf) checkCutoffs(panel, options, asOf);
  const prepare = audit.prepare ?? ((p: Panel) => p);
  // The backtest stops at the cutoff: what is compared is dated ≤ asOf, a leak shows up there, and a strategy is
  // spared fitting on degenerate (garbled or deleted) future data it would never use for those decisions.
  const compute = (p: Panel, at: IsoDate, records?: unknown): BacktestResult => {
    const q = prepare(p);
    return runBacktest(q, makeStrategy(q, records), {
      ...options,
      end: options.end !== undefined && options.end < at ? options.end : at,
    });
  };
  const report = checkPointInTime({
    panel,
    asOf,
    compute,
    ...(audit.records === undefined ? {} : { records: audit.records }),
    observe: (r: BacktestResult, at: IsoDate) => backtestObservation(r, at),
    ...(audit.modes ? { modes: audit.modes } : {}),
    ...(audit.seed === undefined ? {} : { seed: audit.seed }),
  });
  if (options.fill !== 'same-close') return { ...report, asOf };
  const sameBar = asOf.map((at) => sameBarCheck(panel, at, compute, audit.seed ?? 1, audit.records));
  const extra = sameBar.filter((v): v is BacktestAuditViolation => v !== null);
  return {
    ok: report.ok && extra.length === 0,
    checks: report.checks + asOf.length,
    runs: report.runs + 2 * asOf.length,
    violations: [...report.violations, ...extra],
    asOf,
  };
}

/**
 * Same-bar check at cutoff `at`: find the last decision dated ≤ at (bar d), garble every row dated ≥ d (scaled up,
 * then down), and require the decisions ≤ d and the fills and NAV before d to be unchanged. A decision that reads
 * the close it fills at changes.
 */
function sameBarCheck(
  panel: Panel,
  at: IsoDate,
  compute: (p: Panel, at: IsoDate, records?: unknown) => BacktestResult,
  seed: number,
  records: unknown,
): BacktestAuditViolation | null {
  const base = compute(panel, at, records);
  const last = base.decisions.filter((x) => base.dates[x.dateIndex]! <= at).at(-1);
  if (last === undefined) return null;
  const bar = base.dates[last.dateIndex]!;
  const i = panel.lastIndexOnOrBefore(bar);
  const before = i > 0 ? panel.dates[i - 1]! : '0000-01-01';
  const observe = (r: BacktestResult): unknown => backtestObservation(r, bar, before);
  const want = observe(base);
  for (const s of [2 * seed, 2 * seed + 1]) {
    const p = perturbFuture(panel, before, 'garbage', s);
    const recs = records === undefined ? undefined : perturbRecords(records, before, 'garbage', s);
    const d = firstDifference(want, observe(compute(p, bar, recs)));
    if (d) return { ...d, asOf: at, mode: 'same-bar', bar };
  }
  return null;
}
