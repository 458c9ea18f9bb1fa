/**
 * `featureKinds`: kind → { schema (zod strict object of its params), create(params) → Feature }. The config
 * composes this table into the study schema, so a new kind needs only a line here.
 */
import { z } from 'zod';
import { configError } from '../core/index.ts';
import { plantedComponents } from '../synth/index.ts';
import type { Feature } from './feature.ts';
import { assetCategoryFeature } from './asset-category.ts';
import { macroSurpriseFeature } from './macro-surprise.ts';
import { marketRegimeFeature } from './market-regime.ts';
import { plantedExpectationFeature } from './planted-expectation.ts';
import { fundamentalsFeature, macroFeature, sentimentFeature } from './record-features.ts';
import {
  atrFeature,
  bollingerFeature,
  crossSectionalRank,
  laggedReturns,
  macdFeature,
  momentum,
  movingAverages,
  rsiFeature,
  volatility,
  volumeZFeature,
} from './technical.ts';

const period = z.number().int().min(1).max(2520);
const periods = z.array(period).min(1);

export interface FeatureKind<S extends z.ZodType> {
  readonly schema: S;
  readonly create: (params: z.infer<S>) => Feature;
  readonly describe: string;
}

function kind<S extends z.ZodType>(
  schema: S,
  create: (params: z.infer<S>) => Feature,
  describe: string,
): FeatureKind<S> {
  return { schema, create, describe };
}

export const featureKinds = {
  returns: kind(
    z.strictObject({ lags: z.array(z.number().int().min(0).max(252)).min(1).default([0, 1, 2, 4]) }),
    (p) => laggedReturns(p.lags),
    'lagged one-period returns',
  ),
  momentum: kind(
    z.strictObject({ windows: periods.default([21, 63, 126, 252]), skip: z.number().int().min(0).max(63).default(0) }),
    (p) => momentum(p.windows, p.skip),
    'price momentum over several horizons',
  ),
  'moving-averages': kind(
    z.strictObject({ windows: periods.default([20, 50]), crossover: z.tuple([period, period]).optional() }),
    (p) => movingAverages(p.windows, p.crossover),
    'price over SMA/EMA ratios and an SMA crossover',
  ),
  volatility: kind(
    z.strictObject({ windows: periods.default([21, 63]) }),
    (p) => volatility(p.windows),
    'rolling annualised volatility',
  ),
  rsi: kind(z.strictObject({ period: period.default(14) }), (p) => rsiFeature(p.period), 'Wilder RSI scaled to −1..1'),
  macd: kind(
    z.strictObject({ short: period.default(12), long: period.default(26), signal: period.default(9) }),
    (p) => macdFeature(p.short, p.long, p.signal),
    'MACD and histogram over price',
  ),
  bollinger: kind(
    z.strictObject({ period: period.default(20), k: z.number().positive().default(2) }),
    (p) => bollingerFeature(p.period, p.k),
    'Bollinger %b',
  ),
  atr: kind(
    z.strictObject({ period: period.default(14) }),
    (p) => atrFeature(p.period),
    'average true range over price (OHLC)',
  ),
  'volume-z': kind(
    z.strictObject({ window: period.default(63) }),
    (p) => volumeZFeature(p.window),
    'log-volume z-score',
  ),
  rank: kind(
    z.strictObject({
      of: z.enum(['momentum', 'volatility', 'reversal']).default('momentum'),
      window: period.default(63),
    }),
    (p) => crossSectionalRank(p.of, p.window),
    'cross-sectional rank',
  ),
  macro: kind(
    z.strictObject({ series: z.array(z.string().min(1)).min(1) }),
    (p) => macroFeature(p.series),
    'macro series joined by release date',
  ),
  'macro-surprise': kind(
    z.strictObject({
      series: z.array(z.string().min(1)).min(1).default(['gdp_growth', 'inflation', 'unemployment']),
      vs: z.enum(['previous', 'trailing-mean']).default('previous'),
      lookback: z.number().int().min(1).max(120).default(12),
      scaleWindow: z.number().int().min(2).max(240).default(36),
      horizon: z.number().int().min(1).max(252).default(21),
      window: z.number().int().min(2).max(2520).default(756),
      minReleases: z.number().int().min(3).max(120).default(8),
      perSeries: z.boolean().default(false),
      raw: z.boolean().default(false),
    }),
    (p) => macroSurpriseFeature(p),
    "latest macro surprise (release − previous or trailing mean, standardised) × the asset's trailing exposure to surprises",
  ),
  'asset-category': kind(
    z.strictObject({ of: z.enum(['id', 'assetClass', 'sector']).default('id') }),
    (p) => assetCategoryFeature(p.of),
    "one-hot columns of the asset's id, asset class or sector (a per-category mean the model can learn)",
  ),
  'market-regime': kind(
    z.strictObject({
      market: z.string().min(1).optional(),
      window: z.number().int().min(2).max(252).default(63),
      reference: z.number().int().min(1).max(2520).default(756),
      betaWindow: z.number().int().min(10).max(2520).default(252),
    }),
    (p) => marketRegimeFeature(p),
    "the asset's trailing market beta × log(the market's reference volatility / its recent volatility): calm vs stress",
  ),
  'planted-expectation': kind(
    z.strictObject({
      horizon: z.number().int().min(1).max(252).default(21),
      component: z.enum(['total', ...plantedComponents]).default('total'),
    }),
    (p) => plantedExpectationFeature(p.horizon, p.component),
    'synthetic data only, a diagnostic: the planted expected return (what a perfect forecaster knows at t)',
  ),
  sentiment: kind(
    z.strictObject({ halfLife: z.number().positive().default(5) }),
    (p) => sentimentFeature(p.halfLife),
    'headline sentiment with decay',
  ),
  fundamentals: kind(z.strictObject({}), () => fundamentalsFeature(), 'P/E, P/B, earnings growth by report date'),
} as const;

export type FeatureKindName = keyof typeof featureKinds;

/** A feature spec as written in a study file: `{ kind: 'momentum', windows: [21, 63] }`. */
export interface FeatureSpec {
  readonly kind: string;
  readonly [param: string]: unknown;
}

/** Builds features from specs, validating each one's params with its kind's schema. */
export function createFeatures(specs: readonly FeatureSpec[]): Feature[] {
  return specs.map((spec) => {
    const { kind: k, ...params } = spec;
    const entry = (featureKinds as Record<string, FeatureKind<z.ZodType>>)[k];
    if (!entry) {
      throw configError(`unknown feature kind "${k}"; known kinds: ${Object.keys(featureKinds).join(', ')}.`);
    }
    const parsed = entry.schema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw configError(
        `feature "${k}": ${issue ? `${issue.path.join('.') || 'params'}: ${issue.message}` : 'invalid params'}.`,
      );
    }
    return entry.create(parsed.data);
  });
}
