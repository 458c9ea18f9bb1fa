/**
 * Any allocator of the allocation engine fed by rolling estimates: at each decision, the last `window` returns
 * (data ≤ asOf) of the assets with a complete window go through an expected-return and a covariance estimator
 * (src/risk kind tables) into a frozen `ReturnDistribution`, which the allocator (src/allocation `allocatorKinds`)
 * turns into weights. The same window is the distribution's return scenarios, so CVaR, CDaR, semivariance and
 * historical VaR/CVaR caps optimise over exactly the returns the estimators saw. Assets without a full window get 0
 * and say so; a decision in cash for lack of history says so. The allocation (status, trail) is kept with the
 * decision, and the turnover cap binds against the drifted weights (see `applyTurnoverRule`).
 */
import * as z from 'zod';
import { Matrix, configError, type FindingDraft } from '../core/index.ts';
import { allocatorKinds, checkConstraints, constraintsSchema } from '../allocation/index.ts';
import type { Allocation, Allocator, Constraints, ReturnDistribution } from '../allocation/index.ts';
import type { Strategy } from '../backtest/index.ts';
import type { RebalanceSpec } from '../backtest/index.ts';
import { expectedReturnKinds, riskModelKinds } from '../risk/index.ts';
import type { ReturnsTable } from '../risk/index.ts';
import { trailingReturns } from './weights.ts';

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

export function allocatorStrategy(
  params: AllocatorStrategyParams & { rebalance?: RebalanceSpec },
  name = 'allocator',
): Strategy {
  const p = allocatorStrategySchema.parse(params);
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
  return {
    name,
    ...(params.rebalance === undefined ? {} : { rebalance: params.rebalance }),
    decide(view, ctx) {
      const n = view.nAssets;
      const { values, rows } = trailingReturns(view, p.window, p.field);
      const weights = new Float64Array(n);
      if (rows < p.window)
        return { weights, diagnostics: { status: 'warm-up', rows }, findings: [warmUpFinding(rows, p.window)] };
      const keep: number[] = [];
      const short: string[] = [];
      for (let a = 0; a < n; a++) {
        let ok = true;
        for (let i = 0; i < rows && ok; i++) if (!Number.isFinite(values[i * n + a]!)) ok = false;
        if (ok) keep.push(a);
        else short.push(view.assets[a]!);
      }
      if (keep.length === 0)
        return {
          weights,
          diagnostics: { status: 'no-complete-history' },
          findings: [noHistoryFinding(p.window)],
        };
      const findings: FindingDraft[] = short.length > 0 ? [shortHistoryFinding(short, p.window)] : [];
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
      };
      const decided = allocateWithTurnover(allocator, dist, constraints, ctx.previousWeights);
      findings.push(...decided.findings);
      keep.forEach((a, j) => (weights[a] = decided.weights[j]!));
      return { weights, allocation: decided.allocation, ...(findings.length > 0 ? { findings } : {}) };
    },
  };
}

/**
 * The turnover rule of a backtest, against the drifted weights the book holds before this decision:
 *  1. Building the book from all cash (the first decision, or after a decision in cash) is exempt: forming a
 *     portfolio is not turnover, and with the cap every first decision would need turnover 1 > cap and fail to cash
 *     forever (the defect this fixes). Reported as info `turnover-exempt` (documented rule, asked for by the study).
 *  2. Otherwise the cap is a constraint of the optimisation (trade space: w = w_prev + buys − sells).
 *     When it binds, the study got what it asked for: info `turnover-capped`.
 *  3. When the allocator finds no portfolio within the cap (a method that cannot carry it, such as hrp, or a drifted
 *     book outside a bound or group by more than the cap can repair), it solves without the cap and the book moves
 *     from the drifted weights toward that target as far as the cap allows, w = w_prev + λ(target − w_prev) with
 *     λ = cap / Σ|target − w_prev| — instead of the old failure into 100 % cash. `turnover-capped` names λ: info
 *     when that book meets the other constraints, warning when it still breaks one.
 */
