/**
 * Any allocator of the allocation engine fed by rolling estimates: at each decision, the last `window` returns
 * (data ≤ asOf) of the assets with a complete window go through an expected-return and a covariance estimator
 * (src/risk kind tables) into a frozen `ReturnDistribution`, which the allocator (src/allocation `allocatorKinds`)
 * turns into weights. The same window is the distribution's return scenarios, so CVaR, CDaR, semivariance and
 * historical VaR/CVaR caps optimise over exactly the returns the estimators saw. Assets without a full window get 0
 * and say so; assets whose window returns do not vary get 0 with a `zero-variance-asset` finding (as in
 * `keel allocate`); a decision in cash for lack of history says so. The allocation (status, trail) is kept with the
 * decision, and the turnover cap binds against the drifted weights (turnover-rule.ts). `checkAllocatorStrategy`
 * refuses, before any backtest, settings no data can satisfy (infeasible constraints for the universe, a window
 * longer than the data).
 */
import * as z from 'zod';
import { Matrix, configError, type FindingDraft } from '../core/index.ts';
import {
  allocatorKinds,
  constraintProblems,
  constraintsSchema,
  zeroVarianceAssets,
  zeroVarianceFinding,
} from '../allocation/index.ts';
import type { Allocator, Constraints, ReturnDistribution } from '../allocation/index.ts';
import type { Strategy } from '../backtest/index.ts';
import type { RebalanceSpec } from '../backtest/index.ts';
import { expectedReturnKinds, riskModelKinds } from '../risk/index.ts';
import type { ReturnsTable } from '../risk/index.ts';
import { allocateWithTurnover } from './turnover-rule.ts';
import { assertFiniteReturns, trailingReturns } from './weights.ts';

type Table = Readonly<Record<string, { readonly schema: z.ZodType; readonly create: (p: never) => unknown }>>;

/** `{ kind, ...params }` union over a kind table (validated again by the table's own schema in `create`). */
export function kindUnion(table: Table, what: string): z.ZodType {
  const members = Object.entries(table).map(([k, e]) =>
    e.schema instanceof z.ZodObject
      ? e.schema.safeExtend({ kind: z.literal(k) })
      : z.strictObject({ kind: z.literal(k), params: e.schema }),
  );
  if (members.length === 0) return z.custom<never>(() => false, { message: `no ${what} kinds available` });
  return z.discriminatedUnion('kind', members as unknown as [z.ZodObject, ...z.ZodObject[]]);
}

export const allocatorStrategySchema = z
  .strictObject({
    allocator: kindUnion(allocatorKinds as unknown as Table, 'allocator').describe('allocator kind and its parameters'),
    expectedReturns: kindUnion(expectedReturnKinds as unknown as Table, 'expected-return estimator').default({
      kind: 'mean',
    }),
    covariance: kindUnion(riskModelKinds as unknown as Table, 'covariance estimator').default({ kind: 'sample' }),
    window: z.int().min(3).default(252).describe('trailing returns fed to the estimators, periods'),
    constraints: constraintsSchema.optional(),
    riskFreeRate: z.number().default(0).describe('annual, fraction'),
    field: z.string().min(1).default('close'),
  })
  .superRefine((p, ctx) => {
    const a = p.allocator as { kind: string; forecastViews?: boolean };
    // Refused here rather than falling back at every decision: a kind: allocator strategy has rolling estimates,
    // not forecasts with a variance, so Black-Litterman's forecastViews has nothing to read.
    if (a.kind === 'black-litterman' && a.forecastViews)
      ctx.addIssue({
        code: 'custom',
        path: ['allocator', 'forecastViews'],
        message:
          'black-litterman in a kind: allocator strategy has no forecasts to use as views; give views: { absolute: { ASSET: 0.08 } } (annual returns) or use kind: ml-forecast with portfolio method black-litterman',
      });
  });
export type AllocatorStrategyParams = z.input<typeof allocatorStrategySchema>;

function build(table: Table, spec: { kind: string }, what: string): unknown {
  const { kind, ...params } = spec;
  const entry = table[kind];
  if (!entry) throw configError(`${what} kind "${kind}" is unknown; use one of ${Object.keys(table).join(', ')}.`);
  return entry.create(params as never);
}

/**
 * `periodsPerYear` (the study's calendar) annualises the estimators, a semivariance target and the parametric VaR
 * cap wherever the study did not give its own `frequency`; without it they keep their documented default (252).
 */
