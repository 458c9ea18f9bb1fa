/**
 * `allocatorKinds`: kind → { schema (zod strictObject of params), create(params) → Allocator }. Optimising kinds
 * take `fallback` (a list of kinds tried in order when they fail; default min-variance → inverse-volatility →
 * equal-weight, `[]` to fail instead) and record the trail in the returned `Allocation`.
 */
import { z } from 'zod';
import { configError } from '../core/index.ts';
import { herc, hrp } from './cluster/hrp.ts';
import { nco } from './cluster/nco.ts';
import {
  efficientReturn,
  efficientRisk,
  maxQuadraticUtility,
  maxSharpe,
  minVariance,
  withPortfolioCaps,
} from './mean-variance.ts';
import { equalWeight, fixedMix, forecastProportional, inverseVolatility, volatilityTarget } from './naive.ts';
import { riskBudgeting } from './risk-parity.ts';
import { makeAllocator, withFallback, type AllocatorOptions, type WeightFunction } from './run.ts';
import type { Allocator } from './types.ts';
import type { SolverConstraints } from './constraints.ts';
import { withCvarCaps } from './cvar-cap.ts';
import { minCvar } from './cvar.ts';
import { efficientSemivariance } from './semivariance.ts';
import { minCdarSolve } from './cdar.ts';
import { blackLittermanAllocator, blackLittermanParamsSchema } from './black-litterman.ts';

const linkageMethod = z.enum(['single', 'average', 'complete', 'ward']);
const fallback = z.array(z.string()).optional();

const base = {
  'equal-weight': { schema: z.strictObject({}), fn: (): WeightFunction => equalWeight },
  'inverse-volatility': { schema: z.strictObject({}), fn: (): WeightFunction => inverseVolatility },
  'min-variance': {
    schema: z.strictObject({ fallback }),
    fn: (): WeightFunction => withPortfolioCaps((d, c) => minVariance(d, c), 'min-variance'),
  },
} as const;

const DEFAULT_CHAIN = ['min-variance', 'inverse-volatility', 'equal-weight'];

type Made = ReturnType<typeof makeAllocator>;

function simple(kind: keyof typeof base): Made {
  return makeAllocator(kind, base[kind].fn());
}

/** A historical maxVaR as the CVaR cap at the same level and value: convex, and it implies the VaR cap (VaR ≤ CVaR). */
function varAsCvar(c: SolverConstraints): SolverConstraints {
  const { maxVaR, ...rest } = c;
  return maxVaR ? { ...rest, cvarCaps: [...(c.cvarCaps ?? []), { level: maxVaR.level, max: maxVaR.max }] } : c;
}

/**
 * Build kind's allocator with its fallback chain (links after the first use their default params). `cvarCaps`:
 * the method optimises CVaR caps, so under a historical maxVaR (not convex, never optimised) the chain first tries
 * the same method under the CVaR cap that implies it; the trail (and the run's allocator-fallback finding) says so.
 */
function withChain(
  kind: string,
  fn: WeightFunction,
  chainKinds: readonly string[] | undefined,
  options: AllocatorOptions = {},
  cvarCaps = false,
): Allocator {
  const first = makeAllocator(kind, fn, options);
  const bound = cvarCaps
    ? [
        makeAllocator(`${kind} under CVaR ≤ maxVaR`, (d, c) => fn(d, varAsCvar(c)), {
          ...options,
          appliesTo: (c) => c.maxVaR?.method === 'historical',
        }),
      ]
    : [];
  const rest = (chainKinds ?? DEFAULT_CHAIN)
    .filter((k) => k !== kind)
    .map((k) => {
      if (k === 'min-cvar')
        return makeAllocator('min-cvar', (d, c) => minCvar(d, { beta: c.maxCVaR?.level ?? 0.95 }, c));
      if (!(k in base)) {
        throw configError(`fallback kind "${k}" must be one of min-cvar, ${Object.keys(base).join(', ')}.`);
      }
      return simple(k as keyof typeof base);
    });
  return rest.length + bound.length === 0 ? first : withFallback([first, ...bound, ...rest]);
}

