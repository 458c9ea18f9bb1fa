/**
 * Point-in-time records the features read beside the price panel. Each record carries the date it became public
 * (`releaseDate` / `reportDate` / `date`); a feature may use it at the close of that date and never earlier, whatever
 * period it refers to. The record shapes are data/'s (pit-records.ts);
 * this bundle is what a feature receives.
 */
import type { FundamentalReport, Headline, MacroObservation } from '../data/index.ts';
import type { IsoDate } from '../data/index.ts';
import type { SyntheticRecords } from '../synth/index.ts';

export type { FundamentalReport, Headline, MacroObservation };

/** On synthetic data the study's records also carry the ground truth (`planted-expectation` reads it). */
export interface PitRecords extends Partial<SyntheticRecords> {
  readonly macro?: readonly MacroObservation[];
  readonly headlines?: readonly Headline[];
  readonly fundamentals?: readonly FundamentalReport[];
}

/** Index of the first panel date ≥ `date` (the bar at whose close a record dated `date` is first usable), or nDates. */
export function firstIndexOnOrAfter(dates: readonly IsoDate[], date: IsoDate): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
