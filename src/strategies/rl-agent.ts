/**
 * `rl-agent`: a walk-forward reinforcement-learning strategy. At each decision (close of T, view = data ≤ T):
 *  1. the agents in force are those trained at the refit anchor A = T − (T mod refitEvery), on a `PortfolioEnv`
 *     over the view's rows ≤ A — the backtest's own costs, fill timing and leverage limits — whose decisions run
 *     from A − trainWindow to the last step that ends by A − embargo (so every training reward was known at A:
 *     the reward horizon is purged by construction);
 *  2. `seeds: K` agents are trained (seeds forked from the strategy seed and A, so a model depends on A alone);
 *  3. each agent acts on the observation at T (features on the view, the drifted book); the target is the mean of
 *     the K agents' allocations (the ensemble mean action). Each agent's action is in the decision diagnostics.
 *     `members` are the K agents acting alone (`<name>#k`, own book), on the same trained policies: no training.
 * Until the first anchor with `minTrainSteps` steps of training data the strategy holds 1/N (a `rl-warmup`
 * finding). Training curves (episode returns per agent) ride on the refit decisions' diagnostics (`rl.training`),
 * which the study writes to `<strategy>/rl-training.json`.
 */
import * as z from 'zod';
import { configError, createRng, type FindingDraft } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import { observationAt, PortfolioEnv, rewardSchema, type ActionSpec, type PerAssetSpec } from '../agents/index.ts';
import {
  computeFeatures,
  createFeatures,
  featureKinds,
  type FeatureMatrix,
  type FeatureSpec,
  type PitRecords,
} from '../features/index.ts';
import { rebalanceSchema } from '../backtest/index.ts';
import type { BacktestOptions, Decision, DecisionContext, RebalanceSpec, Strategy } from '../backtest/index.ts';
import { missingAlgorithm, RL_ALGORITHM_NAMES, rlAlgorithms, type RlPolicy } from './rl-agent-registry.ts';
import { resolveWeights, weightsByIdSchema } from './weights.ts';
import { kindUnion } from './allocator.ts';
import { fitColumnScaler, type ColumnScaler } from './rl-agent-scaler.ts';
import { forecastColumn, rlForecastSchema } from './rl-agent-forecast.ts';
import { marketWideColumns, normaliseAcrossAssets } from './ml/index.ts';
import { memberName, TrainingNeeded, type EnsembleStrategy, type TrainingMode } from './rl-agent-members.ts';

const featureSpecSchema = kindUnion(featureKinds as never, 'feature');

const actionEntry = z.union([z.literal('equal-weight'), z.literal('cash'), weightsByIdSchema]);

