/**
 * The default baselines a study gets when it lists none (`baselines:` absent): 1/N (`equal-weight`) and a 60/40 mix
 * of the equity and bond assets by asset class. One home for both the plain backtest step and the ML job, so both
 * run the same defaults; a default that cannot run is returned as a `baseline-skipped` finding, never dropped
 * silently. `baselines: []` in the study means "none" and never reaches here. Given the target volatilities of the
 * strategies being judged, the defaults add a 1/N scaled to each (`volMatchedBaselines`): a deflated Sharpe over a
 * 1/N that runs at another volatility measures the leverage gap, not the forecasts.
 */
import type { FindingDraft } from '../core/index.ts';
import type { StrategySpec } from './run-section.ts';
import { volMatchedEqualWeightName } from './static.ts';

/** What the defaults read from a panel: its asset ids and their asset classes. */
export interface BaselineUniverse {
  readonly assets: readonly string[];
  readonly meta?: readonly { readonly id: string; readonly assetClass?: string }[];
}

/** 60/40 over the equity and bond assets by asset class (each side split evenly), or undefined without both. */
export function sixtyFortyWeights(panel: BaselineUniverse): Record<string, number> | undefined {
  const meta = panel.meta ?? [];
  const prefer = (cls: string, id: string) => meta.some((m) => m.id === id && m.assetClass === cls);
  // The synthetic market's broad index and long bond make the classic 60/40; otherwise spread over the class.
  if (prefer('equity', 'EQ_BROAD') && prefer('bond', 'BOND_LONG')) return { EQ_BROAD: 0.6, BOND_LONG: 0.4 };
  const eq = meta.filter((m) => m.assetClass === 'equity').map((m) => m.id);
  const bd = meta.filter((m) => m.assetClass === 'bond').map((m) => m.id);
  if (eq.length === 0 || bd.length === 0) return undefined;
  return Object.fromEntries([
    ...eq.map((id) => [id, 0.6 / eq.length] as const),
    ...bd.map((id) => [id, 0.4 / bd.length] as const),
  ]);
}

export interface DefaultBaselines {
  readonly baselines: readonly StrategySpec[];
  /** `baseline-skipped` warnings for defaults that cannot run on this universe. */
  readonly skipped: readonly FindingDraft[];
}

/**
 * 1/N and 60/40 for the assets of `panel` (a study's data, or one universe of an ML job). `where` prefixes the
 * skipped finding's message (e.g. the universe's title).
 */
export function defaultBaselines(
  panel: BaselineUniverse,
  where = 'the data',
  targetVolatilities: readonly number[] = [],
): DefaultBaselines {
  const baselines: StrategySpec[] = [{ kind: 'equal-weight', name: '1/N' }];
  const skipped: FindingDraft[] = [];
  const w = sixtyFortyWeights(panel);
  if (w) baselines.push({ kind: 'fixed-mix', name: '60/40', weights: w });
  else
    skipped.push({
      severity: 'warning',
      kind: 'baseline-skipped',
      message: `the default 60/40 baseline was not run: ${where} has no equity and bond asset classes to mix`,
      fix: 'list the baselines you want under baselines: (e.g. [{ kind: equal-weight, name: 1/N }]), or baselines: [] for none',
    });
  baselines.push(...volMatchedBaselines(targetVolatilities));
  return { baselines, skipped };
}

/**
 * One 1/N scaled to each distinct target volatility (annualised; "1/N @ 10% vol"), in order of first appearance.
 * `window` is the trailing sample for its ex-ante volatility (default 252 periods).
 */
export function volMatchedBaselines(targetVolatilities: readonly number[], window?: number): StrategySpec[] {
  return [...new Set(targetVolatilities)].map((v) => ({
    kind: 'equal-weight',
    name: volMatchedEqualWeightName(v),
    targetVolatility: v,
    ...(window === undefined ? {} : { window }),
  }));
}
