import { describe, expect, it } from 'vitest';
import { correlation } from '../core/index.ts';
import { forwardReturn, type FeatureSpec } from '../features/index.ts';
import { runBacktest, type BacktestOptions, type Strategy } from '../backtest/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { fitForecastModel, mlFeatureSet, mlForecastSchema, predictForecasts, refitDataset } from './ml/index.ts';
import { normaliseAcrossAssets } from './ml/index.ts';
import { computeFeatures } from '../features/index.ts';
import { forecastColumn, rlForecastSchema } from './rl-agent-forecast.ts';
import { rlAgentSchema, strategyKinds, type RlDiagnostics } from './index.ts';

const m = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 6, stocks: 0 });
const records = { macro: m.macro, headlines: m.headlines, fundamentals: m.fundamentals };
const panel = m.panel;
const n = panel.nAssets;
const spec = rlForecastSchema.parse({
  features: [
    { kind: 'momentum', windows: [40], skip: 1 },
    { kind: 'momentum', windows: [16] },
    { kind: 'sentiment', halfLife: 4.72 },
  ],
  target: { kind: 'rank', horizon: 21 },
  crossSectional: 'zscore',
  model: { kind: 'ridge', alpha: 4.22 },
  trainWindow: 504,
  minTrainDates: 30,
});

describe('forecast-as-state column (rl-agent forecast:)', () => {
  const src = forecastColumn(spec, 3, 252, records);
  const col = src.column(panel, 0).columns[0]!;

  it("row t holds the ml stages' forecast of the model fitted at B = t − (t mod refitEvery) on data ≤ B, demeaned", () => {
    const full = { ...mlForecastSchema.parse({}), ...spec };
    const set = mlFeatureSet(spec.features as FeatureSpec[], records);
    const raw = computeFeatures(set.features, { panel, records });
    let checked = 0;
    for (const t of [700, 755, 756, 900, 1200, panel.nDates - 1]) {
      const B = t - (t % spec.refitEvery);
      const out = refitDataset(set, full, panel.sliceRows(0, B + 1), B);
      if (!('data' in out)) continue;
      const model = fitForecastModel(out.data, full, (3 + B) >>> 0);
      const f = predictForecasts(model, normaliseAcrossAssets(raw, 'zscore', model.marketWide), t, panel, 21, 252);
      const mean = f.forecast.reduce((s, v) => s + v, 0) / n;
      for (let a = 0; a < n; a++) expect(col[t * n + a]).toBeCloseTo(f.forecast[a]! - mean, 12);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('is point in time: the column at t from a panel cut at t equals the full-panel column, to the byte', () => {
    for (const t of [760, 1000, 1333]) {
      const cut = forecastColumn(spec, 3, 252, records).column(panel.sliceRows(0, t + 1), t - 5).columns[0]!;
      expect(Array.from(cut.subarray((t - 5) * n, (t + 1) * n))).toEqual(
        Array.from(col.subarray((t - 5) * n, (t + 1) * n)),
      );
    }
  });

  it('is empty (NaN) before the first model, and carries the planted signal after it (IC with 21-day returns > 0)', () => {
    expect(Number.isNaN(col[100 * n]!)).toBe(true);
    const fwd = forwardReturn(panel, 21).values;
    let s = 0;
    let k = 0;
    for (let t = 0; t + 21 < panel.nDates; t++) {
      const x = col.subarray(t * n, (t + 1) * n);
      if (!Number.isFinite(x[0]!)) continue;
      const c = correlation(x, fwd.subarray(t * n, (t + 1) * n));
      if (Number.isFinite(c)) {
        s += c;
        k++;
      }
    }
    expect(k).toBeGreaterThan(500);
    expect(s / k).toBeGreaterThan(0.05);
  });
});

describe('rl-agent with forecast-as-state', () => {
  const backtest: BacktestOptions = {
    costs: { kind: 'proportional', bps: 10 },
    rebalance: 'monthly',
    start: '2017-06-01',
    periodsPerYear: 252,
  };
  const params = {
    algorithm: 'ppo',
    forecast: spec,
    normalize: 'zscore',
    cash: false,
    reward: { kind: 'excess-log-return' },
    stepBars: 21,
    trainWindow: 756,
    refitEvery: 126,
    minTrainSteps: 10,
    steps: 128,
    seeds: 2,
    agent: { nSteps: 32, batchSize: 16, nEpochs: 2, hidden: [8] },
  };
  const make = (p: object = params): Strategy =>
    (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(p, {
      name: 'rl',
      seed: 9,
      backtest,
      records,
    });

  it('trains from the first forecast, acts on it, and is the same to the byte for the same seed', () => {
    const r = runBacktest(panel, make(), backtest);
    const again = runBacktest(panel, make(), backtest);
    expect(Buffer.from(again.weights.buffer).equals(Buffer.from(r.weights.buffer))).toBe(true);
    const rl = r.decisions.map((d) => d.diagnostics!['rl'] as RlDiagnostics);
    expect(rl.filter((d) => d.fitDate !== '').length).toBeGreaterThan(20);
    // The residual policy tilts away from 1/N on the forecasts (not exactly 1/N).
    const last = r.decisions[r.decisions.length - 1]!.target;
    expect(Math.max(...Array.from(last, (w) => Math.abs(w - 0.25)))).toBeGreaterThan(1e-4);
    // With features beside the forecast the observation has both (one more column per asset): a different policy.
    const both = runBacktest(panel, make({ ...params, features: [{ kind: 'momentum', windows: [63] }] }), backtest);
    expect(Buffer.from(both.weights.buffer).equals(Buffer.from(r.weights.buffer))).toBe(false);
  });

  it('validates the forecast block with the ml-forecast rules (one path to the bad key)', () => {
    const bad = rlAgentSchema.safeParse({ ...params, forecast: { ...spec, model: { kind: 'nope' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.slice(0, 2)).toEqual(['forecast', 'model']);
    expect(rlAgentSchema.safeParse({ ...params, forecast: { ...spec, portfolio: {} } }).success).toBe(false);
  });
});