export const rlAgentSchema = z
  .strictObject({
    algorithm: z
      .enum(RL_ALGORITHM_NAMES)
      .superRefine((a, ctx) => {
        if (!rlAlgorithms[a]) ctx.addIssue({ code: 'custom', message: missingAlgorithm(a) });
      })
      .describe(`the agent: ${RL_ALGORITHM_NAMES.join(' | ')} (only registered ones run)`),
    reward: rewardSchema.default({ kind: 'log-return' }),
    features: z
      .array(featureSpecSchema)
      .min(1)
      .optional()
      .describe(
        'observation features (src/features kinds), computed point in time; default momentum 63 unless forecast is given',
      ),
    forecast: rlForecastSchema.optional(),
    window: z.int().min(1).default(1).describe('rows of features in one observation'),
    normalize: z
      .enum(['zscore', 'cross-sectional', 'none'])
      .default('none')
      .describe(
        'zscore: each feature column standardised by its mean and s.d. over the training window only; cross-sectional: z-scored across the assets at each date (market-wide columns kept)',
      ),
    cash: z
      .boolean()
      .default(true)
      .describe(
        'continuous agents: a cash score beside the assets; false = softmax over the assets only, so a zero action is 1/N (a residual policy around 1/N)',
      ),
    actions: z
      .array(actionEntry)
      .min(2)
      .optional()
      .describe(
        'discrete agents: allocations to choose from (equal-weight, cash, or weights by id); default 1/N and each asset alone',
      ),
    episodes: z.int().min(1).optional().describe('training episodes per refit (default 40)'),
    steps: z.int().min(1).optional().describe('or: environment steps per refit'),
    stepBars: z.int().min(1).default(5).describe('bars per training step (the target is held that long)'),
    trainWindow: z
      .union([z.int().min(20), z.literal('expanding')])
      .default(756)
      .describe('bars of history the training episodes cover, or expanding: every bar from the warm-up to the refit'),
    policy: z
      .union([
        z.enum(['joint', 'per-asset']),
        z.strictObject({
          kind: z.literal('per-asset'),
          ownWeight: z.boolean().default(false).describe("give the shared network the asset's current weight too"),
        }),
      ])
      .default('joint')
      .describe(
        "dqn, a2c, ppo: joint = one network over every asset's features at once; per-asset = ONE small network shared across the assets maps each asset's own features to its score (agent.hidden: [] makes it linear)",
      ),
    refitEvery: z.int().min(1).default(126).describe('retrain every this many bars (anchored on the row index)'),
    embargo: z.int().min(0).default(0).describe('bars between the last training reward and the refit date'),
    minTrainSteps: z.int().min(2).default(40).describe('fewest training steps before the first fit (1/N until then)'),
    seeds: z.int().min(1).max(64).default(1).describe('agents trained per refit; the target is their mean allocation'),
    agent: z.record(z.string(), z.unknown()).default({}).describe("the algorithm's own parameters"),
    rebalance: rebalanceSchema.optional().describe("the strategy's own rebalancing rule (default: the backtest's)"),
  })
  .superRefine((p, ctx) => {
    if (p.episodes !== undefined && p.steps !== undefined)
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give episodes or steps, not both' });
    if (p.policy !== 'joint' && p.algorithm === 'q-learning')
      ctx.addIssue({
        code: 'custom',
        path: ['policy'],
        message: 'policy: per-asset needs a network (dqn, a2c or ppo); q-learning keeps a table over the joint state',
      });
    const algo = rlAlgorithms[p.algorithm];
    if (!algo) return;
    const r = algo.paramsSchema.safeParse(p.agent);
    if (!r.success) {
      const i = r.error.issues[0]!;
      ctx.addIssue({ code: 'custom', path: ['agent', ...i.path.map(String)], message: i.message });
    }
  });
export type RlAgentParams = z.output<typeof rlAgentSchema>;

/** The strategy's `policy` as the agents' per-asset spec (null: joint). */
function perAssetOf(p: RlAgentParams, n: number, allocations: number[][]): PerAssetSpec | null {
  if (p.policy === 'joint') return null;
  const ownWeight = p.policy === 'per-asset' ? false : p.policy.ownWeight;
  return { assets: n, ownWeight, ...(rlAlgorithms[p.algorithm]?.actions === 'discrete' ? { mix: allocations } : {}) };
}

export interface RlAgentEnv {
  readonly name?: string;
  readonly seed?: number;
  readonly records?: PitRecords;
  /** The backtest's settings (costs, fill, leverage): the agents train under the rules they are judged by. */
  readonly backtest?: BacktestOptions;
}

/** Per-decision diagnostics of an rl-agent (in `Decision.diagnostics.rl`). */
export interface RlDiagnostics {
  readonly algorithm: string;
  /** Refit anchor date of the agents in force ('' while warming up). */
  readonly fitDate: string;
  readonly refit: boolean;
  /** Each agent's action (allocation index for discrete agents). */
  readonly agentActions: readonly (number | readonly number[])[];
  /** Each agent's allocation on this decision's observation (the target is their mean). */
  readonly agentWeights?: readonly (readonly number[])[];
  /** Refit decisions only: each agent's training curve. */
  readonly training?: readonly { readonly seed: number; readonly episodeReturns: readonly number[] }[];
  /** Refit decisions only: the first training decision date and the steps per training episode. */
  readonly trainFrom?: string;
  readonly trainSteps?: number;
}

interface Fitted {
  readonly anchor: number;
  readonly policies: readonly RlPolicy[];
  readonly seeds: readonly number[];
  readonly findings: readonly FindingDraft[];
  readonly scaler: ColumnScaler | null;
  /** Columns left out of cross-sectional z-scores (market-wide), decided on the training window. */
  readonly keep: ReadonlySet<number>;
  readonly toWeights: (action: Float64Array | number) => Float64Array;
  readonly trainFrom: string;
  readonly trainSteps: number;
}

