/**
 * The detectors by name, with what they read and their default threshold (as evidently's StatTest registry).
 * Study files name detectors by these keys (`retrain.drift`, `derisk.when`).
 */
import { CUSUM_DEFAULTS } from './cusum.ts';
import { ROLLING_IC_DEFAULTS, VOL_RATIO_DEFAULTS } from './decay.ts';
import { KS_DEFAULT_THRESHOLD } from './ks.ts';
import { PSI_DEFAULT_THRESHOLD } from './psi.ts';
import { MONITOR_DEFAULT_SETTINGS } from './spec.ts';

export interface DetectorInfo {
  readonly name: string;
  readonly displayName: string;
  /** What the detector reads in the walk-forward. */
  readonly input: 'features' | 'forecast-quality' | 'portfolio-returns';
  readonly kind: 'pValue' | 'distance';
  readonly defaultThreshold: number;
}

export const detectorRegistry = {
  psi: {
    name: 'psi',
    displayName: 'population stability index (per feature, above its sampling noise)',
    input: 'features',
    kind: 'distance',
    defaultThreshold: PSI_DEFAULT_THRESHOLD,
  },
  ks: {
    name: 'ks',
    displayName: 'Kolmogorov–Smirnov two-sample (per feature, Bonferroni, effective sample size)',
    input: 'features',
    kind: 'pValue',
    defaultThreshold: KS_DEFAULT_THRESHOLD,
  },
  'rolling-ic': {
    name: 'rolling-ic',
    displayName: 'rolling IC decay (standard errors below the reference IC)',
    input: 'forecast-quality',
    kind: 'distance',
    defaultThreshold: ROLLING_IC_DEFAULTS.threshold,
  },
  cusum: {
    name: 'cusum',
    displayName: "Page's lower (decay) CUSUM of standardised daily IC",
    input: 'forecast-quality',
    kind: 'distance',
    defaultThreshold: CUSUM_DEFAULTS.h,
  },
  bocpd: {
    name: 'bocpd',
    displayName: 'Bayesian online change point (probability of a change in the window)',
    input: 'forecast-quality',
    kind: 'distance',
    defaultThreshold: MONITOR_DEFAULT_SETTINGS.bocpd.threshold,
  },
  'vol-ratio': {
    name: 'vol-ratio',
    displayName: "realised / ex-ante volatility (band from the ex-ante σ's own errors)",
    input: 'portfolio-returns',
    kind: 'distance',
    defaultThreshold: VOL_RATIO_DEFAULTS.threshold,
  },
} as const satisfies Record<string, DetectorInfo>;

export type DetectorName = keyof typeof detectorRegistry;
export const DETECTOR_NAMES = Object.keys(detectorRegistry) as DetectorName[];
