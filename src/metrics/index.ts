/** Pure performance, risk, trading and overfitting measures over return series. */
export {
  totalReturn,
  annualizedReturn,
  annualizedVolatility,
  sharpeRatio,
  sortinoRatio,
  wealthIndex,
  drawdowns,
  maxDrawdown,
  calmarRatio,
  hitRate,
  skewness,
  excessKurtosis,
  historicalVaR,
  historicalCVaR,
  parametricVaR,
  parametricCVaR,
  certaintyEquivalent,
  excess,
} from './performance.ts';
export type { MaxDrawdown } from './performance.ts';
export { beta, alpha, trackingError, informationRatio } from './relative.ts';
export { rollingSharpe, rollingVolatility } from './rolling.ts';
export { sharpeVariance, probabilisticSharpeRatio, expectedMaxSharpe, deflatedSharpeRatio } from './overfitting.ts';
export type { DeflatedSharpe } from './overfitting.ts';
export { annualizedTurnover, costDrag, l1FromEqualWeight } from './trading.ts';
export { computeMetrics } from './summary.ts';
export type { Metrics, MetricsInput } from './summary.ts';
export { normCdf, normInv, normPdf, quantile, ksum, amean, astd, avariance } from './stats.ts';
export { forecastQuality, pearson, spearman, ranks } from './forecast-quality.ts';
export type { ForecastCrossSection, ForecastQuality, IcPoint } from './forecast-quality.ts';
export { calendarReturns, drawdownSpells, monthlyActivity, navReturns, rollingBeta, tearSheet } from './tearsheet.ts';
export type {
  DrawdownSpell,
  MonthlyActivity,
  PeriodReturn,
  TearSheet,
  TearSheetInput,
  TearSheetStats,
} from './tearsheet.ts';
