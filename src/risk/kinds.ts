/**
 * Registry tables for the study file: kind → { schema (zod strictObject of params), create(params) }.
 * Risk models return a `CovarianceEstimate` (annualised, PSD-repaired and reported when needed);
 * expected-return kinds return one annualised value per asset.
 */
import { z } from 'zod';
import { repairCovariance, expCov, sampleCov, semicovariance, type CovarianceEstimate } from './covariance.ts';
import { capmReturn, emaHistoricalReturn, meanHistoricalReturn } from './expected-returns.ts';
import type { ReturnsTable } from './returns.ts';
import { ledoitWolf, oas } from './shrinkage.ts';

const frequency = z.number().positive().default(252);

export interface RiskModel {
  estimate(returns: ReturnsTable): CovarianceEstimate;
}
export interface ExpectedReturnModel {
  estimate(returns: ReturnsTable): Float64Array;
}

const repaired = (m: CovarianceEstimate): CovarianceEstimate => {
  const r = repairCovariance(m.matrix);
  return r.repaired ? { ...m, ...r } : m;
};

const sampleSchema = z.strictObject({ frequency });
const expSchema = z.strictObject({ frequency, span: z.number().min(1).default(180) });
const semiSchema = z.strictObject({ frequency, benchmark: z.number().default(0) });
const lwSchema = z.strictObject({
  frequency,
  target: z.enum(['constant-variance', 'single-factor', 'constant-correlation']).default('constant-variance'),
});
const oasSchema = z.strictObject({ frequency });

export const riskModelKinds = {
  sample: {
    schema: sampleSchema,
    create: (p: z.input<typeof sampleSchema>): RiskModel => {
      const o = sampleSchema.parse(p);
      return { estimate: (r) => repaired({ matrix: sampleCov(r, o), repaired: false }) };
    },
  },
  'exp-cov': {
    schema: expSchema,
    create: (p: z.input<typeof expSchema>): RiskModel => {
      const o = expSchema.parse(p);
      return { estimate: (r) => repaired({ matrix: expCov(r, o), repaired: false }) };
    },
  },
  semicovariance: {
    schema: semiSchema,
    create: (p: z.input<typeof semiSchema>): RiskModel => {
      const o = semiSchema.parse(p);
      return { estimate: (r) => repaired({ matrix: semicovariance(r, o), repaired: false }) };
    },
  },
  'ledoit-wolf': {
    schema: lwSchema,
    create: (p: z.input<typeof lwSchema>): RiskModel => {
      const o = lwSchema.parse(p);
      return { estimate: (r) => repaired(ledoitWolf(r, o)) };
    },
  },
  oas: {
    schema: oasSchema,
    create: (p: z.input<typeof oasSchema>): RiskModel => {
      const o = oasSchema.parse(p);
      return { estimate: (r) => repaired(oas(r, o)) };
    },
  },
} as const;

const meanSchema = z.strictObject({ frequency, compounding: z.boolean().default(true) });
const emaSchema = z.strictObject({
  frequency,
  compounding: z.boolean().default(true),
  span: z.number().min(1).default(500),
});
const capmSchema = z.strictObject({
  frequency,
  compounding: z.boolean().default(true),
  riskFreeRate: z.number().default(0.02),
});

export const expectedReturnKinds = {
  /** Geometric (CAGR) by default, PyPortfolioOpt's `mean_historical_return`. */
  mean: {
    schema: meanSchema,
    create: (p: z.input<typeof meanSchema>): ExpectedReturnModel => {
      const o = meanSchema.parse(p);
      return { estimate: (r) => meanHistoricalReturn(r, o) };
    },
  },
  ema: {
    schema: emaSchema,
    create: (p: z.input<typeof emaSchema>): ExpectedReturnModel => {
      const o = emaSchema.parse(p);
      return { estimate: (r) => emaHistoricalReturn(r, o) };
    },
  },
  capm: {
    schema: capmSchema,
    create: (p: z.input<typeof capmSchema>): ExpectedReturnModel => {
      const o = capmSchema.parse(p);
      return { estimate: (r) => capmReturn(r, o) };
    },
  },
} as const;
