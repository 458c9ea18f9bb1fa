/**
 * The study file's schema: one zod v4 schema composed from the stages' kind tables (see kinds.ts), validated once at
 * the edge. Every object is strict (unknown keys are errors); defaults are filled in, and the resolved study is
 * what the runner executes and writes to `runs/<id>/study.resolved.json`. Documented in docs/study-files.md.
 */
import * as z from 'zod';
import { kindSchema } from './kind-table.ts';
import type { KindTable } from './kind-table.ts';
import { strategyProblems } from './strategy-checks.ts';
import { tuneProblems } from './tune-checks.ts';
import { tuneSectionSchema } from '../tuning/index.ts';
import { tradingSectionSchema } from './trading-schema.ts';
import { monitorSchema } from './monitor-schema.ts';
import {
  costModelKinds,
  backtestSettingsSchema,
  missingPolicySchema,
  strategyKinds,
  synthMarketSchema,
} from './kinds.ts';

/**
 * The kind tables a study schema is composed from (kinds.ts supplies the real ones). Features, models, risk
 * estimators and allocators are not top-level sections: each strategy carries its own (`kind: ml-forecast` takes
 * `features`, `model`, …; `kind: allocator` takes `allocator`, `expectedReturns`, `covariance`), through the
 * strategy kind's schema.
 */
export interface StudyKindTables {
  readonly costModelKinds: KindTable;
  readonly strategyKinds: KindTable;
}

export const defaultKindTables: StudyKindTables = { costModelKinds, strategyKinds };

/**
 * Top-level keys a reader may expect from other tools' study files, whose content lives inside a strategy here:
 * validation calls them unknown and points at `strategies` with the place they go.
 */
