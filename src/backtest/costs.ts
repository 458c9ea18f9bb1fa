/**
 * Explicit, composable transaction-cost models. Every order pays `cost(...)` in currency (deducted from cash and
 * written per order in the ledger). Zero cost is a choice: `{ kind: 'none' }`. Kinds (the `costModelKinds` table):
 *
 * | kind          | cost of one order of |q| units at price p (notional N = |q|·p)                       |
 * |---------------|---------------------------------------------------------------------------------------|
 * | none          | 0                                                                                     |
 * | proportional  | max(bps/1e4 · N, minimum) (bps per asset class via byAssetClass)                        |
 * | fixed         | perOrder                                                                              |
 * | half-spread   | bps/1e4 · N (half the quoted spread, per asset class via byAssetClass)                  |
 * | slippage      | bps/1e4 · N                                                                           |
 * | sqrt-impact   | coefficient · σ · √(|q| / ADV) · N; |q| capped at participationCap · ADV                  |
 * | composite     | Σ of its models' costs; capacity = the smallest of theirs                               |
 *
 * σ is the per-period sd of close-to-close returns and ADV the mean volume (units), both over trailing windows
 * ending at the DECISION date (point in time).
 */
import * as z from 'zod';
import { configError } from '../core/index.ts';

export interface CostContext {
  /** Asset class of each asset ('' when unknown). */
  readonly assetClass: readonly string[];
  /** Mean volume (units per period) per asset over the model's window, as of the decision date; present when `needs.adv`. */
  readonly adv?: Float64Array;
  /** Per-period return sd per asset as of the decision date; present when `needs.volatility`. */
  readonly volatility?: Float64Array;
}

export interface CostModel {
  readonly kind: string;
  /** Trailing windows (periods) of market statistics this model needs the engine to compute. */
  readonly needs?: { readonly adv?: number; readonly volatility?: number };
  /** Cost (currency, ≥ 0) of an order of `qty` units (signed) of asset `a` at `price`. */
  cost(a: number, qty: number, price: number, ctx: CostContext): number;
  /** Largest |qty| that may fill in one order (participation cap); Infinity when unlimited. */
  capacity?(a: number, ctx: CostContext): number;
  /**
   * When the cost is exactly rateₐ·|notional| for every order (no fixed part, no minimum, no impact): the rate per
   * asset. The engine then uses a tight loop instead of one call per order. Same figures either way.
   */
  linearRates?(ctx: CostContext): Float64Array;
}

/**
 * The one square-root market-impact formula (shared with the execution stage's schedules and paper broker):
 * cost = coefficient · σ · √(|q| / V) · |q|·p, in currency, where V is the volume the order trades into (ADV for
 * a whole-day order, a time slot's volume for an intraday child) and σ the per-period return sd. 0 when |q| = 0.
 */
export function sqrtImpactCost(coefficient: number, sigma: number, qty: number, volume: number, price: number): number {
  // Same association as before the formula moved here, so backtest figures stay bit-identical.
  return coefficient * sigma * Math.sqrt(Math.abs(qty) / volume) * Math.abs(qty * price);
}

const ratesOf = (n: number, f: (a: number) => number): Float64Array => Float64Array.from({ length: n }, (_, a) => f(a));

const bps = z.number().min(0).max(10_000);
const byAssetClass = z.record(z.string(), bps).optional().describe('bps per asset class, overriding bps');

