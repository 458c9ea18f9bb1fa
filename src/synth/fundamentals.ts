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
  monthAfterLast: number,
  close: Float64Array,
  rng: Rng,
): FundamentalReport[] {
  const nDates = dates.length;
  const n = u.nAssets;
  const { reportLagMinDays: lagMin, reportLagMaxDays: lagMax } = params.fundamentals;
  const quarterEnds: number[] = [];
  for (let t = 0; t < nDates; t++) {
    const next = t + 1 < nDates ? month[t + 1]! : monthAfterLast;
    if (next !== month[t] && month[t]! % 3 === 0) quarterEnds.push(t);
  }

  const pending: { report: FundamentalReport; reportIdx: number; a: number }[] = [];
  // Per equity asset: the last four quarterly EPS (ring), book value per share, trailing EPS of the last 4 quarters.
  const equity: number[] = [];
  for (let a = 0; a < n; a++) if (!Number.isNaN(u.initialPe[a]!)) equity.push(a);
  const eps = new Float64Array(n * 4);
  const ttmRing = new Float64Array(n * 4);
  const book = new Float64Array(n);
  for (const a of equity) {
    const p0 = close[a]!;
    const e0 = p0 / u.initialPe[a]! / 4; // four quarters of history at the starting valuation
    for (let k = 0; k < 4; k++) {
      eps[a * 4 + k] = e0;
      ttmRing[a * 4 + k] = 4 * e0;
    }
    book[a] = p0 / u.initialPb[a]!;
  }
  // Quarter by quarter (then asset by asset), so a shorter calendar draws exactly the same reports for its quarters.
  let prevIdx = 0;
  for (let q = 0; q < quarterEnds.length; q++) {
    const t = quarterEnds[q]!;
    const slot = q % 4;
    for (const a of equity) {
      const dp = Math.log(close[t * n + a]! / close[prevIdx * n + a]!);
      const last = eps[a * 4 + ((slot + 3) % 4)]!;
      const e = last * Math.exp(0.01 + 0.5 * dp + 0.04 * rng.normal());
      eps[a * 4 + slot] = e;
      book[a] = book[a]! + 0.6 * e;
      const ttm = eps[a * 4]! + eps[a * 4 + 1]! + eps[a * 4 + 2]! + eps[a * 4 + 3]!;
      const yearAgo = ttmRing[a * 4 + slot]!; // written four quarters ago
      ttmRing[a * 4 + slot] = ttm;
      const lag = lagMin + rng.int(lagMax - lagMin + 1);
      const reportIdx = t + lag;
      if (reportIdx >= nDates) continue;
      const price = close[t * n + a]!;
      pending.push({
        a,
        reportIdx,
        report: {
          asset: u.ids[a]!,
          periodEnd: `${year[t]}-${QUARTER_END_DAY[month[t]!]}`,
          reportDate: dates[reportIdx]!,
          pe: round4(price / ttm),
          pb: round4(price / book[a]!),
          earningsGrowth: round4(ttm / yearAgo - 1),
        },
      });
    }
    prevIdx = t;
  }
  // Publication order: by report date, then asset order.
  pending.sort((x, y) => x.reportIdx - y.reportIdx || x.a - y.a || (x.report.periodEnd < y.report.periodEnd ? -1 : 1));
  return pending.map((p) => p.report);
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
