/**
 * Why the weights changed between two consecutive rebalances, exactly, with the allocator as a black box.
 *
 * Inputs of a rebalance: the weights held just before it (`previous`: the last target after it drifted with
 * prices), the forecasts μ and the risk model Σ. The allocator is `allocate(state, relaxed) → w`; `relaxed: true`
 * is the same method without the study's caps (maximum weight, sector caps: only its natural feasible set).
 *
 *   Δw = f(after) − f(before)                                  (both with the study's constraints)
 *      = drift + forecasts + risk                              (the change the relaxed allocator makes)
 *      + constraints                                           (what the caps added to or took from that change)
 *
 * drift / forecasts / risk are the Shapley values of the three input changes on the relaxed allocator (2³ = 8
 * re-optimisations: every order weighted equally), or sequential re-optimisation in a stated order; `constraints`
 * is Δw minus their sum. Drift matters only through terms that read the held weights (a trading-cost penalty, a
 * turnover limit); a memoryless allocator gives drift 0. The parts sum to Δw to rounding (checked to 1e-9).
 */
import type { Matrix } from '../core/index.ts';
import { ExplainerError } from './errors.ts';

export interface AllocatorState {
  readonly mu: Float64Array;
  readonly cov: Matrix;
  /** Weights held just before the rebalance (after drift), one per asset. */
  readonly previous: Float64Array;
}

export type BlackBoxAllocator = (state: AllocatorState, relaxed: boolean) => Float64Array;

export const weightChangeInputs = ['drift', 'forecasts', 'risk'] as const;
export type WeightChangeInput = (typeof weightChangeInputs)[number];

export interface WeightChange {
  /** f(before) and f(after): the two targets, recomputed with the study's constraints. */
  readonly before: Float64Array;
  readonly after: Float64Array;
  readonly deltaW: Float64Array;
  readonly parts: Readonly<Record<WeightChangeInput | 'constraints', Float64Array>>;
  readonly method: 'shapley' | 'sequential';
  /** Sequential only: the order the inputs were switched from before to after. */
  readonly order?: readonly WeightChangeInput[];
  /** max over assets of |Σ parts − Δw|. */
  readonly maxResidual: number;
  /** Allocator calls made. */
  readonly solves: number;
}

export interface WhyWeightsOptions {
  readonly method?: 'shapley' | 'sequential';
  readonly order?: readonly WeightChangeInput[];
}

const SUM_TOL = 1e-9;