const schemas = {
  none: z.strictObject({}),
  proportional: z.strictObject({
    bps: bps.describe('basis points of traded notional (1 bp = 0.01 %)'),
    byAssetClass,
    minimum: z.number().min(0).default(0).describe('minimum commission per order, currency'),
  }),
  fixed: z.strictObject({ perOrder: z.number().min(0).describe('fee per order, currency') }),
  'half-spread': z.strictObject({ bps: bps.describe('half the bid-ask spread, bps of notional'), byAssetClass }),
  slippage: z.strictObject({ bps: bps.describe('adverse fill versus the reference price, bps of notional') }),
  'sqrt-impact': z.strictObject({
    coefficient: z.number().min(0).default(1).describe('impact = coefficient · σ · √(participation)'),
    advWindow: z.int().min(1).default(20).describe('periods of volume averaged for ADV'),
    volWindow: z.int().min(2).default(20).describe('periods of returns for σ'),
    participationCap: z.number().gt(0).max(1).default(0.1).describe('largest order as a fraction of ADV'),
  }),
};
type BaseKind = keyof typeof schemas;
const baseUnion = z.discriminatedUnion(
  'kind',
  (Object.keys(schemas) as BaseKind[]).map((k) => schemas[k].safeExtend({ kind: z.literal(k) })) as unknown as [
    z.ZodObject,
    ...z.ZodObject[],
  ],
);
const compositeSchema = z.strictObject({
  models: z.array(baseUnion).min(1).describe('cost models whose costs add up'),
});

/** A study's `costs:` value. */
export type CostSpec =
  | { kind: 'none' }
  | { kind: 'proportional'; bps: number; byAssetClass?: Record<string, number>; minimum?: number }
  | { kind: 'fixed'; perOrder: number }
  | { kind: 'half-spread'; bps: number; byAssetClass?: Record<string, number> }
  | { kind: 'slippage'; bps: number }
  | { kind: 'sqrt-impact'; coefficient?: number; advWindow?: number; volWindow?: number; participationCap?: number }
  | { kind: 'composite'; models: CostSpec[] };

function classBps(base: number, table: Record<string, number> | undefined, ctx: CostContext, a: number): number {
  const c = ctx.assetClass[a];
  return table && c !== undefined && table[c] !== undefined ? table[c]! : base;
}

function create(kind: string, raw: unknown): CostModel {
  switch (kind) {
    case 'none':
      return { kind, cost: () => 0, linearRates: (ctx) => new Float64Array(ctx.assetClass.length) };
    case 'proportional': {
      const p = schemas.proportional.parse(raw);
      return {
        kind,
        cost: (a, q, price, ctx) =>
          Math.max((classBps(p.bps, p.byAssetClass, ctx, a) / 1e4) * Math.abs(q * price), q === 0 ? 0 : p.minimum),
        ...(p.minimum === 0
          ? {
              linearRates: (ctx: CostContext) =>
                ratesOf(ctx.assetClass.length, (a) => classBps(p.bps, p.byAssetClass, ctx, a) / 1e4),
            }
          : {}),
      };
    }
    case 'fixed': {
      const p = schemas.fixed.parse(raw);
      return { kind, cost: (_a, q) => (q === 0 ? 0 : p.perOrder) };
    }
    case 'half-spread': {
      const p = schemas['half-spread'].parse(raw);
      return {
        kind,
        cost: (a, q, price, ctx) => (classBps(p.bps, p.byAssetClass, ctx, a) / 1e4) * Math.abs(q * price),
        linearRates: (ctx) => ratesOf(ctx.assetClass.length, (a) => classBps(p.bps, p.byAssetClass, ctx, a) / 1e4),
      };
    }
    case 'slippage': {
      const p = schemas.slippage.parse(raw);
      return {
        kind,
        cost: (_a, q, price) => (p.bps / 1e4) * Math.abs(q * price),
        linearRates: (ctx) => ratesOf(ctx.assetClass.length, () => p.bps / 1e4),
      };
    }
    case 'sqrt-impact': {
      const p = schemas['sqrt-impact'].parse(raw);
      return {
        kind,
        needs: { adv: p.advWindow, volatility: p.volWindow },
        cost: (a, q, price, ctx) => {
          const adv = ctx.adv?.[a] ?? NaN;
          const sigma = ctx.volatility?.[a] ?? NaN;
          if (!(adv > 0) || !Number.isFinite(sigma)) return 0; // unreachable: capacity is 0 without ADV and σ
          return sqrtImpactCost(p.coefficient, sigma, q, adv, price);
        },
        capacity: (a, ctx) => {
          // No volume or return history yet: impact cannot be priced, so nothing fills (the engine warns).
          const adv = ctx.adv?.[a] ?? NaN;
          return adv > 0 && Number.isFinite(ctx.volatility?.[a] ?? NaN) ? p.participationCap * adv : 0;
        },
      };
    }
    case 'composite': {
      const p = compositeSchema.parse(raw);
      const models = p.models.map((m) => createCostModel(m as CostSpec));
      const needs: { adv?: number; volatility?: number } = {};
      for (const m of models) {
        if (m.needs?.adv !== undefined) needs.adv = Math.max(needs.adv ?? 0, m.needs.adv);
        if (m.needs?.volatility !== undefined) needs.volatility = Math.max(needs.volatility ?? 0, m.needs.volatility);
      }
      const linear = models.every((m) => m.linearRates !== undefined);
      return {
        kind,
        needs,
        ...(linear
          ? {
              linearRates: (ctx: CostContext) => {
                const out = new Float64Array(ctx.assetClass.length);
                for (const m of models) {
                  const r = m.linearRates!(ctx);
                  for (let a = 0; a < out.length; a++) out[a] = out[a]! + r[a]!;
                }
                return out;
              },
            }
          : {}),
        cost: (a, q, price, ctx) => {
          let s = 0;
          for (const m of models) s += m.cost(a, q, price, ctx);
          return s;
        },
        capacity: (a, ctx) => {
          let c = Infinity;
          for (const m of models) if (m.capacity) c = Math.min(c, m.capacity(a, ctx));
          return c;
        },
      };
    }
    default:
      throw configError(`unknown cost model kind "${kind}"; use one of ${Object.keys(costModelKinds).join(', ')}.`);
  }
}

