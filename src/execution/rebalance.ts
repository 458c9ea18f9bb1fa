/**
 * Rebalance calculator: current holdings + prices + target weights → whole-lot trades.
 *
 *  NAV = Σ shares·price + cash;  investable = NAV·(1 − cashBuffer);  target value_i = w_i·investable.
 *  Each asset's share change is rounded toward zero to a multiple of its lot size (so rounding never spends money
 *  that is not there), trades worth less than `minTradeValue` are skipped, and if the buys still exceed the cash
 *  available after sells (less the buffer) they are cut, one lot at a time, from the buy that overshoots its
 *  target the most. Sells execute before buys. Prices and values share one currency.
 */
import { dataError } from '../core/index.ts';

export interface RebalanceInput {
  readonly assets: readonly string[];
  /** Shares held now (negative = short). */
  readonly shares: ArrayLike<number>;
  readonly prices: ArrayLike<number>;
  /** Target weights of NAV; 1 − Σw stays in cash on top of the buffer. */
  readonly targetWeights: ArrayLike<number>;
  readonly cash: number;
}

export interface RebalanceOptions {
  /** Shares per lot: one number for all assets or one per asset (default 1). */
  readonly lotSize?: number | ArrayLike<number>;
  /** Skip trades smaller than this value (default 0). */
  readonly minTradeValue?: number;
  /** Fraction of NAV kept in cash, e.g. 0.02 (default 0). */
  readonly cashBuffer?: number;
}

export interface Trade {
  readonly asset: string;
  /** Shares to buy (> 0) or sell (< 0). */
  readonly shares: number;
  readonly value: number;
}

export interface RebalancePlan {
  readonly trades: readonly Trade[];
  readonly sharesAfter: Float64Array;
  readonly cashAfter: number;
  readonly nav: number;
  readonly weightsBefore: Float64Array;
  readonly weightsAfter: Float64Array;
}

export function rebalance(input: RebalanceInput, options: RebalanceOptions = {}): RebalancePlan {
  const { assets, shares, prices, targetWeights, cash } = input;
  const n = assets.length;
  if (shares.length !== n || prices.length !== n || targetWeights.length !== n) {
    throw dataError(
      `assets (${n}), shares (${shares.length}), prices (${prices.length}) and target weights (${targetWeights.length}) must have the same length.`,
    );
  }
  if (!Number.isFinite(cash) || cash < 0)
    throw dataError(`cash must be a finite amount ≥ 0, got ${cash}. Record borrowing as a short cash asset instead.`);
  const buffer = options.cashBuffer ?? 0;
  if (!(buffer >= 0 && buffer < 1))
    throw dataError(`cashBuffer must be in [0, 1), got ${buffer}. Use 0.02 to keep 2 % in cash.`);
  const minTrade = options.minTradeValue ?? 0;
  if (!(minTrade >= 0)) throw dataError(`minTradeValue must be ≥ 0, got ${minTrade}.`);
  const lot = (i: number): number => {
    const l = typeof options.lotSize === 'number' ? options.lotSize : options.lotSize ? options.lotSize[i]! : 1;
    if (!(l > 0)) throw dataError(`lot size of ${assets[i]} is ${l}; lot sizes must be > 0.`);
    return l;
  };
  let nav = cash;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    if (!(prices[i]! > 0)) throw dataError(`price of ${assets[i]} is ${prices[i]}; prices must be > 0.`);
    if (!Number.isFinite(shares[i]!))
      throw dataError(`holding of ${assets[i]} is ${shares[i]}; holdings must be finite.`);
    if (!Number.isFinite(targetWeights[i]!))
      throw dataError(`target weight of ${assets[i]} is ${targetWeights[i]}; weights must be finite.`);
    nav += shares[i]! * prices[i]!;
    wsum += targetWeights[i]!;
  }
  if (!(nav > 0)) throw dataError(`net asset value is ${nav}; nothing to rebalance.`);
  if (wsum > 1 + 1e-9) throw dataError(`target weights sum to ${wsum} > 1; with a cash account they must sum to ≤ 1.`);
  const investable = nav * (1 - buffer);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const want = (targetWeights[i]! * investable) / prices[i]!;
    const l = lot(i);
    let d = Math.trunc((want - shares[i]!) / l + 1e-9 * Math.sign(want - shares[i]!)) * l;
    if (Math.abs(d * prices[i]!) < minTrade || Math.abs(d * prices[i]!) < 1e-9 * nav) d = 0;
    delta[i] = d;
  }
  // fund the buys: cash + sell proceeds − buffer
  const available = (): number => {
    let c = cash;
    for (let i = 0; i < n; i++) c -= delta[i]! * prices[i]!;
    return c - buffer * nav;
  };
  for (let guard = 0; available() < -1e-9 && guard < 1e7; guard++) {
    let worst = -1;
    let worstOver = -Infinity;
    for (let i = 0; i < n; i++) {
      if (delta[i]! <= 0) continue;
      const over = ((shares[i]! + delta[i]!) * prices[i]!) / investable - targetWeights[i]!;
      if (over > worstOver) {
        worstOver = over;
        worst = i;
      }
    }
    if (worst < 0) break;
    delta[worst] = delta[worst]! - lot(worst);
    if (delta[worst]! * prices[worst]! < minTrade) delta[worst] = 0;
  }
  const trades: Trade[] = [];
  const sharesAfter = new Float64Array(n);
  let cashAfter = cash;
  for (let i = 0; i < n; i++) {
    sharesAfter[i] = shares[i]! + delta[i]!;
    cashAfter -= delta[i]! * prices[i]!;
    if (delta[i] !== 0) trades.push({ asset: assets[i]!, shares: delta[i]!, value: delta[i]! * prices[i]! });
  }
  // sells first
  trades.sort((a, b) => Math.sign(a.shares) - Math.sign(b.shares) || assets.indexOf(a.asset) - assets.indexOf(b.asset));
  const weightsBefore = Float64Array.from({ length: n }, (_, i) => (shares[i]! * prices[i]!) / nav);
  const weightsAfter = Float64Array.from({ length: n }, (_, i) => (sharesAfter[i]! * prices[i]!) / nav);
  return { trades, sharesAfter, cashAfter, nav, weightsBefore, weightsAfter };
}
