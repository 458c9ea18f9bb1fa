/**
 * Bayesian linear regression with the conjugate normal–inverse-gamma prior:
 *   β | σ² ~ N(0, σ²/λ · I),  σ² ~ InvGamma(a₀, b₀),  y | β, σ² ~ N(α + Xβ, σ² I), flat prior on the intercept α.
 * On the centred (optionally standardised) design the posterior is
 *   Λ = XᵀX + λI,  μ = Λ⁻¹Xᵀy,  a = a₀ + (n − 1)/2,  b = b₀ + ½(yᵀy − μᵀΛμ)   (y centred),
 * and the predictive for a new x is Student-t with ν = 2a, location α̂ + xᵀμ, scale² = (b/a)(1 + 1/n + xᵀΛ⁻¹x);
 * `predictVariance` returns its variance scale² · ν/(ν − 2).
 */
import { z } from 'zod';
import { numericError } from '../../core/index.ts';
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
import {
  centredGram,
  choleskyInPlace,
  choleskyInverse,
  choleskySolveVec,
  columnMoments,
  meanOf,
} from '../internal/linalg.ts';

export const bayesianLinearSchema = z.strictObject({
  /** Prior precision ratio λ (β ~ N(0, σ²/λ)); larger = stronger shrinkage. */
  lambda: z.number().positive().default(1),
  /** Inverse-gamma prior on the noise variance (a₀, b₀ → 0 is the vague prior). */
  a0: z.number().positive().default(1e-6),
  b0: z.number().positive().default(1e-6),
  standardize: z.boolean().default(true),
});
export type BayesianLinearParams = z.infer<typeof bayesianLinearSchema>;

export class BayesianLinearModel implements FittedModel {
  readonly kind = 'bayesian-linear';
  readonly task = 'regression' as const;
  constructor(
    readonly params: BayesianLinearParams,
    readonly p: number,
    readonly n: number,
    readonly xMean: Float64Array,
    readonly xScale: Float64Array,
    readonly yMean: number,
    /** Posterior mean of β on the (scaled) design. */
    readonly mu: Float64Array,
    /** Λ⁻¹ (p × p). */
    readonly covUnscaled: Float64Array,
    readonly aN: number,
    readonly bN: number,
    /** Training standard deviation of each feature (ddof 0). */
    readonly xStd: Float64Array,
  ) {}

  private z(X: Float64Array, i: number, out: Float64Array): void {
    for (let j = 0; j < this.p; j++) out[j] = (X[i * this.p + j]! - this.xMean[j]!) / this.xScale[j]!;
  }

  predict(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const out = new Float64Array(n);
    const z = new Float64Array(this.p);
    for (let i = 0; i < n; i++) {
      this.z(X, i, z);
      let s = this.yMean;
      for (let j = 0; j < this.p; j++) s += this.mu[j]! * z[j]!;
      out[i] = s;
    }
    return out;
  }

  /** Posterior-predictive variance per row (Student-t variance; needs ν = 2a > 2). */
  predictVariance(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const { p } = this;
    const nu = 2 * this.aN;
    const tFactor = nu > 2 ? nu / (nu - 2) : Infinity;
    const out = new Float64Array(n);
    const z = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      this.z(X, i, z);
      let q = 0;
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += this.covUnscaled[j * p + k]! * z[k]!;
        q += z[j]! * s;
      }
      out[i] = (this.bN / this.aN) * (1 + 1 / this.n + q) * tFactor;
    }
    return out;
  }

  /** Posterior mean of the noise variance σ² (b/(a − 1)). */
  get noiseVariance(): number {
    return this.aN > 1 ? this.bN / (this.aN - 1) : Infinity;
  }

  /** |posterior mean β| on the standardised scale (× feature std when not standardised), normalised. */
  featureImportance(): Float64Array {
    return normalise(this.mu.map((m, j) => Math.abs(m) * (this.params.standardize ? 1 : this.xStd[j]!)));
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: {
        p: this.p,
        n: this.n,
        xMean: arr(this.xMean),
        xScale: arr(this.xScale),
        yMean: this.yMean,
        mu: arr(this.mu),
        covUnscaled: arr(this.covUnscaled),
        aN: this.aN,
        bN: this.bN,
        xStd: arr(this.xStd),
      },
    };
  }

  static fromJSON(json: ModelJSON): BayesianLinearModel {
    expectKind(json, 'bayesian-linear');
    const s = json.state as {
      p: number;
      n: number;
      xMean: number[];
      xScale: number[];
      yMean: number;
      mu: number[];
      covUnscaled: number[];
      aN: number;
      bN: number;
      xStd: number[];
    };
    return new BayesianLinearModel(
      json.params as BayesianLinearParams,
      s.p,
      s.n,
      f64(s.xMean, 'xMean'),
      f64(s.xScale, 'xScale'),
      s.yMean,
      f64(s.mu, 'mu'),
      f64(s.covUnscaled, 'covUnscaled'),
      s.aN,
      s.bN,
      f64(s.xStd, 'xStd'),
    );
  }
}

function fitBlr(data: Dataset, ctx: FitContext, params: BayesianLinearParams): BayesianLinearModel {
  const d = prepareFit(data, ctx, {
    kind: 'bayesian-linear',
    minRows: 3,
    constantFeatures: 'error',
    task: 'regression',
  });
  const { n, p, X, y } = d;
  const { mean, std } = columnMoments(X, n, p);
  const scale = params.standardize ? std : new Float64Array(p).fill(1);
  const yMean = meanOf(y);
  const { G, c } = centredGram(X, y, n, p, mean, scale, yMean);
  const L = Float64Array.from(G);
  for (let j = 0; j < p; j++) L[j * p + j] = L[j * p + j]! + params.lambda;
  if (!choleskyInPlace(L, p))
    throw numericError(`bayesian-linear: XᵀX + λI is not positive definite (lambda=${params.lambda}); raise lambda.`);
  const mu = choleskySolveVec(L, p, c);
  let yy = 0;
  for (let i = 0; i < n; i++) yy += (y[i]! - yMean) ** 2;
  let quad = 0;
  for (let j = 0; j < p; j++) quad += mu[j]! * c[j]!; // μᵀΛμ = μᵀXᵀy
  const aN = params.a0 + (n - 1) / 2;
  const bN = params.b0 + 0.5 * Math.max(0, yy - quad);
  return new BayesianLinearModel(params, p, n, mean, scale, yMean, mu, choleskyInverse(L, p), aN, bN, std);
}

export const bayesianLinearKind: ModelKind<BayesianLinearParams> = {
  schema: bayesianLinearSchema,
  tasks: ['regression'],
  summary: 'Bayesian linear regression (conjugate NIG prior, predictive variance)',
  create: (params) =>
    makeEstimator('bayesian-linear', parseParams('bayesian-linear', bayesianLinearSchema, params), fitBlr),
  fromJSON: (json) => BayesianLinearModel.fromJSON(json),
};
