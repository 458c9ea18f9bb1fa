/**
 * The tear sheet a portfolio manager expects (pyfolio/quantstats): calendar returns, rolling risk, the worst
 * drawdown spells and the distribution and benchmark-relative statistics of one NAV path.
 *
 * Input is a NAV path on dates (the first point is the base, before the first return), so drawdowns, months and
 * years are measured from the same wealth path the equity chart draws. Formulas follow empyrical/quantstats where
 * they agree (numbers checked against a NumPy fixture, fixtures/tearsheet.py); where they differ we say which:
 * - volatility, Sharpe, rolling Sharpe/volatility: sample sd (ddof 1), √periodsPerYear (empyrical, quantstats);
 * - skew and excess kurtosis: bias-adjusted (pandas, quantstats) — scipy/empyrical report the biased ones;
 * - alpha: arithmetic, (mean(r) − β·mean(b))·periodsPerYear (empyrical compounds it); information ratio
 *   annualised by √periodsPerYear (quantstats leaves it per period);
 * - VaR/CVaR: historical, positive loss per period at level α, numpy's linear-interpolation quantile.
 */
import { alpha as jensenAlpha, beta, informationRatio, trackingError } from './relative.ts';
import {
  annualizedReturn,
  annualizedVolatility,
  calmarRatio,
  excessKurtosis,
  historicalCVaR,
  historicalVaR,
  maxDrawdown,
  sharpeRatio,
  skewness,
  sortinoRatio,
} from './performance.ts';
import { rollingSharpe, rollingVolatility } from './rolling.ts';
import { acovariance, avariance } from './stats.ts';

export interface TearSheetInput {
  /** ISO dates (YYYY-MM-DD), one per NAV point, ascending. */
  readonly dates: readonly string[];
  /** NAV per date (any scale; the first point is the base). */
  readonly nav: ArrayLike<number>;
  /** Benchmark NAV on the same dates, for beta, alpha, tracking error, information ratio and rolling beta. */
  readonly benchmarkNav?: ArrayLike<number>;
  readonly periodsPerYear: number;
  /** Rolling window in periods (default 126, about six months of trading days). */
  readonly window?: number;
  /** Tail level of VaR/CVaR (default 0.05). */
  readonly alpha?: number;
  /** How many drawdown spells to list (default 5). */
  readonly topDrawdowns?: number;
}

export interface PeriodReturn {
  /** 'YYYY-MM' for months, 'YYYY' for years. */
  readonly period: string;
  readonly ret: number;
  readonly benchmark?: number;
}

export interface DrawdownSpell {
  /** Last date at the running peak before the loss. */
  readonly peak: string;
  /** Date of the lowest NAV in the spell. */
  readonly valley: string;
  /** First date back at or above the peak; null while still under water. */
  readonly recovery: string | null;
  /** Peak-to-valley loss as a positive fraction. */
  readonly depth: number;
  /** Periods from the peak to the recovery (or to the last date). */
  readonly periods: number;
}

export interface TearSheetStats {
  readonly annualizedReturn: number;
  readonly annualizedVolatility: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly maxDrawdown: number;
  readonly valueAtRisk: number;
  readonly conditionalValueAtRisk: number;
  readonly skewness: number;
  readonly excessKurtosis: number;
  readonly bestMonth: number;
  readonly worstMonth: number;
  /** Share of months with a positive return. */
  readonly positiveMonths: number;
  readonly beta?: number;
  readonly alpha?: number;
  readonly trackingError?: number;
  readonly informationRatio?: number;
}

export interface TearSheet {
  readonly stats: TearSheetStats;
  readonly monthly: readonly PeriodReturn[];
  readonly annual: readonly PeriodReturn[];
  readonly rolling: {
    readonly window: number;
    /** Dates of the returns (the NAV dates after the first). */
    readonly dates: readonly string[];
    readonly sharpe: Float64Array;
    readonly volatility: Float64Array;
    readonly beta?: Float64Array;
  };
  readonly drawdowns: readonly DrawdownSpell[];
}

