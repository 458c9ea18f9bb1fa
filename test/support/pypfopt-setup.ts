/**
 * TEST-ONLY: PyPortfolioOpt's standard test setup on ../shared/data/pypfopt (mu = CAGR 252, S = sample cov × 252).
 */
import { Matrix } from '../../src/core/index.ts';
import { meanHistoricalReturn, returnsFromPrices, sampleCov, type ReturnsTable } from '../../src/risk/index.ts';
import { readWidePrices, type WidePrices } from './pypfopt.ts';

export interface PypfoptSetup {
  readonly prices: WidePrices;
  readonly returns: ReturnsTable;
  readonly mu: Float64Array;
  readonly S: Matrix;
  readonly assets: string[];
}

let cached: PypfoptSetup | undefined;

export function pypfoptSetup(): PypfoptSetup {
  if (cached) return cached;
  const prices = readWidePrices('data', 'pypfopt', 'stock_prices.csv');
  const returns = returnsFromPrices(prices.values, prices.dates.length, prices.assets, { dates: prices.dates });
  cached = { prices, returns, mu: meanHistoricalReturn(returns), S: sampleCov(returns), assets: prices.assets };
  return cached;
}
