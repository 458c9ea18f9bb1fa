/**
 * Step `market-summary`: per-asset figures of the loaded market from daily closes: geometric annualised return,
 * annualised volatility (ddof 1) and maximum drawdown, over each asset's own listed history. Written to
 * metrics.json under `market` and to market-summary.csv.
 */
import { dataError } from '../../core/index.ts';
import { annualizedReturn, annualizedVolatility, maxDrawdown } from '../../metrics/index.ts';
import { inferPeriodsPerYear } from '../../backtest/index.ts';
import type { PanelLike, StudyStep } from '../context.ts';

export interface AssetSummary {
  readonly asset: string;
  readonly first: string;
  readonly last: string;
  /** Number of daily returns used. */
  readonly returns: number;
  /** Geometric annualised return, fraction. */
  readonly annualReturn: number;
  /** Annualised volatility, fraction. */
  readonly annualVolatility: number;
  /** Largest peak-to-trough loss, positive fraction. */
  readonly maxDrawdown: number;
}

/** Simple returns between consecutive finite closes of one asset; NaN gaps before listing are skipped. */
function closeReturns(close: Float64Array): { r: Float64Array; first: number; last: number } {
  const out: number[] = [];
  let prev = NaN;
  let first = -1;
  let last = -1;
  for (let t = 0; t < close.length; t++) {
    const p = close[t]!;
    if (Number.isNaN(p)) continue;
    if (first < 0) first = t;
    last = t;
    if (!Number.isNaN(prev)) out.push(p / prev - 1);
    prev = p;
  }
  return { r: Float64Array.from(out), first, last };
}

export function summarizeMarket(panel: PanelLike, periodsPerYear: number): AssetSummary[] {
  if (!panel.fieldNames.includes('close'))
    throw dataError(`the market has no "close" field (fields: ${panel.fieldNames.join(', ')})`);
  return panel.assets.map((asset, a) => {
    const { r, first, last } = closeReturns(panel.series('close', a));
    const ok = r.length >= 2;
    return {
      asset,
      first: first >= 0 ? panel.dates[first]! : '',
      last: last >= 0 ? panel.dates[last]! : '',
      returns: r.length,
      annualReturn: ok ? annualizedReturn(r, periodsPerYear) : NaN,
      annualVolatility: ok ? annualizedVolatility(r, periodsPerYear) : NaN,
      maxDrawdown: ok ? maxDrawdown(r).maxDrawdown : NaN,
    };
  });
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(6) : '');

export const marketSummaryStep: StudyStep = {
  name: 'market-summary',
  sections: ['report'],
  applies: () => true,
  run(ctx) {
    const panel = ctx.state.panel;
    if (panel === undefined) throw dataError('no market data was loaded before the market summary');
    const periodsPerYear = ctx.study.report.periodsPerYear ?? inferPeriodsPerYear(panel.dates);
    const rows = summarizeMarket(panel, periodsPerYear);
    ctx.log(`market summary: annualised with ${periodsPerYear} periods per year`);
    ctx.artefacts.writeText(
      'market-summary.csv',
      ['asset,first,last,returns,annual_return,annual_volatility,max_drawdown']
        .concat(
          rows.map((s) =>
            [
              s.asset,
              s.first,
              s.last,
              s.returns,
              fmt(s.annualReturn),
              fmt(s.annualVolatility),
              fmt(s.maxDrawdown),
            ].join(','),
          ),
        )
        .join('\n'),
    );
    ctx.state.extra['market'] = rows;
    ctx.state.summary['market'] = rows;
  },
};
