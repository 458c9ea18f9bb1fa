/**
 * Discrete allocation: turn weights and a cash amount into whole shares (PyPortfolioOpt `DiscreteAllocation`).
 *  - greedy: buy ⌊w_i·V/p_i⌋ shares, then one share at a time of the asset furthest below its weight that is still
 *    affordable; shorts (negative weights) are allocated the same way on V·shortRatio.
 *  - integer programme (HiGHS MILP): min Σ|w_i·V − x_i p_i| + leftover, x integer ≥ 0, Σx_i p_i ≤ V.
 */
import { dataError } from '../core/index.ts';
import { infeasible } from './constraints.ts';
import { solveLp, type LpRow, type LpTerm } from './solvers/highs.ts';

export interface DiscreteResult {
  /** asset → number of shares (negative = short); zero positions omitted. */
  readonly shares: Record<string, number>;
  /** Cash left over (same currency as the prices). */
  readonly leftover: number;
  /** RMSE between target weights and the weights the shares realise. */
  readonly rmse: number;
}

/** PyPortfolioOpt `clean_weights`: |w| < cutoff → 0, then round to `decimals`. */
export function cleanWeights(w: ArrayLike<number>, cutoff = 1e-4, decimals = 5): Float64Array {
  const f = 10 ** decimals;
  return Float64Array.from(w, (v) => (Math.abs(v) < cutoff ? 0 : Math.round(v * f) / f));
}

/** Last non-missing price per asset (a forward-filled last row). Row-major nDates × nAssets. */
export function latestPrices(prices: Float64Array, nDates: number, nAssets: number): Float64Array {
  const out = new Float64Array(nAssets).fill(NaN);
  for (let j = 0; j < nAssets; j++) {
    for (let t = nDates - 1; t >= 0; t--) {
      const v = prices[t * nAssets + j]!;
      if (!Number.isNaN(v)) {
        out[j] = v;
        break;
      }
    }
  }
  return out;
}

function validate(assets: readonly string[], w: ArrayLike<number>, prices: ArrayLike<number>, value: number): void {
  if (w.length !== assets.length || prices.length !== assets.length) {
    throw dataError(
      `weights (${w.length}), prices (${prices.length}) and assets (${assets.length}) must have the same length.`,
    );
  }
  if (!(value > 0) || !Number.isFinite(value))
    throw dataError(`total portfolio value must be a positive amount, got ${value}.`);
  for (let i = 0; i < assets.length; i++) {
    if (w[i]! !== 0 && !(prices[i]! > 0))
      throw dataError(`price of ${assets[i]} is ${prices[i]}; prices must be > 0 for assets with a weight.`);
    if (!Number.isFinite(w[i]!)) throw dataError(`weight of ${assets[i]} is ${w[i]}; weights must be finite.`);
  }
}

function greedyLong(
  assets: readonly string[],
  w: readonly number[],
  prices: readonly number[],
  value: number,
): { shares: number[]; leftover: number } {
  const n = assets.length;
  // sort by weight descending (stable, like Python's sort)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[b]! - w[a]! || a - b);
  const shares = new Array<number>(n).fill(0);
  let funds = value;
  for (const i of order) {
    const k = Math.trunc((w[i]! * value) / prices[i]!);
    shares[i] = k;
    funds -= k * prices[i]!;
  }
  const ideal = order.map((i) => w[i]!);
  while (funds > 0) {
    let total = 0;
    for (const i of order) total += shares[i]! * prices[i]!;
    const deficit = order.map((i, k) => ideal[k]! - (total > 0 ? (shares[i]! * prices[i]!) / total : 0));
    let idx = argmax(deficit);
    let counter = 0;
    let stop = false;
    while (prices[order[idx]!]! > funds) {
      deficit[idx] = 0;
      idx = argmax(deficit);
      if (deficit[idx]! < 0 || counter === 10) {
        stop = true;
        break;
      }
      counter++;
    }
    if (stop || deficit[idx]! <= 0 || counter === 10) break;
    const i = order[idx]!;
    shares[i] = shares[i]! + 1;
    funds -= prices[i]!;
  }
  return { shares, leftover: funds };
}

function argmax(a: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i;
  return b;
}

function rmse(
  assets: readonly string[],
  w: ArrayLike<number>,
  shares: readonly number[],
  prices: ArrayLike<number>,
): number {
  let val = 0;
  for (let i = 0; i < assets.length; i++) val += shares[i]! * prices[i]!;
  let sse = 0;
  for (let i = 0; i < assets.length; i++) sse += (w[i]! - (shares[i]! * prices[i]!) / val) ** 2;
  return Math.sqrt(sse / assets.length);
}

