/**
 * Linear regression family: OLS (normal equations), ridge (closed form), lasso and elastic net (cyclic coordinate
 * descent on the Gram matrix). Features are centred inside fit (the intercept is never penalised); with
 * `standardize: true` they are also scaled to unit variance (ddof 0) so the penalty treats them alike; coefficients
 * are always reported on the original feature scale.
 *
 * Objectives (scikit-learn's): ridge ‖y − Xβ‖² + α‖β‖²; elastic net 1/(2n)‖y − Xβ‖² + α·l1Ratio‖β‖₁ +
 * α(1 − l1Ratio)/2 ‖β‖²; lasso is elastic net with l1Ratio = 1.
 */
import { z } from 'zod';
import { numericError } from '../core/index.ts';
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
} from './estimator.ts';
import {
  centredGram,
  choleskyInPlace,
  choleskySolveVec,
  columnMoments,
  meanOf,
  weightedCentredGram,
  weightedColumnMoments,
  weightedMeanOf,
} from './internal/linalg.ts';

/** A fitted linear model ŷ = intercept + Σ coef_j x_j (original feature scale). */
export class LinearModel implements FittedModel {
  readonly task = 'regression' as const;
  constructor(
    readonly kind: string,
    readonly params: unknown,
    readonly intercept: number,
    readonly coef: Float64Array,
    /** Training standard deviation of each feature (for scale-free importance |coef·std|). */
    readonly featureStd: Float64Array,
    readonly iterations = 0,
  ) {}

  predict(X: Float64Array, n: number): Float64Array {
    const p = this.coef.length;
    checkPredictInput(this.kind, X, n, p);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = this.intercept;
      for (let j = 0; j < p; j++) s += this.coef[j]! * X[i * p + j]!;
      out[i] = s;
    }
    return out;
  }

  /** |coef_j| × std_j, normalised: the change in prediction from a one-standard-deviation move in feature j. */
  featureImportance(): Float64Array {
    return normalise(this.coef.map((c, j) => Math.abs(c) * this.featureStd[j]!));
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: {
        intercept: this.intercept,
        coef: arr(this.coef),
        featureStd: arr(this.featureStd),
        iterations: this.iterations,
      },
    };
  }

  static fromJSON(json: ModelJSON, kind: string): LinearModel {
    expectKind(json, kind);
    const s = json.state as { intercept: number; coef: number[]; featureStd: number[]; iterations?: number };
    return new LinearModel(
      kind,
      json.params,
      s.intercept,
      f64(s.coef, 'coef'),
      f64(s.featureStd, 'featureStd'),
      s.iterations ?? 0,
    );
  }
}

interface Centred {
  mean: Float64Array;
  std: Float64Array;
  scale: Float64Array | null;
  yMean: number;
  G: Float64Array;
  c: Float64Array;
}

/**
 * Centres (and scales) the design for a fit. With sample weights w, means and standard deviations are weighted
 * and the Gram is XᵀWX (weighted least squares: Σ w_i (y_i − b − x_iβ)² + penalty), scikit-learn's convention.
 */
function centre(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  standardize: boolean,
  w?: Float64Array,
): Centred {
  if (w) {
    const { mean, std } = weightedColumnMoments(X, n, p, w);
    const yMean = weightedMeanOf(y, w);
    const scale = standardize ? std : null;
    const { G, c } = weightedCentredGram(X, y, n, p, mean, scale, yMean, w);
    return { mean, std, scale, yMean, G, c };
  }
  const { mean, std } = columnMoments(X, n, p);
  const yMean = meanOf(y);
  const scale = standardize ? std : null;
  const { G, c } = centredGram(X, y, n, p, mean, scale, yMean);
  return { mean, std, scale, yMean, G, c };
}

/** Maps coefficients fitted on the centred (scaled) design back to the original scale. */
function toOriginal(kind: string, params: unknown, beta: Float64Array, d: Centred, iterations = 0): LinearModel {
  const p = beta.length;
  const coef = new Float64Array(p);
  let intercept = d.yMean;
  for (let j = 0; j < p; j++) {
    coef[j] = d.scale === null ? beta[j]! : beta[j]! / d.scale[j]!;
    intercept -= coef[j]! * d.mean[j]!;
  }
  return new LinearModel(kind, params, intercept, coef, d.std, iterations);
}

// ---------------------------------------------------------------- OLS

export const olsSchema = z.strictObject({});
export type OlsParams = z.infer<typeof olsSchema>;

function fitOls(data: Dataset, ctx: FitContext, params: OlsParams): LinearModel {
  const d = prepareFit(data, ctx, {
    kind: 'ols',
    minRows: data.p + 2,
    constantFeatures: 'error',
    task: 'regression',
    sampleWeights: true,
  });
  const c = centre(d.X, d.y, d.n, d.p, false, d.w);
  const L = Float64Array.from(c.G);
  if (!choleskyInPlace(L, d.p, 1e-10)) {
    throw numericError(
      `ols: XᵀX is singular over ${d.n} rows × ${d.p} features (collinear features); drop the duplicates or use kind "ridge".`,
    );
  }
  return toOriginal('ols', params, choleskySolveVec(L, d.p, c.c), c);
}

export const olsKind: ModelKind<OlsParams> = {
  schema: olsSchema,
  tasks: ['regression'],
  summary: 'ordinary least squares (normal equations, Cholesky)',
  sampleWeights: true,
  create: (params) => makeEstimator('ols', parseParams('ols', olsSchema, params), fitOls),
  fromJSON: (json) => LinearModel.fromJSON(json, 'ols'),
};

// ---------------------------------------------------------------- ridge

