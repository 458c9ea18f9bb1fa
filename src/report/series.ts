/**
 * What every report section draws of one backtest: its NAV rebased to 1 at the first fill, its monthly exposure
 * and turnover, and the deflated Sharpe of its edge over another run (1/N). Shared by the ML job's report and the
 * plain backtest report so both measure the same way.
 */
import type { BacktestResult } from '../backtest/index.ts';
import { deflatedSharpeRatio, monthlyActivity } from '../metrics/index.ts';
import type { StrategyActivity } from './model.ts';

/** NAV rebased to 1 at the first fill, from that date on. */
export function navFrom(r: BacktestResult): { dates: string[]; nav: number[] } {
  const s = Math.max(0, r.firstFillIndex);
  const base = r.nav[s]!;
  return { dates: r.dates.slice(s), nav: Array.from(r.nav.subarray(s), (v) => v / base) };
}

/** Month-end gross/net exposure and monthly turnover (the initial purchase excluded), column-wise for report.json. */
export function activityOf(r: BacktestResult): StrategyActivity {
  const rows = monthlyActivity({
    dates: r.dates,
    weights: r.weights,
    nAssets: r.assets.length,
    traded: r.traded,
    nav: r.nav,
    from: Math.max(0, r.firstFillIndex),
  });
  return {
    periods: rows.map((m) => m.period),
    gross: rows.map((m) => m.gross),
    net: rows.map((m) => m.net),
    turnover: rows.map((m) => m.turnover),
  };
}

/**
 * Deflated Sharpe of the per-period return of `a` over `b`, over the periods both are invested; NaN when a is b,
 * the series differ in length, or fewer than 30 common periods remain.
 */
export function activeDeflatedSharpe(a: BacktestResult, b: BacktestResult | undefined, nTrials: number): number {
  const d = activeReturns(a, b);
  return d ? deflatedSharpeRatio(d, nTrials).dsr : NaN;
}

/**
 * Annualised information ratio of `a` over `b` (mean / sd of the per-period active return × √periodsPerYear), over
 * the same periods as `activeDeflatedSharpe`; NaN where that is.
 */
export function activeInformationRatio(a: BacktestResult, b: BacktestResult | undefined): number {
  const d = activeReturns(a, b);
  if (!d) return NaN;
  const m = d.reduce((s, x) => s + x, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1));
  return sd > 0 ? (m / sd) * Math.sqrt(a.settings.periodsPerYear) : NaN;
}

function activeReturns(a: BacktestResult, b: BacktestResult | undefined): Float64Array | undefined {
  if (!b || a === b) return undefined;
  const start = Math.max(a.firstFillIndex, b.firstFillIndex) + 1;
  if (a.returns.length !== b.returns.length || a.returns.length - start < 30) return undefined;
  const d = new Float64Array(a.returns.length - start);
  for (let t = start; t < a.returns.length; t++) d[t - start] = a.returns[t]! - b.returns[t]!;
  return d;
}
