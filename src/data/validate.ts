/**
 * Data-quality report for a table of prices (dates × assets). Works on the raw table as read from a file — dates
 * in file order, possibly unsorted or duplicated — so it can report what a loader would refuse.
 *
 * Rules (severity, why):
 * - `duplicate-date` (error): two rows for one date; which one is right is unknowable.
 * - `unsorted-dates` (warning): loaders sort, but an unsorted file often means a concatenation mistake.
 * - `calendar-gap` (warning): no rows for more than 7 calendar days (daily data) — missing data in disguise.
 * - `non-finite` (error): ±Infinity cells.
 * - `non-positive-price` (error): a price ≤ 0 breaks returns.
 * - `missing-cell` (error under the 'error' missing-data policy, warning otherwise): NaN after the asset's first
 *   value. NaNs before it mean "not listed yet" and are fine.
 * - `no-data` (error): an asset column without a single value.
 * - `stale-run` (warning): ≥ `staleRun` identical consecutive prices (a feed that stopped updating).
 * - `split-like-jump` (warning): an overnight ratio within `splitTolerance` of 2, 3, 4, 5, 10 or their inverses
 *   (an unadjusted split or reverse split).
 * - `short-history` (warning): fewer than `minHistory` values (estimators need a year of data).
 * - `extreme-value` (error): a price more than 1000× above or below the median of its 21-value neighbourhood
 *   (|ln p − rolling median of ln p| > ln 1000; robust.ts), e.g. 1e308 or 5e-324 in a series near 100. Such a value
 *   makes returns and covariances overflow, so it stops a run here with its asset and date, not later in an optimiser.
 * - `outlier` (warning): an isolated price far from that rolling median: |ln p − median| > `outlierMads` (10) scaled
 *   MADs of the window and > 0.1 (≈ 10 %). A bad tick; lasting level shifts move the median and are not flagged.
 * - `large-move` (warning): a one-period move |p_t / p_t−1 − 1| > `maxMove` (default 0.5 = 50 %) that is not part of
 *   a reported spike or split; on daily data (median spacing ≤ 5 days) unless `maxMove` is given. For returns
 *   tables the value itself is the move.
 * Findings on individual cells are aggregated per asset and rule: one finding with the count and the first
 * occurrences, so a report stays readable on a 500-asset file.
 */
import { calendarGaps, medianSpacingDays } from './calendar.ts';
import type { MissingDataPolicy } from './missing.ts';
import type { IsoDate, Panel } from './panel.ts';
import { findSpikes } from './robust.ts';

export type Severity = 'error' | 'warning';

export const QUALITY_RULES = [
  'parse',
  'duplicate-date',
  'unsorted-dates',
  'calendar-gap',
  'non-finite',
  'non-positive-price',
  'missing-cell',
  'no-data',
  'stale-run',
  'split-like-jump',
  'short-history',
  'extreme-value',
  'outlier',
  'large-move',
] as const;
export type QualityRule = (typeof QUALITY_RULES)[number];

export interface QualityFinding {
  readonly severity: Severity;
  readonly rule: QualityRule;
  readonly message: string;
  readonly file?: string;
  /** 1-based line of the first occurrence, when the table came from a file. */
  readonly line?: number;
  readonly date?: IsoDate;
  readonly asset?: string;
  /** Number of occurrences this finding stands for. */
  readonly count: number;
}

export interface QualityReport {
  readonly source: string;
  /** True when there is no error: the data can be loaded and used under the chosen missing-data policy. */
  readonly usable: boolean;
  readonly nDates: number;
  readonly nAssets: number;
  readonly firstDate?: IsoDate;
  readonly lastDate?: IsoDate;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: readonly QualityFinding[];
}

/** A raw table: `values[r * assets.length + a]`, rows in file order. */
export interface QualityInput {
  readonly source?: string;
  readonly dates: readonly IsoDate[];
  readonly assets: readonly string[];
  readonly values: Float64Array;
  /** 1-based source line per row. */
  readonly lines?: Int32Array;
  /** True for returns or factor tables: skips the price-only rules (non-positive, split, stale). */
  readonly notPrices?: boolean;
}