export const ridgeSchema = z.strictObject({
  /** Penalty α ≥ 0 on ‖β‖² (scikit-learn's scale: ‖y − Xβ‖² + α‖β‖²). */
  alpha: z.number().min(0).default(1),
  standardize: z.boolean().default(true),
});
export type RidgeParams = z.infer<typeof ridgeSchema>;

function fitRidge(data: Dataset, ctx: FitContext, params: RidgeParams): LinearModel {
  const d = prepareFit(data, ctx, {
    kind: 'ridge',
    minRows: 3,
    constantFeatures: 'error',
    task: 'regression',
    sampleWeights: true,
  });
  const c = centre(d.X, d.y, d.n, d.p, params.standardize, d.w);
  const L = Float64Array.from(c.G);
  for (let j = 0; j < d.p; j++) L[j * d.p + j] = L[j * d.p + j]! + params.alpha;
  if (!choleskyInPlace(L, d.p)) {
    throw numericError(`ridge: XᵀX + αI is not positive definite with alpha=${params.alpha}; use alpha > 0.`);
  }
  return toOriginal('ridge', params, choleskySolveVec(L, d.p, c.c), c);
}

export const ridgeKind: ModelKind<RidgeParams> = {
  schema: ridgeSchema,
  tasks: ['regression'],
  summary: 'ridge regression (closed form)',
  sampleWeights: true,
  create: (params) => makeEstimator('ridge', parseParams('ridge', ridgeSchema, params), fitRidge),
  fromJSON: (json) => LinearModel.fromJSON(json, 'ridge'),
};

// ---------------------------------------------------------------- lasso / elastic net

export const elasticNetSchema = z.strictObject({
  /** Overall penalty α ≥ 0 (objective per sample: 1/(2n)‖y − Xβ‖²). */
  alpha: z.number().min(0).default(0.01),
  /** Share of the penalty on ‖β‖₁ (1 = lasso, 0 = ridge-like). */
  l1Ratio: z.number().min(0).max(1).default(0.5),
  standardize: z.boolean().default(true),
  maxIter: z.int().min(1).default(1000),
  /** Stop when the largest coefficient change in a sweep is below tol × (largest |β| or 1). */
  tol: z.number().positive().default(1e-7),
});
export type ElasticNetParams = z.infer<typeof elasticNetSchema>;
export const lassoSchema = elasticNetSchema.omit({ l1Ratio: true });
export type LassoParams = z.infer<typeof lassoSchema>;

/** Cyclic coordinate descent on the Gram form; pure kernel over p×p G and p-vector c (both of the centred design). */
export function coordinateDescent(
  G: Float64Array,
  c: Float64Array,
  n: number,
  p: number,
  alpha: number,
  l1Ratio: number,
  maxIter: number,
  tol: number,
): { beta: Float64Array; iterations: number } {
  const beta = new Float64Array(p);
  const l1 = alpha * l1Ratio;
  const l2 = alpha * (1 - l1Ratio);
  let it = 0;
  for (; it < maxIter; it++) {
    let maxDelta = 0;
    let maxBeta = 0;
    for (let j = 0; j < p; j++) {
      const gjj = G[j * p + j]! / n;
      let rho = c[j]!;
      for (let k = 0; k < p; k++) if (k !== j) rho -= G[j * p + k]! * beta[k]!;
      rho /= n;
      const z = Math.abs(rho) <= l1 ? 0 : (rho - Math.sign(rho) * l1) / (gjj + l2);
      const delta = Math.abs(z - beta[j]!);
      if (delta > maxDelta) maxDelta = delta;
      if (Math.abs(z) > maxBeta) maxBeta = Math.abs(z);
      beta[j] = z;
    }
    if (maxDelta <= tol * Math.max(1, maxBeta)) {
      it++;
      break;
    }
  }
  return { beta, iterations: it };
}

function fitElasticNetAs(
  kind: string,
  data: Dataset,
  ctx: FitContext,
  params: LassoParams,
  l1Ratio: number,
): LinearModel {
  const d = prepareFit(data, ctx, {
    kind,
    minRows: 3,
    constantFeatures: 'error',
    task: 'regression',
    sampleWeights: true,
  });
  const c = centre(d.X, d.y, d.n, d.p, params.standardize, d.w);
  // Weighted: the per-sample 1/(2n) becomes 1/(2Σw) (scikit-learn rescales weights to sum to n: the same thing).
  const scale = d.w ? d.w.reduce((a, b) => a + b, 0) : d.n;
  const { beta, iterations } = coordinateDescent(
    c.G,
    c.c,
    scale,
    d.p,
    params.alpha,
    l1Ratio,
    params.maxIter,
    params.tol,
  );
  return toOriginal(kind, params, beta, c, iterations);
}

export const lassoKind: ModelKind<LassoParams> = {
  schema: lassoSchema,
  tasks: ['regression'],
  summary: 'lasso (coordinate descent, standardised inside fit)',
  sampleWeights: true,
  create: (params) =>
    makeEstimator('lasso', parseParams('lasso', lassoSchema, params), (data, ctx, p) =>
      fitElasticNetAs('lasso', data, ctx, p, 1),
    ),
  fromJSON: (json) => LinearModel.fromJSON(json, 'lasso'),
};

export const elasticNetKind: ModelKind<ElasticNetParams> = {
  schema: elasticNetSchema,
  tasks: ['regression'],
  summary: 'elastic net (coordinate descent, standardised inside fit)',
  sampleWeights: true,
  create: (params) =>
    makeEstimator('elastic-net', parseParams('elastic-net', elasticNetSchema, params), (data, ctx, p) =>
      fitElasticNetAs('elastic-net', data, ctx, p, p.l1Ratio),
    ),
  fromJSON: (json) => LinearModel.fromJSON(json, 'elastic-net'),
};
