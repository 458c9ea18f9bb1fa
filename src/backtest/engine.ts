/**
 * The walk-forward engine. At the close of each date t (from `start` to `end`) it marks the book to market,
 * lets the risk overlays look at the close, asks the strategy for a target when the rebalancing rule says so
 * (with a view of the panel holding ONLY rows dated ≤ t), and queues the orders (drifted → target) for the next
 * open or close. Orders pay the explicit cost model and are written to the columnar ledger, which is the single
 * source of the NAV, turnover and cost figures.
 *
 * Event order within date t:
 *   1. accrue cash interest and short-borrow fees over (t−1, t] (calendar days / 365);
 *   2. `next-open`: fill orders queued at t−1 at the open of t;
 *   3. mark to the close of t (missing prices carry the last known one);
 *      `next-close`: fill orders queued at t−1 at the close of t;
 *   4. overlays see the close; the rule may ask the strategy; the new target is validated against the leverage
 *      limits and queued (`same-close`: filled right away at the close of t — flagged in the result);
 *   5. record NAV, cash and post-trade weights at t.
 * Orders are sized at the fill price so that, before costs, post-trade weights equal the target.
 */
import { configError, dataError, isKeelError, KeelError, type Finding, type KeelErrorKind } from '../core/index.ts';
import { allocationFindings } from '../allocation/index.ts';
import type { IsoDate, Panel } from '../data/index.ts';
import { computeMetrics } from '../metrics/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { createCostModel } from './costs.ts';
import type { CostContext } from './costs.ts';
import {
  accrual,
  FILL_BLOCKED,
  FILL_CAPPED,
  FILL_NO_PRICE,
  fillKernel,
  markClose,
  markToMarket,
  weightsInto,
} from './kernel.ts';
import type { FillCosts, FillFlags } from './kernel.ts';
import { LedgerBuilder } from './ledger.ts';
import type { Ledger } from './ledger.ts';
import { checkNumber, inferPeriodsPerYear } from './options.ts';
import type { BacktestOptions } from './options.ts';
import { marketContext, returnsWindow } from './market-context.ts';
import { OverlayState, parseOverlays } from './overlays.ts';
import { createRebalanceRule } from './rebalance.ts';
import type { Decision, FillTiming, Strategy } from './types.ts';

/** One decision that produced orders: the date it was made, the target traded to, and what the strategy said. */
export interface DecisionRecord {
  /** Index into `result.dates`. */
  readonly dateIndex: number;
  /** Weights the orders aim at (after the rule and the overlays). */
  readonly target: Float64Array;
  /** Why: 'rebalance', 'overlay' or 'initial'. */
  readonly reason: 'initial' | 'rebalance' | 'overlay';
  readonly diagnostics?: Readonly<Record<string, unknown>>;
  readonly allocationStatus?: string;
}

export interface BacktestResult {
  readonly strategy: string;
  /** Simulated dates (start … end). */
  readonly dates: readonly IsoDate[];
  readonly assets: readonly string[];
  /** NAV at each close after that date's fills, currency. */
  readonly nav: Float64Array;
  /** Simple return of NAV per date (returns[0] = 0: the start date). */
  readonly returns: Float64Array;
  /** Cash at each close. */
  readonly cash: Float64Array;
  /** Post-trade weights at each close, nDates × nAssets row-major. */
  readonly weights: Float64Array;
  readonly ledger: Ledger;
  /** Per date: traded notional Σ|q·p|, costs, and cash accruals (interest − borrow fees), from the ledger. */
  readonly traded: Float64Array;
  readonly costs: Float64Array;
  readonly accruals: Float64Array;
  readonly decisions: readonly DecisionRecord[];
  /**
   * Index (into dates) of the first fill. Metrics cover the periods after it, the first measured from the NAV
   * before that fill (so initial costs count); turnover excludes the initial purchase.
   */
  readonly firstFillIndex: number;
  /** Target decided at the last date and not filled (what to trade next), or null. */
  readonly pendingTarget: Float64Array | null;
  readonly metrics: Metrics;
  readonly settings: {
    readonly fill: FillTiming;
    readonly sameBarFill: boolean;
    readonly costModel: string;
    readonly rebalance: string;
    readonly periodsPerYear: number;
    readonly initialCapital: number;
  };
  /**
   * What ran differently from what was asked (allocator fallbacks, cash forced by a failed allocation, same-bar
   * fills, skipped or capped orders, scaled targets, and the strategy's own findings), stamped with the strategy
   * and the date.
   */
  readonly findings: readonly Finding[];
}