const msSchema = z.strictObject({ fallback });
const mquSchema = z.strictObject({ riskAversion: z.number().positive().default(1), fallback });
const erSchema = z.strictObject({ targetVolatility: z.number().positive(), fallback });
const eretSchema = z.strictObject({ targetReturn: z.number(), fallback });
const rbSchema = z.strictObject({ budgets: z.record(z.string(), z.number().positive()).optional(), fallback });
const hrpSchema = z.strictObject({
  linkage: linkageMethod.default('single'),
  /**
   * Leaves in SciPy's optimal leaf order (Riskfolio-Lib's default) instead of the quasi-diagonal order. Default false:
   * López de Prado's HRP as published and as PyPortfolioOpt computes it, so existing studies keep their weights.
   */
  optimalOrdering: z.boolean().default(false),
});
const seed = z.number().int().min(0).default(0);
const hercSchema = z.strictObject({
  linkage: linkageMethod.default('ward'),
  /** Number of clusters, or 'gap' (Tibshirani et al. 2001 gap statistic, as Raffinot 2018). */
  clusters: z.union([z.number().int().min(1), z.literal('gap')]).default('gap'),
  /** Risk split between the sides of each top split, and naive risk parity inside clusters (1/σ² or 1/σ). */
  riskMeasure: z.enum(['variance', 'volatility']).default('variance'),
  /** Gap statistic: largest k tried, number of uniform reference sets, their seed. */
  maxClusters: z.number().int().min(1).default(10),
  references: z.number().int().min(2).default(20),
  seed,
});
const ncoSchema = z.strictObject({
  objective: z.enum(['min-variance', 'max-sharpe']).default('min-variance'),
  /** k-means on the correlation distance (the book) or the dendrogram cut. */
  clustering: z.enum(['kmeans', 'hierarchical']).default('kmeans'),
  /** Number of clusters, or 'auto' (silhouette for k-means, gap statistic for hierarchical). */
  clusters: z.union([z.number().int().min(1), z.literal('auto')]).default('auto'),
  /** Largest k tried by 'auto' (default ⌊n/2⌋ for k-means as in the book, 10 for hierarchical). */
  maxClusters: z.number().int().min(1).optional(),
  /** k-means restarts (the book's n_init). */
  restarts: z.number().int().min(1).default(10),
  linkage: linkageMethod.default('ward'),
  seed,
  fallback,
});
const mixSchema = z.strictObject({ weights: z.record(z.string(), z.number()) });
const fpSchema = z.strictObject({ mode: z.enum(['long-only', 'long-short']).default('long-only'), fallback });
const vtSchema = z.strictObject({
  targetVolatility: z.number().positive().default(0.1),
  leverageCap: z.number().positive().default(1),
  base: z
    .enum(['equal-weight', 'inverse-volatility', 'min-variance', 'risk-parity', 'hrp'])
    .default('inverse-volatility'),
});
const cvarSchema = z.strictObject({
  beta: z.number().gt(0).lt(1).default(0.95),
  targetReturn: z.number().optional(),
  fallback,
});

const cdarSchema = z.strictObject({ beta: z.number().gt(0).lt(1).default(0.95), fallback });

const semiSchema = z.strictObject({
  targetReturn: z.number().optional(),
  /** Maximise return with annualised semideviation ≤ this (instead of targetReturn). */
  targetSemideviation: z.number().positive().optional(),
  benchmark: z.number().default(0),
  frequency: z.number().positive().default(252),
  fallback,
});

/** Max return with historical CVaR(level) ≤ maxCVaR (per scenario period); or the constraints' maxCVaR. */
const effCvarSchema = z.strictObject({
  level: z.number().gt(0).lt(1).default(0.95),
  maxCVaR: z.number().positive().optional(),
  fallback,
});

const baseFn = (k: z.infer<typeof vtSchema>['base']): WeightFunction => {
  if (k === 'risk-parity') return (d) => riskBudgeting(d);
  if (k === 'hrp') return (d) => hrp(d.cov, { assets: d.assets }).weights;
  return base[k].fn();
};

