/** config: the study file — its zod schema (composed from the stages' kind tables), validation, JSON Schema. */
export {
  studySchema,
  createStudySchema,
  defaultKindTables,
  dataSchema,
  studyJsonSchema,
  strategyLabel,
  strategyFolder,
} from './study-schema.ts';
export type { Study, StudyInput, DataSpec, StudySchema, StudyKindTables } from './study-schema.ts';
export { monitorSchema } from './monitor-schema.ts';
export type { MonitorSection } from './monitor-schema.ts';
export { validateStudy, parseStudyText, StudyError, isStudyError } from './validate.ts';
export { kindSchema, kindsOf } from './kind-table.ts';
export { strategyProblems } from './strategy-checks.ts';
export { studyPathProblem, withStudyPaths } from './tune-paths.ts';
export type { StrategyProblem } from './strategy-checks.ts';
export type { KindEntry, KindTable, KindSchemaOptions } from './kind-table.ts';
export { levenshtein, closest } from './did-you-mean.ts';
export * as kinds from './kinds.ts';
export {
  tradingSectionSchema,
  tradingLimitsSchema,
  tradingExecutionSchema,
  tradingOrdersSchema,
} from './trading-schema.ts';
export type { TradingSection, TradingLimits, TradingExecution, TradingOrders } from './trading-schema.ts';