export function allocatorStrategy(
  params: AllocatorStrategyParams & { rebalance?: RebalanceSpec },
  name = 'allocator',
  periodsPerYear?: number,
): Strategy {
  const withCalendar = (spec: unknown, table: Table): unknown => {
    const s = spec as { kind?: string; frequency?: unknown } | undefined;
    if (periodsPerYear === undefined || s?.kind === undefined || s.frequency !== undefined) return spec;
    const schema = table[s.kind]?.schema;
    const takes = schema instanceof z.ZodObject && 'frequency' in schema.shape;
    return takes ? { ...s, frequency: periodsPerYear } : spec;
  };
  const p = allocatorStrategySchema.parse({
    ...params,
    allocator: withCalendar(params.allocator, allocatorKinds as unknown as Table),
    ...(params.expectedReturns === undefined && periodsPerYear === undefined
      ? {}
      : {
          expectedReturns: withCalendar(
            params.expectedReturns ?? { kind: 'mean' },
            expectedReturnKinds as unknown as Table,
          ),
        }),
    ...(params.covariance === undefined && periodsPerYear === undefined
      ? {}
      : { covariance: withCalendar(params.covariance ?? { kind: 'sample' }, riskModelKinds as unknown as Table) }),
  });
  const allocator = build(
    allocatorKinds as unknown as Table,
    p.allocator as { kind: string },
    'allocator',
  ) as Allocator;
  const mu = build(
    expectedReturnKinds as unknown as Table,
    p.expectedReturns as { kind: string },
    'expected-return estimator',
  ) as { estimate(r: ReturnsTable): Float64Array };
  const cov = build(riskModelKinds as unknown as Table, p.covariance as { kind: string }, 'covariance estimator') as {
    estimate(r: ReturnsTable): { matrix: Matrix };
  };
  const constraints = p.constraints as Constraints | undefined;
  const asked = (p.allocator as { kind: string }).kind;
  return {
    name,
    ...(params.rebalance === undefined ? {} : { rebalance: params.rebalance }),
    decide(view, ctx) {
      const n = view.nAssets;
      const { values, rows } = trailingReturns(view, p.window, p.field);
      const weights = new Float64Array(n);
      if (rows < p.window)
        return { weights, diagnostics: { status: 'warm-up', rows }, findings: [warmUpFinding(rows, p.window)] };
      assertFiniteReturns(values, rows, view.assets, (i) => view.dates[view.nDates - rows + i]!);
      const keep: number[] = [];
      const short: string[] = [];
      for (let a = 0; a < n; a++) {
        let ok = true;
        for (let i = 0; i < rows && ok; i++) if (!Number.isFinite(values[i * n + a]!)) ok = false;
        if (ok) keep.push(a);
        else short.push(view.assets[a]!);
      }
      const findings: FindingDraft[] = short.length > 0 ? [shortHistoryFinding(short, p.window)] : [];
      if (keep.length > 0) {
        const flat = new Float64Array(rows * keep.length);
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < keep.length; j++) flat[i * keep.length + j] = values[i * n + keep[j]!]!;
        const still = new Set(zeroVarianceAssets(flat, rows, keep.length));
        for (const j of still)
          findings.push(zeroVarianceFinding(view.assets[keep[j]!]!, `the ${p.window}-return window`, asked));
        if (still.size > 0) keep.splice(0, keep.length, ...keep.filter((_, j) => !still.has(j)));
      }
      if (keep.length === 0)
        return {
          weights,
          diagnostics: { status: 'no-complete-history' },
          findings: [...findings, noHistoryFinding(p.window)],
        };
      const m = keep.length;
      const sub = new Float64Array(rows * m);
      for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) sub[i * m + j] = values[i * n + keep[j]!]!;
      const assets = keep.map((a) => view.assets[a]!);
      const table: ReturnsTable = { values: sub, nDates: rows, nAssets: m, assets };
      const dist: ReturnDistribution = {
        assets,
        mu: mu.estimate(table),
        cov: cov.estimate(table).matrix,
        // the window's per-period returns, as the scenario methods and historical caps read them
        scenarios: new Matrix(rows, m, sub.slice()),
        previousWeights: Float64Array.from(keep.map((a) => ctx.previousWeights[a]!)),
        riskFreeRate: p.riskFreeRate,
        ...(periodsPerYear === undefined ? {} : { periodsPerYear }),
      };
      const decided = allocateWithTurnover(allocator, dist, constraints, ctx.previousWeights);
      findings.push(...decided.findings);
      keep.forEach((a, j) => (weights[a] = decided.weights[j]!));
      return { weights, allocation: decided.allocation, ...(findings.length > 0 ? { findings } : {}) };
    },
  };
}

function warmUpFinding(rows: number, window: number): FindingDraft {
  return {
    severity: 'warning',
    kind: 'warm-up-cash',
    message: `only ${rows} of the ${window} returns the window needs exist by this date, so the decision holds 100 % cash`,
    fix: `start the backtest at least ${window} periods after the data starts, or shorten window`,
  };
}

function noHistoryFinding(window: number): FindingDraft {
  return {
    severity: 'warning',
    kind: 'short-history',
    message: `no asset has ${window} complete, varying returns in the window, so the decision holds 100 % cash`,
    fix: 'start the backtest later, shorten window, or fill the gaps in the data (data.missing)',
  };
}

function shortHistoryFinding(assets: readonly string[], window: number): FindingDraft {
  const list = assets.length > 6 ? `${assets.slice(0, 6).join(', ')} and ${assets.length - 6} more` : assets.join(', ');
  return {
    severity: 'warning',
    kind: 'short-history',
    message: `${list} ${assets.length === 1 ? 'has' : 'have'} fewer than ${window} complete returns in the window, so ${assets.length === 1 ? 'it gets' : 'they get'} weight 0`,
    fix: 'start the backtest later, shorten window, or fill the gaps in the data (data.missing)',
  };
}

/** What is known about the data before a backtest: asset ids (data.universe or the loaded panel) and dates. */
export interface UniverseShape {
  readonly assets?: readonly string[];
  readonly nDates?: number;
}

/**
 * One-line problems of an allocator strategy that no decision could get past on this universe: constraints no
 * portfolio of these assets meets, or a window that needs more prices than the data has (every decision in cash).
 */
export function checkAllocatorStrategy(params: unknown, shape: UniverseShape, name = 'allocator'): string[] {
  const parsed = allocatorStrategySchema.safeParse(params);
  if (!parsed.success) return [];
  const p = parsed.data;
  const out: string[] = [];
  if (shape.assets && p.constraints)
    for (const problem of constraintProblems(shape.assets, p.constraints as Constraints))
      out.push(`strategy ${name}: constraints: ${problem}`);
  if (shape.nDates !== undefined && p.window >= shape.nDates)
    out.push(
      `strategy ${name}: window ${p.window} returns needs ${p.window + 1} prices but the data has ${shape.nDates} dates, so every decision would hold cash; use window ≤ ${Math.max(3, shape.nDates - 1)} or load more history`,
    );
  return out;
}