export const allocatorKinds = {
  'equal-weight': {
    schema: base['equal-weight'].schema,
    create: (_p: z.input<(typeof base)['equal-weight']['schema']> = {}): Allocator => simple('equal-weight'),
  },
  'inverse-volatility': {
    schema: base['inverse-volatility'].schema,
    create: (_p: object = {}): Allocator => simple('inverse-volatility'),
  },
  'fixed-mix': {
    schema: mixSchema,
    create: (p: z.input<typeof mixSchema>): Allocator =>
      makeAllocator('fixed-mix', fixedMix(mixSchema.parse(p).weights)),
  },
  'min-variance': {
    schema: base['min-variance'].schema,
    create: (p: z.input<(typeof base)['min-variance']['schema']> = {}): Allocator =>
      withChain(
        'min-variance',
        base['min-variance'].fn(),
        p.fallback ?? ['inverse-volatility', 'equal-weight'],
        {},
        true,
      ),
  },
  'max-sharpe': {
    schema: msSchema,
    create: (p: z.input<typeof msSchema> = {}): Allocator =>
      withChain(
        'max-sharpe',
        withPortfolioCaps((d, c) => maxSharpe(d, c), 'return-seeking'),
        p.fallback,
        {},
        true,
      ),
  },
  'max-quadratic-utility': {
    schema: mquSchema,
    create: (p: z.input<typeof mquSchema> = {}): Allocator => {
      const o = mquSchema.parse(p);
      return withChain(
        'max-quadratic-utility',
        withPortfolioCaps((d, c) => maxQuadraticUtility(d, o.riskAversion, c), 'return-seeking'),
        o.fallback,
        {},
        true,
      );
    },
  },
  'efficient-risk': {
    schema: erSchema,
    create: (p: z.input<typeof erSchema>): Allocator => {
      const o = erSchema.parse(p);
      return withChain(
        'efficient-risk',
        withPortfolioCaps((d, c) => efficientRisk(d, o.targetVolatility, c), 'return-seeking'),
        o.fallback,
        {},
        true,
      );
    },
  },
  'efficient-return': {
    schema: eretSchema,
    create: (p: z.input<typeof eretSchema>): Allocator => {
      const o = eretSchema.parse(p);
      return withChain(
        'efficient-return',
        withPortfolioCaps((d, c) => efficientReturn(d, o.targetReturn, c), 'min-variance'),
        o.fallback,
        {},
        true,
      );
    },
  },
  'risk-parity': {
    schema: rbSchema,
    create: (p: z.input<typeof rbSchema> = {}): Allocator => {
      const o = rbSchema.parse(p);
      const fn: WeightFunction = (d) =>
        riskBudgeting(d, o.budgets ? d.assets.map((a) => o.budgets![a] ?? Number.NaN) : undefined);
      return withChain('risk-parity', fn, o.fallback ?? ['inverse-volatility', 'equal-weight']);
    },
  },
  hrp: {
    schema: hrpSchema,
    create: (p: z.input<typeof hrpSchema> = {}): Allocator => {
      const o = hrpSchema.parse(p);
      return makeAllocator(
        'hrp',
        (d) => hrp(d.cov, { linkage: o.linkage, optimalOrdering: o.optimalOrdering, assets: d.assets }).weights,
      );
    },
  },
  herc: {
    schema: hercSchema,
    create: (p: z.input<typeof hercSchema> = {}): Allocator => {
      const o = hercSchema.parse(p);
      let k = 0;
      const fn: WeightFunction = (d) => {
        const r = herc(d.cov, {
          linkage: o.linkage,
          clusters: o.clusters,
          riskMeasure: o.riskMeasure,
          gap: { maxClusters: o.maxClusters, references: o.references, seed: o.seed },
          assets: d.assets,
        });
        k = r.k;
        return r.weights;
      };
      return makeAllocator('herc', fn, { extraDiagnostics: () => ({ clusters: k }) });
    },
  },
  /** Nested clustered optimisation (López de Prado 2019), long-only. */
  nco: {
    schema: ncoSchema,
    create: (p: z.input<typeof ncoSchema> = {}): Allocator => {
      const o = ncoSchema.parse(p);
      let k = 0;
      const fn: WeightFunction = (d) => {
        const r = nco(d, {
          objective: o.objective,
          clustering: o.clustering,
          clusters: o.clusters,
          restarts: o.restarts,
          linkage: o.linkage,
          seed: o.seed,
          ...(o.maxClusters === undefined ? {} : { maxClusters: o.maxClusters }),
        });
        k = r.k;
        return r.weights;
      };
      return withChain('nco', fn, o.fallback, { extraDiagnostics: () => ({ clusters: k }) });
    },
  },
  'forecast-proportional': {
    schema: fpSchema,
    create: (p: z.input<typeof fpSchema> = {}): Allocator => {
      const o = fpSchema.parse(p);
      // long-short weights sum to the net exposure, not 1: cash (or borrowing) holds the rest.
      return withChain(
        'forecast-proportional',
        forecastProportional(o.mode),
        o.fallback ?? ['inverse-volatility', 'equal-weight'],
        { allowCash: o.mode === 'long-short' },
      );
    },
  },
  'volatility-target': {
    schema: vtSchema,
    create: (p: z.input<typeof vtSchema> = {}): Allocator => {
      const o = vtSchema.parse(p);
      return makeAllocator('volatility-target', volatilityTarget(baseFn(o.base), o.targetVolatility, o.leverageCap), {
        allowCash: true,
      });
    },
  },
  'min-cvar': {
    schema: cvarSchema,
    create: (p: z.input<typeof cvarSchema> = {}): Allocator => {
      const o = cvarSchema.parse(p);
      return withChain(
        'min-cvar',
        (d, c) =>
          minCvar(d, { beta: o.beta, ...(o.targetReturn === undefined ? {} : { targetReturn: o.targetReturn }) }, c),
        o.fallback,
        {},
        true,
      );
    },
  },
  'efficient-cvar': {
    schema: effCvarSchema,
    create: (p: z.input<typeof effCvarSchema>): Allocator => {
      const o = effCvarSchema.parse(p);
      const fn: WeightFunction = (d, c) =>
        minCvar(
          d,
          { objective: 'max-return' },
          o.maxCVaR === undefined ? c : { ...c, maxCVaR: { level: o.level, max: o.maxCVaR } },
        );
      return withChain(
        'efficient-cvar',
        fn,
        o.fallback ?? ['min-cvar', 'min-variance', 'inverse-volatility', 'equal-weight'],
        {},
        true,
      );
    },
  },
  'min-cdar': {
    schema: cdarSchema,
    create: (p: z.input<typeof cdarSchema> = {}): Allocator => {
      const o = cdarSchema.parse(p);
      return withChain('min-cdar', (d, c) => minCdarSolve(d, { beta: o.beta }, c).weights, o.fallback, {}, true);
    },
  },
  /** Mean–semivariance (exact, via fixed-point on the downside set); minimum semivariance without targetReturn. */
  semivariance: {
    schema: semiSchema,
    create: (p: z.input<typeof semiSchema> = {}): Allocator => {
      const o = semiSchema.parse(p);
      const opts = {
        benchmark: o.benchmark,
        frequency: o.frequency,
        ...(o.targetReturn === undefined ? {} : { targetReturn: o.targetReturn }),
        ...(o.targetSemideviation === undefined ? {} : { targetSemideviation: o.targetSemideviation }),
      };
      // CVaR caps by cutting planes around the whole semivariance iteration (its QPs carry the cuts)
      const fn = withCvarCaps((d, c) => efficientSemivariance(d, opts, c));
      return withChain('semivariance', fn, o.fallback, {}, true);
    },
  },
  'black-litterman': {
    schema: blackLittermanParamsSchema,
    create: (p: z.input<typeof blackLittermanParamsSchema>): Allocator =>
      blackLittermanAllocator(blackLittermanParamsSchema.parse(p)),
  },
} as const;

export type AllocatorKind = keyof typeof allocatorKinds;
