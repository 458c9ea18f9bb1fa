/** Tear-sheet charts (echarts options like the rest of the report): calendar-year returns, rolling risk, activity. */
import { baseLayout, chartSpec, finiteOrNull, format, thin, type ChartSpec } from './charts.ts';
import type { StrategyActivity } from './model.ts';

const pctLabel = { fontSize: 10, formatter: format.percent(0) };

/** Calendar-year returns of the strategy beside its benchmark's (bars). */
export function annualReturnsChart(
  strategy: string,
  years: readonly { period: string; ret: number; benchmark?: number }[],
  benchmark?: string,
): ChartSpec {
  const names = benchmark ? [strategy, benchmark] : [strategy];
  return chartSpec(
    {
      ...baseLayout('Calendar-year returns', names),
      xAxis: { type: 'category', data: years.map((y) => y.period), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', axisLabel: pctLabel },
      series: [
        { name: strategy, type: 'bar', data: years.map((y) => finiteOrNull(y.ret)) },
        ...(benchmark
          ? [{ name: benchmark, type: 'bar', data: years.map((y) => finiteOrNull(y.benchmark ?? NaN)) }]
          : []),
      ],
    },
    900,
    300,
  );
}

/** One rolling measure (Sharpe, volatility or beta) per line over the return dates. */
export function rollingChart(
  title: string,
  dates: readonly string[],
  lines: readonly { name: string; values: ArrayLike<number> }[],
  percent = false,
): ChartSpec {
  const { idx } = thin(dates);
  return chartSpec(
    {
      ...baseLayout(
        title,
        lines.map((l) => l.name),
      ),
      xAxis: { type: 'category', data: idx.map((i) => dates[i]), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', scale: true, axisLabel: percent ? pctLabel : { fontSize: 10 } },
      series: lines.map((l) => ({
        name: l.name,
        type: 'line',
        showSymbol: false,
        data: idx.map((i) => finiteOrNull(l.values[i]!)),
      })),
    },
    900,
    280,
  );
}

/** Month-end gross and net exposure (lines) and monthly turnover (bars, right axis). */
export function activityChart(strategy: string, a: StrategyActivity): ChartSpec {
  return chartSpec(
    {
      ...baseLayout(`Exposure and turnover by month — ${strategy}`, ['gross exposure', 'net exposure', 'turnover']),
      xAxis: { type: 'category', data: [...a.periods], axisLabel: { fontSize: 10 } },
      yAxis: [
        { type: 'value', name: 'exposure', axisLabel: pctLabel },
        { type: 'value', name: 'turnover', axisLabel: pctLabel, splitLine: { show: false } },
      ],
      series: [
        { name: 'gross exposure', type: 'line', showSymbol: false, data: a.gross.map(finiteOrNull) },
        { name: 'net exposure', type: 'line', showSymbol: false, data: a.net.map(finiteOrNull) },
        {
          name: 'turnover',
          type: 'bar',
          yAxisIndex: 1,
          itemStyle: { opacity: 0.5 },
          data: a.turnover.map(finiteOrNull),
        },
      ],
    },
    900,
    300,
  );
}
