/**
 * Black–Litterman (He & Litterman 1999; PyPortfolioOpt's `BlackLittermanModel` formulas):
 *   posterior μ = π + τΣPᵀ(τPΣPᵀ + Ω)⁻¹(Q − Pπ)
 *   posterior Σ = Σ + τΣ − τΣPᵀ(τPΣPᵀ + Ω)⁻¹PτΣ
 * Ω defaults to diag(τPΣPᵀ); Idzorek confidences c_k ∈ [0, 1] give Ω_kk = τ(1 − c_k)/c_k · P_kΣP_kᵀ (c = 0 → 1e6).
 * Views: absolute ({ GOOG: 0.4 }) and relative ({ long: [GOOG], short: [FB], value: 0.02 }: legs equal-weighted).
 */
import { z } from 'zod';
import { Matrix, dataError, solve } from '../core/index.ts';
import { round } from './constraints.ts';
import { maxSharpe, minVariance } from './mean-variance.ts';
import { makeAllocator, withFallback } from './run.ts';
import { equalWeight, inverseVolatility } from './naive.ts';
import type { Allocator, ReturnDistribution } from './types.ts';

/** δ = (mean(r)·f − rf) / (var(r)·f) for a market's per-period returns r (ddof 1). */
export function marketImpliedRiskAversion(
  marketReturns: ArrayLike<number>,
  options: { frequency?: number; riskFreeRate?: number } = {},
): number {
  const f = options.frequency ?? 252;
  const rf = options.riskFreeRate ?? 0.02;
  let s = 0;
  let c = 0;
  for (let i = 0; i < marketReturns.length; i++)
    if (!Number.isNaN(marketReturns[i]!)) {
      s += marketReturns[i]!;
      c++;
    }
  const m = s / c;
  let v = 0;
  for (let i = 0; i < marketReturns.length; i++)
    if (!Number.isNaN(marketReturns[i]!)) v += (marketReturns[i]! - m) ** 2;
  v /= c - 1;
  return (m * f - rf) / (v * f);
}

/** π = δΣw_mkt + rf with w_mkt = caps/Σcaps. */
export function marketImpliedPriorReturns(
  marketCaps: ArrayLike<number>,
  riskAversion: number,
  cov: Matrix,
  riskFreeRate = 0.02,
): Float64Array {
  const n = cov.rows;
  if (marketCaps.length !== n)
    throw dataError(`market caps have ${marketCaps.length} values but the covariance has ${n} assets.`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!(marketCaps[i]! >= 0)) throw dataError(`market cap ${i} is ${marketCaps[i]}; caps must be ≥ 0.`);
    s += marketCaps[i]!;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += cov.data[i * n + j]! * (marketCaps[j]! / s);
    out[i] = riskAversion * v + riskFreeRate;
  }
  return out;
}

export const viewsSchema = z.strictObject({
  absolute: z.record(z.string(), z.number()).optional(),
  relative: z
    .array(z.strictObject({ long: z.array(z.string()).min(1), short: z.array(z.string()).min(1), value: z.number() }))
    .optional(),
});
export type Views = z.infer<typeof viewsSchema>;

/** Picking matrix P (k × n) and Q (k) from views, absolute views first (in object order), then relative ones. */
export function viewsToPQ(assets: readonly string[], views: Views): { P: Matrix; Q: Float64Array } {
  const n = assets.length;
  const rowsP: Float64Array[] = [];
  const Q: number[] = [];
  const idx = (a: string): number => {
    const i = assets.indexOf(a);
    if (i < 0) throw dataError(`a view names unknown asset "${a}". Use one of: ${assets.slice(0, 10).join(', ')}….`);
    return i;
  };
  for (const [a, v] of Object.entries(views.absolute ?? {})) {
    const r = new Float64Array(n);
    r[idx(a)] = 1;
    rowsP.push(r);
    Q.push(v);
  }
  for (const v of views.relative ?? []) {
    const r = new Float64Array(n);
    for (const a of v.long) r[idx(a)] = r[idx(a)]! + 1 / v.long.length;
    for (const a of v.short) r[idx(a)] = r[idx(a)]! - 1 / v.short.length;
    rowsP.push(r);
    Q.push(v.value);
  }
  if (rowsP.length === 0) throw dataError('Black-Litterman needs at least one view (absolute or relative).');
  return { P: Matrix.fromRows(rowsP), Q: Float64Array.from(Q) };
}

