/**
 * Per-feature drift of a batch against a reference matrix (both nRows × nFeatures, row-major): one univariate test
 * per feature column. With KS the batch drifts when any feature's p-value ≤ α / nFeatures (Bonferroni, as
 * alibi-detect's `correction: 'bonferroni'`); with PSI when any feature's PSI ≥ its threshold (a distance needs no
 * correction). The reference is copied per column at construction and never changes.
 */
import { configError } from '../core/index.ts';
import { KsDetector, KS_DEFAULT_THRESHOLD } from './ks.ts';
import { PsiDetector, PSI_DEFAULT_THRESHOLD } from './psi.ts';
import type { DriftResult } from './types.ts';

export type FeatureTest = 'ks' | 'psi';

export interface FeatureDriftResult extends DriftResult {
  /** Per-feature results; for KS their threshold is already the Bonferroni-corrected α / nFeatures. */
  readonly features: readonly (DriftResult & { readonly name: string })[];
  readonly test: FeatureTest;
}

function column(x: ArrayLike<number>, nRows: number, p: number, f: number): Float64Array {
  const out = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) out[i] = x[i * p + f]!;
  return out;
}

export class FeatureDriftDetector {
  readonly names: readonly string[];
  readonly test: FeatureTest;
  readonly threshold: number;
  private readonly detectors: readonly (KsDetector | PsiDetector)[];

  constructor(
    reference: ArrayLike<number>,
    nRows: number,
    names: readonly string[],
    options: { test?: FeatureTest; threshold?: number; bins?: number } = {},
  ) {
    const p = names.length;
    if (p === 0 || reference.length !== nRows * p)
      throw configError(
        `feature drift: reference has ${reference.length} values, expected ${nRows} rows × ${p} features`,
      );
    this.names = [...names];
    this.test = options.test ?? 'ks';
    this.threshold = options.threshold ?? (this.test === 'ks' ? KS_DEFAULT_THRESHOLD : PSI_DEFAULT_THRESHOLD);
    const dets: (KsDetector | PsiDetector)[] = [];
    for (let f = 0; f < p; f++) {
      const col = column(reference, nRows, p, f);
      dets.push(
        this.test === 'ks'
          ? new KsDetector(col, { threshold: this.threshold / p })
          : new PsiDetector(col, { threshold: this.threshold, bins: options.bins ?? 10 }),
      );
    }
    this.detectors = dets;
  }

  predict(current: ArrayLike<number>, nRows: number): FeatureDriftResult {
    const p = this.names.length;
    if (current.length !== nRows * p)
      throw configError(`feature drift: batch has ${current.length} values, expected ${nRows} rows × ${p} features`);
    const features = this.detectors.map((d, f) => ({
      name: this.names[f]!,
      ...d.predict(column(current, nRows, p, f)),
    }));
    const finite = features.filter((r) => Number.isFinite(r.statistic));
    // The batch statistic: the smallest p-value (KS) or the largest PSI, judged against the per-feature threshold.
    const statistic =
      finite.length === 0
        ? NaN
        : this.test === 'ks'
          ? Math.min(...finite.map((r) => r.statistic))
          : Math.max(...finite.map((r) => r.statistic));
    const threshold = this.test === 'ks' ? this.threshold / p : this.threshold;
    return {
      statistic,
      kind: this.test === 'ks' ? 'pValue' : 'distance',
      threshold,
      drifted: features.some((r) => r.drifted),
      features,
      test: this.test,
    };
  }
}
