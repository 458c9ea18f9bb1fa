/**
 * The stages of ml-forecast called by hand give the strategy's decision, and the per-decision hook sees the model,
 * rows and feature names the decision was made from (and can attach findings and diagnostics to it).
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../backtest/index.ts';
import { synthesizeMarket } from '../../synth/index.ts';
import { mlForecast } from '../ml-forecast.ts';
import {
  constructPortfolio,
  decisionFeatures,
  fitForecastModel,
  mlFeatureSet,
  mlForecastSchema,
  normaliseAcrossAssets,
  predictForecasts,
  refitDataset,
  riskModel,
  type MlDecisionRecord,
} from './index.ts';

const panel = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 3, stocks: 6 }).panel;
const stocks = panel.assets.filter((a) => a.startsWith('STK'));
const params = mlForecastSchema.parse({
  universe: stocks,
  features: [{ kind: 'momentum', windows: [21, 63] }, { kind: 'volatility', windows: [21] }, { kind: 'rsi' }],
  target: { kind: 'excess-return', horizon: 10 },
  crossSectional: 'zscore',
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 63,
  stride: 3,
  model: { kind: 'ridge', alpha: 10 },
  portfolio: { method: 'black-litterman', maxWeight: 0.4, targetVolatility: 0.12 },
});
const options = {
  costs: { kind: 'proportional' as const, bps: 10 },
  rebalance: 'monthly' as const,
  start: '2015-06-01',
  seed: 5,
};

describe('ml-forecast stages', () => {
  const records: MlDecisionRecord[] = [];
  const result = runBacktest(
    panel,
    mlForecast(params, {
      periodsPerYear: 252,
      observe: (r) => {
        records.push(r);
        return r.refit
          ? {
              findings: [{ severity: 'info', kind: 'observed-refit', message: `refit on ${r.model!.asOf}` }],
              diagnostics: { nRows: r.forecasts!.n },
            }
          : undefined;
      },
    }),
    options,
  );
  const decisions = result.decisions.filter((d) => d.reason !== 'overlay');

  it('the hook sees every decision, in order, with the model and the rows it predicted from', () => {
    expect(records.length).toBe(decisions.length);
    expect(records.map((r) => r.date)).toEqual(decisions.map((d) => result.dates[d.dateIndex]));
    const fitted = records.filter((r) => r.model);
    expect(fitted.length).toBeGreaterThan(5);
    for (const r of fitted) {
      const f = r.forecasts!;
      expect(f.X.length).toBe(f.n * r.featureNames.length);
      expect([...r.model!.scaler.transform(f.features, f.n)]).toEqual([...f.X]);
      expect(r.model!.featureNames).toEqual(r.featureNames);
      // The rows reproduce the forecasts through the fitted model (level + β·(prediction − cross-sectional mean)).
      const pred = r.model!.model.predict(f.X, f.n);
      const mean = pred.reduce((s, v) => s + v, 0) / f.n;
      const { level, beta } = r.model!.calibration!;
      f.assetIndex.forEach((a, i) => expect(f.forecast[a]).toBeCloseTo(level + beta * (pred[i]! - mean), 12));
      // The model in force was fitted on data ≤ its refit date ≤ the decision, labels purged by h + embargo.
      expect(r.model!.asOf <= r.date).toBe(true);
      expect(r.model!.data.view.dates.at(-1)).toBe(r.model!.asOf);
      expect(r.model!.lastLabelDate < r.model!.asOf).toBe(true);
    }
  });

  it('what the hook returns is attached to the decision (findings stamped, diagnostics under observed)', () => {
    const refits = records.filter((r) => r.refit);
    expect(refits.length).toBeGreaterThan(2);
    const observed = result.findings.filter((f) => f.kind === 'observed-refit');
    expect(observed.map((f) => f.date)).toEqual(refits.map((r) => r.date));
    expect(observed.every((f) => f.strategy === result.strategy)).toBe(true);
    const withDiag = decisions.filter((d) => d.diagnostics?.observed);
    expect(withDiag.map((d) => result.dates[d.dateIndex])).toEqual(refits.map((r) => r.date));
  });

  it('dataset → forecast → portfolio called by hand give the decision the strategy made', () => {
    const k = records.findIndex((r, i) => i > 3 && r.model && !r.refit);
    const r = records[k]!;
    const view = panel.upTo(r.date).selectAssets(stocks);
    const T = view.nDates - 1;
    const anchor = T - (T % params.refitEvery);
    const set = mlFeatureSet(params.features as never);
    const out = refitDataset(set, params, view, anchor);
    if ('shortfall' in out) throw new Error(out.shortfall);
    expect(out.data.asOf).toBe(r.model!.asOf);
    const model = fitForecastModel(out.data, params, (5 + anchor) >>> 0);
    const today = decisionFeatures(set, view);
    const fm = normaliseAcrossAssets(today.fm, params.crossSectional, model.marketWide);
    const f = predictForecasts(model, fm, 0, today.view, params.target.horizon, 252);
    expect([...f.forecast]).toEqual([...r.forecasts!.forecast]);
    const cov = riskModel(view, params.covarianceWindow, 252);
    const prev = new Float64Array(stocks.length);
    const w = constructPortfolio(params.portfolio, view, f.forecast, f.variance, cov, prev, 10, 252).w;
    // Previous weights enter only through a transaction-cost term, which this portfolio has not: same weights.
    expect([...w]).toEqual([...r.weights]);
  });
});