/** Simple returns of a NAV path (length n − 1). */
export function navReturns(nav: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, nav.length - 1));
  for (let i = 1; i < nav.length; i++) out[i - 1] = nav[i]! / nav[i - 1]! - 1;
  return out;
}

/**
 * Compounded return per calendar period: the last NAV of the period over the last NAV before it (the base point
 * for the first period). `keyLength` 7 groups by month ('YYYY-MM'), 4 by year.
 */
export function calendarReturns(
  dates: readonly string[],
  nav: ArrayLike<number>,
  keyLength: 4 | 7,
  benchmarkNav?: ArrayLike<number>,
): PeriodReturn[] {
  const out: PeriodReturn[] = [];
  let prevEnd = 0;
  for (let i = 1; i < dates.length; i++) {
    const key = dates[i]!.slice(0, keyLength);
    const last = i === dates.length - 1 || dates[i + 1]!.slice(0, keyLength) !== key;
    if (!last) continue;
    const ret = nav[i]! / nav[prevEnd]! - 1;
    out.push(
      benchmarkNav
        ? { period: key, ret, benchmark: benchmarkNav[i]! / benchmarkNav[prevEnd]! - 1 }
        : { period: key, ret },
    );
    prevEnd = i;
  }
  return out;
}

/** Every under-water spell of the NAV path, deepest first, at most `top`. */
export function drawdownSpells(dates: readonly string[], nav: ArrayLike<number>, top = 5): DrawdownSpell[] {
  const spells: DrawdownSpell[] = [];
  let peak = 0;
  let valley = 0;
  for (let i = 1; i <= nav.length; i++) {
    const atEnd = i === nav.length;
    if (!atEnd && nav[i]! < nav[peak]!) {
      if (nav[i]! < nav[valley]!) valley = i;
      continue;
    }
    if (valley !== peak) {
      spells.push({
        peak: dates[peak]!,
        valley: dates[valley]!,
        recovery: atEnd ? null : dates[i]!,
        depth: 1 - nav[valley]! / nav[peak]!,
        periods: (atEnd ? nav.length - 1 : i) - peak,
      });
    }
    peak = i;
    valley = i;
  }
  // Deepest first; equal depths keep date order so the table is stable.
  return spells
    .map((s, k) => ({ s, k }))
    .sort((a, b) => b.s.depth - a.s.depth || a.k - b.k)
    .slice(0, top)
    .map((x) => x.s);
}

/** Rolling β over a trailing window (NaN until the window is full or where it holds a NaN). */
export function rollingBeta(returns: ArrayLike<number>, benchmark: ArrayLike<number>, window: number): Float64Array {
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  // Views into one copy (not a slice per date: that made this the report's hottest loop); the same arithmetic.
  const r = Float64Array.from(returns);
  const b = Float64Array.from(benchmark);
  const bad = new Int32Array(n + 1); // bad[i] = number of dates before i where either side is not finite
  for (let i = 0; i < n; i++) bad[i + 1] = bad[i]! + (Number.isFinite(r[i]!) && Number.isFinite(b[i]!) ? 0 : 1);
  for (let i = window - 1; i < n; i++) {
    if (bad[i + 1] !== bad[i - window + 1]) continue;
    const bw = b.subarray(i - window + 1, i + 1);
    out[i] = acovariance(r.subarray(i - window + 1, i + 1), bw) / avariance(bw);
  }
  return out;
}

