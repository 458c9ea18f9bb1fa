/**
 * Execution algorithms: slice a parent quantity into child quantities over `slots` equal time slots of a horizon.
 * Schedules are plain Float64Arrays of unsigned units per slot (the parent's side applies to all of them).
 *
 *   TWAP  q_k = Q/N
 *   VWAP  q_k = Q·u_k, u = the volume profile estimated from days BEFORE the trade date (point in time)
 *   POV   q_k = min(remaining, ρ·E[V_k]) with E[V_k] = ADV·u_k; what the horizon cannot absorb stays unfilled
 *   IS    Almgren & Chriss (2000): holdings x_j = X·sinh(κ(T − t_j)) / sinh(κT), t_j = jτ, T = Nτ, with
 *         (2/τ²)(cosh κτ − 1) = κ̃² = λσ²/η̃ and η̃ = η − γτ/2 (linear temporary impact η, permanent γ,
 *         risk aversion λ); λ → 0 gives TWAP, large λ trades early.
 */
import { configError, dataError } from '../core/index.ts';
import type { IsoDate } from '../data/index.ts';
import type { OrderRequest } from './broker-types.ts';
import { clientOrderId } from './orders.ts';

function checkSlots(slots: number): void {
  if (!(Number.isInteger(slots) && slots >= 1))
    throw configError(
      `slots must be an integer ≥ 1, got ${slots}. Use slots: 13 for half-hour slots of a 6.5 h session.`,
    );
}
function checkQuantity(q: number): void {
  if (!(Number.isFinite(q) && q > 0)) throw configError(`parent quantity must be a finite number > 0, got ${q}.`);
}

/** Equal slices. */
export function twap(quantity: number, slots: number): Float64Array {
  checkQuantity(quantity);
  checkSlots(slots);
  return new Float64Array(slots).fill(quantity / slots);
}

/**
 * Mean intraday volume profile (shares of the day's volume per slot, summing to 1) over the last `lookback` days
 * dated strictly before `asOf`: the trade date's own volume is not known when the schedule is made.
 * `volumes[d]` holds day `dates[d]`'s volume per slot.
 */
export function volumeProfile(
  history: { readonly dates: readonly IsoDate[]; readonly volumes: readonly ArrayLike<number>[] },
  asOf: IsoDate,
  lookback = 20,
): Float64Array {
  if (history.dates.length !== history.volumes.length)
    throw dataError(`volume history has ${history.dates.length} dates but ${history.volumes.length} rows.`);
  const rows: number[] = [];
  for (let d = history.dates.length - 1; d >= 0 && rows.length < lookback; d--)
    if (history.dates[d]! < asOf) rows.push(d);
  if (rows.length === 0)
    throw dataError(`no intraday volume history before ${asOf} to estimate a VWAP profile. Use TWAP, or load history.`);
  const slots = history.volumes[rows[0]!]!.length;
  const u = new Float64Array(slots);
  let used = 0;
  for (const d of rows) {
    const v = history.volumes[d]!;
    if (v.length !== slots) throw dataError(`day ${history.dates[d]} has ${v.length} volume slots, expected ${slots}.`);
    let tot = 0;
    for (let k = 0; k < slots; k++) tot += v[k]!;
    if (!(tot > 0)) continue; // a day without volume says nothing about the shape
    for (let k = 0; k < slots; k++) u[k] = u[k]! + v[k]! / tot;
    used++;
  }
  if (used === 0) throw dataError(`every day before ${asOf} in the volume history has zero volume.`);
  for (let k = 0; k < slots; k++) u[k] = u[k]! / used;
  return u;
}

function checkProfile(profile: ArrayLike<number>): void {
  let s = 0;
  for (let k = 0; k < profile.length; k++) {
    if (!(profile[k]! >= 0)) throw configError(`volume profile slot ${k} is ${profile[k]}; shares must be ≥ 0.`);
    s += profile[k]!;
  }
  if (Math.abs(s - 1) > 1e-9) throw configError(`volume profile sums to ${s}; it must sum to 1 (shares of the day).`);
}

/** Slices proportional to the expected volume profile. */
export function vwap(quantity: number, profile: ArrayLike<number>): Float64Array {
  checkQuantity(quantity);
  checkProfile(profile);
  return Float64Array.from(profile, (u) => quantity * u);
}

/**
 * Participation of volume: trade ρ of each slot's expected volume ADV·u_k until the parent is done. The result may
 * sum to less than `quantity` when the horizon's volume is too small; `unfilled` says how much.
 */
export function pov(
  quantity: number,
  profile: ArrayLike<number>,
  adv: number,
  rate: number,
): { schedule: Float64Array; unfilled: number } {
  checkQuantity(quantity);
  checkProfile(profile);
  if (!(rate > 0 && rate <= 1))
    throw configError(`POV participation rate must be in (0, 1], got ${rate}. Use 0.1 for 10 %.`);
  if (!(adv > 0)) throw dataError(`POV needs an average daily volume > 0, got ${adv}.`);
  const schedule = new Float64Array(profile.length);
  let left = quantity;
  for (let k = 0; k < profile.length && left > 0; k++) {
    const q = Math.min(left, rate * adv * profile[k]!);
    schedule[k] = q;
    left -= q;
  }
  return { schedule, unfilled: Math.max(0, left) };
}

