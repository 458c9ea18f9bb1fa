/** Walk-forward backtesting: engine, rebalancing rules, cost models, overlays, ledger, splitters. */
export type { Strategy, Decision, DecisionContext, FillTiming, AllocationLike } from './types.ts';
export { fillTimings } from './types.ts';
export { runBacktest, runTargets, enforceLeverage } from './engine.ts';
// The fill kernels, for environments that step the engine's book (agents/PortfolioEnv) instead of re-deriving fills.
export { fillKernel, markToMarket, markClose, weightsInto, accrual } from './kernel.ts';
export type { FillCosts, FillFlags } from './kernel.ts';
export type { BacktestResult, DecisionRecord } from './engine.ts';
export { backtestSettingsSchema, inferPeriodsPerYear } from './options.ts';
export type { BacktestOptions, LeverageLimits } from './options.ts';
export { costModelKinds, createCostModel, sqrtImpactCost } from './costs.ts';
export { marketContext } from './market-context.ts';
export type { CostModel, CostContext, CostSpec } from './costs.ts';
export { rebalanceSchema, createRebalanceRule, isPeriodStart, periodKey, frequencies } from './rebalance.ts';
export type { RebalanceSpec, RebalanceRule, Frequency } from './rebalance.ts';
export { overlaySchema, parseOverlays } from './overlays.ts';
export type { OverlaySpec } from './overlays.ts';
export { LedgerBuilder, ledgerRows, ledgerTotals } from './ledger.ts';
export type { Ledger } from './ledger.ts';
export { withPriceIndex, excessReturnsPanel, periodBefore } from './prices.ts';
export { backtestArtefacts, ledgerCsv, navCsv, weightsCsv, metricsObject } from './artefacts.ts';
export {
  walkForwardSplits,
  purgedKFold,
  combinatorialPurgedCV,
  cpcvPaths,
  binomial,
  walkForward,
} from './walk-forward.ts';
export type { Split, CpcvSplit, WalkForwardOptions } from './walk-forward.ts';
