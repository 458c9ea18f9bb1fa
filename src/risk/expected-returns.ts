/**
 * Expected-return estimators. Every result is annualised with `frequency` periods a year (252 for daily data),
 * one value per asset in the table's column order. NaN observations are skipped per asset (ragged histories).
 */
import { dataError } from '../core/index.ts';
import { assertUsable, type ReturnsTable } from './returns.ts';

export interface MeanReturnOptions {
  /** Geometric (CAGR, PyPortfolioOpt's default) when true, arithmetic mean × frequency when false. */
  readonly compounding?: boolean;
  readonly frequency?: number;
}

function checkFrequency(frequency: number): void {
  if (!(frequency > 0) || !Number.isFinite(frequency)) {
    throw dataError(
      `frequency must be a positive number of periods per year, got ${frequency}. Use 252 for daily data.`,
    );
  }
}

/**
 * Historical mean return per asset. Compounding: (∏(1+r))^(frequency/count) − 1 over the asset's non-NaN returns
 * (PyPortfolioOpt `mean_historical_return`); arithmetic: mean(r) × frequency.
 */
export function meanHistoricalReturn(r: ReturnsTable, options: MeanReturnOptions = {}): Float64Array {
  const frequency = options.frequency ?? 252;
  checkFrequency(frequency);
  assertUsable(r, 1);
  const compounding = options.compounding ?? true;
  const out = new Float64Array(r.nAssets);
  for (let j = 0; j < r.nAssets; j++) {
    let logSum = 0;
    let s = 0;
    let c = 0;
    for (let t = 0; t < r.nDates; t++) {
      const v = r.values[t * r.nAssets + j]!;
      if (Number.isNaN(v)) continue;
      logSum += Math.log1p(v);
      s += v;
      c++;
    }
    out[j] = compounding ? Math.expm1((logSum * frequency) / c) : (s / c) * frequency;
  }
  return out;
}

/**
 * Exponentially weighted mean return (pandas `ewm(span).mean()` with adjust=True, ignore_na=False, last value):
 * weights (1−α)^(age) with α = 2/(span+1). Compounding: (1 + m)^frequency − 1, else m × frequency.
 */
export function emaHistoricalReturn(
  r: ReturnsTable,
  options: MeanReturnOptions & { span?: number } = {},
): Float64Array {
  const frequency = options.frequency ?? 252;
  const span = options.span ?? 500;
  checkFrequency(frequency);
  if (!(span >= 1)) throw dataError(`span must be ≥ 1 period, got ${span}. Use span: 500 for about two years of days.`);
  assertUsable(r, 1);
  const alpha = 2 / (span + 1);
  const out = new Float64Array(r.nAssets);
  for (let j = 0; j < r.nAssets; j++) {
    let num = 0;
    let den = 0;
    for (let t = 0; t < r.nDates; t++) {
      num *= 1 - alpha;
      den *= 1 - alpha;
      const v = r.values[t * r.nAssets + j]!;
      if (Number.isNaN(v)) continue;
      num += v;
      den += 1;
    }
    const m = num / den;
    out[j] = (options.compounding ?? true) ? Math.pow(1 + m, frequency) - 1 : m * frequency;
  }
  return out;
}

/**
 * CAPM expected returns μ_i = rf + β_i (E[R_m] − rf). The market is `market` (one return per date, NaN allowed)
 * or, by default, the row mean of the assets' returns (NaN skipped). β_i = cov(r_i, m)/var(m) over the dates where
 * both exist (pandas pairwise); E[R_m] is the market's CAGR (or arithmetic mean) with `frequency`.
 */
export function capmReturn(
  r: ReturnsTable,
  options: MeanReturnOptions & { riskFreeRate?: number; market?: Float64Array } = {},
): Float64Array {
  const frequency = options.frequency ?? 252;
  const rf = options.riskFreeRate ?? 0.02;
  checkFrequency(frequency);
  assertUsable(r, 2);
  const n = r.nAssets;
  let mkt: Float64Array;
  if (options.market) {
    if (options.market.length !== r.nDates) {
      throw dataError(
        `market returns have ${options.market.length} dates, the asset returns ${r.nDates}. Align them first.`,
      );
    }
    mkt = options.market;
  } else {
    mkt = new Float64Array(r.nDates);
    for (let t = 0; t < r.nDates; t++) {
      let s = 0;
      let c = 0;
      for (let j = 0; j < n; j++) {
        const v = r.values[t * n + j]!;
        if (!Number.isNaN(v)) {
          s += v;
          c++;
        }
      }
      mkt[t] = c > 0 ? s / c : NaN;
    }
  }
  const table: ReturnsTable = { values: mkt, nDates: r.nDates, nAssets: 1, assets: ['market'] };
  const marketMean = meanHistoricalReturn(table, { compounding: options.compounding ?? true, frequency })[0]!;
  // var(m) pairwise with itself = its own variance over non-NaN; β from pairwise cov(r_i, m)
  let mv = 0;
  let mc = 0;
  let mm = 0;
  for (let t = 0; t < r.nDates; t++)
    if (!Number.isNaN(mkt[t]!)) {
      mm += mkt[t]!;
      mc++;
    }
  mm /= mc;
  for (let t = 0; t < r.nDates; t++) if (!Number.isNaN(mkt[t]!)) mv += (mkt[t]! - mm) ** 2;
  mv /= mc - 1;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sx = 0;
    let sy = 0;
    let c = 0;
    for (let t = 0; t < r.nDates; t++) {
      const a = r.values[t * n + j]!;
      const b = mkt[t]!;
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      sx += a;
      sy += b;
      c++;
    }
    const mx = sx / c;
    const my = sy / c;
    let cov = 0;
    for (let t = 0; t < r.nDates; t++) {
      const a = r.values[t * n + j]!;
      const b = mkt[t]!;
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      cov += (a - mx) * (b - my);
    }
    cov /= c - 1;
    out[j] = rf + (cov / mv) * (marketMean - rf);
  }
  return out;
}

/**
 * Expected returns from per-asset forecasts (already annualised fractions) with optional forecast variances:
 * passes the forecasts through, validating them; the variances travel on as `ReturnDistribution.forecastVariance`.
 * `shrinkTo` with `confidence` c ∈ [0,1] blends c·forecast + (1−c)·prior (e.g. prior = historical mean).
 */
export function forecastReturns(
  forecasts: ArrayLike<number>,
  options: { prior?: ArrayLike<number>; confidence?: number; assets?: readonly string[] } = {},
): Float64Array {
  const n = forecasts.length;
  const c = options.confidence ?? 1;
  if (!(c >= 0 && c <= 1)) throw dataError(`confidence must be in [0, 1], got ${c}.`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = forecasts[i]!;
    const name = options.assets?.[i] ?? `asset ${i}`;
    if (!Number.isFinite(f))
      throw dataError(`forecast for ${name} is ${f}; forecasts must be finite. Drop the asset or fill it.`);
    const p = options.prior ? options.prior[i]! : f;
    if (options.prior && options.prior.length !== n) {
      throw dataError(`prior has ${options.prior.length} values, forecasts ${n}. Give one prior per asset.`);
    }
    out[i] = c * f + (1 - c) * p;
  }
  return out;
}
