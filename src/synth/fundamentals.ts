/**
 * Quarterly company reports for equity assets (the two equity indices and every stock). Earnings per share follow the
 * price: each quarter log EPS moves by half the quarter's log price change plus 1 % trend growth and noise, so
 * valuations mean-revert loosely instead of drifting away. Book value grows by the retained 60 % of earnings.
 * A report for the quarter ending on `periodEnd` is published `reportLag` business days after the quarter's last
 * business day (drawn per report); reports that would land after the calendar are not published.
 *
 * pe = close at the quarter's last business day / trailing-four-quarter EPS; pb = that close / book per share;
 * earningsGrowth = trailing EPS / trailing EPS a year earlier − 1.
 */
import type { Rng } from '../core/index.ts';
import type { FundamentalReport, IsoDate } from '../data/index.ts';
import type { SynthMarketParams } from './params.ts';
import type { Universe } from './universe.ts';

const QUARTER_END_DAY: Readonly<Record<number, string>> = { 3: '03-31', 6: '06-30', 9: '09-30', 12: '12-31' };

export function simulateFundamentals(
  params: SynthMarketParams,
  u: Universe,
  dates: readonly IsoDate[],
  year: Int32Array,
  month: Int32Array,
  close: Float64Array,
  rng: Rng,
): FundamentalReport[] {
  const nDates = dates.length;
  const n = u.nAssets;
  const { reportLagMinDays: lagMin, reportLagMaxDays: lagMax } = params.fundamentals;
  const quarterEnds: number[] = [];
  for (let t = 0; t + 1 < nDates; t++) if (month[t + 1] !== month[t] && month[t]! % 3 === 0) quarterEnds.push(t);

  const pending: { report: FundamentalReport; reportIdx: number; a: number }[] = [];
  for (let a = 0; a < n; a++) {
    if (Number.isNaN(u.initialPe[a]!)) continue;
    const p0 = close[a]!;
    // Four quarters of history at the starting valuation.
    const eps = [0, 0, 0, 0].map(() => p0 / u.initialPe[a]! / 4);
    let book = p0 / u.initialPb[a]!;
    let prevIdx = 0;
    const ttmHistory: number[] = [eps[0]! * 4, eps[0]! * 4, eps[0]! * 4, eps[0]! * 4];
    for (const q of quarterEnds) {
      const dp = Math.log(close[q * n + a]! / close[prevIdx * n + a]!);
      const e = eps[eps.length - 1]! * Math.exp(0.01 + 0.5 * dp + 0.04 * rng.normal());
      eps.push(e);
      book += 0.6 * e;
      const ttm = eps[eps.length - 1]! + eps[eps.length - 2]! + eps[eps.length - 3]! + eps[eps.length - 4]!;
      const yearAgo = ttmHistory[ttmHistory.length - 4]!;
      ttmHistory.push(ttm);
      const lag = lagMin + rng.int(lagMax - lagMin + 1);
      prevIdx = q;
      const reportIdx = q + lag;
      if (reportIdx >= nDates) continue;
      const price = close[q * n + a]!;
      pending.push({
        a,
        reportIdx,
        report: {
          asset: u.ids[a]!,
          periodEnd: `${year[q]}-${QUARTER_END_DAY[month[q]!]}`,
          reportDate: dates[reportIdx]!,
          pe: round4(price / ttm),
          pb: round4(price / book),
          earningsGrowth: round4(ttm / yearAgo - 1),
        },
      });
    }
  }
  // Publication order: by report date, then asset order.
  pending.sort((x, y) => x.reportIdx - y.reportIdx || x.a - y.a || (x.report.periodEnd < y.report.periodEnd ? -1 : 1));
  return pending.map((p) => p.report);
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