export interface ValidateOptions {
  /** Fewer valid values than this is `short-history`. Default 252 (one year of trading days). */
  readonly minHistory?: number;
  /** Identical consecutive prices from this length on are `stale-run`. Default 10. */
  readonly staleRun?: number;
  /** Relative tolerance of the split ratios. Default 0.02. */
  readonly splitTolerance?: number;
  /** Largest calendar gap in days that is not reported. Default: 7 for daily data. */
  readonly maxGapDays?: number;
  /** The policy the data will be loaded with; decides whether missing cells are errors. Default 'error'. */
  readonly missingPolicy?: MissingDataPolicy;
  /** Occurrences quoted in one finding's message. Default 3. */
  readonly examples?: number;
  /**
   * A one-period move beyond ±`maxMove` (fraction) is `large-move`. Default 0.5, applied to daily data only; an
   * explicit value applies at any frequency.
   */
  readonly maxMove?: number;
  /** Scaled MADs from the rolling median beyond which an isolated price is an `outlier`. Default 10. */
  readonly outlierMads?: number;
}

const SPLIT_RATIOS = [2, 3, 4, 5, 10, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 10];
const ratioName = (r: number): string => (r >= 1 ? `${r}:1` : `1:${Math.round(1 / r)}`);
/** A value as a short number: 6 significant digits, exponent form only when needed (1e+308, 5e-324). */
const num = (v: number): string => String(Number(v.toPrecision(6)));
const pct = (r: number): string => {
  const p = Math.abs(r) * 100;
  return `${r > 0 ? '+' : r < 0 ? '−' : ''}${p < 1e6 ? p.toFixed(1) : num(p)} %`;
};

