/**
 * The study file's schema: one zod v4 schema composed from the stages' kind tables (see kinds.ts), validated once at
 * the edge. Every object is strict (unknown keys are errors); defaults are filled in, and the resolved study is
 * what the runner executes and writes to `runs/<id>/study.resolved.json`. Documented in docs/study-files.md.
 */
import * as z from 'zod';
import { kindSchema } from './kind-table.ts';
import type { KindTable } from './kind-table.ts';
import { strategyProblems } from './strategy-checks.ts';
import {
  allocatorKinds,
  costModelKinds,
  covarianceKinds,
  expectedReturnKinds,
  featureKinds,
  backtestSettingsSchema,
  missingPolicySchema,
  modelKinds,
  strategyKinds,
  synthMarketSchema,
} from './kinds.ts';

/** The kind tables a study schema is composed from (kinds.ts supplies the real ones). */
export interface StudyKindTables {
  readonly featureKinds: KindTable;
  readonly modelKinds: KindTable;
  readonly expectedReturnKinds: KindTable;
  readonly covarianceKinds: KindTable;
  readonly allocatorKinds: KindTable;
  readonly costModelKinds: KindTable;
  readonly strategyKinds: KindTable;
}

export const defaultKindTables: StudyKindTables = {
  featureKinds,
  modelKinds,
  expectedReturnKinds,
  covarianceKinds,
  allocatorKinds,
  costModelKinds,
  strategyKinds,
};

const isoDate = z.iso.date();

/** A study name doubles as part of the run id and a folder name, so it is kept filesystem-safe. */
const studyName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: (iss) =>
      `expected a name of letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit), got ${JSON.stringify(iss.input)}`,
  })
  .describe('study name; part of the run id');

const missing = missingPolicySchema
  .default({ policy: 'error' })
  .describe('missing-data policy (default: error = refuse)');

/** Fields every data source shares. */
const dataCommon = {
  missing,
  universe: z.array(z.string().min(1)).min(1).optional().describe('asset ids to keep (default: all)'),
  start: isoDate.optional().describe('first date to keep'),
  end: isoDate.optional().describe('last date to keep'),
};

const fileLayout = z
  .enum(['wide', 'long'])
  .default('wide')
  .describe('wide: date + one column per asset; long: date, asset, field, value');

export const dataSchema = z
  .discriminatedUnion('source', [
    z.strictObject({
      source: z.literal('synthetic'),
      market: synthMarketSchema.default(synthMarketSchema.parse({})).describe('synthetic market parameters'),
      ...dataCommon,
    }),
    z.strictObject({
      source: z.literal('csv'),
      path: z.string().min(1).describe('CSV file (optionally .gz), relative to the study file'),
      layout: fileLayout,
      ...dataCommon,
    }),
    z.strictObject({
      source: z.literal('french'),
      path: z.string().min(1).describe('Kenneth French data-library CSV (percent returns), relative to the study file'),
      section: z.string().min(1).default('monthly').describe('section title (substring) or monthly / annual / daily'),
      factors: z
        .strictObject({
          path: z.string().min(1).describe('factor file, e.g. F-F_Research_Data_5_Factors_2x3.csv'),
          excessOver: z.string().min(1).describe('risk-free column subtracted from every asset, e.g. RF'),
          include: z.array(z.string().min(1)).default([]).describe('factor columns added as assets, e.g. [Mkt-RF]'),
        })
        .optional()
        .describe('turn returns into excess returns (DeMiguel, Garlappi & Uppal style)'),
      ...dataCommon,
    }),
    z.strictObject({
      source: z.literal('parquet'),
      path: z.string().min(1).describe('Parquet file, relative to the study file'),
      layout: fileLayout,
      ...dataCommon,
    }),
  ])
  .describe('where the market data comes from');

const reportSchema = z
  .strictObject({
    title: z.string().min(1).optional(),
    html: z.boolean().default(true).describe('write report.html'),
    periodsPerYear: z
      .int()
      .min(1)
      .max(366)
      .optional()
      .describe('annualisation factor (default: inferred from the dates: 252 daily, 52 weekly, 12 monthly …)'),
  })
  .describe('what the run writes besides metrics.json');

