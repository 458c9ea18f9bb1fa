/**
 * Execution quality. Realised: implementation shortfall against the arrival price (Perold 1988) per parent order
 * and in total, from the fills. Modelled: the cost of a schedule under Keel's one square-root impact model
 * (`sqrtImpactCost`, the backtest's `sqrt-impact`), against trading the whole parent as one block in a single slot.
 *
 *   shortfall = s·Σ q_i·(p_i − p_arrival) + Σ fees + s·(p_end − p_arrival)·unfilled,   s = +1 buy, −1 sell
 *   impact(schedule) = Σ_k c·σ·√(q_k / (ADV·u_k))·q_k·p      (each child trades into its slot's expected volume)
 *   timing risk sd   = σ·p·√(Σ_k τ·x_k²)                      (x_k = units still to trade after slot k; Almgren–Chriss)
 *
 * Trading the parent evenly in volume time (VWAP) costs exactly the backtester's daily `sqrt-impact` charge
 * c·σ·√(Q/ADV)·Q·p; one block in a slot holding a fraction u of the day's volume costs 1/√u times that.
 */
import { sqrtImpactCost } from '../backtest/index.ts';
import { configError } from '../core/index.ts';
import type { Fill, OrderSide } from './broker-types.ts';

export interface ImpactInputs {
  /** Impact coefficient c of the sqrt-impact cost model. */
  readonly coefficient: number;
  /** Daily return sd. */
  readonly sigma: number;
  /** Average daily volume, units. */
  readonly adv: number;
  /** Arrival price. */
  readonly price: number;
  /** Expected share of the day's volume per slot (sums to 1 over a day). */
  readonly profile: ArrayLike<number>;
}

export interface ModelledCost {
  /** Expected impact cost, currency. */
  readonly impact: number;
  /** Impact in bps of the parent's arrival notional. */
  readonly impactBps: number;
  /** Sd of the cost from price moves while the parent is being worked, currency. */
  readonly riskSd: number;
}

/** Modelled impact and timing risk of a schedule (units per slot) whose slots follow `m.profile`. */
export function modelledCost(schedule: ArrayLike<number>, m: ImpactInputs): ModelledCost {
  if (schedule.length !== m.profile.length)
    throw configError(`schedule has ${schedule.length} slots but the profile ${m.profile.length}.`);
  let impact = 0;
  let total = 0;
  for (let k = 0; k < schedule.length; k++) {
    const q = schedule[k]!;
    total += q;
    if (q > 0) impact += sqrtImpactCost(m.coefficient, m.sigma, q, m.adv * m.profile[k]!, m.price);
  }
  const tau = 1 / schedule.length;
  let left = total;
  let v = 0;
  for (let k = 0; k < schedule.length; k++) {
    left -= schedule[k]!;
    v += tau * Math.max(0, left) ** 2;
  }
  const notional = total * m.price;
  return { impact, impactBps: notional > 0 ? (impact / notional) * 1e4 : 0, riskSd: m.sigma * m.price * Math.sqrt(v) };
}

/** The whole parent as one order in slot `slot` (default the first): the block trade schedules are compared with. */
export function blockSchedule(quantity: number, slots: number, slot = 0): Float64Array {
  const s = new Float64Array(slots);
  s[slot] = quantity;
  return s;
}

export interface ParentExecution {
  readonly clientOrderId: string;
  readonly asset: string;
  readonly side: OrderSide;
  /** Parent quantity asked for. */
  readonly quantity: number;
  /** Price when the decision to trade was made (the benchmark). */
  readonly arrivalPrice: number;
  /** Price at the end of the horizon, to charge the unfilled rest (opportunity cost); default the arrival price. */
  readonly endPrice?: number;
  /** The fills of all the parent's children. */
  readonly fills: readonly Fill[];
  /** Modelled impact of the schedule used and of one block (same model), when known. */
  readonly modelled?: { readonly schedule: number; readonly block: number };
}

export interface OrderQuality {
  readonly clientOrderId: string;
  readonly asset: string;
  readonly filled: number;
  readonly averagePrice: number | null;
  /** s·Σ q·(p − arrival), currency. */
  readonly slippage: number;
  readonly fees: number;
  readonly opportunity: number;
  /** slippage + fees + opportunity, currency; > 0 is a cost. */
  readonly shortfall: number;
  /** shortfall in bps of quantity × arrival price. */
  readonly shortfallBps: number;
  /** Modelled block impact − modelled schedule impact (currency), when `modelled` was given. */
  readonly savedVsBlock: number | null;
}

export interface ExecutionQualityReport {
  readonly orders: readonly OrderQuality[];
  readonly total: Omit<OrderQuality, 'clientOrderId' | 'asset' | 'filled' | 'averagePrice'> & {
    readonly notional: number;
  };
}

export function executionQuality(parents: readonly ParentExecution[]): ExecutionQualityReport {
  const orders: OrderQuality[] = [];
  const t = { slippage: 0, fees: 0, opportunity: 0, shortfall: 0, notional: 0, saved: 0, hasSaved: false };
  for (const p of parents) {
    if (!(p.arrivalPrice > 0))
      throw configError(`arrival price of ${p.clientOrderId} is ${p.arrivalPrice}; it must be > 0.`);
    const s = p.side === 'buy' ? 1 : -1;
    let filled = 0;
    let value = 0;
    let slippage = 0;
    let fees = 0;
    for (const f of p.fills) {
      filled += f.quantity;
      value += f.quantity * f.price;
      slippage += s * f.quantity * (f.price - p.arrivalPrice);
      fees += f.fee;
    }
    const unfilled = Math.max(0, p.quantity - filled);
    const opportunity = s * ((p.endPrice ?? p.arrivalPrice) - p.arrivalPrice) * unfilled;
    const shortfall = slippage + fees + opportunity;
    const notional = p.quantity * p.arrivalPrice;
    const saved = p.modelled ? p.modelled.block - p.modelled.schedule : null;
    orders.push({
      clientOrderId: p.clientOrderId,
      asset: p.asset,
      filled,
      averagePrice: filled > 0 ? value / filled : null,
      slippage,
      fees,
      opportunity,
      shortfall,
      shortfallBps: (shortfall / notional) * 1e4,
      savedVsBlock: saved,
    });
    t.slippage += slippage;
    t.fees += fees;
    t.opportunity += opportunity;
    t.shortfall += shortfall;
    t.notional += notional;
    if (saved !== null) {
      t.saved += saved;
      t.hasSaved = true;
    }
  }
  return {
    orders,
    total: {
      slippage: t.slippage,
      fees: t.fees,
      opportunity: t.opportunity,
      shortfall: t.shortfall,
      shortfallBps: t.notional > 0 ? (t.shortfall / t.notional) * 1e4 : 0,
      notional: t.notional,
      savedVsBlock: t.hasSaved ? t.saved : null,
    },
  };
}
