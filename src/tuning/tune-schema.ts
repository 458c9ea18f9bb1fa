/**
 * The study file's `tune:` section, read by `keel tune` (and ignored by `keel run`):
 *
 *   tune:
 *     trials: 50
 *     sampler: tpe            # tpe | random | grid
 *     seed: 7                 # optional; defaults to the study seed when wired
 *     validation: { start: 2015-01-02, end: 2016-06-30 }   # must end before backtest.start
 *     folds: 2                # contiguous sub-periods of the validation period; objective = their mean
 *     seeds: 1                # and on this many consecutive study seeds (synthetic markets): mean over all
 *     space:                  # parameter names are study paths: strategies.NAME.… or strategies[0].…
 *       lookback: { kind: int, low: 21, high: 252, step: 21 }
 *       lr: { kind: float, low: 0.0001, high: 0.1, log: true }
 *       model: { kind: categorical, choices: [ridge, forest] }
 *     objective: { metric: sharpe, direction: maximize, strategy: core-linear }
 *
 * Everything that can be known from the section itself is refused here, one line per problem (bad bounds, a grid
 * smaller than `trials`).
 */
import * as z from 'zod';
import { gridSize, MAX_GRID_POINTS } from './samplers.ts';
import { spaceProblems } from './space.ts';
import type { SearchSpace } from './space.ts';

const bound = z.number().refine(Number.isFinite, { error: 'expected a finite number' });

export const paramSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('float'),
    low: bound.describe('smallest value'),
    high: bound.describe('largest value'),
    log: z.boolean().optional().describe('search in log scale (needs low > 0)'),
  }),
  z.strictObject({
    kind: z.literal('int'),
    low: z.int().describe('smallest value'),
    high: z.int().describe('largest value'),
    log: z.boolean().optional().describe('search in log scale (needs low ≥ 1, step 1)'),
    step: z.int().min(1).optional().describe('spacing of the values (default 1; must divide high − low)'),
  }),
  z.strictObject({
    kind: z.literal('categorical'),
    choices: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .describe('the values to choose from'),
  }),
]);

export const tuneSectionSchema = z
  .strictObject({
    trials: z.int().min(1).max(100_000).describe('number of trials'),
    sampler: z.enum(['tpe', 'random', 'grid']).default('tpe').describe('tpe (default), random or grid'),
    seed: z.int().min(0).max(0xffffffff).optional().describe('sampler seed (default: the study seed)'),
    gridPoints: z.int().min(1).max(1000).default(5).describe('grid sampler: points per float parameter'),
    space: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.\[\]-]*$/), paramSpecSchema)
      .describe('parameters to search, by study path: strategies.NAME.model.alpha or strategies[0].window'),
    validation: z
      .strictObject({
        start: z.iso.date().describe('first decision date of the validation period'),
        end: z.iso.date().describe('last date of the validation period (before backtest.start)'),
      })
      .describe('the period every trial is scored on; it must end before backtest.start'),
    folds: z.int().min(1).max(12).default(1).describe('contiguous sub-periods of validation; objective = their mean'),
    seeds: z
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe(
        'score every trial on the validation period of this many consecutive study seeds (the study seed first); objective = the mean over seeds and folds',
      ),
    objective: z
      .strictObject({
        metric: z
          .enum(['sharpe', 'ic', 'deflatedSharpe', 'informationRatioVsEqualWeight'])
          .describe(
            'sharpe (after costs), ic (mean forecast IC, ml-forecast), deflatedSharpe, or informationRatioVsEqualWeight (ml-forecast: annualised IR of the daily return over 1/N at the same volatility target)',
          ),
        direction: z.enum(['maximize', 'minimize']).describe('maximize or minimize'),
        strategy: z.string().min(1).describe('name of the strategy whose metric is read'),
      })
      .describe('what a trial is scored by'),
  })
  .superRefine((t, ctx) => {
    for (const p of spaceProblems(t.space as SearchSpace))
      ctx.addIssue({ code: 'custom', message: p, path: ['space'] });
    if (t.sampler === 'grid' && spaceProblems(t.space as SearchSpace).length === 0) {
      const n = gridSize(t.space as SearchSpace, t.gridPoints);
      if (n > MAX_GRID_POINTS)
        ctx.addIssue({
          code: 'custom',
          path: ['sampler'],
          message: `the grid has ${n} points, more than ${MAX_GRID_POINTS}; lower gridPoints or int ranges, or use sampler: tpe`,
        });
      else if (t.trials > n)
        ctx.addIssue({
          code: 'custom',
          path: ['trials'],
          message: `trials ${t.trials} exceeds the grid's ${n} points; use trials: ${n}, raise gridPoints, or use sampler: tpe`,
        });
    }
  });

export type TuneSection = z.output<typeof tuneSectionSchema>;
export type TuneSectionInput = z.input<typeof tuneSectionSchema>;
