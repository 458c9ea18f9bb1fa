/**
 * Static-weight strategies: fixed mix (60/40, 60/30/10 …), buy-and-hold, equal weight (1/N).
 * Each is a `Strategy` factory taking plain JSON parameters; the rebalancing rule is part of the strategy when given.
 */
import type { RebalanceSpec, Strategy } from '../backtest/index.ts';
import { listedMask, resolveWeights } from './weights.ts';

export interface FixedMixParams {
  readonly weights: Readonly<Record<string, number>>;
  /** Default: the backtest's rule (e.g. monthly); `{ kind: band, threshold: 0.05 }` for threshold rebalancing. */
  readonly rebalance?: RebalanceSpec;
}

/** Constant target weights by asset id, rebalanced by the rule. */
export function fixedMix(p: FixedMixParams, name = 'fixed-mix'): Strategy {
  let cache: { assets: readonly string[]; w: Float64Array } | null = null;
  return {
    name,
    ...(p.rebalance === undefined ? {} : { rebalance: p.rebalance }),
    decide(view) {
      if (!cache || cache.assets !== view.assets)
        cache = { assets: view.assets, w: resolveWeights(name, p.weights, view.assets) };
      return { weights: cache.w.slice() };
    },
  };
}

export interface BuyAndHoldParams {
  /** Initial weights by asset id; default 1/N over the assets listed at the start. */
  readonly weights?: Readonly<Record<string, number>>;
}

/** Buy once at the start, never rebalance: weights drift with prices. */
export function buyAndHold(p: BuyAndHoldParams = {}, name = 'buy-and-hold'): Strategy {
  const inner = p.weights ? fixedMix({ weights: p.weights }, name) : equalWeight({}, name);
  return { name, rebalance: { kind: 'never' }, decide: (v, c) => inner.decide(v, c) };
}

export interface EqualWeightParams {
  /** Field whose presence on the decision date marks an asset as investable (default 'close'). */
  readonly field?: string;
  readonly rebalance?: RebalanceSpec;
}

/** 1/N over the assets that have a price on the decision date (DeMiguel, Garlappi & Uppal 2009). */
export function equalWeight(p: EqualWeightParams = {}, name = 'equal-weight'): Strategy {
  return {
    name,
    ...(p.rebalance === undefined ? {} : { rebalance: p.rebalance }),
    decide(view) {
      const m = listedMask(view, p.field ?? 'close');
      let k = 0;
      for (const v of m) k += v;
      const w = new Float64Array(view.nAssets);
      if (k > 0) for (let a = 0; a < w.length; a++) w[a] = m[a]! / k;
      return { weights: w, diagnostics: { listed: k } };
    },
  };
}
