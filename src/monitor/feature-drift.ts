/**
 * Per-feature drift of a batch against a reference matrix (both nRows × nFeatures, row-major): one univariate test
 * per feature column. With KS the batch drifts when any feature's p-value ≤ α / nFeatures (Bonferroni, as
 * alibi-detect's `correction: 'bonferroni'`); with PSI when any feature's PSI ≥ its threshold (a distance needs no
 * correction). The reference is copied per column at construction and never changes.
 *
 * Dependent rows: given the reference's date structure (`rowsPerDate`) and the tested window's length in dates
 * (`window`), each feature's design effect is measured on the reference (effective-size.ts) and both tests count
 * rows as rows / deff: KS through its p-value, PSI through a noise floor under its threshold (psi.ts).
 */
import { configError } from '../core/index.ts';
import { panelDesignEffect } from './effective-size.ts';
import { KsDetector, KS_DEFAULT_THRESHOLD } from './ks.ts';
import { PsiDetector, PSI_DEFAULT_THRESHOLD } from './psi.ts';
import { sortedFinite, type DriftResult } from './types.ts';

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
  /** Per-feature design effect measured on the reference (1 without a date structure). */
  readonly designEffects: readonly number[];
  private readonly detectors: readonly (KsDetector | PsiDetector)[];

  constructor(
    reference: ArrayLike<number>,
    nRows: number,
    names: readonly string[],
    options: {
      test?: FeatureTest;
      threshold?: number;
      bins?: number;
      /** Rows of each reference date, in order (sums to nRows); with `window`, switches on effective sizes. */
      rowsPerDate?: readonly number[];
      /** Dates in a tested batch. */
      window?: number;
    } = {},
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
    const deffs: number[] = [];
    const byDate = options.rowsPerDate !== undefined && options.window !== undefined;
    for (let f = 0; f < p; f++) {
      const col = column(reference, nRows, p, f);
      const designEffect = byDate
        ? panelDesignEffect(col, options.rowsPerDate!, sortedFinite(col), options.window!)
        : 1;
      deffs.push(designEffect);
      dets.push(
        this.test === 'ks'
          ? new KsDetector(col, { threshold: this.threshold / p, designEffect })
          : new PsiDetector(col, {
              threshold: this.threshold,
              bins: options.bins ?? 10,
              designEffect,
              ...(byDate ? { noiseAlpha: KS_DEFAULT_THRESHOLD / p } : {}),
            }),
      );
    }
    this.detectors = dets;
    this.designEffects = deffs;
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
    // The batch statistic: the smallest p-value (KS, one threshold α / nFeatures for all) or, for PSI, the PSI of the
    // feature nearest to (or furthest past) its own threshold, with that threshold.
    let statistic = NaN;
    let threshold = this.test === 'ks' ? this.threshold / p : this.threshold;
    if (finite.length > 0 && this.test === 'ks') statistic = Math.min(...finite.map((r) => r.statistic));
    else if (finite.length > 0) {
      const worst = finite.reduce((a, b) => (b.statistic / b.threshold > a.statistic / a.threshold ? b : a));
      statistic = worst.statistic;
      threshold = worst.threshold;
    }
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