export const movedIntoStrategies: Readonly<Record<string, string>> = {
  features: 'features go inside an ml-forecast strategy: strategies: [{ kind: ml-forecast, features: [...], … }]',
  model: 'a model goes inside an ml-forecast strategy: strategies: [{ kind: ml-forecast, model: { kind: ridge }, … }]',
  risk: 'estimators go inside an allocator strategy: strategies: [{ kind: allocator, expectedReturns: {…}, covariance: {…}, … }]',
  allocation:
    'an allocator goes inside a strategy: strategies: [{ kind: allocator, allocator: { kind: min-variance }, … }]',
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

/**
 * Data-quality thresholds of the study's validation (data/validate.ts); unset = the defaults `keel data validate`
 * uses. A non-default value is reported as an info finding (`data-quality-setting`).
 */
const quality = z
  .strictObject({
    maxMove: z
      .number({ error: 'data.quality.maxMove must be a fraction > 0 (0.6 = 60 %); use e.g. maxMove: 0.6' })
      .gt(0, { error: 'data.quality.maxMove must be a fraction > 0 (0.6 = 60 %); use e.g. maxMove: 0.6' })
      .optional()
      .describe('a one-period move beyond ±this fraction is a large-move warning (default 0.5 on daily data)'),
    outlierMads: z
      .number({ error: 'data.quality.outlierMads must be a number of scaled MADs > 0; use e.g. outlierMads: 15' })
      .gt(0, { error: 'data.quality.outlierMads must be a number of scaled MADs > 0; use e.g. outlierMads: 15' })
      .optional()
      .describe('an isolated price beyond this many scaled MADs from its rolling median is an outlier (default 10)'),
  })
  .optional()
  .describe('data-quality thresholds of the study validation (default: those of keel data validate)');

/** Fields every data source shares. */
const dataCommon = {
  missing,
  quality,
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
  const { costModelKinds, strategyKinds } = tables;
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
      backtest: backtestSchema.optional(),
      strategies: z.array(strategy).default([]),
      baselines: z.array(strategy).optional().describe('default: equal-weight and a 60/40-style mix, when available'),
      report: reportSchema.default(reportSchema.parse({})),
      trading: tradingSectionSchema
        .optional()
        .describe('guardrails and approval for `keel trade` and `keel paper` (keel run ignores it)'),
      monitor: monitorSchema.optional(),
      tune: tuneSectionSchema
        .optional()
        .describe('parameter search for `keel tune` on a validation period before the backtest (keel run ignores it)'),
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
      // Each strategy and baseline writes its files to a folder named after it (and its rows in weights.csv and
      // the report under its name): two that share a name, or whose names map to one folder, would overwrite
      // each other, so both are refused here. Folders compare case-insensitively (macOS, Windows).
      const byLabel = new Map<string, string>();
      // The run's own files live beside the strategy folders: a strategy named "log.txt" would collide with them.
      const byFolder = new Map<string, string>(RUN_FILES.map((f) => [f.toLowerCase(), `the run's own file ${f}`]));
      const entries = [
        ...study.strategies.map((s, i) => ({ s, path: ['strategies', i, 'name'], what: 'strategy' })),
        ...(study.baselines ?? []).map((s, i) => ({ s, path: ['baselines', i, 'name'], what: 'baseline' })),
      ];
      for (const { s, path, what } of entries) {
        const label = strategyLabel(s);
        const folder = strategyFolder(label);
        const self = `${what} "${label}"`;
        const sameName = byLabel.get(label);
        const sameFolder = byFolder.get(folder.toLowerCase());
        if (sameName !== undefined)
          ctx.addIssue({
            code: 'custom',
            path,
            message:
              sameName === self
                ? `duplicate ${what} name "${label}"; give each ${what} a distinct name`
                : `${self} has the same name as ${sameName}; give each strategy and baseline a distinct name`,
          });
        else if (sameFolder !== undefined)
          ctx.addIssue({
            code: 'custom',
            path,
            message: sameFolder.startsWith("the run's own file")
              ? `${self} would write its files to a folder ${folder}/ where the run writes ${sameFolder}; rename it`
              : `${self} and ${sameFolder} would both write their files to the folder ${folder}/ (names map to folders by turning every character other than letters, digits, . _ - into -, ignoring case); rename one of them`,
          });
        if (sameName === undefined) byLabel.set(label, self);
        if (sameFolder === undefined) byFolder.set(folder.toLowerCase(), self);
      }
      // What is known of the universe now (data.universe, a strategy's own universe): refuse settings no data of it
      // can satisfy. The study runner repeats this with the loaded data (steps/check-strategies.ts).
      const shape = study.data.universe === undefined ? {} : { assets: study.data.universe };
      for (const p of strategyProblems(study, strategyKinds, shape))
        ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
      for (const p of tuneProblems(study)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
      // The planted expectation is the synthetic market's ground truth: no file has it.
      if (study.data.source !== 'synthetic')
        study.strategies.forEach((s, i) => {
          const features = (s as { features?: unknown }).features;
          if (!Array.isArray(features)) return;
          features.forEach((f, j) => {
            if ((f as { kind?: unknown }).kind === 'planted-expectation')
              ctx.addIssue({
                code: 'custom',
                path: ['strategies', i, 'features', j],
                message: `planted-expectation is the synthetic market's ground truth (a diagnostic, not a forecast), and data.source is ${String(study.data.source)}; remove the feature or use data.source: synthetic`,
              });
          });
        });
      if (study.monitor) {
        // The monitor watches ML forecasts: it needs ml-forecast strategies, and names only those.
        const ml = study.strategies.filter((s) => (s as { kind: string }).kind === 'ml-forecast').map(strategyLabel);
        if (ml.length === 0)
          ctx.addIssue({
            code: 'custom',
            path: ['monitor'],
            message:
              'monitor watches ml-forecast strategies, and the study has none; add one or remove the monitor section',
          });
        study.monitor.strategies?.forEach((n, i) => {
          if (!ml.includes(n))
            ctx.addIssue({
              code: 'custom',
              path: ['monitor', 'strategies', i],
              message: `names "${n}", which is not an ml-forecast strategy of this study (${ml.join(', ') || 'none'}); use one of those names`,
            });
        });
      }
    });
}

export const studySchema = createStudySchema();
export type StudySchema = ReturnType<typeof createStudySchema>;

/** A validated study with every default filled in. */
export type Study = z.output<typeof studySchema>;
/** What a study file may contain before defaults (the editor-facing shape). */
export type StudyInput = z.input<typeof studySchema>;
export type DataSpec = Study['data'];

/** Files a run writes at the top of its folder (study runner, ML job, backtest and report steps). */
export const RUN_FILES = [
  'study.resolved.json',
  'seeds.json',
  'data-hashes.json',
  'summary.json',
  'findings.json',
  'log.txt',
  'metrics.json',
  'report.json',
  'report.html',
  'weights.csv',
  'trades.csv',
  'truth.json',
  'market-summary.csv',
  'events.json',
] as const;

/** A strategy's display name: its `name`, else its kind. */
export function strategyLabel(s: unknown): string {
  const o = s as { name?: unknown; kind?: unknown };
  return typeof o.name === 'string' ? o.name : String(o.kind);
}

/**
 * The folder a strategy's files go to inside the run folder: its name with every run of characters other than
 * letters, digits, `.`, `_` and `-` turned into `-`, no leading `.` or `-` ("1/N" → "1-N"; names stay as written
 * in metrics.json and the report). Validation refuses two strategies or baselines with one folder.
 */
export function strategyFolder(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return safe === '' ? 'strategy' : safe;
}

/** The study file's JSON Schema (draft 2020-12), for editors: `keel schema > study.schema.json`. */
export function studyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
