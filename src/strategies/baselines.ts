/**
 * The default baselines of a study that names none: 1/N (`equal-weight`) and a 60/40 mix of the equity and bond
 * assets (by asset class) when the data has both. One source for every place that runs or audits a study's
 * baselines (study step `backtest`, `keel audit`), so they never disagree on what "the baselines" are.
 */
import type { FindingDraft } from '../core/index.ts';
import type { StrategySpec } from './run-section.ts';

/** What the default baselines need of the data: its assets' classes. */
export interface BaselineData {
  readonly meta?: readonly { readonly id: string; readonly assetClass?: string }[];
}

/** 60/40 over the equity and bond assets by asset class (each side split evenly), or undefined without both. */
export function sixtyFortyWeights(panel: BaselineData): Record<string, number> | undefined {
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

/** The default baselines for `panel`, and a `baseline-skipped` warning when the 60/40 cannot be formed. */
export function defaultBaselineSpecs(panel: BaselineData): { specs: StrategySpec[]; findings: FindingDraft[] } {
  const specs: StrategySpec[] = [{ kind: 'equal-weight', name: '1/N' }];
  const findings: FindingDraft[] = [];
  const w = sixtyFortyWeights(panel);
  if (w) specs.push({ kind: 'fixed-mix', name: '60/40', weights: w });
  else
    findings.push({
      severity: 'warning',
      kind: 'baseline-skipped',
      message: 'the default 60/40 baseline was not run: the data has no equity and bond asset classes',
      fix: 'list the baselines you want under baselines: (e.g. [{ kind: equal-weight, name: 1/N }])',
    });
  return { specs, findings };
}