function allocateWithTurnover(
  allocator: Allocator,
  dist: ReturnDistribution,
  c: Constraints | undefined,
  drifted: Float64Array,
): { weights: Float64Array; allocation: Allocation; findings: FindingDraft[] } {
  const cap = c?.maxTurnover;
  if (c === undefined || cap === undefined) return { ...plain(allocator.allocate(dist, c)), findings: [] };
  const { maxTurnover: _, ...uncapped } = c;
  let gross = 0;
  for (const v of drifted) gross += Math.abs(v);
  if (gross < 1e-12) {
    const a = allocator.allocate(dist, uncapped);
    const t = turnover(a.weights, dist.previousWeights!);
    const findings: FindingDraft[] =
      a.status === 'failed'
        ? []
        : [
            {
              severity: 'info',
              kind: 'turnover-exempt',
              message: `the book was all cash, so buying it (turnover ${pct(t)}) was exempt from maxTurnover ${cap}; the cap binds from the next rebalance on`,
            },
          ];
    return { ...plain(a), findings };
  }
  const capped = allocator.allocate(dist, c);
  const prev = dist.previousWeights!;
  if (capped.status === 'ok') {
    const t = turnover(capped.weights, prev);
    const findings: FindingDraft[] =
      t >= cap - 1e-9
        ? [
            {
              severity: 'info',
              kind: 'turnover-capped',
              message: `maxTurnover ${cap} bound: the allocator traded ${pct(t)} of NAV, the most the cap allows`,
            },
          ]
        : [];
    return { ...plain(capped), findings };
  }
  const free = allocator.allocate(dist, uncapped);
  if (free.status !== 'ok') return { ...plain(capped), findings: [] };
  const t = turnover(free.weights, prev);
  if (t <= cap + 1e-12) return { ...plain(free), findings: [] };
  const lambda = cap / t;
  const w = Float64Array.from(free.weights, (x, i) => prev[i]! + lambda * (x - prev[i]!));
  const allocation: Allocation = {
    ...free,
    weights: w,
    trail: [
      ...capped.trail,
      { by: `${capped.trail[0]?.by ?? 'allocator'} without maxTurnover`, outcome: 'ok' },
      { by: 'turnover cap', outcome: `moved ${pct(lambda)} of the way from the drifted weights to that target` },
    ],
    diagnostics: { ...free.diagnostics, turnoverFraction: lambda },
  };
  // Severity: info when the truncated book meets every other constraint of the study (a heuristic method such as
  // hrp cannot carry the cap, so moving toward its target is the documented way to honour it); warning when the
  // book still breaks one (the drifted book was outside a bound or group by more than the cap can repair), since
  // then the study's constraints do not hold. Cash left by costs (< 0.1 %) does not count as breaking the budget.
  const broken = checkConstraints(w, dist, uncapped).filter(
    (v) => !(v.rule === 'sum of weights' && Math.abs(v.value - v.limit) < 1e-3),
  );
  const head = `${capped.trail[0]?.by ?? 'the allocator'} found no portfolio within maxTurnover ${cap} of the drifted book (${capped.trail[0]?.outcome ?? 'failed'}), so the book moved ${pct(lambda)} of the way to its uncapped target (which needs turnover ${pct(t)})`;
  const finding: FindingDraft =
    broken.length === 0
      ? { severity: 'info', kind: 'turnover-capped', message: head }
      : {
          severity: 'warning',
          kind: 'turnover-capped',
          message: `${head}; the book still breaks ${broken[0]!.rule} (${round(broken[0]!.value)}, limit ${broken[0]!.limit})`,
          fix: `raise maxTurnover to at least ${Math.ceil(t * 100) / 100} or loosen the constraint the drifted book breaks`,
        };
  return { weights: w, allocation, findings: [finding] };
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

const plain = (a: Allocation): { weights: Float64Array; allocation: Allocation } => ({
  weights: a.weights,
  allocation: a,
});

function turnover(w: Float64Array, prev: Float64Array): number {
  let t = 0;
  for (let i = 0; i < w.length; i++) t += Math.abs(w[i]! - prev[i]!);
  return t;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

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
    message: `no asset has ${window} complete returns in the window, so the decision holds 100 % cash`,
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
