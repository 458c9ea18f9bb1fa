/**
 * Portfolio-construction stage of `ml-forecast`: forecasts + risk → weights. The risk model is Ledoit-Wolf on the
 * last `covarianceWindow` returns, annualised with the data's periods per year; h-period forecasts are annualised
 * by periodsPerYear / h into μ. Methods: mean-variance (efficient-risk at the volatility target, with cash as an
 * asset when no fully invested portfolio is that calm: cash.ts), Black-Litterman views weighted by predictive
 * variance, the forecast-tilted 1/N (tilt.ts), benchmark-relative mean-variance around 1/N@vol (active.ts), and the rules forecast-proportional, top-k, threshold and volatility-band (signals.ts), scaled down to
 * the volatility target.
 */
import { Matrix, type FindingDraft } from '../../core/index.ts';
import type { Panel } from '../../data/index.ts';
import { ledoitWolf, returnsFromPrices } from '../../risk/index.ts';
import { blackLitterman, type Allocation, type Constraints, type ReturnDistribution } from '../../allocation/index.ts';
import { assertFiniteReturns } from '../weights.ts';
import { efficientRiskAllowingCash } from './cash.ts';
import type { MlForecastParams } from './params.ts';
import {
  capVolatility,
  cappedForecastProportional,
  signalsToWeights,
  thresholdSignals,
  topK,
  volatilityBandSignal,
} from './signals.ts';
import { tiltedEqualWeight } from './tilt.ts';
import { activePortfolio } from './active.ts';

export type PortfolioSpec = MlForecastParams['portfolio'];

/** Annualised Ledoit-Wolf covariance of the last `window` simple returns of `view` (every asset must be priced). */
export function riskModel(view: Panel, window: number, periodsPerYear: number): Matrix {
  const T = view.nDates;
  const start = Math.max(0, T - window - 1);
  const n = view.nAssets;
  const prices = view.field('close').slice(start * n, T * n);
  const table = returnsFromPrices(prices, T - start, view.assets, { dates: view.dates.slice(start, T) });
  assertFiniteReturns(table.values, table.nDates, view.assets, (i) => table.dates?.[i] ?? `row ${i}`);
  return ledoitWolf(table, { frequency: periodsPerYear }).matrix;
}

/** Sector caps as group indices per asset (−1 = no sector) and one cap per sector, for the rules. */
export function sectorIndex(
  sectors: readonly (string | undefined)[],
  sectorCap: number | undefined,
): { group: number[]; caps: number[] } {
  if (sectorCap === undefined) return { group: [], caps: [] };
  const names: string[] = [];
  const group = sectors.map((s) => {
    if (!s) return -1;
    if (!names.includes(s)) names.push(s);
    return names.indexOf(s);
  });
  return { group, caps: names.map(() => sectorCap) };
}

function sectorGroups(view: Panel, sectorCap: number | undefined): Constraints['groups'] {
  if (sectorCap === undefined) return undefined;
  const bySector = new Map<string, string[]>();
  view.meta.forEach((m) => {
    if (!m.sector) return;
    bySector.set(m.sector, [...(bySector.get(m.sector) ?? []), m.id]);
  });
  return [...bySector.entries()].map(([sector, assets]) => ({ name: `sector ${sector}`, assets, max: sectorCap }));
}

/** What portfolio construction hands back: weights per asset of the view (cash = 1 − Σw), the μ it used. */
export interface ConstructedPortfolio {
  readonly w: Float64Array;
  readonly allocation?: Allocation;
  /** Annualised expected returns handed to the optimiser (after Black-Litterman when that is the method). */
  readonly mu: Float64Array;
  readonly findings: readonly FindingDraft[];
  /** volatility-band only: the price-band signal per asset (+1 buy, −1 sell, 0 hold) the weights came from. */
  readonly signals?: readonly number[];
}

