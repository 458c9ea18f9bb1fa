/**
 * The look-ahead audit of a whole backtest: for each cutoff t, rerun the backtest on the panel with everything
 * after t replaced by garbage (and, separately, deleted) and require that every decision (target weights) and
 * every fill (ledger row) dated ≤ t, and the NAV path up to t, are bitwise unchanged.
 */
import { configError } from '../core/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';
import { ledgerRows, runBacktest } from '../backtest/index.ts';
import type { BacktestOptions, BacktestResult, Strategy } from '../backtest/index.ts';
import { checkPointInTime } from './point-in-time.ts';
import type { PointInTimeReport } from './point-in-time.ts';
import type { PerturbMode } from './perturb.ts';

/** What must not change at ≤ asOf: decisions, fills and NAV. */
export function backtestObservation(r: BacktestResult, asOf: IsoDate): unknown {
  const upto = r.dates.filter((d) => d <= asOf).length;
  return {
    decisions: r.decisions.filter((x) => x.dateIndex < upto).map((x) => [r.dates[x.dateIndex], Array.from(x.target)]),
    fills: ledgerRows(r.ledger).filter((x) => x.date <= asOf),
    nav: Array.from(r.nav.subarray(0, upto)),
  };
}

/** Default cutoffs: 3 dates at 40 %, 65 % and 90 % of the simulated range. */
export function defaultCutoffs(panel: Panel, options: Pick<BacktestOptions, 'start' | 'end'>): IsoDate[] {
  const d = panel.dates.filter(
    (x) => (options.start === undefined || x >= options.start) && (options.end === undefined || x <= options.end),
  );
  if (d.length < 3)
    throw configError(`audit: the backtest covers ${d.length} dates; at least 3 are needed to place cutoffs.`);
  return [...new Set([0.4, 0.65, 0.9].map((f) => d[Math.min(d.length - 2, Math.floor(f * (d.length - 1)))]!))];
}

export interface BacktestAuditOptions {
  /** Cutoff dates (default `defaultCutoffs`). */
  readonly asOf?: readonly IsoDate[];
  readonly modes?: readonly PerturbMode[];
  readonly seed?: number;
  /** Point-in-time records the strategies read (macro, headlines, reports); perturbed with the panel. */
  readonly records?: unknown;
}

/**
 * Audit one strategy through the engine. `makeStrategy` builds a FRESH strategy for each run (strategies may
 * cache), e.g. `() => createStrategy(spec)`. It receives the (perturbed) panel of that run, so a factory that wires
 * the full panel into the strategy — a classic leak — is caught too.
 */
export function auditBacktest(
  panel: Panel,
  makeStrategy: (panel: Panel, records?: unknown) => Strategy,
  options: BacktestOptions,
  audit: BacktestAuditOptions = {},
): PointInTimeReport & { asOf: readonly IsoDate[] } {
  const asOf = audit.asOf ?? defaultCutoffs(panel, options);
  const report = checkPointInTime({
    panel,
    asOf,
    // The backtest stops at the cutoff: what is compared is dated ≤ asOf, a leak shows up there, and a strategy is
    // spared fitting on degenerate (garbled or deleted) future data it would never use for those decisions.
    compute: (p, at, records) =>
      runBacktest(p, makeStrategy(p, records), {
        ...options,
        end: options.end !== undefined && options.end < at ? options.end : at,
      }),
    ...(audit.records === undefined ? {} : { records: audit.records }),
    observe: backtestObservation,
    ...(audit.modes ? { modes: audit.modes } : {}),
    ...(audit.seed === undefined ? {} : { seed: audit.seed }),
  });
  return { ...report, asOf };
}