/**
 * The study schema composed from `tables`. Tests compose it from made-up tables; everything else uses
 * `studySchema`, built from the real tables in kinds.ts.
 */
export function createStudySchema(tables: StudyKindTables = defaultKindTables) {
  const {
    featureKinds,
    modelKinds,
    expectedReturnKinds,
    covarianceKinds,
    allocatorKinds,
    costModelKinds,
    strategyKinds,
  } = tables;
  const riskSchema = z
    .strictObject({
      expectedReturns: kindSchema(expectedReturnKinds, 'expected-return estimator').optional(),
      covariance: kindSchema(covarianceKinds, 'covariance estimator').optional(),
    })
    .describe('expected-return and covariance estimators');

  // The backtest engineer's settings (backtest/options.ts) plus `costs`, composed from the cost-model table.
  const backtestSchema = backtestSettingsSchema
    .safeExtend({
      costs: kindSchema(costModelKinds, 'cost model').describe(
        'cost model; zero cost is { kind: none }, chosen explicitly',
      ),
    })
    .describe('walk-forward backtest settings');

  const strategy = kindSchema(strategyKinds, 'strategy', {
    common: { name: z.string().min(1).optional().describe('label in reports (default: the kind)') },
  });

  return z
    .strictObject({
      $schema: z.string().optional().describe('editor hint, ignored'),
      name: studyName,
      description: z.string().optional(),
      seed: z
        .int()
        .min(0)
        .max(2 ** 32 - 1)
        .default(42)
        .describe('master seed; every random stream forks from it'),
      data: dataSchema,
      features: z.array(kindSchema(featureKinds, 'feature')).default([]),
      model: kindSchema(modelKinds, 'model').optional(),
      risk: riskSchema.optional(),
      allocation: kindSchema(allocatorKinds, 'allocator').optional(),
      backtest: backtestSchema.optional(),
      strategies: z.array(strategy).default([]),
      baselines: z.array(strategy).optional().describe('default: equal-weight and a 60/40-style mix, when available'),
      report: reportSchema.default(reportSchema.parse({})),
    })
    .superRefine((study, ctx) => {
      for (const [section, range] of [
        ['data', study.data],
        ['backtest', study.backtest],
      ] as const) {
        if (range?.start !== undefined && range.end !== undefined && range.start >= range.end) {
          ctx.addIssue({
            code: 'custom',
            path: [section, 'end'],
            message: `must be after ${section}.start (${range.start}), got ${range.end}`,
          });
        }
      }
      const seen = new Set<string>();
      study.strategies.forEach((s, i) => {
        const label = strategyLabel(s);
        if (seen.has(label)) {
          ctx.addIssue({
            code: 'custom',
            path: ['strategies', i, 'name'],
            message: `duplicate strategy name "${label}"; give each strategy a distinct name`,
          });
        }
        seen.add(label);
      });
      // What is known of the universe now (data.universe, a strategy's own universe): refuse settings no data of it
      // can satisfy. The study runner repeats this with the loaded data (steps/check-strategies.ts).
      const shape = study.data.universe === undefined ? {} : { assets: study.data.universe };
      for (const p of strategyProblems(study, strategyKinds, shape))
        ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    });
}

export const studySchema = createStudySchema();
export type StudySchema = ReturnType<typeof createStudySchema>;

/** A validated study with every default filled in. */
export type Study = z.output<typeof studySchema>;
/** What a study file may contain before defaults (the editor-facing shape). */
export type StudyInput = z.input<typeof studySchema>;
export type DataSpec = Study['data'];

/** A strategy's display name: its `name`, else its kind. */
export function strategyLabel(s: unknown): string {
  const o = s as { name?: unknown; kind?: unknown };
  return typeof o.name === 'string' ? o.name : String(o.kind);
}

/** The study file's JSON Schema (draft 2020-12), for editors: `keel schema > study.schema.json`. */
export function studyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