function toRecord(assets: readonly string[], shares: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  assets.forEach((a, i) => {
    if (shares[i] !== 0) out[a] = shares[i]!;
  });
  return out;
}

/**
 * Greedy allocation. With negative weights, longs and shorts are each normalised to 1 and allocated separately on
 * V and V·shortRatio (default: the sum of |short weights|).
 */
export function greedyDiscreteAllocation(
  assets: readonly string[],
  weights: ArrayLike<number>,
  prices: ArrayLike<number>,
  totalValue: number,
  options: { shortRatio?: number } = {},
): DiscreteResult {
  validate(assets, weights, prices, totalValue);
  const w = Array.from(weights);
  const p = Array.from(prices, (v) => (Number.isNaN(v) ? Infinity : v));
  const hasShort = w.some((v) => v < 0);
  if (!hasShort) {
    const r = greedyLong(assets, w, p, totalValue);
    return { shares: toRecord(assets, r.shares), leftover: r.leftover, rmse: rmse(assets, w, r.shares, prices) };
  }
  const longIdx = w.map((v, i) => (v >= 0 ? i : -1)).filter((i) => i >= 0);
  const shortIdx = w.map((v, i) => (v < 0 ? i : -1)).filter((i) => i >= 0);
  const lt = longIdx.reduce((s, i) => s + w[i]!, 0);
  const st = shortIdx.reduce((s, i) => s - w[i]!, 0);
  const shortRatio = options.shortRatio ?? st;
  const L = greedyLong(
    longIdx.map((i) => assets[i]!),
    longIdx.map((i) => w[i]! / lt),
    longIdx.map((i) => p[i]!),
    totalValue,
  );
  const S = greedyLong(
    shortIdx.map((i) => assets[i]!),
    shortIdx.map((i) => -w[i]! / st),
    shortIdx.map((i) => p[i]!),
    totalValue * shortRatio,
  );
  const shares = new Array<number>(assets.length).fill(0);
  longIdx.forEach((i, k) => (shares[i] = L.shares[k]!));
  shortIdx.forEach((i, k) => (shares[i] = -S.shares[k]!));
  return { shares: toRecord(assets, shares), leftover: L.leftover + S.leftover, rmse: rmse(assets, w, shares, prices) };
}

/** Exact integer programme (long-only weights): min Σ|w_i V − x_i p_i| + (V − Σx_i p_i). */
export function integerDiscreteAllocation(
  assets: readonly string[],
  weights: ArrayLike<number>,
  prices: ArrayLike<number>,
  totalValue: number,
): DiscreteResult {
  validate(assets, weights, prices, totalValue);
  const n = assets.length;
  if (Array.from(weights).some((v) => v < 0))
    throw dataError('the integer programme handles long-only weights; use the greedy method for shorts.');
  const objective: LpTerm[] = [];
  const rows: LpRow[] = [];
  const bounds: Record<string, readonly [number, number]> = {};
  const budget: LpTerm[] = [];
  for (let i = 0; i < n; i++) {
    const p = prices[i]!;
    if (!(weights[i]! > 0)) {
      bounds[`x${i}`] = [0, 0];
      continue;
    }
    const target = weights[i]! * totalValue;
    objective.push({ v: `u${i}`, c: 1 }, { v: `x${i}`, c: -p });
    rows.push({
      name: `a${i}`,
      terms: [
        { v: `u${i}`, c: 1 },
        { v: `x${i}`, c: p },
      ],
      lo: target,
      hi: Infinity,
    });
    rows.push({
      name: `b${i}`,
      terms: [
        { v: `u${i}`, c: 1 },
        { v: `x${i}`, c: -p },
      ],
      lo: -target,
      hi: Infinity,
    });
    bounds[`x${i}`] = [0, Math.floor(totalValue / p)];
    budget.push({ v: `x${i}`, c: p });
  }
  rows.push({ name: 'funds', terms: budget, lo: -Infinity, hi: totalValue });
  const sol = solveLp(
    {
      sense: 'min',
      objective,
      rows,
      bounds,
      integers: assets.map((_, i) => `x${i}`).filter((_, i) => weights[i]! > 0),
    },
    { mipRelGap: 1e-9 },
  );
  if (sol.status !== 'Optimal') throw infeasible(`the share allocation integer programme ended ${sol.status}.`);
  const shares = assets.map((_, i) => (weights[i]! > 0 ? Math.round(sol.value(`x${i}`)) : 0));
  let spent = 0;
  for (let i = 0; i < n; i++) spent += shares[i]! * prices[i]!;
  return {
    shares: toRecord(assets, shares),
    leftover: totalValue - spent,
    rmse: rmse(assets, weights, shares, prices),
  };
}