export interface BlackLittermanInput {
  readonly cov: Matrix;
  readonly pi: Float64Array;
  readonly P: Matrix;
  readonly Q: Float64Array;
  readonly tau?: number;
  /** Idzorek confidences, one per view in [0, 1]. */
  readonly confidences?: readonly number[];
  /** Explicit Ω diagonal (overrides the default and the confidences). */
  readonly omegaDiagonal?: Float64Array;
}

export function blackLitterman(input: BlackLittermanInput): { mu: Float64Array; cov: Matrix; omega: Float64Array } {
  const { cov, pi, P, Q } = input;
  const tau = input.tau ?? 0.05;
  if (!(tau > 0)) throw dataError(`tau must be > 0, got ${tau}. Use 0.05.`);
  const n = cov.rows;
  const k = P.rows;
  if (pi.length !== n) throw dataError(`prior has ${pi.length} values but the covariance has ${n} assets.`);
  if (Q.length !== k) throw dataError(`Q has ${Q.length} views but P has ${k} rows.`);
  const SPt = cov.matmul(P.transpose()); // n × k
  const PSPt = P.matmul(SPt); // k × k
  const omega = new Float64Array(k);
  for (let v = 0; v < k; v++) {
    const base = tau * PSPt.get(v, v);
    if (input.omegaDiagonal) omega[v] = input.omegaDiagonal[v]!;
    else if (input.confidences) {
      const c = input.confidences[v];
      if (c === undefined || !(c >= 0 && c <= 1))
        throw dataError(`view confidence ${v} is ${c}; confidences must be in [0, 1], one per view.`);
      omega[v] = c === 0 ? 1e6 : (base * (1 - c)) / c;
    } else omega[v] = base;
  }
  const A = PSPt.scale(tau);
  for (let v = 0; v < k; v++) A.set(v, v, A.get(v, v) + omega[v]!);
  const resid = new Float64Array(k);
  const Ppi = P.mulVec(pi);
  for (let v = 0; v < k; v++) resid[v] = Q[v]! - Ppi[v]!;
  const z = solve(A, resid);
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let v = 0; v < k; v++) s += SPt.get(i, v) * z[v]!;
    mu[i] = pi[i]! + tau * s;
  }
  // posterior cov = Σ + τΣ − τ²ΣPᵀA⁻¹PΣ
  const post = new Matrix(n, n);
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(k);
    for (let v = 0; v < k; v++) col[v] = SPt.get(j, v);
    cols.push(solve(A, col));
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let v = 0; v < k; v++) s += SPt.get(i, v) * cols[j]![v]!;
      post.data[i * n + j] = (1 + tau) * cov.data[i * n + j]! - tau * tau * s;
    }
  }
  return { mu, cov: post, omega };
}

/** PyPortfolioOpt `bl_weights`: w ∝ (δΣ)⁻¹μ_post (prior Σ), normalised to sum 1 (may be long/short). */
export function blWeights(cov: Matrix, muPosterior: Float64Array, riskAversion = 1): Float64Array {
  const raw = solve(cov.scale(riskAversion), muPosterior);
  let s = 0;
  for (const v of raw) s += v;
  if (!(Math.abs(s) > 1e-12))
    throw dataError(
      `Black-Litterman raw weights sum to ${round(s)}, so they cannot be normalised. Use weights: max-sharpe.`,
    );
  return raw.map((v) => v / s);
}

