/**
 * Strategies as data: `strategyKinds` maps a study's `kind` to `{ schema, create(params, env) → Strategy }`.
 * The study runner (src/study) builds each strategy with `strategyKinds[kind].create(params, env)` and runs it with
 * `runBacktest(panel, strategy, options)` from src/backtest.
 */
import * as z from 'zod';
import { rebalanceSchema } from '../backtest/index.ts';
import type { BacktestOptions, RebalanceSpec, Strategy } from '../backtest/index.ts';
import { allocatorStrategy, allocatorStrategySchema, checkAllocatorStrategy } from './allocator.ts';
import { checkMlForecast, checkWindow } from './checks.ts';
import { dynamicAllocation, dynamicSchema } from './dynamic.ts';
import type { DynamicParams } from './dynamic.ts';
import { inverseVolatility } from './inverse-volatility.ts';
import { buyAndHold, equalWeight, fixedMix, volMatchedEqualWeightName } from './static.ts';
import { weightsByIdSchema } from './weights.ts';
import { mlForecastKind } from './ml-forecast.ts';
import type { MlDecisionObserver } from './ml/index.ts';
import { rlAgentKind } from './rl-agent.ts';

/** What the runner hands every strategy factory besides its parameters. */
export interface StrategyEnv {
  /** Display name (the study's `name:` or the kind). */
  readonly name?: string;
  /** Seed for strategies that draw random numbers (forked from the study seed). */
  readonly seed?: number;
  /** Annualisation of the data (252 daily, 12 monthly …). */
  readonly periodsPerYear?: number;
  /** Point-in-time records of the data source (macro releases, headlines, reports), read by date-aware strategies. */
  readonly records?: unknown;
  /** ml-forecast's per-decision hook (explanations, monitoring): see `MlDecisionObserver`. */
  readonly observe?: MlDecisionObserver;
  /** The backtest's settings, for strategies that simulate trading while they learn (rl-agent). */
  readonly backtest?: BacktestOptions;
}

const rebalance = rebalanceSchema.optional().describe("the strategy's own rebalancing rule (default: the backtest's)");

const fixedMixSchema = z.strictObject({ weights: weightsByIdSchema, rebalance });
const buyAndHoldSchema = z.strictObject({ weights: weightsByIdSchema.optional() });
const equalWeightSchema = z.strictObject({
  field: z.string().min(1).default('close'),
  rebalance,
  targetVolatility: z
    .number()
    .gt(0)
    .max(2)
    .optional()
    .describe('annualised volatility to scale 1/N down to (the rest in cash, never levered); absent: plain 1/N'),
  window: z.int().min(2).default(252).describe('trailing returns for the ex-ante volatility of 1/N, periods'),
  riskModel: z
    .enum(['sample', 'ledoit-wolf'])
    .default('sample')
    .describe(
      "estimator of 1/N's ex-ante volatility: sample covariance, or ledoit-wolf (constant-variance target, the risk model of ml-forecast)",
    ),
});
const inverseVolSchema = z.strictObject({
  window: z.int().min(2).default(63).describe('trailing returns used, periods'),
  minObservations: z.int().min(2).optional(),
  field: z.string().min(1).default('close'),
  rebalance,
});
const dynamicWithRebalance = dynamicSchema.safeExtend({ rebalance });
const allocatorWithRebalance = allocatorStrategySchema.safeExtend({ rebalance });

const rb = (r: unknown): { rebalance?: RebalanceSpec } => (r === undefined ? {} : { rebalance: r as RebalanceSpec });

/**
 * Each kind: `schema`, `create(params, env)`, and optionally `check(params, shape, name)`, the one-line problems
 * that no data of that universe can get past (called at study validation and again after the data loads).
 */
