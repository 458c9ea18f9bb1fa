/**
 * Static-weight strategies: fixed mix (60/40, 60/30/10 …), buy-and-hold, equal weight (1/N).
 * Each is a `Strategy` factory taking plain JSON parameters; the rebalancing rule is part of the strategy when given.
 */
import type { RebalanceSpec, Strategy } from '../backtest/index.ts';
import type { FindingDraft, Matrix } from '../core/index.ts';
import { ledoitWolf } from '../risk/index.ts';
import { listedMask, resolveWeights, trailingReturns } from './weights.ts';

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
  /**
   * Annualised volatility to scale 1/N to (e.g. 0.10): each decision holds 1/N × min(1, target / σ̂), σ̂ the ex-ante
   * volatility of today's 1/N weights on the trailing covariance (`riskModel`), and the rest in cash (never levered).
   * Makes 1/N comparable with a strategy held to the same volatility target by the same risk model. Absent: plain,
   * fully invested 1/N.
   */
  readonly targetVolatility?: number;
  /** Trailing returns for σ̂, periods (default 252). */
  readonly window?: number;
  /**
   * How σ̂ is estimated on those returns: `sample` (default; the sample covariance) or `ledoit-wolf` (Ledoit-Wolf
   * shrinkage towards a constant-variance target: the risk model `ml-forecast` scales its portfolios with, so a 1/N
   * matched to an ML strategy is scaled the way the strategy is, not by another estimator).
   */
  readonly riskModel?: EqualWeightRiskModel;
  /** Annualisation of σ̂ (the study's calendar; default 252). */
  readonly periodsPerYear?: number;
}

/** Estimators of the volatility-matched 1/N's ex-ante volatility. */
export type EqualWeightRiskModel = 'sample' | 'ledoit-wolf';

/** Display name of a volatility-matched 1/N: "1/N @ 10% vol". */
export const volMatchedEqualWeightName = (targetVolatility: number): string =>
  `1/N @ ${+(targetVolatility * 100).toFixed(2)}% vol`;

/**
 * 1/N over the assets that have a price on the decision date (DeMiguel, Garlappi & Uppal 2009); with
 * `targetVolatility`, scaled down to it (see EqualWeightParams).
 */
export function equalWeight(p: EqualWeightParams = {}, name = 'equal-weight'): Strategy {
  const field = p.field ?? 'close';
  return {
    name,
    ...(p.rebalance === undefined ? {} : { rebalance: p.rebalance }),
    decide(view) {
      const m = listedMask(view, field);
      let k = 0;
      for (const v of m) k += v;
      const w = new Float64Array(view.nAssets);
      if (k > 0) for (let a = 0; a < w.length; a++) w[a] = m[a]! / k;
      if (p.targetVolatility === undefined || k === 0) return { weights: w, diagnostics: { listed: k } };
      const window = p.window ?? 252;
      const estimate = p.riskModel === 'ledoit-wolf' ? ledoitWolfVolatility : exAnteVolatility;
      const sigma = estimate(view, w, window, field, p.periodsPerYear ?? 252);
      if (!(sigma.rows >= Math.min(window, MIN_ROWS)) || !Number.isFinite(sigma.vol)) {
        // Too little history to know the scale: cash rather than an unscaled 1/N at an unknown volatility.
        const findings: FindingDraft[] = [
          {
            severity: 'warning',
            kind: 'warm-up-cash',
            message: `only ${sigma.rows} complete returns of the listed assets exist by this date (the volatility-matched 1/N needs ${Math.min(window, MIN_ROWS)}), so the decision holds 100 % cash`,
            fix: `start the backtest at least ${window} periods after the data starts, or shorten window`,
          },
        ];
        return { weights: new Float64Array(view.nAssets), diagnostics: { listed: k, rows: sigma.rows }, findings };
      }
      const scale = volatilityScale(sigma.vol, p.targetVolatility);
      for (let a = 0; a < w.length; a++) w[a]! *= scale;
      return { weights: w, diagnostics: { listed: k, exAnteVolatility: sigma.vol, scale } };
    },
  };
}

/** Fewest complete return rows for σ̂ (a window shorter than this needs all of its rows). */
const MIN_ROWS = 20;