export interface AlmgrenChrissParams {
  readonly quantity: number;
  readonly slots: number;
  /** Slot length τ in days (e.g. 1/13). */
  readonly tau: number;
  /** Price volatility σ in currency per unit per √day (return sd × price). */
  readonly sigma: number;
  /** Linear temporary impact η: price concession per (units per day) of trading rate. */
  readonly eta: number;
  /** Linear permanent impact γ (default 0). */
  readonly gamma?: number;
  /** Risk aversion λ ≥ 0 (per currency). */
  readonly lambda: number;
}

/** κ of the Almgren–Chriss trajectory (0 when λ = 0). */
export function almgrenChrissKappa(p: AlmgrenChrissParams): number {
  const etaT = p.eta - ((p.gamma ?? 0) * p.tau) / 2;
  if (!(etaT > 0)) throw configError(`Almgren–Chriss needs η − γτ/2 > 0, got ${etaT}. Lower γ or the slot length.`);
  const kt2 = (p.lambda * p.sigma * p.sigma) / etaT;
  return Math.acosh(1 + (kt2 * p.tau * p.tau) / 2) / p.tau;
}

/** Holdings x_0 = X … x_N = 0 and the trades n_j = x_{j−1} − x_j of the implementation-shortfall schedule. */
export function almgrenChriss(p: AlmgrenChrissParams): {
  holdings: Float64Array;
  schedule: Float64Array;
  kappa: number;
} {
  checkQuantity(p.quantity);
  checkSlots(p.slots);
  if (!(p.tau > 0)) throw configError(`tau (slot length in days) must be > 0, got ${p.tau}.`);
  if (!(p.lambda >= 0)) throw configError(`risk aversion λ must be ≥ 0, got ${p.lambda}. Use 0 for TWAP.`);
  if (!(p.sigma >= 0)) throw configError(`sigma must be ≥ 0, got ${p.sigma}.`);
  const N = p.slots;
  const kappa = almgrenChrissKappa(p);
  const T = N * p.tau;
  const holdings = new Float64Array(N + 1);
  // κ·T below ~1e-6: sinh ratios lose digits; the limit is the straight line (TWAP).
  const linear = kappa * T < 1e-6;
  const den = Math.sinh(kappa * T);
  for (let j = 0; j <= N; j++)
    holdings[j] = linear ? (p.quantity * (N - j)) / N : (p.quantity * Math.sinh(kappa * (T - j * p.tau))) / den;
  holdings[N] = 0;
  const schedule = new Float64Array(N);
  for (let j = 0; j < N; j++) schedule[j] = holdings[j]! - holdings[j + 1]!;
  return { holdings, schedule, kappa };
}

/**
 * Linear temporary impact η that charges a TWAP child of the parent what the square-root model charges it:
 * η·(n/τ)·n = c·σ_r·√(n/V_slot)·n·p with n = X/N, V_slot = ADV/N, τ = 1/N days, so the IS schedule and the cost model agree at
 * the TWAP rate (Almgren–Chriss needs a linear impact; the square-root model is what Keel charges).
 */
export function linearEtaFromSqrt(input: {
  readonly quantity: number;
  readonly slots: number;
  readonly adv: number;
  readonly returnSigma: number;
  readonly price: number;
  readonly coefficient: number;
}): number {
  const n = input.quantity / input.slots;
  const tau = 1 / input.slots;
  const vSlot = input.adv / input.slots;
  return (input.coefficient * input.returnSigma * Math.sqrt(n / vSlot) * input.price * tau) / n;
}

/**
 * Child orders of a parent: one per non-empty slot, quantities rounded to whole lots on the CUMULATIVE schedule (so
 * rounding never drifts), ids `scope:date:asset:k+1` (slice 0 is the parent), `parentId` and `slot` set.
 */
export function childOrders(
  parent: OrderRequest,
  schedule: ArrayLike<number>,
  ids: { readonly scope: string; readonly date: IsoDate; readonly lot?: number },
): OrderRequest[] {
  const lot = ids.lot ?? 0;
  if (!(lot >= 0)) throw configError(`lot must be ≥ 0 (0 = fractional units), got ${lot}.`);
  const round = (x: number): number => (lot > 0 ? Math.round(x / lot + 1e-9) * lot : x);
  const out: OrderRequest[] = [];
  let cum = 0;
  let done = 0;
  for (let k = 0; k < schedule.length; k++) {
    cum += schedule[k]!;
    const target = Math.min(round(cum), parent.quantity);
    const q = target - done;
    if (!(q > 1e-12 * parent.quantity)) continue;
    done = target;
    const { clientOrderId: _parentId, ...rest } = parent;
    out.push({
      ...rest,
      clientOrderId: clientOrderId(ids.scope, ids.date, parent.asset, k + 1),
      quantity: q,
      parentId: parent.clientOrderId,
      slot: { index: k, count: schedule.length },
    });
  }
  return out;
}