export const strategyKinds = {
  'ml-forecast': { ...mlForecastKind, check: checkMlForecast },
  'rl-agent': rlAgentKind,
  'fixed-mix': {
    schema: fixedMixSchema,
    description: 'constant weights by asset id (60/40, 60/30/10 …), calendar or threshold rebalancing',
    create: (params: z.input<typeof fixedMixSchema>, env: StrategyEnv = {}): Strategy => {
      const p = fixedMixSchema.parse(params);
      return fixedMix({ weights: p.weights, ...rb(p.rebalance) }, env.name ?? 'fixed-mix');
    },
  },
  'buy-and-hold': {
    schema: buyAndHoldSchema,
    description: 'buy once (given weights or 1/N) and let the weights drift',
    create: (params: z.input<typeof buyAndHoldSchema>, env: StrategyEnv = {}): Strategy => {
      const p = buyAndHoldSchema.parse(params);
      return buyAndHold(p.weights ? { weights: p.weights } : {}, env.name ?? 'buy-and-hold');
    },
  },
  'equal-weight': {
    schema: equalWeightSchema,
    description: '1/N over the assets priced on each decision date, optionally scaled to a target volatility',
    create: (params: z.input<typeof equalWeightSchema>, env: StrategyEnv = {}): Strategy => {
      const p = equalWeightSchema.parse(params);
      const vol =
        p.targetVolatility === undefined
          ? {}
          : {
              targetVolatility: p.targetVolatility,
              window: p.window,
              riskModel: p.riskModel,
              ...(env.periodsPerYear === undefined ? {} : { periodsPerYear: env.periodsPerYear }),
            };
      return equalWeight(
        { field: p.field, ...rb(p.rebalance), ...vol },
        env.name ?? (p.targetVolatility === undefined ? 'equal-weight' : volMatchedEqualWeightName(p.targetVolatility)),
      );
    },
  },
  'inverse-volatility': {
    schema: inverseVolSchema,
    description: 'weights ∝ 1/σ over a trailing window',
    check: checkWindow,
    create: (params: z.input<typeof inverseVolSchema>, env: StrategyEnv = {}): Strategy => {
      const p = inverseVolSchema.parse(params);
      return inverseVolatility(
        {
          window: p.window,
          field: p.field,
          ...(p.minObservations ? { minObservations: p.minObservations } : {}),
          ...rb(p.rebalance),
        },
        env.name ?? 'inverse-volatility',
      );
    },
  },
  dynamic: {
    schema: dynamicWithRebalance,
    description: 'switch between a risk-on and a risk-off mix on a trend, volatility or macro (field) signal',
    create: (params: z.input<typeof dynamicWithRebalance>, env: StrategyEnv = {}): Strategy => {
      const p = dynamicWithRebalance.parse(params);
      const records = env.records as DynamicParams['records'] | undefined;
      return dynamicAllocation(
        {
          ...(p as DynamicParams),
          ...rb(p.rebalance),
          ...(records ? { records } : {}),
          ...(env.periodsPerYear === undefined ? {} : { periodsPerYear: env.periodsPerYear }),
        },
        env.name ?? 'dynamic',
      );
    },
  },
  allocator: {
    schema: allocatorWithRebalance,
    description:
      'any allocator (min-variance, max-sharpe, hrp, …) fed by rolling expected-return and covariance estimates',
    check: checkAllocatorStrategy,
    create: (params: z.input<typeof allocatorWithRebalance>, env: StrategyEnv = {}): Strategy => {
      const { rebalance: r, ...rest } = params;
      return allocatorStrategy(
        { ...rest, ...rb(r) },
        env.name ?? `allocator:${(params.allocator as { kind: string }).kind}`,
        env.periodsPerYear,
      );
    },
  },
} as const;

export { allocatorStrategy, allocatorStrategySchema, checkAllocatorStrategy, kindUnion } from './allocator.ts';
export type { AllocatorStrategyParams, UniverseShape } from './allocator.ts';
export { checkMlForecast, checkWindow } from './checks.ts';
export { fixedMix, buyAndHold, equalWeight, volMatchedEqualWeightName } from './static.ts';
export type { FixedMixParams, BuyAndHoldParams, EqualWeightParams } from './static.ts';
export { inverseVolatility } from './inverse-volatility.ts';
export type { InverseVolatilityParams } from './inverse-volatility.ts';
export { dynamicAllocation, evaluateSignal, signalSchema } from './dynamic.ts';
export type { DynamicParams, SignalSpec } from './dynamic.ts';
export { resolveWeights, listedMask, trailingReturns, weightsByIdSchema } from './weights.ts';
export { runStudyBacktests, createStrategy, backtestOptionsFrom, configurationsTried } from './run-section.ts';
export { defaultBaselines, describeRiskModel, sixtyFortyWeights, volMatchedBaselines } from './baselines.ts';
export type { BaselineUniverse, DefaultBaselines, VolTarget } from './baselines.ts';
export type { BacktestSection, StrategySpec } from './run-section.ts';
export {
  mlForecast,
  mlForecastSchema,
  checkMlForecastInput,
  requiredHistory,
  DEFAULT_ML_FEATURES,
} from './ml-forecast.ts';
export type {
  MlForecastParams,
  MlForecastEnv,
  MlDiagnostics,
  SelectionDiagnostics,
  TrainingCurveData,
} from './ml-forecast.ts';
export {
  thresholdSignals,
  volatilityBandSignal,
  signalsToWeights,
  topK,
  cappedForecastProportional,
  capVolatility,
  portfolioVol,
} from './ml/index.ts';
export type { Signal } from './ml/index.ts';
// The stages of ml-forecast (dataset, model selection, forecast, portfolio construction) and its per-decision hook.
export {
  mlFeatureSet,
  refitDataset,
  decisionFeatures,
  chooseModel,
  fitForecastModel,
  predictForecasts,
  riskModel,
  constructPortfolio,
  warmUpPortfolio,
  efficientRiskAllowingCash,
} from './ml/index.ts';
export type {
  MlFeatureSet,
  DatasetSpec,
  RefitData,
  RefitOutcome,
  ModelChoiceSpec,
  ForecastModel,
  ForecastSpec,
  Forecasts,
  ConstructedPortfolio,
  PortfolioSpec,
  MlDecisionRecord,
  MlDecisionObserver,
  MlObservation,
} from './ml/index.ts';
export { rlAgent, rlAgentSchema, rlAgentKind } from './rl-agent.ts';
export type { RlAgentParams, RlAgentEnv, RlDiagnostics } from './rl-agent.ts';
export {
  backtestStrategy,
  backtestStrategyYielding,
  isEnsemble,
  membersOf,
  memberName,
  TrainingNeeded,
} from './rl-agent-members.ts';
export type { MemberRun, EnsembleStrategy, TrainingMode } from './rl-agent-members.ts';
export { rlAlgorithms, RL_ALGORITHM_NAMES, missingAlgorithm } from './rl-agent-registry.ts';
export type { RlAlgorithm, RlAlgorithmName, RlPolicy, RlTrainInput } from './rl-agent-registry.ts';
export {
  forecastExplanation,
  mlPortfolioAllocator,
  mlShadowPrices,
  signalInputOf,
  weightChangeMeaning,
  explainsAt,
  EXPLAIN_TOP,
} from './ml-explain.ts';
export type { MlPortfolioParams } from './ml-explain.ts';