function allocationsOf(p: RlAgentParams, assets: readonly string[], name: string): number[][] {
  const n = assets.length;
  const list = p.actions ?? ['equal-weight', ...assets.map((a) => ({ [a]: 1 }))];
  return list.map((x) =>
    x === 'equal-weight'
      ? new Array<number>(n).fill(1 / n)
      : x === 'cash'
        ? new Array<number>(n).fill(0)
        : Array.from(resolveWeights(name, x, assets)),
  );
}

export function rlAgent(params: RlAgentParams, env: RlAgentEnv = {}): EnsembleStrategy {
  const name = env.name ?? 'rl-agent';
  const algo = rlAlgorithms[params.algorithm];
  if (!algo) throw configError(`strategy ${name}: ${missingAlgorithm(params.algorithm)}.`);
  const bt = env.backtest;
  if (!bt)
    throw configError(
      `strategy ${name}: rl-agent trains under the backtest's costs and fill rules, and none were given; run it from a study (backtest: { costs: … }) or pass env.backtest.`,
    );
  const specs = params.features ?? (params.forecast ? [] : [{ kind: 'momentum', windows: [63] }]);
  const features = specs.length > 0 ? createFeatures(specs as FeatureSpec[]) : [];
  const warmup = features.reduce((m, f) => Math.max(m, f.warmup), 0);
  const forecast = params.forecast
    ? forecastColumn(params.forecast, env.seed ?? 0, bt.periodsPerYear ?? 252, env.records)
    : null;
  /** The observation's feature matrix on `panel` (forecast column first), before normalisation. */
  const observed = (panel: Panel, from: number): FeatureMatrix => {
    const fc = forecast ? forecast.column(panel, from) : null;
    if (features.length === 0) return fc!;
    const raw = computeFeatures(features, env.records ? { panel, records: env.records } : { panel });
    return fc
      ? {
          ...raw,
          names: [...fc.names, ...raw.names],
          owners: [...fc.owners, ...raw.owners],
          columns: [...fc.columns, ...raw.columns],
        }
      : raw;
  };
  const baseSeed = env.seed ?? 0;
  const fits = new Map<number, Fitted | null>();
  const budget = params.steps !== undefined ? { steps: params.steps } : { episodes: params.episodes ?? 40 };

  /**
   * Fits the agents of anchor A, one agent per step: a driver that must stay responsive (signals) runs it between
   * macrotasks (`trainingSteps`); `fit` runs it through. The result is cached by A (null: too little history).
   */
  const fitSteps = function* (view: Panel, A: number): Generator<void, Fitted | null> {
    if (fits.has(A)) return fits.get(A)!;
    // expanding: every decision row from the features' warm-up on (as the supervised core's expanding window)
    const expanding = params.trainWindow === 'expanding';
    let from = Math.max(warmup + params.window - 1, expanding ? 0 : A - (params.trainWindow as number));
    const to = A - params.embargo;
    const none = (): null => (fits.set(A, null), null);
    if (Math.floor((to - from) / params.stepBars) < params.minTrainSteps) return none();
    const panel = view.sliceRows(0, A + 1);
    const raw = observed(panel, Math.max(0, from - params.window + 1));
    // Forecast-as-state: train from the first row with a forecast (before it the column is empty, 0 to the agent).
    if (forecast) from = Math.max(from, firstForecastRow(raw.columns[0]!, panel.nAssets, from) + params.window - 1);
    const steps = Math.floor((to - from) / params.stepBars);
    if (steps < params.minTrainSteps) return none();
    // Columns equal across assets (macro series) stay as they are under cross-sectional z-scores: decided at the fit.
    const keep = params.normalize === 'cross-sectional' ? marketWideColumns(raw) : new Set<number>();
    const crossed = params.normalize === 'cross-sectional' ? normaliseAcrossAssets(raw, 'zscore', keep) : raw;
    // The scaler sees only the rows the training observations read (decision rows ≤ A − embargo and their window).
    const scaler = params.normalize === 'zscore' ? fitColumnScaler(crossed, from - params.window + 1, to) : null;
    const fm = scaler ? scaler.apply(crossed) : crossed;
    const allocations = allocationsOf(params, panel.assets, name);
    const action: ActionSpec =
      algo.actions === 'discrete' ? { kind: 'discrete', allocations } : { kind: 'simplex', cash: params.cash };
    const trainEnv = new PortfolioEnv({
      panel,
      backtest: { ...bt, overlays: [] }, // overlays are not modelled in training (a finding says so)
      features: fm,
      ...(env.records ? { records: env.records } : {}),
      window: params.window,
      action,
      reward: params.reward,
      from,
      to,
      stepBars: params.stepBars,
    });
    const perAsset = perAssetOf(params, panel.nAssets, allocations);
    const obs: Float64Array[] = [];
    const zero = new Float64Array(panel.nAssets);
    for (let t = from; t + params.stepBars <= to; t += params.stepBars)
      obs.push(observationAt(fm, params.window, t, zero, 1));
    const rng = createRng(baseSeed).fork(`rl-agent:${A}`);
    const seeds: number[] = [];
    const policies: RlPolicy[] = [];
    const findings: FindingDraft[] = [];
    for (let k = 0; k < params.seeds; k++) {
      if (k > 0) yield;
      const seed = rng.fork(k).nextUint32();
      const pol = algo.train({ env: trainEnv, trainObservations: obs, seed, params: params.agent, budget, perAsset });
      seeds.push(seed);
      policies.push(pol);
      findings.push(...pol.findings.map((f) => ({ ...f, message: `agent ${k + 1} of ${params.seeds}: ${f.message}` })));
    }
    if ((bt.overlays?.length ?? 0) > 0)
      findings.push({
        severity: 'warning',
        kind: 'rl-overlays-not-trained',
        message:
          'the backtest has risk overlays; the agents trained without them (PortfolioEnv does not model overlays) and the overlays act on their targets in the backtest',
        fix: 'remove backtest.overlays to judge the agents under the rules they trained on',
      });
    if (!expanding && from > A - (params.trainWindow as number))
      findings.push({
        severity: 'warning',
        kind: 'rl-short-training',
        message: `the refit on ${panel.dates[A]} trained on ${steps} steps (${to - from} bars) instead of trainWindow ${params.trainWindow} bars: not enough history after the features' warm-up (${warmup} bars)${forecast ? ` and the first forecast (${panel.dates[from - params.window + 1]})` : ''}`,
        fix: 'load more history before the backtest start, or lower trainWindow',
      });
    const f: Fitted = {
      anchor: A,
      policies,
      seeds,
      findings,
      scaler,
      keep,
      toWeights: (a) => trainEnv.actions.toWeights(a),
      trainFrom: panel.dates[from]!,
      trainSteps: steps,
    };
    fits.set(A, f);
    return f;
  };

  let mode: TrainingMode = 'inline';
  const surveyed = new Map<number, TrainingNeeded>();
  const fit = (view: Panel, A: number): Fitted | null => {
    if (fits.has(A)) return fits.get(A)!;
    if (mode === 'survey') {
      if (!surveyed.has(A)) surveyed.set(A, new TrainingNeeded(A, () => fitSteps(view, A)));
      return null; // 1/N for this pass only: nothing is cached
    }
    const steps = fitSteps(view, A);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  };

  // The observation's feature part at T (empty book), shared by the ensemble and its members and across passes.
  const featureObs = new Map<number, Float64Array>();
  const observe = (view: Panel, T: number, f: Fitted, book: Float64Array): Float64Array => {
    const n = view.nAssets;
    let base = featureObs.get(T);
    if (base === undefined) {
      const raw = observed(view, T - params.window + 1);
      const crossed = params.normalize === 'cross-sectional' ? normaliseAcrossAssets(raw, 'zscore', f.keep) : raw;
      const fm = f.scaler ? f.scaler.apply(crossed) : crossed;
      base = observationAt(fm, params.window, T, new Float64Array(n), 0);
      featureObs.set(T, base);
    }
    // observationAt's layout: features, then the drifted weights, then cash / NAV.
    const obs = base.slice();
    const head = obs.length - n - 1;
    let invested = 0;
    for (let a = 0; a < n; a++) {
      obs[head + a] = book[a]!;
      invested += book[a]!;
    }
    obs[head + n] = 1 - invested;
    return obs;
  };

  /**
   * decide() of the ensemble (member = null: the mean of the K agents' allocations) or of agent `member` alone. Each
   * keeps its own per-backtest state (a new backtest starts when t goes back): the warm-up finding, the anchors seen.
   */
  const decider = (member: number | null) => {
    let lastT = -1;
    let warned = false;
    const seen = new Set<number>();
    return (view: Panel, ctx: DecisionContext): Decision => {
      const T = view.nDates - 1;
      const n = view.nAssets;
      if (ctx.t <= lastT) {
        warned = false;
        seen.clear();
      }
      lastT = ctx.t;
      const A = T - (T % params.refitEvery);
      const f = fit(view, A);
      if (f === null) {
        const findings: FindingDraft[] = [];
        if (!warned && member === null) {
          warned = true;
          findings.push({
            severity: 'warning',
            kind: 'rl-warmup',
            message: `no agent yet: the refit anchor ${view.dates[A]} has fewer than minTrainSteps ${params.minTrainSteps} training steps of ${params.stepBars} bars after the features' warm-up; holding 1/N until one does`,
            fix: 'start the backtest later, load more history, or lower minTrainSteps / trainWindow',
          });
        }
        const rl: RlDiagnostics = { algorithm: params.algorithm, fitDate: '', refit: false, agentActions: [] };
        return { weights: new Float64Array(n).fill(1 / n), diagnostics: { rl }, findings };
      }
      const refit = !seen.has(A);
      seen.add(A);
      const obs = observe(view, T, f, ctx.previousWeights);
      const policies = member === null ? f.policies : [f.policies[member]!];
      const weights = new Float64Array(n);
      const agentActions: (number | number[])[] = [];
      const agentWeights: number[][] = [];
      for (const pol of policies) {
        const a = pol.act(obs);
        const w = f.toWeights(a);
        agentActions.push(typeof a === 'number' ? a : Array.from(a));
        agentWeights.push(Array.from(w));
        for (let i = 0; i < n; i++) weights[i] = weights[i]! + w[i]! / policies.length;
      }
      // A member reports its action only: the training curves and the training findings are the ensemble's.
      const training =
        refit && member === null
          ? {
              training: f.policies.map((p, k) => ({ seed: f.seeds[k]!, episodeReturns: p.episodeReturns })),
              trainFrom: f.trainFrom,
              trainSteps: f.trainSteps,
            }
          : {};
      const rl: RlDiagnostics = {
        algorithm: params.algorithm,
        fitDate: view.dates[A]!,
        refit,
        agentActions,
        ...(member === null && params.seeds > 1 ? { agentWeights } : {}),
        ...training,
      };
      const findings = refit && member === null && f.findings.length > 0 ? { findings: f.findings } : {};
      return { weights, diagnostics: { rl }, ...findings };
    };
  };

  const rebalance = params.rebalance === undefined ? {} : { rebalance: params.rebalance as RebalanceSpec };
  return {
    name,
    ...rebalance,
    decide: decider(null),
    // seeds: 1 has no members: its one agent alone is the strategy itself
    members: Array.from({ length: params.seeds > 1 ? params.seeds : 0 }, (_, k) => ({
      name: memberName(name, k),
      ...rebalance,
      decide: decider(k),
    })),
    setTraining: (m: TrainingMode) => {
      mode = m;
    },
    training: () => mode,
    takeSurveyed: () => {
      const out = [...surveyed.values()];
      surveyed.clear();
      return out;
    },
  };
}

/** First row ≥ `from` where any asset has a finite value in `col` (nDates × n row-major), or the last row + 1. */
function firstForecastRow(col: Float64Array, n: number, from: number): number {
  const T = col.length / n;
  for (let t = Math.max(0, from); t < T; t++)
    for (let a = 0; a < n; a++) if (Number.isFinite(col[t * n + a]!)) return t;
  return T;
}

/** The `rl-agent` entry of `strategyKinds`. */
export const rlAgentKind = {
  schema: rlAgentSchema,
  description:
    'walk-forward reinforcement-learning agent (q-learning, dqn, a2c, ppo) trained on PortfolioEnv under the backtest costs',
  create: (params: z.input<typeof rlAgentSchema>, env: RlAgentEnv = {}): Strategy =>
    rlAgent(rlAgentSchema.parse(params), env),
};
