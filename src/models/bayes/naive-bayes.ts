/**
 * Gaussian naive Bayes: per class, independent normal features (class mean, variance + var smoothing as
 * scikit-learn: 1e-9 × the largest feature variance) and the class frequency as prior.
 */
import { z } from 'zod';
import {
  arr,
  checkPredictInput,
  expectKind,
  f64,
  makeEstimator,
  normalise,
  parseParams,
  prepareFit,
  type Dataset,
  type FitContext,
  type FittedModel,
  type ModelJSON,
  type ModelKind,
} from '../estimator.ts';

export const gaussianNbSchema = z.strictObject({
  /** Share of the largest feature variance added to every variance (numerical floor). */
  varSmoothing: z.number().min(0).default(1e-9),
});
export type GaussianNbParams = z.infer<typeof gaussianNbSchema>;

export class GaussianNbModel implements FittedModel {
  readonly kind = 'gaussian-nb';
  readonly task = 'classification' as const;
  constructor(
    readonly params: GaussianNbParams,
    readonly p: number,
    readonly nClasses: number,
    /** log prior per class. */
    readonly logPrior: Float64Array,
    /** k × p class means. */
    readonly mean: Float64Array,
    /** k × p class variances (smoothed). */
    readonly variance: Float64Array,
  ) {}

  /** n × k log joint likelihoods log p(c) + Σ_j log N(x_j | μ_cj, σ²_cj). */
  private jointLog(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const { p, nClasses: K } = this;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < K; c++) {
        let s = this.logPrior[c]!;
        for (let j = 0; j < p; j++) {
          const v = this.variance[c * p + j]!;
          const d = X[i * p + j]! - this.mean[c * p + j]!;
          s -= 0.5 * (Math.log(2 * Math.PI * v) + (d * d) / v);
        }
        out[i * K + c] = s;
      }
    }
    return out;
  }

  predictProba(X: Float64Array, n: number): Float64Array {
    const L = this.jointLog(X, n);
    const K = this.nClasses;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let c = 0; c < K; c++) mx = Math.max(mx, L[i * K + c]!);
      let s = 0;
      for (let c = 0; c < K; c++) {
        const e = Math.exp(L[i * K + c]! - mx);
        L[i * K + c] = e;
        s += e;
      }
      for (let c = 0; c < K; c++) L[i * K + c] = L[i * K + c]! / s;
    }
    return L;
  }

  predict(X: Float64Array, n: number): Float64Array {
    const L = this.jointLog(X, n);
    const K = this.nClasses;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let c = 1; c < K; c++) if (L[i * K + c]! > L[i * K + b]!) b = c;
      out[i] = b;
    }
    return out;
  }

  /** Between-class spread of each feature's class means over its average within-class variance, normalised. */
  featureImportance(): Float64Array {
    const { p, nClasses: K } = this;
    const imp = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let mu = 0,
        w = 0,
        v = 0;
      for (let c = 0; c < K; c++) {
        const pc = Math.exp(this.logPrior[c]!);
        mu += pc * this.mean[c * p + j]!;
        v += pc * this.variance[c * p + j]!;
        w += pc;
      }
      mu /= w;
      let between = 0;
      for (let c = 0; c < K; c++) between += Math.exp(this.logPrior[c]!) * (this.mean[c * p + j]! - mu) ** 2;
      imp[j] = between / v;
    }
    return normalise(imp);
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: {
        p: this.p,
        nClasses: this.nClasses,
        logPrior: arr(this.logPrior),
        mean: arr(this.mean),
        variance: arr(this.variance),
      },
    };
  }

  static fromJSON(json: ModelJSON): GaussianNbModel {
    expectKind(json, 'gaussian-nb');
    const s = json.state as { p: number; nClasses: number; logPrior: number[]; mean: number[]; variance: number[] };
    return new GaussianNbModel(
      json.params as GaussianNbParams,
      s.p,
      s.nClasses,
      f64(s.logPrior, 'logPrior'),
      f64(s.mean, 'mean'),
      f64(s.variance, 'variance'),
    );
  }
}

function fitGnb(data: Dataset, ctx: FitContext, params: GaussianNbParams): GaussianNbModel {
  const d = prepareFit(data, ctx, {
    kind: 'gaussian-nb',
    minRows: 2,
    constantFeatures: 'allow',
    task: 'classification',
  });
  const { n, p, X, y, nClasses: K } = d;
  const count = new Float64Array(K);
  const mean = new Float64Array(K * p);
  const variance = new Float64Array(K * p);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    count[c] = count[c]! + 1;
    for (let j = 0; j < p; j++) mean[c * p + j] = mean[c * p + j]! + X[i * p + j]!;
  }
  for (let c = 0; c < K; c++)
    for (let j = 0; j < p; j++) mean[c * p + j] = count[c]! > 0 ? mean[c * p + j]! / count[c]! : 0;
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    for (let j = 0; j < p; j++) variance[c * p + j] = variance[c * p + j]! + (X[i * p + j]! - mean[c * p + j]!) ** 2;
  }
  // largest overall feature variance, for the smoothing floor
  let maxVar = 0;
  for (let j = 0; j < p; j++) {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      s += X[i * p + j]!;
      s2 += X[i * p + j]! ** 2;
    }
    maxVar = Math.max(maxVar, s2 / n - (s / n) ** 2);
  }
  const eps = params.varSmoothing * maxVar + 1e-300;
  for (let c = 0; c < K; c++)
    for (let j = 0; j < p; j++) variance[c * p + j] = (count[c]! > 0 ? variance[c * p + j]! / count[c]! : 0) + eps;
  const logPrior = count.map((c) => (c > 0 ? Math.log(c / n) : -Infinity));
  return new GaussianNbModel(params, p, K, logPrior, mean, variance);
}

export const gaussianNbKind: ModelKind<GaussianNbParams> = {
  schema: gaussianNbSchema,
  tasks: ['classification'],
  summary: 'Gaussian naive Bayes',
  create: (params) => makeEstimator('gaussian-nb', parseParams('gaussian-nb', gaussianNbSchema, params), fitGnb),
  fromJSON: (json) => GaussianNbModel.fromJSON(json),
};
