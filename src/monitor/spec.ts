/**
 * What a study asks the walk-forward monitor to do (resolved: every default filled in). The study-file schema that
 * produces it, with its validation messages, lives in src/config (monitor-schema.ts).
 */
import type { DetectorName } from './registry.ts';

export type DeriskTarget = 'equal-weight' | { readonly cash: number };

export interface MonitorSpec {
  /** Detectors that run; a rising edge (not drifted → drifted) of any of them is an event. */
  readonly detectors: readonly DetectorName[];
  readonly settings: {
    /** Days of the training window that form the reference (features, daily IC). */
    readonly referenceWindow: number;
    /** Days of recent feature rows tested against the reference. */
    readonly featureWindow: number;
    readonly ks: { readonly threshold: number };
    readonly psi: { readonly threshold: number; readonly bins: number };
    readonly rollingIc: { readonly window: number; readonly threshold: number };
    readonly cusum: { readonly k: number; readonly h: number };
    readonly bocpd: { readonly hazardLambda: number; readonly window: number; readonly threshold: number };
    readonly volRatio: { readonly window: number; readonly threshold: number };
  };
  readonly retrain: {
    readonly on: readonly ('schedule' | 'drift')[];
    /** Detectors whose firing retrains (on data since the estimated change). */
    readonly drift: readonly DetectorName[];
    /** Bars between refits after a drift retrain, until the change leaves the training window. */
    readonly every: number;
    /** Fewest training dates, and the date stride, of a fit on post-change data. */
    readonly minTrainDates: number;
    readonly stride: number;
  };
  readonly derisk?:
    | {
        readonly when: readonly DetectorName[];
        readonly to: DeriskTarget;
        /** Bars the de-risked portfolio is held (ends earlier at the first refit on post-change data). */
        readonly for: number;
      }
    | undefined;
}

export const MONITOR_DEFAULT_SETTINGS: MonitorSpec['settings'] = {
  referenceWindow: 252,
  featureWindow: 63,
  ks: { threshold: 0.05 },
  psi: { threshold: 0.1, bins: 10 },
  rollingIc: { window: 63, threshold: 3 },
  cusum: { k: 0.5, h: 6 },
  // 0.8, not the kernel's generic 0.5: over 10 seeds × 5 years without a break, 0.5 retrained 1.0 times per 5 years
  // on average (the goal's limit) and 0.8 0.7 times; the planted flip's detection delays stayed within 21 days
  // (docs/monitoring.md, "Measured").
  bocpd: { hazardLambda: 250, window: 21, threshold: 0.8 },
  volRatio: { window: 63, threshold: 1.5 },
};