/** Where targets come from: a strategy (sliced view per decision) or a precomputed matrix. */
interface TargetSource {
  readonly name: string;
  /** `drifted` is the engine's own buffer: copy it before handing it to user code. */
  decide(t: number, drifted: Float64Array): Decision;
  /** Targets are immutable views the engine may keep without copying (precomputed matrices). */
  readonly ownsTargets?: boolean;
  /** `decide` never reads `drifted` (precomputed targets): the engine skips computing it unless the rule needs it. */
  readonly ignoresDrifted?: boolean;
}

/**
 * A strategy's decision, with a failure inside it (bad data reaching an estimator, a numeric routine that cannot
 * proceed, infeasible constraints) re-thrown as one line naming the strategy and the decision date: the user sees
 * which strategy failed on which date, not only "covariance[1, 1] is Infinity".
 */
function decideWithContext(source: TargetSource, t: number, drifted: Float64Array, date: IsoDate): Decision {
  try {
    return source.decide(t, drifted);
  } catch (e) {
    if (!isKeelError(e) || !CONTEXT_KINDS.has(e.kind) || e.message.startsWith('strategy "')) throw e;
    throw new KeelError(e.kind, `strategy "${source.name}", decision of ${date}: ${e.message}`, { cause: e });
  }
}
const CONTEXT_KINDS: ReadonlySet<KeelErrorKind> = new Set(['data', 'numeric', 'infeasible']);

/**
 * Run a strategy through the panel. The strategy sees `panel.upTo(date)` at each decision — nothing later.
 * Throws one-line KeelErrors for bad settings (missing costs, start after the data, dates outside the calendar,
 * leverage breaches, negative costs, empty universe).
 */
export function runBacktest(panel: Panel, strategy: Strategy, options: BacktestOptions): BacktestResult {
  const seed = options.seed ?? 0;
  const o = strategy.rebalance === undefined ? options : { ...options, rebalance: strategy.rebalance };
  return simulate(panel, o, {
    name: strategy.name,
    decide: (t, drifted) =>
      strategy.decide(panel.upTo(panel.dates[t]!), {
        asOf: panel.dates[t]!,
        t,
        previousWeights: drifted.slice(),
        seed,
      }),
  });
}

/**
 * Run precomputed targets (nDates × nAssets, row-major, aligned with the panel; a row of NaN = no view).
 * The same engine as `runBacktest` without the strategy call (used by the benchmark and by vectorised signals
 * that were already audited for look-ahead). The result's decision targets are views of `targets` (no copy): do
 * not write into `targets` afterwards.
 */
export function runTargets(
  panel: Panel,
  targets: Float64Array,
  options: BacktestOptions,
  name = 'targets',
): BacktestResult {
  const n = panel.nAssets;
  if (targets.length !== panel.nDates * n)
    throw dataError(`targets has ${targets.length} values, expected ${panel.nDates} dates × ${n} assets.`);
  return simulate(panel, options, {
    name,
    ownsTargets: true,
    ignoresDrifted: true,
    decide: (t) => {
      const w = targets.subarray(t * n, (t + 1) * n); // checkTarget copies it
      if (Number.isNaN(w[0]!))
        throw dataError(`targets row ${panel.dates[t]} is NaN but the rebalancing rule asks for a target there.`);
      return { weights: w };
    },
  });
}

