/**
 * Point-in-time records: values that exist about a date (a reference period, a quarter) but become known only on a
 * later release date. Macro statistics, news headlines and company fundamentals all share the rule that a decision at
 * `asOf` may see a record only when its release date is ≤ `asOf`. The helpers here are the one place that rule is
 * written; features read records only through them.
 *
 * Dates are ISO `YYYY-MM-DD` strings, so string comparison is chronological comparison.
 */
import type { IsoDate } from './panel.ts';

/** Macro series Keel knows by name (others are allowed; these are the ones the synthetic market publishes). */
export const MACRO_SERIES = ['policy_rate', 'inflation', 'gdp_growth', 'unemployment'] as const;
export type MacroSeriesName = (typeof MACRO_SERIES)[number];

/**
 * One published value of a macro series.
 * - `refDate`: first day of the reference period (FRED convention: the March 2020 CPI has refDate 2020-03-01).
 * - `releaseDate`: the day this value became public; invisible before it.
 * - `vintage`: 1 = first release, 2 = first revision, … (a later vintage replaces an earlier one once released).
 * - `value`: in the series' natural unit (percent for rates, inflation, growth and unemployment).
 */
export interface MacroObservation {
  readonly series: string;
  readonly refDate: IsoDate;
  readonly releaseDate: IsoDate;
  readonly value: number;
  readonly vintage: number;
}

/** One news headline about one asset, public on `date` (before that day's close). */
export interface Headline {
  readonly date: IsoDate;
  readonly asset: string;
  readonly text: string;
}

/**
 * One quarterly company report, public on `reportDate` (after the quarter `periodEnd`).
 * `pe` = price at period end / trailing-four-quarter earnings per share; `pb` = price / book value per share;
 * `earningsGrowth` = year-over-year growth of trailing earnings, a fraction (0.08 = 8 %).
 */
export interface FundamentalReport {
  readonly asset: string;
  readonly periodEnd: IsoDate;
  readonly reportDate: IsoDate;
  readonly pe: number;
  readonly pb: number;
  readonly earningsGrowth: number;
}

/** True when `releaseDate ≤ asOf`. */
export function isReleased(releaseDate: IsoDate, asOf: IsoDate): boolean {
  return releaseDate <= asOf;
}

/**
 * What a person at the close of `asOf` could know: for every (series, refDate) the latest vintage released on or
 * before `asOf`. Later vintages and unreleased periods are dropped. Output sorted by series, then refDate.
 * Does not mutate `obs`.
 */
export function macroAsOf(obs: readonly MacroObservation[], asOf: IsoDate): MacroObservation[] {
  const best = new Map<string, MacroObservation>();
  for (const o of obs) {
    if (o.releaseDate > asOf) continue;
    const key = `${o.series}\u0000${o.refDate}`;
    const prev = best.get(key);
    if (prev === undefined || o.vintage > prev.vintage) best.set(key, o);
  }
  return [...best.values()].sort((x, y) =>
    x.series === y.series ? (x.refDate < y.refDate ? -1 : x.refDate > y.refDate ? 1 : 0) : x.series < y.series ? -1 : 1,
  );
}

/**
 * The most recent reference period of `series` known at `asOf`, in its latest released vintage; undefined when
 * nothing of that series has been released yet.
 */
export function latestMacroValue(
  obs: readonly MacroObservation[],
  series: string,
  asOf: IsoDate,
): MacroObservation | undefined {
  let best: MacroObservation | undefined;
  for (const o of obs) {
    if (o.series !== series || o.releaseDate > asOf) continue;
    if (best === undefined || o.refDate > best.refDate || (o.refDate === best.refDate && o.vintage > best.vintage))
      best = o;
  }
  return best;
}

/** Headlines dated on or before `asOf` (optionally for one asset), in input order. */
export function headlinesAsOf(headlines: readonly Headline[], asOf: IsoDate, asset?: string): Headline[] {
  const out: Headline[] = [];
  for (const h of headlines) if (h.date <= asOf && (asset === undefined || h.asset === asset)) out.push(h);
  return out;
}

/** Reports whose `reportDate ≤ asOf` (optionally for one asset), in input order. */
export function fundamentalsAsOf(
  reports: readonly FundamentalReport[],
  asOf: IsoDate,
  asset?: string,
): FundamentalReport[] {
  const out: FundamentalReport[] = [];
  for (const r of reports) if (r.reportDate <= asOf && (asset === undefined || r.asset === asset)) out.push(r);
  return out;
}

/** The latest report of `asset` released by `asOf` (latest `periodEnd` among those released), or undefined. */
export function latestFundamental(
  reports: readonly FundamentalReport[],
  asset: string,
  asOf: IsoDate,
): FundamentalReport | undefined {
  let best: FundamentalReport | undefined;
  for (const r of reports) {
    if (r.asset !== asset || r.reportDate > asOf) continue;
    if (best === undefined || r.periodEnd > best.periodEnd) best = r;
  }
  return best;
}