export const blackLittermanParamsSchema = z
  .strictObject({
    /** Prior: 'market' (needs marketCaps), 'equal' (1/N returns), 'zero', or 'mu' (the distribution's μ). */
    prior: z.enum(['market', 'equal', 'zero', 'mu']).default('mu'),
    marketCaps: z.record(z.string(), z.number().nonnegative()).optional(),
    riskAversion: z.number().positive().default(1),
    tau: z.number().positive().default(0.05),
    /** Views; omit and set forecastViews to use the distribution's μ as views with Ω = diag(forecastVariance). */
    views: viewsSchema.optional(),
    /**
     * Treat the distribution's μ as one absolute view per asset whose uncertainty is `forecastVariance` (Ω diagonal):
     * confident forecasts move the posterior, noisy ones stay near the prior. Needs prior ≠ 'mu'.
     */
    forecastViews: z.boolean().default(false),
    confidences: z.array(z.number().min(0).max(1)).optional(),
    /** How to turn the posterior into weights. */
    weights: z.enum(['bl-weights', 'max-sharpe', 'min-variance']).default('max-sharpe'),
  })
  // What the study itself shows to be unusable is refused here, once, instead of falling back at every decision.
  .superRefine((p, ctx) => {
    const nViews = Object.keys(p.views?.absolute ?? {}).length + (p.views?.relative?.length ?? 0);
    if (!p.forecastViews && nViews === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['views'],
        message:
          'black-litterman needs views: give views: { absolute: { ASSET: 0.08 } } (annual expected returns) and/or relative: [{ long: [A], short: [B], value: 0.02 }], or forecastViews: true where forecasts exist',
      });
    if (p.prior === 'market' && p.marketCaps === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['marketCaps'],
        message:
          'prior: market needs marketCaps (asset → capitalisation), e.g. marketCaps: { EQ_BROAD: 40, BOND_LONG: 25 }',
      });
    if (p.confidences !== undefined && !p.forecastViews && nViews > 0 && p.confidences.length !== nViews)
      ctx.addIssue({
        code: 'custom',
        path: ['confidences'],
        message: `confidences has ${p.confidences.length} values but there are ${nViews} views; give one confidence in [0, 1] per view (absolute views first, then relative)`,
      });
  });
export type BlackLittermanParams = z.infer<typeof blackLittermanParamsSchema>;

/** Posterior distribution from a prior distribution and params. */
export function posteriorDistribution(dist: ReturnDistribution, p: BlackLittermanParams): ReturnDistribution {
  const n = dist.assets.length;
  const rf = dist.riskFreeRate ?? 0.02;
  let pi: Float64Array;
  if (p.prior === 'market') {
    if (!p.marketCaps) throw dataError('prior: market needs marketCaps (asset → capitalisation).');
    const caps = dist.assets.map((a) => {
      const v = p.marketCaps![a];
      if (v === undefined) throw dataError(`marketCaps has no entry for ${a}. Give every asset a cap (0 is allowed).`);
      return v;
    });
    pi = marketImpliedPriorReturns(caps, p.riskAversion, dist.cov, rf);
  } else if (p.prior === 'equal') pi = new Float64Array(n).fill(1 / n);
  else if (p.prior === 'zero') pi = new Float64Array(n);
  else pi = Float64Array.from(dist.mu);
  if (p.forecastViews) {
    if (p.prior === 'mu')
      throw dataError(
        "forecastViews needs a prior other than 'mu' (the forecasts are the views). Use prior: market, equal or zero.",
      );
    const fv = dist.forecastVariance;
    if (!fv || fv.length !== n)
      throw dataError('forecastViews needs forecastVariance (one variance per asset) in the return distribution.');
    for (let i = 0; i < n; i++)
      if (!(fv[i]! > 0)) throw dataError(`forecast variance of ${dist.assets[i]} is ${fv[i]}; variances must be > 0.`);
    const post = blackLitterman({
      cov: dist.cov,
      pi,
      P: Matrix.identity(n),
      Q: Float64Array.from(dist.mu),
      tau: p.tau,
      omegaDiagonal: Float64Array.from(fv),
    });
    return { ...dist, mu: post.mu, cov: post.cov };
  }
  if (!p.views) throw dataError('Black-Litterman needs views (absolute or relative) or forecastViews: true.');
  const { P, Q } = viewsToPQ(dist.assets, p.views);
  const post = blackLitterman({
    cov: dist.cov,
    pi,
    P,
    Q,
    tau: p.tau,
    ...(p.confidences ? { confidences: p.confidences } : {}),
  });
  return { ...dist, mu: post.mu, cov: post.cov };
}

export function blackLittermanAllocator(p: BlackLittermanParams): Allocator {
  const first = makeAllocator('black-litterman', (dist, c) => {
    const post = posteriorDistribution(dist, p);
    if (p.weights === 'bl-weights') return blWeights(dist.cov, post.mu, p.riskAversion);
    if (p.weights === 'min-variance') return minVariance(post, c);
    return maxSharpe(post, c);
  });
  return withFallback([
    first,
    makeAllocator('min-variance', (d, c) => minVariance(d, c)),
    makeAllocator('inverse-volatility', inverseVolatility),
    makeAllocator('equal-weight', equalWeight),
  ]);
}
