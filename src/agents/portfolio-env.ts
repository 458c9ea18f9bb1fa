/**
 * `PortfolioEnv`: the backtest engine, stepped. One step = decide at the close of t (the observation holds data
 * dated ≤ t only), fill at t+1 (open or close, `backtest.fill`) through the engine's own `fillKernel` with the
 * study's cost model, then hold through `stepBars` bars, marking to each close and accruing cash interest and borrow
 * fees exactly as `runBacktest` does. The reward is computed from the NAV before and after the step, so a trade's
 * cost lands in the step that makes it. Replaying actions here gives `runBacktest`'s NAV for a strategy with the
 * same targets (rebalanced every `stepBars` bars) to 1e-12 (portfolio-env.test.ts).
 *
 * Observation (Float64Array): `window` rows of feature values (oldest first; per row every feature column for every
 * asset, feature-major), then the drifted weights (one per asset) and cash / NAV. Features are computed once over
 * the panel by src/features, whose kinds are causal (audited by checkFeaturePointInTime); a missing value (warm-up)
 * reads as 0. Running out of data is truncation; NAV ≤ `ruin` × initial capital is termination.
 * Not modelled (refused at construction): same-close fills and risk overlays.
 */
import { configError, createRng, usageError, type Rng } from '../core/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';
import {
  accrual,
  createCostModel,
  fillKernel,
  LedgerBuilder,
  marketContext,
  markClose,
  markToMarket,
  weightsInto,
  type BacktestOptions,
  type CostContext,
  type CostModel,
  type FillCosts,
  type FillFlags,
} from '../backtest/index.ts';
import {
  computeFeatures,
  createFeatures,
  type FeatureMatrix,
  type FeatureSpec,
  type PitRecords,
} from '../features/index.ts';
import type { Env, ResetResult, Space, StepResult } from './env.ts';
import { createActionMap, type ActionMap, type ActionSpec, type Limits } from './portfolio-env-actions.ts';
import { createReward, type Reward, type RewardSpec } from './rewards.ts';

export interface PortfolioEnvOptions {
  readonly panel: Panel;
  /** The backtest's settings: costs (required), fill (next-open | next-close), leverage, capital, cash rates. */
  readonly backtest: BacktestOptions;
  /** Feature specs (computed over the panel) or a precomputed matrix aligned with it. Default: 1-bar returns. */
  readonly features?: readonly FeatureSpec[] | FeatureMatrix;
  readonly records?: PitRecords;
  /** Rows of features in one observation (default 1). */
  readonly window?: number;
  readonly action?: ActionSpec;
  readonly reward?: RewardSpec;
  /** First decision index (default: the features' warm-up + window − 1). */
  readonly from?: number;
  /** Last bar a step may reach (default: the panel's last row). */
  readonly to?: number;
  /** Bars per step (default 1): the target is traded at the first of them and held (drifting) to the last. */
  readonly stepBars?: number;
  /** Steps per episode; the start is drawn from the reset RNG. Default: one episode over the whole range. */
  readonly episodeLength?: number;
  /** Terminate when NAV ≤ ruin × initial capital (default 0.5). */
  readonly ruin?: number;
}

