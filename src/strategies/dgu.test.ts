/**
 * DeMiguel, Garlappi & Uppal (2009), 1/N on the "Industry" data set (../shared/reference/dgu2009.md):
 * monthly Sharpe 0.1361 ± 0.0001 on the 202309 vintage. The panel is built here from the two French files the
 * way examples/dgu-1n-industry.yaml describes; the backtest and strategy sections come from that YAML.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { Panel } from '../data/index.ts';
import { parseFrenchCsv } from '../io/index.ts';
import { backtestSettingsSchema, runBacktest, withPriceIndex } from '../backtest/index.ts';
import type { BacktestOptions } from '../backtest/index.ts';
import { certaintyEquivalent } from '../metrics/index.ts';
import { describeShared, repoRoot, sharedPath } from '../../test/support/shared.ts';
import { strategyKinds } from './index.ts';

function dguPanel(): Panel {
  const ind = parseFrenchCsv(readFileSync(sharedPath('data', 'kenneth_french', '10_Industry_Portfolios.CSV'), 'utf8'), {
    section: 'Average Value Weighted Returns -- Monthly',
  }).panel;
  const ff = parseFrenchCsv(
    readFileSync(sharedPath('data', 'kenneth_french', 'F-F_Research_Data_5_Factors_2x3.csv'), 'utf8'),
    { section: 'monthly' },
  ).panel;
  const dates = ff.dates.filter((d) => d >= '1963-07-01' && d <= '2004-11-30');
  const assets = [...ind.assets, 'Mkt-RF'];
  const n = assets.length;
  const r = new Float64Array(dates.length * n);
  const rf = ff.field('return');
  const iRF = ff.assetIndex('RF');
  const iMkt = ff.assetIndex('Mkt-RF');
  dates.forEach((d, t) => {
    const ti = ind.dateIndex(d);
    const tf = ff.dateIndex(d);
    const rft = rf[tf * ff.nAssets + iRF]!;
    for (let a = 0; a < ind.nAssets; a++) r[t * n + a] = ind.field('return')[ti * ind.nAssets + a]! - rft;
    r[t * n + n - 1] = rf[tf * ff.nAssets + iMkt]!;
  });
  return withPriceIndex(new Panel({ dates, assets, fields: { return: r } }));
}

describeShared(
  'DGU (2009) 1/N on the Industry data set',
  ['data', 'kenneth_french', 'F-F_Research_Data_5_Factors_2x3.csv'],
  () => {
    it('monthly Sharpe 0.1361 ± 0.0001 over the 377 out-of-sample months (1973-07 … 2004-11)', () => {
      const panel = dguPanel();
      expect(panel.nDates).toBe(498); // 497 months of returns and the base row (1963-06-30) of the price index
      expect(panel.nAssets).toBe(11);
      const study = parse(readFileSync(`${repoRoot}/examples/dgu-1n-industry.yaml`, 'utf8')) as {
        backtest: Record<string, unknown>;
        strategies: { kind: string; name?: string }[];
      };
      const { costs, ...rest } = study.backtest;
      const settings = backtestSettingsSchema.parse(rest);
      const spec = study.strategies[0]!;
      const { kind, name, ...params } = spec;
      expect(kind).toBe('equal-weight');
      const strategy = strategyKinds['equal-weight'].create(params, { name: name ?? kind });
      const r = runBacktest(panel, strategy, {
        ...(settings as Omit<BacktestOptions, 'costs'>),
        costs: costs as BacktestOptions['costs'],
      });
      const oos = r.returns.subarray(r.firstFillIndex + 1);
      expect(oos.length).toBe(377);
      expect(r.dates[r.firstFillIndex + 1]).toBe('1973-07-31');
      // 1e-4: the reference figure is given to four decimals.
      expect(Math.abs(r.metrics.sharpePerPeriod - 0.1361)).toBeLessThanOrEqual(1e-4);
      expect(r.metrics.periods).toBe(377);
      expect(certaintyEquivalent(oos, 1)).toBeCloseTo(0.005, 4);
      // Every month the book is reset to 1/11, so each return is the cross-sectional mean of the 11 excess returns.
      const ret = panel.field('return');
      const t0 = panel.dateIndex('1990-01-31');
      const i0 = r.dates.indexOf('1990-01-31');
      let m = 0;
      for (let a = 0; a < 11; a++) m += ret[t0 * 11 + a]! / 11;
      expect(r.returns[i0]).toBeCloseTo(m, 12);
    });
  },
);