/** The portfolio before any model: 1/N (each capped at maxWeight) scaled down to the volatility target. */
export function warmUpPortfolio(spec: PortfolioSpec, cov: Matrix): Float64Array {
  const n = cov.rows;
  const w = new Float64Array(n).fill(Math.min(1 / n, spec.maxWeight));
  capVolatility(w, cov, spec.targetVolatility);
  return w;
}

/**
 * Forecasts (h-period returns per asset of `view`, NaN = none: that asset gets weight 0) and their predictive
 * variances, the annualised covariance `cov` and the previous weights → the decision's weights.
 */
export function constructPortfolio(
  spec: PortfolioSpec,
  view: Panel,
  forecast: Float64Array,
  variance: Float64Array,
  cov: Matrix,
  previous: Float64Array,
  horizon: number,
  periodsPerYear: number,
): ConstructedPortfolio {
  const p = spec;
  const n = view.nAssets;
  const annual = periodsPerYear / horizon;
  const mu = forecast.map((f) => (Number.isFinite(f) ? f * annual : 0));
  const bounds = view.assets.map((_, a) => (Number.isFinite(forecast[a]!) ? p.maxWeight : 0));
  const assetBounds: Record<string, [number, number]> = {};
  view.assets.forEach((id, a) => {
    if (bounds[a] === 0) assetBounds[id] = [0, 0];
  });
  const groups = sectorGroups(view, p.sectorCap);
  const constraints: Constraints = {
    weightBounds: [0, p.maxWeight],
    ...(p.transactionCost > 0 ? { transactionCost: p.transactionCost } : {}),
    ...(p.l2Gamma > 0 ? { l2Gamma: p.l2Gamma } : {}),
    ...(Object.keys(assetBounds).length > 0 ? { assetBounds } : {}),
    ...(groups ? { groups } : {}),
  };
  if (p.method === 'mean-variance' || p.method === 'black-litterman') {
    let dist: ReturnDistribution = { assets: view.assets, mu, cov, previousWeights: previous, riskFreeRate: 0 };
    if (p.method === 'black-litterman') {
      // Absolute views Q = forecasts (annualised) with Ω = predictive variance (annualised); prior π = 0.
      const P = Matrix.identity(n);
      const omega = variance.map((v) => (Number.isFinite(v) && v > 0 ? v * annual * annual : 1e6));
      const post = blackLitterman({ cov, pi: new Float64Array(n), P, Q: mu, tau: p.tau, omegaDiagonal: omega });
      dist = { ...dist, mu: post.mu };
    }
    const { allocation, findings } = efficientRiskAllowingCash(dist, constraints, p.targetVolatility);
    const w = allocation.weights.slice();
    capVolatility(w, cov, p.targetVolatility);
    return { w, allocation, mu: dist.mu, findings };
  }
  if (p.method === 'active') {
    const out = activePortfolio(view.assets, mu, cov, previous, constraints, p.trackingError, p.targetVolatility);
    return { w: out.w, allocation: out.allocation, mu, findings: out.findings };
  }
  let w: Float64Array;
  let band: number[] | undefined;
  if (p.method === 'tilt') {
    const { group, caps } = sectorIndex(
      view.meta.map((m) => m.sector),
      p.sectorCap,
    );
    w = tiltedEqualWeight(forecast, p.tiltStrength, p.maxWeight, group, caps);
  } else if (p.method === 'forecast-proportional') w = cappedForecastProportional(forecast, p.maxWeight);
  else if (p.method === 'top-k') w = topK(forecast, p.topK, p.maxWeight);
  else if (p.method === 'threshold')
    w = signalsToWeights(thresholdSignals(forecast, p.threshold), previous, p.maxWeight);
  else {
    const signals = view.assets.map((_, a) => volatilityBandSignal(view.series('close', a), p.bandWindow));
    w = signalsToWeights(signals, previous, p.maxWeight);
    band = signals;
  }
  capVolatility(w, cov, p.targetVolatility);
  return { w, mu, findings: [], ...(band ? { signals: band } : {}) };
}