export function tearSheet(input: TearSheetInput): TearSheet {
  const { dates, nav, benchmarkNav, periodsPerYear: ppy } = input;
  if (dates.length !== nav.length)
    throw new RangeError(`dates (${dates.length}) and nav (${nav.length}) differ in length`);
  if (benchmarkNav && benchmarkNav.length !== nav.length)
    throw new RangeError(`benchmarkNav (${benchmarkNav.length}) and nav (${nav.length}) differ in length`);
  const window = input.window ?? 126;
  const level = input.alpha ?? 0.05;
  const r = navReturns(nav);
  const b = benchmarkNav ? navReturns(benchmarkNav) : undefined;
  const monthly = calendarReturns(dates, nav, 7, benchmarkNav);
  const monthRets = monthly.map((m) => m.ret);
  const stats: TearSheetStats = {
    annualizedReturn: annualizedReturn(r, ppy),
    annualizedVolatility: annualizedVolatility(r, ppy),
    sharpe: sharpeRatio(r, ppy),
    sortino: sortinoRatio(r, ppy),
    calmar: calmarRatio(r, ppy),
    maxDrawdown: maxDrawdown(r).maxDrawdown,
    valueAtRisk: historicalVaR(r, level),
    conditionalValueAtRisk: historicalCVaR(r, level),
    skewness: skewness(r),
    excessKurtosis: excessKurtosis(r),
    bestMonth: monthRets.length > 0 ? Math.max(...monthRets) : NaN,
    worstMonth: monthRets.length > 0 ? Math.min(...monthRets) : NaN,
    positiveMonths: monthRets.length > 0 ? monthRets.filter((v) => v > 0).length / monthRets.length : NaN,
    ...(b
      ? {
          beta: beta(r, b),
          alpha: jensenAlpha(r, b, ppy),
          trackingError: trackingError(r, b, ppy),
          informationRatio: informationRatio(r, b, ppy),
        }
      : {}),
  };
  const enough = r.length >= window && window >= 2;
  const nanSeries = (): Float64Array => new Float64Array(r.length).fill(NaN);
  return {
    stats,
    monthly,
    annual: calendarReturns(dates, nav, 4, benchmarkNav),
    rolling: {
      window,
      dates: dates.slice(1),
      sharpe: enough ? rollingSharpe(r, window, ppy) : nanSeries(),
      volatility: enough ? rollingVolatility(r, window, ppy) : nanSeries(),
      ...(b ? { beta: enough ? rollingBeta(r, b, window) : nanSeries() } : {}),
    },
    drawdowns: drawdownSpells(dates, nav, input.topDrawdowns ?? 5),
  };
}

export interface MonthlyActivity {
  /** 'YYYY-MM'. */
  readonly period: string;
  /** Σ|w| and Σw of the post-trade weights at the month's last close (1 = fully invested, long only). */
  readonly gross: number;
  readonly net: number;
  /** Traded notional over the month as a fraction of the NAV before each day's trades (a full switch A→B = 2). */
  readonly turnover: number;
}

/**
 * Exposure and turnover per calendar month from a backtest's daily series: `weights` row-major dates × assets,
 * `traded` the notional per date and `nav` the NAV at each close. Dates before `from` are skipped, and the trades
 * on `from` itself (building the book from cash) are not counted as turnover, as in the turnover metric.
 */
export function monthlyActivity(input: {
  readonly dates: readonly string[];
  readonly weights: ArrayLike<number>;
  readonly nAssets: number;
  readonly traded: ArrayLike<number>;
  readonly nav: ArrayLike<number>;
  readonly from?: number;
}): MonthlyActivity[] {
  const { dates, weights, nAssets: k, traded, nav } = input;
  const from = Math.max(0, input.from ?? 0);
  const out: MonthlyActivity[] = [];
  let turnover = 0;
  for (let t = from; t < dates.length; t++) {
    if (t > from && nav[t - 1]! > 0 && Number.isFinite(traded[t]!)) turnover += traded[t]! / nav[t - 1]!;
    if (t < dates.length - 1 && dates[t + 1]!.slice(0, 7) === dates[t]!.slice(0, 7)) continue;
    let gross = 0;
    let net = 0;
    for (let a = 0; a < k; a++) {
      const w = weights[t * k + a]!;
      gross += Math.abs(w);
      net += w;
    }
    out.push({ period: dates[t]!.slice(0, 7), gross, net, turnover });
    turnover = 0;
  }
  return out;
}