/**
 * Annualised ex-ante volatility of weights `w`: the sample sd (ddof 1) of Σₐ wₐ rₐ over the trailing rows where every
 * weighted asset has a return — equal to √(wᵀΣw) with Σ the sample covariance of those rows. Data ≤ the view's end.
 */
function exAnteVolatility(
  view: Parameters<Strategy['decide']>[0],
  w: Float64Array,
  window: number,
  field: string,
  periodsPerYear: number,
): { vol: number; rows: number } {
  const { values, rows } = trailingReturns(view, window, field);
  const n = view.nAssets;
  const port: number[] = [];
  for (let i = 0; i < rows; i++) {
    let r = 0;
    let ok = true;
    for (let a = 0; a < n && ok; a++) {
      if (w[a] === 0) continue;
      const x = values[i * n + a]!;
      if (Number.isFinite(x)) r += w[a]! * x;
      else ok = false;
    }
    if (ok) port.push(r);
  }
  if (port.length < 2) return { vol: NaN, rows: port.length };
  let mean = 0;
  for (const r of port) mean += r;
  mean /= port.length;
  let ss = 0;
  for (const r of port) ss += (r - mean) * (r - mean);
  return { vol: Math.sqrt((ss / (port.length - 1)) * periodsPerYear), rows: port.length };
}

/**
 * Annualised ex-ante volatility √(wᵀΣw) of weights `w`, Σ the Ledoit-Wolf (constant-variance target) covariance of the
 * weighted assets over the trailing rows where each of them has a return — with every asset priced, exactly the
 * covariance `ml-forecast`'s risk model computes on the same window. Data ≤ the view's end.
 */
function ledoitWolfVolatility(
  view: Parameters<Strategy['decide']>[0],
  w: Float64Array,
  window: number,
  field: string,
  periodsPerYear: number,
): { vol: number; rows: number } {
  const { values, rows } = trailingReturns(view, window, field);
  const n = view.nAssets;
  const held: number[] = [];
  for (let a = 0; a < n; a++) if (w[a] !== 0) held.push(a);
  const kept: number[] = [];
  for (let i = 0; i < rows; i++) {
    let ok = true;
    for (const a of held) if (!Number.isFinite(values[i * n + a]!)) ok = false;
    if (ok) for (const a of held) kept.push(values[i * n + a]!);
  }
  const T = kept.length / Math.max(1, held.length);
  if (T < 2) return { vol: NaN, rows: T };
  const table = {
    values: Float64Array.from(kept),
    nDates: T,
    nAssets: held.length,
    assets: held.map((a) => view.assets[a]!),
  };
  const cov = ledoitWolf(table, { frequency: periodsPerYear }).matrix;
  return {
    vol: weightedVolatility(
      Float64Array.from(held, (a) => w[a]!),
      cov,
    ),
    rows: T,
  };
}

/** √(wᵀΣw) in the summation order of ml-forecast's portfolioVol, so the same weights on the same Σ give the same bits. */
function weightedVolatility(w: Float64Array, cov: Matrix): number {
  const k = w.length;
  let v = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) v += w[i]! * cov.data[i * k + j]! * w[j]!;
  return Math.sqrt(Math.max(0, v));
}

/** The volatility-matched 1/N's scale: min(1, target / σ̂), never levered; 1 when σ̂ is 0. */
const volatilityScale = (vol: number, target: number): number => (vol > 0 ? Math.min(1, target / vol) : 1);

/**
 * The volatility-matched 1/N on a given risk model: 1/k on each of the k assets of `cov` (annualised, k × k) scaled
 * down to `targetVolatility` by √(wᵀΣw) — the rule of `equalWeight({ targetVolatility, riskModel })` once its Σ is
 * estimated. With ml-forecast's Ledoit-Wolf Σ (every asset priced) these are the "1/N @ vol" yardstick's weights bit
 * for bit; `method: active` takes them as its benchmark.
 */
export function equalWeightAtVolatility(cov: Matrix, targetVolatility: number): Float64Array {
  const k = cov.rows;
  const w = new Float64Array(k).fill(1 / k);
  const scale = volatilityScale(weightedVolatility(w, cov), targetVolatility);
  for (let a = 0; a < k; a++) w[a]! *= scale;
  return w;
}
