/**
 * monitor: drift detectors (PSI, KS, per-feature with Bonferroni, rolling IC decay, CUSUM, volatility ratio, BOCPD)
 * over plain arrays, and the walk-forward monitor that turns them into retrain and de-risk events.
 */
export type { DriftResult } from './types.ts';
export { PsiDetector, psiOf, PSI_EPSILON, PSI_DEFAULT_THRESHOLD } from './psi.ts';
export { KsDetector, ks2samp, kolmogorovSf, KS_DEFAULT_THRESHOLD } from './ks.ts';
export type { KsMethod, KsResult } from './ks.ts';
export { FeatureDriftDetector } from './feature-drift.ts';
export type { FeatureDriftResult, FeatureTest } from './feature-drift.ts';
export { cusumUpdate, CUSUM_START, CUSUM_DEFAULTS } from './cusum.ts';
export type { CusumState, CusumResult } from './cusum.ts';
export { rollingIcDecay, volatilityRatio, ROLLING_IC_DEFAULTS, VOL_RATIO_DEFAULTS } from './decay.ts';
export { bocpdUpdate, BOCPD_START, BOCPD_DEFAULTS } from './bocpd.ts';
export type { BocpdParams, BocpdState, BocpdResult } from './bocpd.ts';
export { detectorRegistry, DETECTOR_NAMES } from './registry.ts';
export type { DetectorInfo, DetectorName } from './registry.ts';
export { WalkForwardMonitor, volBand } from './walk-forward.ts';
export { longRunFactor } from './long-run.ts';
export { panelDesignEffect } from './effective-size.ts';
export type { MonitorEvent, MonitorAction, MonitorPlan, MonitorHealth, StrategyShape } from './walk-forward.ts';
export { MONITOR_DEFAULT_SETTINGS } from './spec.ts';
export type { MonitorSpec, DeriskTarget } from './spec.ts';