export function validateTable(input: QualityInput, options: ValidateOptions = {}): QualityReport {
  const source = input.source ?? '<table>';
  const minHistory = options.minHistory ?? 252;
  const staleRun = options.staleRun ?? 10;
  const tol = options.splitTolerance ?? 0.02;
  const examples = options.examples ?? 3;
  const outlierMads = options.outlierMads ?? 10;
  const missingIsError = (options.missingPolicy ?? { policy: 'error' }).policy === 'error';
  const { dates, assets, values } = input;
  const n = assets.length;
  const R = dates.length;
  const lineOf = (r: number): number | undefined => (input.lines ? input.lines[r] : undefined);
  const at = (r: number): string => {
    const l = lineOf(r);
    return l !== undefined ? `${dates[r]} (line ${l})` : `${dates[r]}`;
  };
  const findings: QualityFinding[] = [];
  const add = (f: Omit<QualityFinding, 'file'>): void => {
    const full: QualityFinding = { ...f, file: source };
    if (full.line === undefined) delete (full as { line?: number }).line;
    findings.push(full);
  };

  // --- order and duplicates (file order); keep the first row of each date for the series rules
  const firstRowOf = new Map<IsoDate, number>();
  const dupRows: number[] = [];
  let unsortedCount = 0;
  let firstUnsorted = -1;
  for (let r = 0; r < R; r++) {
    const d = dates[r]!;
    const prev = firstRowOf.get(d);
    if (prev !== undefined) dupRows.push(r);
    else firstRowOf.set(d, r);
    if (r > 0 && d < dates[r - 1]!) {
      unsortedCount++;
      if (firstUnsorted < 0) firstUnsorted = r;
    }
  }
  if (dupRows.length > 0) {
    const r = dupRows[0]!;
    const first = firstRowOf.get(dates[r]!)!;
    add({
      severity: 'error',
      rule: 'duplicate-date',
      line: lineOf(r)!,
      date: dates[r]!,
      count: dupRows.length,
      message: `${dupRows.length} duplicate date${dupRows.length === 1 ? '' : 's'}; first: ${dates[r]} on line ${lineOf(r) ?? r + 1} repeats line ${lineOf(first) ?? first + 1}. Keep one row per date.`,
    });
  }
  if (unsortedCount > 0) {
    const r = firstUnsorted;
    add({
      severity: 'warning',
      rule: 'unsorted-dates',
      line: lineOf(r)!,
      date: dates[r]!,
      count: unsortedCount,
      message: `dates are not in ascending order (${unsortedCount} step${unsortedCount === 1 ? '' : 's'} back; first: ${dates[r]} after ${dates[r - 1]}). Keel sorts on load; sort the file by date to be sure nothing was concatenated twice.`,
    });
  }
  const order = [...firstRowOf.values()].sort((x, y) => (dates[x]! < dates[y]! ? -1 : dates[x]! > dates[y]! ? 1 : 0));
  const sortedDates = order.map((r) => dates[r]!);
  const T = order.length;

  // --- calendar gaps
  const gaps = calendarGaps(sortedDates, options.maxGapDays);
  if (gaps.length > 0) {
    const g = gaps[0]!;
    const list = gaps
      .slice(0, examples)
      .map((x) => `${x.from}→${x.to} (${x.days} days)`)
      .join(', ');
    add({
      severity: 'warning',
      rule: 'calendar-gap',
      line: lineOf(order[g.index]!)!,
      date: g.to,
      count: gaps.length,
      message: `${gaps.length} gap${gaps.length === 1 ? '' : 's'} in the calendar: ${list}${gaps.length > examples ? ', …' : ''}. Check that no rows were lost; holidays and closures are fine.`,
    });
  }

  // one-period moves: daily data by default, any frequency when the threshold is given
  const maxMove = options.maxMove ?? (medianSpacingDays(sortedDates) <= 5 ? 0.5 : Infinity);

  // finite positive prices of one asset in date order (their k and ln), for the spike rule; reused per asset
  const posK = new Int32Array(T);
  const posLog = new Float64Array(T);

  // --- per-asset series rules, in date order
  for (let a = 0; a < n; a++) {
    const asset = assets[a]!;
    const nonFinite: number[] = [];
    const nonPositive: number[] = [];
    const holes: number[] = [];
    const stale: { start: number; len: number }[] = [];
    const jumps: { k: number; ratio: number }[] = [];
    const moves: { k: number; prevK: number; r: number }[] = [];
    let nPos = 0;
    let prevK = -1;
    let valid = 0;
    let listed = false;
    let prev = NaN;
    let runStart = -1;
    let runLen = 0;
    for (let k = 0; k < T; k++) {
      const r = order[k]!;
      const v = values[r * n + a]!;
      if (Number.isNaN(v)) {
        if (listed) holes.push(k);
        continue;
      }
      listed = true;
      if (!Number.isFinite(v)) {
        nonFinite.push(k);
        continue;
      }
      valid++;
      if (input.notPrices) {
        if (Math.abs(v) > maxMove) moves.push({ k, prevK: k, r: v });
      } else {
        if (v <= 0) nonPositive.push(k);
        else {
          posK[nPos] = k;
          posLog[nPos++] = Math.log(v);
        }
        if (v === prev) {
          runLen++;
        } else {
          if (runLen >= staleRun) stale.push({ start: runStart, len: runLen });
          runStart = k;
          runLen = 1;
        }
        if (prev > 0 && v > 0) {
          const ratio = v / prev;
          let split = false;
          for (const s of SPLIT_RATIOS) {
            if (Math.abs(ratio / s - 1) <= tol) {
              jumps.push({ k, ratio: s });
              split = true;
              break;
            }
          }
          if (!split && Math.abs(ratio - 1) > maxMove) moves.push({ k, prevK, r: ratio - 1 });
        }
      }
      prev = v;
      prevK = k;
    }
    if (runLen >= staleRun) stale.push({ start: runStart, len: runLen });
    const cellFinding = (
      ks: readonly number[],
      rule: QualityRule,
      severity: Severity,
      what: string,
      fix: string,
      whatPlural = `${what}s`,
    ): void => {
      if (ks.length === 0) return;
      const r0 = order[ks[0]!]!;
      const list = ks
        .slice(0, examples)
        .map((k) => at(order[k]!))
        .join(', ');
      add({
        severity,
        rule,
        asset,
        date: dates[r0]!,
        line: lineOf(r0)!,
        count: ks.length,
        message: `asset "${asset}" has ${ks.length} ${ks.length === 1 ? what : whatPlural}: ${list}${ks.length > examples ? ', …' : ''}. ${fix}`,
      });
    };
    if (!listed) {
      add({
        severity: 'error',
        rule: 'no-data',
        asset,
        count: 1,
        message: `asset "${asset}" has no values at all. Remove the column or fill in its data.`,
      });
      continue;
    }
    cellFinding(
      nonFinite,
      'non-finite',
      'error',
      'infinite value',
      'Replace with the real value, or leave the cell empty to mark it missing.',
    );
    cellFinding(
      nonPositive,
      'non-positive-price',
      'error',
      'price ≤ 0',
      'Prices must be > 0: fix the value or leave the cell empty to mark it missing.',
      'prices ≤ 0',
    );
    cellFinding(
      holes,
      'missing-cell',
      missingIsError ? 'error' : 'warning',
      'missing cell after listing',
      missingIsError
        ? "Fill the cells, or choose a missing-data policy: { policy: 'forward-fill', limit: 5 }, 'drop-dates' or 'drop-assets' (CLI: --missing forward-fill:5)."
        : 'The chosen missing-data policy will fix them and count the fixes.',
      'missing cells after listing',
    );
    if (stale.length > 0) {
      const s0 = stale[0]!;
      const r0 = order[s0.start]!;
      const list = stale
        .slice(0, examples)
        .map((s) => `${s.len} days from ${at(order[s.start]!)}`)
        .join(', ');
      add({
        severity: 'warning',
        rule: 'stale-run',
        asset,
        date: dates[r0]!,
        line: lineOf(r0)!,
        count: stale.length,
        message: `asset "${asset}" repeats the same price ${stale.length === 1 ? 'once' : `${stale.length} times`} for ≥ ${staleRun} days: ${list}${stale.length > examples ? ', …' : ''}. Check the feed; a stale price hides risk.`,
      });
    }
    // spikes (robust.ts); the moves into and out of a reported spike are not reported again as large moves
    const spikes = findSpikes(posLog.subarray(0, nPos), { mads: outlierMads });
    const spikeKs = new Set(spikes.map((s) => posK[s.index]!));
    const spikeFinding = (kind: 'extreme' | 'outlier'): void => {
      const list = spikes.filter((s) => s.kind === kind);
      if (list.length === 0) return;
      const r0 = order[posK[list[0]!.index]!]!;
      const quoted = list
        .slice(0, examples)
        .map((s) => {
          const r = order[posK[s.index]!]!;
          return `${num(values[r * n + a]!)} on ${at(r)} vs median ${num(s.median)}`;
        })
        .join(', ');
      const more = list.length > examples ? ', …' : '';
      const c = list.length;
      add(
        kind === 'extreme'
          ? {
              severity: 'error',
              rule: 'extreme-value',
              asset,
              date: dates[r0]!,
              line: lineOf(r0)!,
              count: c,
              message: `asset "${asset}" has ${c} price${c === 1 ? '' : 's'} more than 1000× above or below the median of ${c === 1 ? 'its' : 'their'} 21 nearest values: ${quoted}${more}. Such a value makes returns and covariances overflow; fix it or leave the cell empty to mark it missing.`,
            }
          : {
              severity: 'warning',
              rule: 'outlier',
              asset,
              date: dates[r0]!,
              line: lineOf(r0)!,
              count: c,
              message: `asset "${asset}" has ${c} isolated price${c === 1 ? '' : 's'} far from the median of ${c === 1 ? 'its' : 'their'} 21 nearest values (|ln p − median| > ${outlierMads} scaled MADs and > 10 %): ${quoted}${more}. Check ${c === 1 ? 'it' : 'them'} against another source; a bad tick distorts the returns on both sides.`,
            },
      );
    };
    spikeFinding('extreme');
    spikeFinding('outlier');
    const bigMoves = moves.filter((m) => !spikeKs.has(m.k) && !spikeKs.has(m.prevK));
    if (bigMoves.length > 0) {
      const r0 = order[bigMoves[0]!.k]!;
      const list = bigMoves
        .slice(0, examples)
        .map((m) => `${pct(m.r)} on ${at(order[m.k]!)}`)
        .join(', ');
      const c = bigMoves.length;
      add({
        severity: 'warning',
        rule: 'large-move',
        asset,
        date: dates[r0]!,
        line: lineOf(r0)!,
        count: c,
        message: `asset "${asset}" has ${c} one-period move${c === 1 ? '' : 's'} beyond ±${num(maxMove * 100)} %: ${list}${c > examples ? ', …' : ''}. Check the price${c === 1 ? '' : 's'} (a bad tick or an unadjusted corporate action?); if the move is real, raise maxMove (CLI: --max-move; study: data.quality.maxMove).`,
      });
    }
    if (jumps.length > 0) {
      const j0 = jumps[0]!;
      const r0 = order[j0.k]!;
      const list = jumps
        .slice(0, examples)
        .map((j) => `${ratioName(j.ratio)} on ${at(order[j.k]!)}`)
        .join(', ');
      add({
        severity: 'warning',
        rule: 'split-like-jump',
        asset,
        date: dates[r0]!,
        line: lineOf(r0)!,
        count: jumps.length,
        message: `asset "${asset}" has ${jumps.length} overnight move${jumps.length === 1 ? '' : 's'} that look${jumps.length === 1 ? 's' : ''} like an unadjusted split: ${list}${jumps.length > examples ? ', …' : ''}. Use split-adjusted prices (e.g. adjusted close).`,
      });
    }
    if (valid < minHistory) {
      add({
        severity: 'warning',
        rule: 'short-history',
        asset,
        count: 1,
        message: `asset "${asset}" has only ${valid} value${valid === 1 ? '' : 's'} (fewer than ${minHistory}). Estimates on it will be noisy; drop it or lower minHistory.`,
      });
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    source,
    usable: errors === 0,
    nDates: T,
    nAssets: n,
    ...(T > 0 ? { firstDate: sortedDates[0]!, lastDate: sortedDates[T - 1]! } : {}),
    errors,
    warnings: findings.length - errors,
    findings,
  };
}

/** Validates one field of a panel (default `close`). */
export function validatePanel(
  panel: Panel,
  options: ValidateOptions & { readonly field?: string; readonly source?: string } = {},
): QualityReport {
  return validateTable(
    {
      source: options.source ?? '<panel>',
      dates: panel.dates,
      assets: panel.assets,
      values: panel.field(options.field ?? 'close'),
    },
    options,
  );
}

/** The report as text lines: a summary, then one line per finding `severity rule [asset] where: message`. */
export function formatQualityReport(report: QualityReport): string[] {
  const out: string[] = [];
  out.push(
    `${report.source}: ${report.nDates} dates × ${report.nAssets} assets${report.firstDate ? `, ${report.firstDate} .. ${report.lastDate}` : ''}; ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'} — ${report.usable ? 'usable' : 'NOT usable'}`,
  );
  for (const f of report.findings) {
    const where = f.line !== undefined ? `${f.file}:${f.line}` : f.date ? `${f.file} ${f.date}` : `${f.file}`;
    out.push(`  ${f.severity.padEnd(7)} ${f.rule.padEnd(18)} ${where}: ${f.message}`);
  }
  return out;
}
