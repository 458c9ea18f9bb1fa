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
import { volMatchedEqualWeightName, type EqualWeightRiskModel } from './static.ts';

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
  targets: readonly VolTarget[] = [],
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
  baselines.push(...volMatchedBaselines(targets));
  return { baselines, skipped };
}

/**
 * A volatility target and the risk model that meets it: the estimator of the ex-ante volatility and its trailing
 * window (periods). `ml-forecast` scales with Ledoit-Wolf on its `covarianceWindow`.
 */
export interface VolTarget {
  readonly targetVolatility: number;
  readonly riskModel?: EqualWeightRiskModel;
  readonly window?: number;
}

/** A volatility-matched 1/N's risk model in words, for findings and notes ("sample covariance of the last 252 …"). */
export function describeRiskModel(riskModel: EqualWeightRiskModel = 'sample', window = 252): string {
  const estimator = riskModel === 'ledoit-wolf' ? 'Ledoit-Wolf (constant-variance target)' : 'sample';
  return `${estimator} covariance of the last ${window} returns`;
}

/**
 * One 1/N scaled to each distinct (target volatility, risk model, window), in order of first appearance, each with
 * the risk model of the strategies it is matched to, so that a strategy and its yardstick estimate volatility alike.
 * Named "1/N @ 10% vol"; when one target comes with several risk models (ML strategies with different covariance
 * windows), each is named for its own ("1/N @ 10% vol, LW 126") and judges the strategies that share it.
 */
export function volMatchedBaselines(targets: readonly VolTarget[]): StrategySpec[] {
  const key = (t: VolTarget): string => `${t.targetVolatility}|${t.riskModel ?? 'sample'}|${t.window ?? 252}`;
  const distinct = [...new Map(targets.map((t) => [key(t), t])).values()];
  return distinct.map((t) => {
    const several = distinct.filter((d) => d.targetVolatility === t.targetVolatility).length > 1;
    const base = volMatchedEqualWeightName(t.targetVolatility);
    return {
      kind: 'equal-weight',
      name: several ? `${base}, ${t.riskModel === 'ledoit-wolf' ? 'LW' : 'sample'} ${t.window ?? 252}` : base,
      targetVolatility: t.targetVolatility,
      ...(t.riskModel === undefined ? {} : { riskModel: t.riskModel }),
      ...(t.window === undefined ? {} : { window: t.window }),
    };
  });
}