function simulate(panel: Panel, o: BacktestOptions, source: TargetSource): BacktestResult {
  const n = panel.nAssets;
  if (n === 0)
    throw dataError(
      'the universe is empty (0 assets after filtering). Check data.universe and the missing-data policy.',
    );
  if (panel.nDates === 0) throw dataError('the panel has no dates. Check data.start / data.end.');
  const dates = panel.dates;
  const costModel = createCostModel(o.costs);
  const fill: FillTiming = o.fill ?? 'next-close';
  if (!['next-open', 'next-close', 'same-close'].includes(fill))
    throw configError(`backtest.fill must be next-open, next-close or same-close, got ${String(fill)}.`);
  checkNumber('initialCapital', o.initialCapital, (x) => x > 0, '> 0 (currency)', 'Use initialCapital: 1000000.');
  checkNumber(
    'cashRate',
    o.cashRate,
    (x) => x > -1,
    '> −1 (annual rate, fraction)',
    'Use cashRate: 0.02 for 2 % a year.',
  );
  checkNumber('borrowSpread', o.borrowSpread, (x) => x >= 0, '≥ 0 (annual rate, fraction)', 'Use borrowSpread: 0.01.');
  checkNumber(
    'shortBorrowCost',
    o.shortBorrowCost,
    (x) => x >= 0,
    '≥ 0 (annual fee, fraction)',
    'Use shortBorrowCost: 0.005.',
  );
  const lev = {
    maxGross: o.leverage?.maxGross ?? 1,
    minNet: o.leverage?.minNet ?? -1,
    maxNet: o.leverage?.maxNet ?? 1,
    onBreach: o.leverage?.onBreach ?? 'error',
  };
  checkNumber(
    'leverage.maxGross',
    lev.maxGross,
    (x) => x > 0,
    '> 0',
    'Use leverage: { maxGross: 1 } for an unlevered book.',
  );
  if (lev.minNet > lev.maxNet)
    throw configError(`backtest.leverage.minNet (${lev.minNet}) must not exceed maxNet (${lev.maxNet}).`);

  // Date range.
  const first = dates[0]!;
  const last = dates[dates.length - 1]!;
  if (o.start !== undefined && o.start > last)
    throw configError(
      `backtest.start ${o.start} is after the last date of the data (${last}). Choose a start between ${first} and ${last}, or load more data.`,
    );
  if (o.end !== undefined && o.end < first)
    throw configError(`backtest.end ${o.end} is before the first date of the data (${first}).`);
  if (o.start !== undefined && o.end !== undefined && o.start > o.end)
    throw configError(`backtest.start ${o.start} is after backtest.end ${o.end}.`);
  const s = o.start === undefined ? 0 : firstIndexOnOrAfter(dates, o.start);
  const e = o.end === undefined ? dates.length - 1 : panel.lastIndexOnOrBefore(o.end);
  if (e < s) throw configError(`backtest: no data dates between start ${o.start ?? first} and end ${o.end ?? last}.`);

  const rule = createRebalanceRule(o.rebalance ?? 'monthly', dates);
  const needsDrifted = source.ignoresDrifted !== true || rule.readsDrifted === true;
  const overlays = new OverlayState(parseOverlays(o.overlays), n);
  const ppy = o.periodsPerYear ?? inferPeriodsPerYear(dates);

  const priceField = o.priceField ?? 'close';
  const px = panel.field(priceField);
  const openField = o.openField ?? 'open';
  if (fill === 'next-open' && !panel.has(openField))
    throw configError(
      `backtest.fill is next-open but the data has no "${openField}" field (fields: ${panel.fieldNames.join(', ')}). Use fill: next-close, or load open prices.`,
    );
  const open = fill === 'next-open' ? panel.field(openField) : null;
  const closeForAdj = open && priceField !== 'close' && panel.has('close') ? panel.field('close') : null;
  const volume = costModel.needs?.adv !== undefined ? requireField(panel, 'volume', costModel.kind) : null;
  const assetClass = panel.meta.map((m) => m.assetClass ?? '');
  const cashRate = o.cashRate ?? 0;
  const borrowSpread = o.borrowSpread ?? 0;
  const shortFee = o.shortBorrowCost ?? 0;
  const capital = o.initialCapital ?? 1;

  const T = e - s + 1;
  const nav = new Float64Array(T);
  const cashOut = new Float64Array(T);
  const accruals = new Float64Array(T);
  const weights = new Float64Array(T * n);
  // Ledger capacity: calendar-like rules trade at most n orders per check date (+ the initial trade and some room
  // for overlay trades); other rules grow the ledger by doubling.
  let checks = 1;
  if (rule.kind === 'calendar' || rule.kind === 'dates' || rule.kind === 'never') {
    for (let t = s + 1; t <= e; t++) if (rule.isCheck(dates, t)) checks++;
  } else {
    checks = Math.ceil(T / 8);
  }
  const ledger = new LedgerBuilder(Math.min(1 << 22, Math.max(64, n * (checks + 2))));
  const decisions: DecisionRecord[] = [];
  const findings: Finding[] = [];
  // Fill problems are reported once per kind and asset (the first date), not on every bar.
  const reported = new Set<string>();
  const fillFinding = (kind: string, a: number, t: number, message: string, fix: string): void => {
    const key = `${kind}:${a}`;
    if (reported.has(key)) return;
    reported.add(key);
    findings.push({
      severity: 'warning',
      kind,
      strategy: source.name,
      date: dates[t]!,
      asset: panel.assets[a]!,
      message,
      fix,
    });
  };

  const qty = new Float64Array(n);
  const lastPx = new Float64Array(n).fill(NaN);
  const prevPx = new Float64Array(n).fill(NaN);
  const fillPx = new Float64Array(n);
  const drifted = new Float64Array(n);
  let cash = capital;
  let pending: Float64Array | null = null;
  let pendingCosts: FillCosts | null = null;
  let lastStrategyTarget: Float64Array | null = null;
  let lastTraded: Float64Array | null = null;
  let firstFill = -1;

  const markValue = (): number => markToMarket(qty, lastPx, cash);

  const flags: FillFlags = { codes: new Uint8Array(n), count: 0, traded: 0, costs: 0 };
  // Per date: traded notional and costs, added up by the kernel in ledger-row order (= ledgerTotals of the ledger).
  const tradedByDate = new Float64Array(T);
  const costsByDate = new Float64Array(T);
  const onFill = overlays.active
    ? (a: number, before: number, after: number, p: number) => overlays.onFill(a, before, after, p)
    : null;
  const fillCosts = (ctx: CostContext): FillCosts => {
    const rates = costModel.linearRates ? costModel.linearRates(ctx) : null;
    let capacity: Float64Array | null = null;
    if (costModel.capacity) {
      capacity = new Float64Array(n);
      for (let a = 0; a < n; a++) capacity[a] = costModel.capacity(a, ctx);
    }
    return { rates, perOrder: rates ? null : (a, d, p) => costModel.cost(a, d, p, ctx), capacity };
  };
  const staticCosts = costModel.needs ? null : fillCosts({ assetClass });
  const doFill = (t: number, target: Float64Array, prices: Float64Array, costs: FillCosts): void => {
    cash = fillKernel(t - s, target, prices, lastPx, qty, cash, costs, ledger, flags, onFill);
    tradedByDate[t - s] = tradedByDate[t - s]! + flags.traded;
    costsByDate[t - s] = costsByDate[t - s]! + flags.costs;
    for (let a = 0; flags.count > 0 && a < n; a++) {
      const f = flags.codes[a]!;
      if (f === FILL_NO_PRICE)
        fillFinding(
          'order-skipped',
          a,
          t,
          `${panel.assets[a]} had no fill price on ${dates[t]}; its order was skipped (first occurrence)`,
          'check the data for gaps, or choose a missing-data policy',
        );
      else if (f === FILL_BLOCKED)
        fillFinding(
          'order-blocked',
          a,
          t,
          `orders in ${panel.assets[a]} were blocked: no volume/return history to price impact (first on ${dates[t]})`,
          'load volumes for the impact cost model, or start the backtest later',
        );
      else if (f === FILL_CAPPED)
        fillFinding(
          'order-capped',
          a,
          t,
          `orders in ${panel.assets[a]} were capped by the participation limit (first on ${dates[t]})`,
          'raise the participation limit or trade smaller positions',
        );
    }
    if (firstFill < 0) firstFill = t - s;
  };

  for (let t = s; t <= e; t++) {
    const i = t - s;
    // 1. Accruals over (t−1, t].
    if (i > 0 && (cashRate !== 0 || borrowSpread !== 0 || shortFee !== 0)) {
      const years = (Date.parse(dates[t]!) - Date.parse(dates[t - 1]!)) / (365 * 86_400_000);
      const acc = accrual(cash, qty, lastPx, years, cashRate, borrowSpread, shortFee);
      cash += acc;
      accruals[i] = acc;
    }
    if (overlays.active) prevPx.set(lastPx);
    // 2. Fill at the open of t.
    if (pending && open) {
      const row = t * n;
      for (let a = 0; a < n; a++) {
        const op = open[row + a]!;
        fillPx[a] = closeForAdj ? (op * px[row + a]!) / closeForAdj[row + a]! : op;
      }
      doFill(t, pending, fillPx, pendingCosts!);
      pending = null;
    }
    // 3. Mark to the close of t.
    markClose(px, t * n, lastPx);
    if (pending) {
      doFill(t, pending, lastPx, pendingCosts!);
      pending = null;
    }
    let navT = markValue();
    // 4. Decide at the close of t.
    const forced = overlays.active && i > 0 ? overlays.onClose(prevPx, lastPx, qty, lastStrategyTarget) : false;
    let order: Float64Array | null = null;
    let reason: DecisionRecord['reason'] = 'rebalance';
    let decision: Decision | null = null;
    if (i === 0 || rule.isCheck(dates, t)) {
      if (needsDrifted) weightsInto(qty, lastPx, navT, drifted, 0);
      decision = decideWithContext(source, t, drifted, dates[t]!);
      const stamp = { strategy: source.name, date: dates[t]! };
      if (decision.allocation)
        for (const d of allocationFindings(decision.allocation)) findings.push({ ...d, ...stamp });
      if (decision.findings)
        for (const d of decision.findings) findings.push({ ...stamp, ...d, strategy: source.name });
      const w = checkTarget(decision.weights, n, dates[t]!, panel.assets, source.ownsTargets !== true);
      lastStrategyTarget = w;
      order = i === 0 || lastTraded === null ? w : rule.tradeTo(drifted, w, lastTraded);
      if (i === 0 || lastTraded === null) reason = 'initial';
    }
    if (forced && order === null && lastStrategyTarget) {
      order = lastStrategyTarget;
      reason = 'overlay';
    }
    if (order) {
      let target = overlays.active
        ? overlays.adjust(order, (w) => returnsWindow(px, n, t, w), ppy, lev.maxGross)
        : order;
      target = enforceLeverage(target, lev, dates[t]!, (f) => findings.push({ ...f, strategy: source.name }));
      lastTraded = order;
      const rec: DecisionRecord = { dateIndex: i, target, reason };
      decisions.push(
        decision?.diagnostics || decision?.allocation
          ? {
              ...rec,
              ...(decision.diagnostics ? { diagnostics: decision.diagnostics } : {}),
              ...(decision.allocation ? { allocationStatus: decision.allocation.status } : {}),
            }
          : rec,
      );
      const costs = staticCosts ?? fillCosts(marketContext(px, volume, n, t, costModel, assetClass));
      if (fill === 'same-close') {
        doFill(t, target, lastPx, costs);
        navT = markValue();
      } else {
        pending = target;
        pendingCosts = costs;
      }
    }
    // 5. Record.
    nav[i] = navT;
    cashOut[i] = cash;
    weightsInto(qty, lastPx, navT, weights, i * n);
  }

  const simDates = dates.slice(s, e + 1);
  const built = ledger.build(simDates, panel.assets);
  const totals = { traded: tradedByDate, costs: costsByDate };
  const returns = new Float64Array(T);
  for (let i = 1; i < T; i++) returns[i] = nav[i]! / nav[i - 1]! - 1;
  if (fill === 'same-close')
    findings.push({
      severity: 'warning',
      kind: 'same-bar-fill',
      strategy: source.name,
      message:
        'fill: same-close — orders fill at the close they were decided on (same-bar fill); results are optimistic unless you can trade at that close',
      fix: 'use fill: next-close or next-open',
    });
  const ff = firstFill < 0 ? T : firstFill;
  const rf = o.riskFreeField ? panel.series(o.riskFreeField, 0).subarray(s + ff + 1, e + 1) : 0;
  let benchmark: Float64Array | undefined;
  if (o.benchmarkAsset !== undefined) {
    const b = panel.assets.indexOf(o.benchmarkAsset);
    if (b < 0)
      throw configError(
        `backtest.benchmarkAsset "${o.benchmarkAsset}" is not in the data (assets: ${panel.assets.slice(0, 12).join(', ')}).`,
      );
    benchmark = new Float64Array(Math.max(0, e - s - ff));
    for (let t = s + ff + 1; t <= e; t++) benchmark[t - s - ff - 1] = px[t * n + b]! / px[(t - 1) * n + b]! - 1;
  }
  const navBefore = new Float64Array(T);
  for (let i = 0; i < T; i++) navBefore[i] = i === 0 ? capital : nav[i - 1]!;
  // Metrics cover the invested periods after the first fill. The first of them is measured from the NAV before
  // that fill, so the initial trade's costs (and, with next-open fills, the fill day's open→close move) count.
  const from = ff + 1;
  const mReturns = returns.slice(from);
  const mCosts = totals.costs.slice(from);
  const mNav = navBefore.slice(from);
  if (mReturns.length > 0) {
    mReturns[0] = nav[from]! / navBefore[ff]! - 1;
    mCosts[0] = mCosts[0]! + totals.costs[ff]!;
    mNav[0] = navBefore[ff]!;
  }
  const metrics = computeMetrics({
    returns: mReturns,
    periodsPerYear: ppy,
    riskFree: rf,
    tradedNotional: totals.traded.subarray(from),
    costs: mCosts,
    nav: mNav,
    nTrials: o.nTrials ?? 1,
    ...(benchmark ? { benchmark } : {}),
  });
  const pendingTarget = pending === null ? null : (pending as Float64Array).slice();
  return {
    strategy: source.name,
    dates: simDates,
    assets: panel.assets,
    nav,
    returns,
    cash: cashOut,
    weights,
    ledger: built,
    traded: totals.traded,
    costs: totals.costs,
    accruals,
    decisions,
    firstFillIndex: ff,
    pendingTarget,
    metrics,
    settings: {
      fill,
      sameBarFill: fill === 'same-close',
      costModel: costModel.kind,
      rebalance: rule.kind,
      periodsPerYear: ppy,
      initialCapital: capital,
    },
    findings,
  };
}

