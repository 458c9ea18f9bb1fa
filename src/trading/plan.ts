/**
 * From a study to a plan: the strategy decides at the close of `asOf` (data ≤ asOf only) given the weights the
 * ledger's holdings drifted to; the rebalancing rule decides what to trade to (bands, signals); orders are sized at
 * the closes of `priceDate` exactly as the backtest's fill kernel sizes them (fractional shares, dₐ = wₐ·NAV/pₐ − qₐ,
 * NAV at those prices), so a paper run that sizes at the fill bar reproduces the backtest.
 */
import { dataError } from '../core/index.ts';
import { canonicalJson } from '../io/index.ts';
import type { PlanBody, PlannedOrder, TradeLedger } from './ledger.ts';
import { planHash } from './ledger.ts';
import { sizeOrders, orderStyle } from './sizing.ts';
import { sliceOrders } from './slicing.ts';
import type { TradingStudy } from './study-source.ts';

/** Closes carried forward to row t (missing prices keep the last known one), and the date of each. */
export function carriedCloses(ts: TradingStudy, t: number): { px: Float64Array; dates: string[] } {
  const n = ts.panel.nAssets;
  const px = new Float64Array(n).fill(NaN);
  const dates: string[] = new Array<string>(n).fill('');
  for (let a = 0; a < n; a++) {
    for (let r = t; r >= 0; r--) {
      const p = ts.close[r * n + a]!;
      if (Number.isFinite(p)) {
        px[a] = p;
        dates[a] = ts.panel.dates[r]!;
        break;
      }
    }
  }
  return { px, dates };
}

/** Holdings as a vector in the panel's asset order; an asset held that the study does not know is an error. */
export function holdings(ts: TradingStudy, ledger: TradeLedger): Float64Array {
  const q = new Float64Array(ts.panel.nAssets);
  for (const [asset, qty] of ledger.positions()) {
    const a = ts.panel.assets.indexOf(asset);
    if (a < 0) {
      if (qty !== 0)
        throw dataError(
          `the ledger holds ${asset}, which the study's data does not have; trade it with the study that bought it`,
        );
      continue;
    }
    q[a] = qty;
  }
  return q;
}

/** cash + Σ qₐ·pₐ over held assets (the backtest's markToMarket). */
export function navAt(q: Float64Array, px: Float64Array, cash: number): number {
  let v = cash;
  for (let a = 0; a < q.length; a++) if (q[a] !== 0) v += q[a]! * px[a]!;
  return v;
}

export interface PlanRequest {
  readonly id: string;
  /** Decision row (the strategy sees rows ≤ asOf). */
  readonly asOf: number;
  /** Row whose closes size the orders (≥ asOf). */
  readonly priceAt: number;
}

/** The plan the strategy asks for, or null when the rebalancing rule trades nothing (bands not breached). */
export function makePlan(
  ts: TradingStudy,
  ledger: TradeLedger,
  req: PlanRequest,
): { body: PlanBody; hash: string } | null {
  if (req.priceAt < req.asOf) throw dataError('orders cannot be sized at prices before the decision date');
  const n = ts.panel.nAssets;
  const assets = ts.panel.assets;
  const q = holdings(ts, ledger);
  const cash = ledger.cash();
  const atDecision = carriedCloses(ts, req.asOf);
  const navDecision = navAt(q, atDecision.px, cash);
  if (!(navDecision > 0))
    throw dataError(`the ledger's NAV at ${ts.panel.dates[req.asOf]} is ${navDecision}; nothing to allocate`);
  const drifted = new Float64Array(n);
  for (let a = 0; a < n; a++) drifted[a] = q[a] === 0 ? 0 : (q[a]! * atDecision.px[a]!) / navDecision;
  const { decision, findings } = ts.decide(req.asOf, drifted);
  const w = decision.weights.slice();
  const last = lastTraded(ledger, assets);
  const order = last === null ? w : ts.rule.tradeTo(drifted, w, last);
  if (order === null) return null;
  const sizing = req.priceAt === req.asOf ? atDecision : carriedCloses(ts, req.priceAt);
  const px = sizing.px;
  // NAV at the sizing prices; then the fill kernel's sizing, or whole lots / a minimum trade (sizing.ts).
  const nav = navAt(q, px, cash);
  for (let a = 0; a < n; a++)
    if (!(px[a]! > 0) && (order[a] !== 0 || q[a] !== 0))
      throw dataError(`${assets[a]} has no price on or before ${ts.panel.dates[req.priceAt]}; cannot size its order`);
  const delta = sizeOrders(ts, { q, cash, px, weights: order, nav });
  const orders: PlannedOrder[] = [];
  for (let a = 0; a < n; a++) {
    const d = delta[a]!;
    if (d === 0) continue;
    const side = d > 0 ? 'buy' : 'sell';
    orders.push({
      clientOrderId: `${req.id}-${assets[a]}`,
      asset: assets[a]!,
      side,
      quantity: Math.abs(d),
      // Limit prices are set against the last close known at the decision, never a later one.
      ...orderStyle(ts, side, atDecision.px[a]!),
      price: px[a]!,
      reason: `${last === null ? 'initial' : 'rebalance'}: weight ${drifted[a]!.toFixed(4)} -> ${order[a]!.toFixed(4)} (target ${w[a]!.toFixed(4)})`,
    });
  }
  const body: PlanBody = {
    id: req.id,
    study: ts.path,
    strategy: ts.strategyName,
    asOf: ts.panel.dates[req.asOf]!,
    priceDate: ts.panel.dates[req.priceAt]!,
    assets,
    prices: Array.from(px),
    targets: Array.from(w),
    traded: Array.from(order),
    nav,
    reason: last === null ? 'initial' : `rebalance (${ts.rule.kind})`,
    orders: sliceOrders(ts, orders, {
      planId: req.id,
      priceDate: ts.panel.dates[req.priceAt]!,
      decisionRow: req.asOf,
      lot: ts.trading.orders.lotSize,
    }),
    findings: findings.map((f) => ({ ...f, strategy: ts.strategyName, date: f.date ?? ts.panel.dates[req.asOf] })),
    lastPriceDates: sizing.dates,
  };
  // Hash what the ledger will store (JSON: NaN becomes null), so a re-read plan hashes the same.
  const stored = JSON.parse(canonicalJson(body)) as PlanBody;
  return { body: stored, hash: planHash(stored) };
}

/** The target the last recorded plan traded to (the rebalancing rule's memory), in `assets` order. */
export function lastTraded(ledger: TradeLedger, assets: readonly string[]): Float64Array | null {
  // Manual plans (an orders file) have no target and do not move the rule's memory.
  const p = ledger
    .plans()
    .filter((x) => x.body.traded.length > 0)
    .at(-1);
  if (!p) return null;
  const out = new Float64Array(assets.length);
  p.body.assets.forEach((asset, i) => {
    const a = assets.indexOf(asset);
    if (a >= 0) out[a] = p.body.traded[i]!;
  });
  return out;
}

export function recordPlan(ledger: TradeLedger, plan: { body: PlanBody; hash: string }): void {
  if (ledger.plan(plan.body.id)) throw dataError(`plan ${plan.body.id} already exists in ${ledger.path}`);
  ledger.record([
    {
      type: 'plan',
      date: plan.body.asOf,
      body: { plan: plan.body as unknown as Record<string, unknown>, hash: plan.hash },
    },
  ]);
}
