/**
 * The study's `trading:` section, read by `keel trade` and `keel paper` (keel run ignores it): which strategy trades,
 * the guardrail limits (each a named rule in src/trading/guardrails.ts) and when a plan may approve itself.
 * Every limit is stated with its unit; the defaults are deliberately loose but always on.
 */
import * as z from 'zod';

export const tradingLimitsSchema = z.strictObject({
  maxOrderNotional: z.number().gt(0).default(1e12).describe('largest |quantity × price| of one order, currency'),
  maxPositionWeight: z.number().gt(0).max(10).default(1).describe('largest |position| after the plan, fraction of NAV'),
  maxGrossExposure: z.number().gt(0).max(10).default(1).describe('largest Σ|position| after the plan, fraction of NAV'),
  maxDailyTurnover: z.number().gt(0).default(2).describe('largest Σ|order notional| per day, fraction of NAV'),
  maxOrdersPerDay: z.int().min(1).default(1000).describe('orders sent per business date'),
  priceCollar: z
    .number()
    .gt(0)
    .max(1)
    .default(0.2)
    .describe('largest |order price / last close − 1| (a limit price, or the price the order is sized at)'),
  maxDataAgeDays: z.int().min(0).default(7).describe('calendar days from the last price to the plan date'),
  maxDrawdown: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe('drawdown of the ledger NAV from its peak that halts trading (drawdown stop)'),
});

export const tradingExecutionSchema = z.strictObject({
  algorithm: z
    .enum(['none', 'twap', 'vwap', 'pov', 'is'])
    .default('none')
    .describe(
      'slice each order into intraday child orders (keel paper, keel trade submit): none fills each order at the close',
    ),
  slots: z.int().min(2).max(390).default(13).describe('intraday slots a day is cut into (13 = half hours)'),
  participation: z.number().gt(0).max(1).default(0.1).describe('pov: fraction of each slot’s expected volume'),
  riskAversion: z.number().min(0).default(1e-6).describe('is: Almgren–Chriss risk aversion λ (per currency)'),
});

export const tradingOrdersSchema = z.strictObject({
  type: z
    .enum(['market', 'limit', 'market-on-close'])
    .default('market')
    .describe('order type of planned orders (limit: a collar around the last close)'),
  limitCollarBps: z
    .number()
    .min(0)
    .lt(10_000)
    .default(50)
    .describe('limit orders: limit = last close × (1 ± bps/1e4), worse for us by the collar'),
  lotSize: z.number().min(0).default(0).describe('trade whole lots of this many units (0 = fractional units)'),
  minTradeValue: z.number().min(0).default(0).describe('skip orders smaller than this notional, currency'),
});

export const tradingSectionSchema = z.strictObject({
  strategy: z
    .string()
    .min(1)
    .optional()
    .describe("the strategy that trades (its name or kind; default: the study's first)"),
  limits: tradingLimitsSchema.default(tradingLimitsSchema.parse({})),
  approval: z
    .strictObject({
      auto: z
        .boolean()
        .default(false)
        .describe('approve a plan without `keel trade approve` when within the limits below'),
      maxTurnover: z
        .number()
        .gt(0)
        .default(1)
        .describe('auto-approve only plans whose Σ|order notional| ≤ this fraction of NAV'),
      maxOrders: z.int().min(1).default(100).describe('auto-approve only plans with at most this many orders'),
    })
    .default({ auto: false, maxTurnover: 1, maxOrders: 100 }),
  execution: tradingExecutionSchema.default(tradingExecutionSchema.parse({})),
  orders: tradingOrdersSchema.default(tradingOrdersSchema.parse({})),
});

export type TradingLimits = z.output<typeof tradingLimitsSchema>;
export type TradingExecution = z.output<typeof tradingExecutionSchema>;
export type TradingOrders = z.output<typeof tradingOrdersSchema>;
export type TradingSection = z.output<typeof tradingSectionSchema>;