/** First zod issue of a cost spec as one line naming the parameter, the rule, the value and a fix. */
function costIssue(spec: { kind?: unknown }, err: z.ZodError): string {
  const i = err.issues[0]!;
  const path = i.path.join('.');
  let value: unknown = spec;
  for (const k of i.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  const fix =
    typeof value === 'number' && value < 0
      ? ' Costs cannot be negative; use 0, or costs: { kind: none } for no costs at all.'
      : '';
  return `costs (${String(spec.kind)}): ${path || 'parameters'} ${i.message.toLowerCase()}, got ${JSON.stringify(value)}.${fix}`;
}

/** Validate a study's `costs:` value and build its model. Missing costs are an error with the fix. */
export function createCostModel(spec: CostSpec | undefined | null): CostModel {
  if (spec === undefined || spec === null) {
    throw configError(
      'backtest.costs is missing: every backtest needs an explicit cost model. Write costs: { kind: proportional, bps: 5 }, or costs: { kind: none } to choose zero cost.',
    );
  }
  const { kind, ...params } = spec as { kind: string };
  const schema = kind === 'composite' ? compositeSchema : schemas[kind as BaseKind];
  if (!schema)
    throw configError(`costs: unknown kind "${kind}"; use one of ${Object.keys(costModelKinds).join(', ')}.`);
  const r = schema.safeParse(params);
  if (!r.success) throw configError(costIssue(spec, r.error));
  return create(kind, params);
}

const entry = (kind: string, schema: z.ZodType, description: string) => ({
  schema,
  create: (params: object): CostModel => createCostModel({ kind, ...params } as CostSpec),
  description,
});

/** kind → { schema (parameters, without `kind`), create(params) → CostModel }. */
export const costModelKinds = {
  none: entry('none', schemas.none, 'zero cost, chosen explicitly'),
  proportional: entry(
    'proportional',
    schemas.proportional,
    'commission in bps of notional, optional per asset class and minimum per order',
  ),
  fixed: entry('fixed', schemas.fixed, 'fixed fee per order'),
  'half-spread': entry('half-spread', schemas['half-spread'], 'half the bid-ask spread in bps of notional'),
  slippage: entry('slippage', schemas.slippage, 'adverse fill in bps of notional'),
  'sqrt-impact': entry(
    'sqrt-impact',
    schemas['sqrt-impact'],
    'square-root market impact with ADV and a participation cap',
  ),
  composite: entry('composite', compositeSchema, 'the sum of several cost models'),
} as const;