export class PortfolioEnv implements Env<Float64Array, Float64Array | number> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly nAssets: number;
  readonly features: FeatureMatrix;
  readonly from: number;
  readonly to: number;
  readonly stepBars: number;
  readonly window: number;
  readonly actions: ActionMap;
  private readonly panel: Panel;
  private readonly px: Float64Array;
  private readonly open: Float64Array | null;
  private readonly closeForAdj: Float64Array | null;
  private readonly volume: Float64Array | null;
  private readonly costModel: CostModel;
  private readonly staticCosts: FillCosts | null;
  private readonly assetClass: readonly string[];
  private readonly capital: number;
  private readonly rates: { cash: number; spread: number; shortFee: number };
  private readonly ruinNav: number;
  private readonly episodeLength: number | undefined;
  private readonly reward: Reward;
  private readonly qty: Float64Array;
  private readonly lastPx: Float64Array;
  private readonly fillPx: Float64Array;
  /** Marks at the close a step starts from (for the 1/N gross return of excess-log-return). */
  private readonly startPx: Float64Array;
  private readonly ledger = new LedgerBuilder(64);
  private readonly flags: FillFlags;
  private rng: Rng | null = null;
  private cash = 0;
  private nav = 0;
  private t = -1;
  private end = -1;
  private done = true;

  constructor(o: PortfolioEnvOptions) {
    const panel = o.panel;
    const b = o.backtest;
    const n = panel.nAssets;
    this.panel = panel;
    this.nAssets = n;
    const fill = b.fill ?? 'next-close';
    if (fill !== 'next-open' && fill !== 'next-close')
      throw configError(
        `PortfolioEnv: backtest.fill must be next-open or next-close (decide at the close of t, fill at t+1), got ${fill}.`,
      );
    if (b.overlays && b.overlays.length > 0)
      throw configError('PortfolioEnv: risk overlays are not modelled in the environment; remove backtest.overlays.');
    this.costModel = createCostModel(b.costs);
    this.assetClass = panel.meta.map((m) => m.assetClass ?? '');
    this.staticCosts = this.costModel.needs ? null : this.fillCosts({ assetClass: this.assetClass });
    const priceField = b.priceField ?? 'close';
    this.px = panel.field(priceField);
    const openField = b.openField ?? 'open';
    if (fill === 'next-open' && !panel.has(openField))
      throw configError(`PortfolioEnv: fill is next-open but the data has no "${openField}" field.`);
    this.open = fill === 'next-open' ? panel.field(openField) : null;
    this.closeForAdj = this.open && priceField !== 'close' && panel.has('close') ? panel.field('close') : null;
    this.volume = this.costModel.needs?.adv !== undefined ? panel.field('volume') : null;
    this.capital = b.initialCapital ?? 1;
    this.rates = { cash: b.cashRate ?? 0, spread: b.borrowSpread ?? 0, shortFee: b.shortBorrowCost ?? 0 };
    const lev: Limits = {
      maxGross: b.leverage?.maxGross ?? 1,
      minNet: b.leverage?.minNet ?? -1,
      maxNet: b.leverage?.maxNet ?? 1,
    };
    this.actions = createActionMap(o.action ?? { kind: 'simplex' }, n, lev);
    this.actionSpace = this.actions.space;
    this.reward = createReward(o.reward);
    const feats = o.features ?? [{ kind: 'returns', lags: [0] }];
    this.features = Array.isArray(feats)
      ? computeFeatures(createFeatures(feats as FeatureSpec[]), o.records ? { panel, records: o.records } : { panel })
      : (feats as FeatureMatrix);
    if (this.features.dates.length !== panel.nDates)
      throw configError('PortfolioEnv: the feature matrix does not cover the panel (different number of dates).');
    this.window = positiveInt('window', o.window ?? 1);
    this.stepBars = positiveInt('stepBars', o.stepBars ?? 1);
    this.from = o.from ?? Math.min(panel.nDates - 1, this.features.warmup + this.window - 1);
    this.to = o.to ?? panel.nDates - 1;
    if (this.from < this.window - 1 || this.to > panel.nDates - 1 || this.from + this.stepBars > this.to)
      throw configError(
        `PortfolioEnv: decisions from row ${this.from} to ${this.to} leave no whole step of ${this.stepBars} bars (window ${this.window}, ${panel.nDates} rows); give more data or a shorter window.`,
      );
    if (o.episodeLength !== undefined) {
      positiveInt('episodeLength', o.episodeLength);
      if (this.from + o.episodeLength * this.stepBars > this.to)
        throw configError(
          `PortfolioEnv: episodeLength ${o.episodeLength} × stepBars ${this.stepBars} does not fit between rows ${this.from} and ${this.to}.`,
        );
    }
    this.episodeLength = o.episodeLength;
    this.ruinNav = (o.ruin ?? 0.5) * this.capital;
    const dim = this.window * this.features.columns.length * n + n + 1;
    this.observationSpace = {
      kind: 'box',
      shape: [dim],
      low: new Float64Array(dim).fill(-Infinity),
      high: new Float64Array(dim).fill(Infinity),
    };
    this.qty = new Float64Array(n);
    this.lastPx = new Float64Array(n);
    this.fillPx = new Float64Array(n);
    this.startPx = new Float64Array(n);
    this.flags = { codes: new Uint8Array(n), count: 0, traded: 0, costs: 0 };
  }

  /** Decision row of the current state (−1 before the first reset). */
  get index(): number {
    return this.t;
  }
  get date(): IsoDate | undefined {
    return this.panel.dates[this.t];
  }
  /** NAV at the close of the current decision row, currency. */
  get value(): number {
    return this.nav;
  }

  reset(opts: { seed?: number; options?: Readonly<Record<string, unknown>> } = {}): ResetResult<Float64Array> {
    if (opts.seed !== undefined || this.rng === null) this.rng = createRng(opts.seed ?? 0);
    let start = this.from;
    const asked = opts.options?.['start'];
    if (typeof asked === 'number') {
      if (!Number.isInteger(asked) || asked < this.from || asked + this.stepBars > this.to)
        throw usageError(
          `reset options.start must be a row in [${this.from}, ${this.to - this.stepBars}], got ${asked}.`,
        );
      start = asked;
    } else if (this.episodeLength !== undefined) {
      const span = this.to - this.from - this.episodeLength * this.stepBars;
      start = this.from + this.rng.int(span + 1);
    }
    this.end = this.episodeLength === undefined ? this.to : start + this.episodeLength * this.stepBars;
    this.t = start;
    this.qty.fill(0);
    this.cash = this.capital;
    this.lastPx.fill(NaN);
    markClose(this.px, start * this.nAssets, this.lastPx);
    this.nav = this.capital;
    this.reward.reset();
    this.done = false;
    return { obs: this.observe(), info: { date: this.date, nav: this.nav } };
  }

  step(action: Float64Array | number): StepResult<Float64Array> {
    return this.advance(action, false);
  }

  /**
   * What `step(action)` would return from the current state, without taking it: the same fill, costs, accruals,
   * marks and reward (the reward's running state, e.g. the differential Sharpe's moments, is read, not updated), then
   * the book, NAV and row are put back. It reads the same bars as the step itself (t … t + stepBars), so a
   * counterfactual reward knows nothing the taken action's reward does not (DQN's `allActions`).
   */
  peek(action: Float64Array | number): StepResult<Float64Array> {
    const qty = Float64Array.from(this.qty);
    const lastPx = Float64Array.from(this.lastPx);
    const { cash, nav, t, done } = this;
    try {
      return this.advance(action, true);
    } finally {
      this.qty.set(qty);
      this.lastPx.set(lastPx);
      this.cash = cash;
      this.nav = nav;
      this.t = t;
      this.done = done;
    }
  }

  private advance(action: Float64Array | number, peek: boolean): StepResult<Float64Array> {
    const verb = peek ? 'peek' : 'step';
    if (this.t < 0) throw usageError(`PortfolioEnv.${verb}() called before reset(); call env.reset({ seed }) first.`);
    if (this.done) throw usageError(`PortfolioEnv.${verb}() after the episode ended; call env.reset() first.`);
    const target = this.actions.toWeights(action);
    const n = this.nAssets;
    const t = this.t;
    const before = this.nav;
    const costs =
      this.staticCosts ?? this.fillCosts(marketContext(this.px, this.volume, n, t, this.costModel, this.assetClass));
    let traded = 0;
    let cost = 0;
    if (this.reward.needsEqualWeight) this.startPx.set(this.lastPx);
    for (let k = 1; k <= this.stepBars; k++) {
      const r = t + k;
      this.accrue(r);
      if (k === 1 && this.open) {
        for (let a = 0; a < n; a++) {
          const op = this.open[r * n + a]!;
          this.fillPx[a] = this.closeForAdj ? (op * this.px[r * n + a]!) / this.closeForAdj[r * n + a]! : op;
        }
        this.fill(target, this.fillPx, costs);
        traded = this.flags.traded;
        cost = this.flags.costs;
      }
      markClose(this.px, r * n, this.lastPx);
      if (k === 1 && !this.open) {
        this.fill(target, this.lastPx, costs);
        traded = this.flags.traded;
        cost = this.flags.costs;
      }
    }
    this.t = t + this.stepBars;
    this.nav = markToMarket(this.qty, this.lastPx, this.cash);
    const g = this.reward.needsEqualWeight ? this.equalWeightGross() : 1;
    const reward = peek ? this.reward.peek(before, this.nav, g) : this.reward.next(before, this.nav, g);
    const terminated = !(this.nav > this.ruinNav);
    const truncated = !terminated && this.t + this.stepBars > this.end;
    this.done = terminated || truncated;
    return {
      obs: this.observe(),
      reward,
      terminated,
      truncated,
      info: { date: this.date, nav: this.nav, traded, cost, target },
    };
  }

  /** The observation at row t for a book with these drifted weights and cash fraction. */
  observeAt(t: number, weights: Float64Array, cashFraction: number): Float64Array {
    return observationAt(this.features, this.window, t, weights, cashFraction);
  }

  private observe(): Float64Array {
    const out = new Float64Array(this.observationSpace.shape[0]!);
    const head = writeFeatures(this.features, this.window, this.t, out);
    weightsInto(this.qty, this.lastPx, this.nav, out, head);
    out[head + this.nAssets] = this.cash / this.nav;
    return out;
  }

  /**
   * Gross return of 1/N over the step just taken: equal weights at its first close, held (carried marks), over the
   * assets priced at that close (1 when none is).
   */
  private equalWeightGross(): number {
    let g = 0;
    let k = 0;
    for (let a = 0; a < this.nAssets; a++) {
      const x = this.lastPx[a]! / this.startPx[a]!;
      if (!Number.isFinite(x)) continue;
      g += x;
      k++;
    }
    return k > 0 ? g / k : 1;
  }

  private accrue(r: number): void {
    const { cash: cr, spread, shortFee } = this.rates;
    if (cr === 0 && spread === 0 && shortFee === 0) return;
    const d = this.panel.dates;
    const years = (Date.parse(d[r]!) - Date.parse(d[r - 1]!)) / (365 * 86_400_000);
    this.cash += accrual(this.cash, this.qty, this.lastPx, years, cr, spread, shortFee);
  }

  private fill(target: Float64Array, prices: Float64Array, costs: FillCosts): void {
    this.ledger.length = 0; // the environment keeps no ledger: the kernel's rows are scratch
    this.cash = fillKernel(0, target, prices, this.lastPx, this.qty, this.cash, costs, this.ledger, this.flags, null);
  }

  private fillCosts(ctx: CostContext): FillCosts {
    const m = this.costModel;
    const rates = m.linearRates ? m.linearRates(ctx) : null;
    let capacity: Float64Array | null = null;
    if (m.capacity) {
      capacity = new Float64Array(this.assetClass.length);
      for (let a = 0; a < capacity.length; a++) capacity[a] = m.capacity(a, ctx);
    }
    return { rates, perOrder: rates ? null : (a, d, p) => m.cost(a, d, p, ctx), capacity };
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw configError(`PortfolioEnv: ${name} must be an integer ≥ 1, got ${v}.`);
  return v;
}

/** Feature rows t − window + 1 … t (oldest first; feature-major, then asset) into `out`; NaN → 0. Returns the length. */
function writeFeatures(fm: FeatureMatrix, window: number, t: number, out: Float64Array): number {
  const n = fm.assets.length;
  let j = 0;
  for (let r = t - window + 1; r <= t; r++)
    for (const col of fm.columns)
      for (let a = 0; a < n; a++) {
        const v = col[r * n + a]!;
        out[j++] = Number.isFinite(v) ? v : 0;
      }
  return j;
}

/**
 * The environment's observation at row t of a feature matrix for a book with these drifted weights and cash
 * fraction: what a trained agent sees when it acts out of sample (the features computed on data ≤ t).
 */
export function observationAt(
  fm: FeatureMatrix,
  window: number,
  t: number,
  weights: ArrayLike<number>,
  cashFraction: number,
): Float64Array {
  const n = fm.assets.length;
  const out = new Float64Array(window * fm.columns.length * n + n + 1);
  const head = writeFeatures(fm, window, t, out);
  for (let a = 0; a < n; a++) out[head + a] = weights[a]!;
  out[head + n] = cashFraction;
  return out;
}
