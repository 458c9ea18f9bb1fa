/**
 * Slicing a plan's orders into intraday child orders (the study's `trading.execution`): each parent becomes one
 * child per non-empty slot of the fill day, scheduled by execution's TWAP, VWAP, POV or Almgren–Chriss IS, and the
 * paper broker fills each child at its slot's price on the seeded intraday path. Everything a schedule reads is
 * dated on or before the decision date: ADV and σ from daily history, and the broker's expected (U-shaped) intraday
 * volume profile, which is a model assumption rather than data (Keel has no intraday volume history).
 */
import { configError } from '../core/index.ts';
import {
  almgrenChriss,
  childOrders,
  linearEtaFromSqrt,
  pov,
  twap,
  uShapedProfile,
  vwap,
  type OrderRequest,
} from '../execution/index.ts';
import type { PlannedOrder } from './ledger.ts';
import type { TradingStudy } from './study-source.ts';

const ADV_DAYS = 20;
const VOL_DAYS = 60;

/** Mean daily volume of asset `a` over the last 20 rows ≤ t (NaN without volumes). */
function adv(ts: TradingStudy, a: number, t: number): number {
  if (!ts.panel.has('volume')) return NaN;
  const v = ts.panel.field('volume');
  const n = ts.panel.nAssets;
  let s = 0;
  let k = 0;
  for (let r = t; r >= 0 && r > t - ADV_DAYS; r--) {
    const x = v[r * n + a]!;
    if (Number.isFinite(x)) {
      s += x;
      k++;
    }
  }
  return k > 0 ? s / k : NaN;
}

/** Sd of daily log returns of asset `a` over the last 60 rows ≤ t. */
function sigma(ts: TradingStudy, a: number, t: number): number {
  const n = ts.panel.nAssets;
  const r: number[] = [];
  for (let i = Math.max(1, t - VOL_DAYS + 1); i <= t; i++) {
    const p0 = ts.close[(i - 1) * n + a]!;
    const p1 = ts.close[i * n + a]!;
    if (p0 > 0 && p1 > 0) r.push(Math.log(p1 / p0));
  }
  if (r.length < 2) return 0;
  const m = r.reduce((x, y) => x + y, 0) / r.length;
  return Math.sqrt(r.reduce((x, y) => x + (y - m) ** 2, 0) / (r.length - 1));
}

/** The sqrt-impact coefficient of the study's cost model (1 when it has none: the IS schedule still needs a scale). */
function impactCoefficient(ts: TradingStudy): number {
  const find = (c: unknown): number | null => {
    const spec = c as { kind?: string; coefficient?: number; models?: unknown[] };
    if (spec.kind === 'sqrt-impact') return spec.coefficient ?? 1;
    for (const m of spec.models ?? []) {
      const x = find(m);
      if (x !== null) return x;
    }
    return null;
  };
  return find(ts.options.costs) ?? 1;
}

/** Units per slot for one parent, by the study's algorithm. */
function schedule(ts: TradingStudy, o: PlannedOrder, decisionRow: number): Float64Array {
  const ex = ts.trading.execution;
  const K = ex.slots;
  const profile = uShapedProfile(K);
  const a = ts.panel.assets.indexOf(o.asset);
  switch (ex.algorithm) {
    case 'twap':
      return twap(o.quantity, K);
    case 'vwap':
      return vwap(o.quantity, profile);
    case 'pov': {
      const v = adv(ts, a, decisionRow);
      if (!(v > 0))
        throw configError(
          `trading.execution.algorithm pov needs daily volumes of ${o.asset} before ${ts.panel.dates[decisionRow]}; load volumes or use twap`,
        );
      return pov(o.quantity, profile, v, ex.participation).schedule;
    }
    case 'is': {
      const v = adv(ts, a, decisionRow);
      if (!(v > 0))
        throw configError(
          `trading.execution.algorithm is needs daily volumes of ${o.asset} before ${ts.panel.dates[decisionRow]}; load volumes or use twap`,
        );
      const s = sigma(ts, a, decisionRow);
      const eta = linearEtaFromSqrt({
        quantity: o.quantity,
        slots: K,
        adv: v,
        returnSigma: s,
        price: o.price,
        coefficient: impactCoefficient(ts),
      });
      return almgrenChriss({
        quantity: o.quantity,
        slots: K,
        tau: 1 / K,
        sigma: s * o.price,
        eta: eta > 0 ? eta : 1e-12,
        lambda: ex.riskAversion,
      }).schedule;
    }
    default:
      throw configError(`trading.execution.algorithm ${String(ex.algorithm)} cannot slice`);
  }
}

/**
 * The plan's orders with each parent replaced by its children (ids `<plan>:<price date>:<asset>:<k>`, parentId the
 * parent's id, slot set); unchanged when slicing is off.
 */
export function sliceOrders(
  ts: TradingStudy,
  orders: readonly PlannedOrder[],
  ids: { readonly planId: string; readonly priceDate: string; readonly decisionRow: number; readonly lot: number },
): PlannedOrder[] {
  if (ts.trading.execution.algorithm === 'none') return [...orders];
  const out: PlannedOrder[] = [];
  for (const o of orders) {
    const parent: OrderRequest = {
      clientOrderId: o.clientOrderId,
      asset: o.asset,
      side: o.side,
      quantity: o.quantity,
      type: 'market',
      timeInForce: 'day',
    };
    const kids = childOrders(parent, schedule(ts, o, ids.decisionRow), {
      scope: ids.planId,
      date: ids.priceDate,
      lot: ids.lot,
    });
    for (const c of kids)
      out.push({
        clientOrderId: c.clientOrderId,
        asset: c.asset,
        side: c.side,
        quantity: c.quantity,
        type: 'market',
        timeInForce: 'day',
        price: o.price,
        parentId: o.clientOrderId,
        slot: c.slot!,
        reason: `${o.reason}; ${ts.trading.execution.algorithm} slice ${c.slot!.index + 1}/${c.slot!.count}`,
      });
  }
  return out;
}
