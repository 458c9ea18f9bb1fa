/** data: the market-data model (Panel), calendars, alignment, returns, resampling, missing data, validation. No I/O. */
export { Panel } from './panel.ts';
export type { IsoDate, AssetMeta, PanelInit } from './panel.ts';
export {
  isoToDays,
  daysFromCivil,
  daysToIso,
  weekday,
  isWeekend,
  addDays,
  daysBetween,
  businessDays,
  monthEnd,
  monthStart,
  weekKey,
  unionCalendar,
  intersectCalendar,
  medianSpacingDays,
  calendarGaps,
} from './calendar.ts';
export type { CalendarGap } from './calendar.ts';
export { reindex, alignPanels, firstValidIndex, lastValidIndex, listingDates, commonHistory } from './align.ts';
export type { AlignOptions } from './align.ts';
export { returns, returnsKernel, simpleReturns, logReturns } from './returns.ts';
export type { ReturnKind } from './returns.ts';
export { resample, periodBounds } from './resample.ts';
export type { Frequency } from './resample.ts';
export {
  missingDataPolicySchema,
  applyMissingPolicy,
  parseMissingPolicy,
  missingDataFindings,
  DEFAULT_MISSING_POLICY,
} from './missing.ts';
export type { MissingDataPolicy, MissingDataReport, AssetMissingFixes, MissingPolicyOptions } from './missing.ts';
export { assetMetaSchema, withAssetMeta, groupAssetsBy, ASSET_CLASSES } from './meta.ts';
export { validateTable, validatePanel, formatQualityReport, QUALITY_RULES } from './validate.ts';
export type {
  QualityFinding,
  QualityReport,
  QualityInput,
  ValidateOptions,
  Severity,
  QualityRule,
} from './validate.ts';
export * from './pit-records.ts';