function firstIndexOnOrAfter(dates: readonly IsoDate[], d: IsoDate): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function requireField(panel: Panel, field: string, model: string): Float64Array {
  if (!panel.has(field))
    throw configError(
      `cost model ${model} needs a "${field}" field for average daily volume, and the data has only ${panel.fieldNames.join(', ')}. Load volumes or choose another cost model.`,
    );
  return panel.field(field);
}

/** Validate a target (one finite weight per asset); copy it unless the source guarantees it is immutable. */
function checkTarget(
  w: Float64Array,
  n: number,
  date: IsoDate,
  assets: readonly string[],
  copy: boolean,
): Float64Array {
  if (!(w instanceof Float64Array) || w.length !== n)
    throw dataError(`strategy returned ${w?.length ?? 'no'} weights on ${date}, expected one per asset (${n}).`);
  let bad = -1;
  for (let a = 0; a < n; a++) {
    const v = w[a]!;
    if (v - v !== 0) bad = a; // NaN or ±Infinity
  }
  if (bad >= 0)
    throw dataError(
      `strategy returned a non-finite weight for ${assets[bad]} on ${date} (${w[bad]}). Give every asset a finite weight (0 for none).`,
    );
  return copy ? w.slice() : w;
}

/** The engine's leverage check of a target: error (one line) or scale into the limits, reporting a finding. */
export function enforceLeverage(
  w: Float64Array,
  lev: { maxGross: number; minNet: number; maxNet: number; onBreach: 'error' | 'scale' },
  date: IsoDate,
  report: (f: Omit<Finding, 'strategy'>) => void,
): Float64Array {
  let gross = 0;
  let net = 0;
  for (let a = 0; a < w.length; a++) {
    const v = w[a]!;
    gross += v < 0 ? -v : v;
    net += v;
  }
  const tol = 1e-9;
  const grossBad = gross > lev.maxGross + tol;
  const netBad = net > lev.maxNet + tol || net < lev.minNet - tol;
  if (!grossBad && !netBad) return w;
  if (lev.onBreach === 'error') {
    const what = grossBad
      ? `gross leverage Σ|w| = ${gross.toFixed(4)} > leverage.maxGross ${lev.maxGross}`
      : `net exposure Σw = ${net.toFixed(4)} outside leverage [minNet ${lev.minNet}, maxNet ${lev.maxNet}]`;
    throw configError(
      `target weights on ${date} have ${what}. Lower the weights, raise the limit, or set leverage.onBreach: scale.`,
    );
  }
  let k = 1;
  if (grossBad) k = Math.min(k, lev.maxGross / gross);
  if (net * k > lev.maxNet) k = Math.min(k, lev.maxNet / net);
  if (net * k < lev.minNet) k = Math.min(k, lev.minNet / net);
  report({
    severity: 'warning',
    kind: 'leverage-scaled',
    date,
    message: `the target had gross ${gross.toFixed(4)} / net ${net.toFixed(4)} outside the leverage limits and was scaled by ${k.toFixed(4)}`,
    fix: 'make the strategy respect leverage.maxGross / minNet / maxNet',
  });
  return w.map((v) => v * k);
}
