/** Report: the JSON report model (report.json) and its self-contained HTML rendering with echarts charts (report.html). */
export type {
  AgentTrainingCurve,
  AgentMembersTable,
  MemberFigures,
  FeatureImportance,
  ForecastQualityRow,
  FrontierPoint,
  FrontierSnapshot,
  IcSeries,
  ModelSelectionRow,
  MonitorEventRow,
  ReportModel,
  ReportSection,
  StrategyActivity,
  StrategySeries,
  WeightsHistory,
} from './model.ts';
export { activeDeflatedSharpe, activityOf, navFrom } from './series.ts';
export { normaliseNumbers, reportFromJson, reportToJson } from './model.ts';
export { renderReportHtml, escapeHtml } from './html.ts';
export { sectionTearSheets } from './tearsheet-html.ts';
export { drawdownChart, equityChart, frontierChart, icChart, importanceChart, weightsChart } from './charts.ts';
export { chartSpec, type ChartSpec } from './charts.ts';
export {
  CHART_JS,
  chartFigure,
  echartsSource,
  pageCharts,
  reportContentSecurityPolicy,
  reportScripts,
} from './chart-page.ts';
export {
  agentCurves,
  agentMembers,
  agentWeightsCsv,
  distanceFromEqualWeight,
  formatAgentMembers,
  memberRows,
  rlTraining,
} from './agent-training.ts';
export type { RlTrainingRecord } from './agent-training.ts';
export { runMlJob, formatSummaryTable } from './ml-job.ts';
export type { MlJobInput, MlJobOutput, SummaryRow } from './ml-job.ts';
export { planMlJob, runMlTask, runMlTaskYielding } from './ml-tasks.ts';
export type { MlJobPlan, MlTask, MlTaskInputs, MlTaskProgress } from './ml-tasks.ts';
export { checkInBrowser, chromiumAvailable, CHROMIUM_PATH } from './browser-check.ts';
export type { BrowserCheck, RenderedChart } from './browser-check.ts';
export { explanationsArtefact, explainedStrategy } from './explanations.ts';
export { weightChangeAt, allocatorInputs } from './weight-change.ts';
export type { WeightChangeAt } from './weight-change.ts';
export type { ExplanationsArtefact, ExplainedStrategy, ExplainedDecision } from './explanations.ts';