export function whyWeights(
  allocate: BlackBoxAllocator,
  before: AllocatorState,
  after: AllocatorState,
  options: WhyWeightsOptions = {},
): WeightChange {
  const n = before.mu.length;
  for (const [name, s] of [
    ['before', before],
    ['after', after],
  ] as const)
    if (s.mu.length !== n || s.previous.length !== n || s.cov.rows !== n || s.cov.cols !== n)
      throw new ExplainerError(
        `${name} has μ ${s.mu.length}, previous ${s.previous.length}, Σ ${s.cov.rows}×${s.cov.cols}; all must be ${n} (one per asset).`,
      );
  const method = options.method ?? 'shapley';
  const order = options.order ?? weightChangeInputs;
  if (
    method === 'sequential' &&
    (order.length !== 3 || new Set(order).size !== 3 || !order.every((o) => weightChangeInputs.includes(o)))
  )
    throw new ExplainerError(`order must list drift, forecasts and risk once each, got [${order.join(', ')}].`);
  let solves = 0;
  const cache = new Map<number, Float64Array>();
  /** Relaxed allocator with the inputs in `mask` (bit 0 drift, 1 forecasts, 2 risk) switched to `after`. */
  const v = (mask: number): Float64Array => {
    const hit = cache.get(mask);
    if (hit) return hit;
    const state: AllocatorState = {
      previous: mask & 1 ? after.previous : before.previous,
      mu: mask & 2 ? after.mu : before.mu,
      cov: mask & 4 ? after.cov : before.cov,
    };
    const w = checked(allocate(state, true), n, 'relaxed');
    solves++;
    cache.set(mask, w);
    return w;
  };
  const wBefore = checked(allocate(before, false), n, 'before');
  const wAfter = checked(allocate(after, false), n, 'after');
  solves += 2;
  const deltaW = Float64Array.from(wAfter, (x, i) => x - wBefore[i]!);
  const parts = {
    drift: new Float64Array(n),
    forecasts: new Float64Array(n),
    risk: new Float64Array(n),
    constraints: new Float64Array(n),
  };
  const bit = (k: WeightChangeInput): number => 1 << weightChangeInputs.indexOf(k);
  if (method === 'shapley') {
    // φ_k = Σ_{S ∌ k} |S|!(2−|S|)!/3! · (v(S ∪ k) − v(S)); weights 1/3, 1/6, 1/3 for |S| = 0, 1, 2
    const weight = [1 / 3, 1 / 6, 1 / 3];
    for (const k of weightChangeInputs) {
      const b = bit(k);
      for (let S = 0; S < 8; S++) {
        if (S & b) continue;
        const size = (S & 1) + ((S >> 1) & 1) + ((S >> 2) & 1);
        const hi = v(S | b);
        const lo = v(S);
        for (let i = 0; i < n; i++) parts[k][i] = parts[k][i]! + weight[size]! * (hi[i]! - lo[i]!);
      }
    }
  } else {
    let S = 0;
    for (const k of order) {
      const lo = v(S);
      S |= bit(k);
      const hi = v(S);
      for (let i = 0; i < n; i++) parts[k][i] = hi[i]! - lo[i]!;
    }
  }
  let maxResidual = 0;
  for (let i = 0; i < n; i++) {
    parts.constraints[i] = deltaW[i]! - parts.drift[i]! - parts.forecasts[i]! - parts.risk[i]!;
    const s = parts.drift[i]! + parts.forecasts[i]! + parts.risk[i]! + parts.constraints[i]!;
    maxResidual = Math.max(maxResidual, Math.abs(s - deltaW[i]!));
  }
  if (!(maxResidual <= SUM_TOL))
    throw new ExplainerError(
      `weight-change parts sum to Δw only within ${maxResidual.toExponential(3)} (> ${SUM_TOL}); an allocator returned non-finite weights.`,
    );
  return {
    before: wBefore,
    after: wAfter,
    deltaW,
    parts,
    method,
    ...(method === 'sequential' ? { order: [...order] } : {}),
    maxResidual,
    solves: solves,
  };
}

function checked(w: Float64Array, n: number, which: string): Float64Array {
  if (w.length !== n || !w.every(Number.isFinite))
    throw new ExplainerError(
      `the allocator returned ${w.length} weights (${which}) with non-finite values or the wrong count; it must return ${n} finite weights.`,
    );
  return w;
}

/** Constraints binding at w: each asset at its lower or upper bound (within tol), and groups at their caps. */
export function bindingConstraints(
  w: Float64Array,
  assets: readonly string[],
  bounds: { readonly lower: ArrayLike<number>; readonly upper: ArrayLike<number> },
  groups: readonly { readonly name: string; readonly members: readonly number[]; readonly max: number }[] = [],
  tol = 1e-7,
): string[] {
  const out: string[] = [];
  w.forEach((x, i) => {
    if (Math.abs(x - bounds.upper[i]!) <= tol && bounds.upper[i]! > bounds.lower[i]!)
      out.push(`${assets[i]} at its maximum ${bounds.upper[i]}`);
    else if (Math.abs(x - bounds.lower[i]!) <= tol && bounds.upper[i]! > bounds.lower[i]!)
      out.push(`${assets[i]} at its minimum ${bounds.lower[i]}`);
  });
  for (const g of groups) {
    const s = g.members.reduce((acc, i) => acc + w[i]!, 0);
    if (Math.abs(s - g.max) <= tol) out.push(`${g.name} at its cap ${g.max}`);
  }
  return out;
}
