/**
 * ml-forecast options for cross-sectional forecasting: `crossSectional` feature normalisation, cross-sectional
 * targets (excess-return, rank) calibrated into expected returns, inner model `selection` per refit and
 * `trainWindow: expanding`. Through the strategy here; through a study in ml-forecast-options.study.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { assertPointInTime } from '../audit/index.ts';
import { KeelError, createRng } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { mlForecast, mlForecastSchema, type MlDiagnostics } from './ml-forecast.ts';

const market = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 3, stocks: 6 });
const panel = market.panel;
const stocks = panel.assets.filter((id) => id.startsWith('STK'));
const small = {
  universe: stocks,
  features: [{ kind: 'momentum', windows: [21, 63] }, { kind: 'volatility', windows: [21] }, { kind: 'rsi' }],
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 63,
  stride: 3,
  model: { kind: 'ridge', alpha: 1 },
};
const ctxAt = (t: number) => ({ asOf: panel.dates[t]!, t, previousWeights: new Float64Array(panel.nAssets), seed: 5 });
const mlAt = (params: object, t: number, p = panel): MlDiagnostics =>
  mlForecast(mlForecastSchema.parse(params)).decide(p.upTo(p.dates[t]!), ctxAt(t)).diagnostics!['ml'] as MlDiagnostics;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const standardised = (xs: readonly number[]): number[] => {
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  return xs.map((x) => (x - m) / sd);
};

describe('cross-sectional targets are calibrated into expected h-period returns', () => {
  // Old code: a rank forecast (≈ 0.5 for every asset) was annualised as a 21-day return of 50 % → μ ≈ 6 per year.
  it('rank and excess-return forecasts are centred on the training rows’ mean h-return (same rows → same level)', () => {
    const t = panel.nDates - 30;
    const rank = mlAt({ ...small, target: { kind: 'rank', horizon: 21 } }, t);
    const excess = mlAt({ ...small, target: { kind: 'excess-return', horizon: 21 } }, t);
    expect(rank.forecast.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean(rank.forecast))).toBeLessThan(0.05); // a 21-day return, not a percentile
    expect(mean(rank.forecast)).toBeCloseTo(mean(excess.forecast), 12);
    // μ is the forecast annualised (252 / 21), as for a raw-return forecast.
    rank.mu.forEach((m, a) => expect(m).toBeCloseTo(rank.forecast[a]! * 12, 12));
  });

  it('a forward-return target is left as the model predicts it (no calibration)', () => {
    const t = panel.nDates - 30;
    const raw = mlAt({ ...small }, t);
    const again = mlAt({ ...small, target: { kind: 'forward-return', horizon: 21 } }, t);
    expect(again.forecast).toEqual(raw.forecast);
  });
});

describe('crossSectional feature normalisation', () => {
  // Multiplying every close by a common factor g(t) moves each asset's momentum by the same positive affine map at a
  // date, so per-date z-scored momentum — and ranked labels — are unchanged: the standardised forecasts must be too.
  const common = (() => {
    const n = panel.nAssets;
    const c = panel.field('close').slice();
    for (let t = 0; t < panel.nDates; t++) {
      const g = Math.exp(0.3 * Math.sin(t / 37) + 0.0015 * t);
      for (let a = 0; a < n; a++) c[t * n + a] = c[t * n + a]! * g;
    }
    return panel.withField('close', c);
  })();
  const momentumOnly = {
    ...small,
    features: [{ kind: 'momentum', windows: [21, 63] }],
    target: { kind: 'rank', horizon: 21 },
  };
  const t = panel.nDates - 30;

  it('zscore: a common market move in every price leaves the fitted model and the standardised forecasts unchanged', () => {
    const a = mlAt({ ...momentumOnly, crossSectional: 'zscore' }, t);
    const b = mlAt({ ...momentumOnly, crossSectional: 'zscore' }, t, common);
    b.importance!.forEach((x, i) => expect(x).toBeCloseTo(a.importance![i]!, 9));
    standardised(b.forecast).forEach((x, i) => expect(x).toBeCloseTo(standardised(a.forecast)[i]!, 9));
  });

  it('none: the same common move changes the fitted model (the check above is not vacuous)', () => {
    const a = mlAt({ ...momentumOnly, crossSectional: 'none' }, t);
    const b = mlAt({ ...momentumOnly, crossSectional: 'none' }, t, common);
    const diff = b.importance!.map((x, i) => Math.abs(x - a.importance![i]!));
    expect(Math.max(...diff)).toBeGreaterThan(1e-3);
  });
});

describe('inner model selection per refit', () => {
  const t = panel.nDates - 30;

  it('a one-candidate grid is the model with that value: same forecasts and weights', () => {
    const s1 = mlForecast(mlForecastSchema.parse({ ...small, selection: { grid: { alpha: [7] } } }));
    const s2 = mlForecast(mlForecastSchema.parse({ ...small, model: { kind: 'ridge', alpha: 7 } }));
    const d1 = s1.decide(panel.upTo(panel.dates[t]!), ctxAt(t));
    const d2 = s2.decide(panel.upTo(panel.dates[t]!), ctxAt(t));
    expect([...d1.weights]).toEqual([...d2.weights]);
    expect((d1.diagnostics!['ml'] as MlDiagnostics).forecast).toEqual(
      (d2.diagnostics!['ml'] as MlDiagnostics).forecast,
    );
  });

  it('records the chosen candidate (the best inner score) on refit decisions only', () => {
    const s = mlForecast(
      mlForecastSchema.parse({ ...small, selection: { grid: { alpha: [0.1, 100, 1e5] }, folds: 3, objective: 'ic' } }),
    );
    const refits: MlDiagnostics[] = [];
    for (let u = 400; u < panel.nDates; u += 21) {
      const ml = s.decide(panel.upTo(panel.dates[u]!), ctxAt(u)).diagnostics!['ml'] as MlDiagnostics;
      if (ml.refit) refits.push(ml);
      else expect(ml.selection).toBeUndefined();
    }
    expect(refits.length).toBeGreaterThanOrEqual(3);
    for (const ml of refits) {
      const sel = ml.selection!;
      expect(sel.candidates.map((c) => c.params['alpha'])).toEqual([0.1, 100, 1e5]);
      expect([0.1, 100, 1e5]).toContain(sel.chosen['alpha']);
      expect(sel.score).toBe(Math.max(...sel.candidates.map((c) => c.score)));
      expect(sel.objective).toBe('ic');
    }
  });
});

describe('a refit where selection cannot score any candidate', () => {
  // Only known from the data: without a universe the strategy trades every asset, here two, and IC needs three.
  it('fits the model as given, records why, and the decision carries a selection-failed warning', () => {
    const two = panel.selectAssets(['EQ_BROAD', 'GOLD']);
    const { universe: _u, ...rest } = small;
    const s = mlForecast(mlForecastSchema.parse({ ...rest, selection: { grid: { alpha: [1, 100] }, folds: 3 } }));
    const plain = mlForecast(mlForecastSchema.parse({ ...rest }));
    const t = two.nDates - 30;
    const ctx = { ...ctxAt(t), previousWeights: new Float64Array(2) };
    const d = s.decide(two.upTo(two.dates[t]!), ctx);
    const ml = d.diagnostics!['ml'] as MlDiagnostics;
    expect(ml.selection!.failed).toMatch(/no candidate could be scored/);
    expect(d.findings?.map((f) => f.kind)).toContain('selection-failed');
    expect([...d.weights]).toEqual([...plain.decide(two.upTo(two.dates[t]!), ctx).weights]);
  });
});

describe('trainWindow: expanding', () => {
  it('trains on every labelled date since the data began: more rows than a rolling window, and growing', () => {
    const late = panel.nDates - 30;
    const early = panel.nDates - 260;
    const rolling = mlAt({ ...small }, late);
    const expLate = mlAt({ ...small, trainWindow: 'expanding' }, late);
    const expEarly = mlAt({ ...small, trainWindow: 'expanding' }, early);
    expect(expLate.nTrain).toBeGreaterThan(rolling.nTrain);
    expect(expLate.nTrain).toBeGreaterThan(expEarly.nTrain);
    expect(panel.dateIndex(expLate.lastLabelDate)).toBeLessThanOrEqual(panel.dateIndex(expLate.fitDate) - 5);
  });
});

describe('point in time with every new option', () => {
  it('passes the perturb-the-future audit (refit dates included)', () => {
    const t1 = panel.nDates - 200;
    const t2 = panel.nDates - 130;
    const report = assertPointInTime({
      panel,
      asOf: [panel.dates[t1]!, panel.dates[t2]!],
      compute: (p, asOf) => {
        const s = mlForecast(
          mlForecastSchema.parse({
            ...small,
            crossSectional: 'zscore',
            target: { kind: 'excess-return', horizon: 21 },
            trainWindow: 'expanding',
            selection: { grid: { alpha: [1, 1000] }, folds: 3 },
          }),
        );
        const t = p.lastIndexOnOrBefore(asOf);
        return Array.from(s.decide(p.upTo(asOf), ctxAt(t)).weights);
      },
    });
    expect(report.checks).toBe(4);
  });

  it('passes the perturb-the-future audit with portfolio.method active (its benchmark reads data ≤ t)', () => {
    const t1 = panel.nDates - 200;
    const t2 = panel.nDates - 130;
    const report = assertPointInTime({
      panel,
      asOf: [panel.dates[t1]!, panel.dates[t2]!],
      compute: (p, asOf) => {
        const s = mlForecast(
          mlForecastSchema.parse({
            ...small,
            crossSectional: 'zscore',
            portfolio: { method: 'active', trackingError: 0.03, maxWeight: 0.4, transactionCost: 0.01 },
          }),
        );
        const t = p.lastIndexOnOrBefore(asOf);
        const d = s.decide(p.upTo(asOf), ctxAt(t));
        // the audit compares the weights and the benchmark-relative solve's diagnostics
        return [...Array.from(d.weights), Number(d.allocation?.diagnostics['trackingError'])];
      },
    });
    expect(report.checks).toBe(4);
  });
});

describe('market-regime feature through the strategy', () => {
  it('passes the perturb-the-future audit (refit dates included), market = the universe’s equal-weighted mean', () => {
    const t1 = panel.nDates - 200;
    const t2 = panel.nDates - 130;
    const params = mlForecastSchema.parse({
      ...small,
      features: [
        { kind: 'momentum', windows: [21] },
        { kind: 'market-regime', window: 21, reference: 126, betaWindow: 63 },
      ],
      crossSectional: 'zscore',
      target: { kind: 'rank', horizon: 21 },
    });
    const d = mlAt(params, t2);
    expect(d.featureNames).toContain('regime_beta_21_126');
    expect(d.forecast.every(Number.isFinite)).toBe(true);
    const report = assertPointInTime({
      panel,
      asOf: [panel.dates[t1]!, panel.dates[t2]!],
      compute: (p, asOf) => {
        const t = p.lastIndexOnOrBefore(asOf);
        return Array.from(mlForecast(params).decide(p.upTo(asOf), ctxAt(t)).weights);
      },
    });
    expect(report.checks).toBe(4);
  });
});

describe('asset-category feature through the strategy', () => {
  // Five assets with the same noise and no signal but a constant drift: C gains 0.1 % a day more than the others.
  const drifting = (() => {
    const rng = createRng(9);
    const ids = ['A', 'B', 'C', 'D', 'E'];
    const T = 700;
    const close = new Float64Array(T * ids.length);
    const level = ids.map(() => 100);
    for (let t = 0; t < T; t++)
      for (let a = 0; a < ids.length; a++) {
        if (t > 0) level[a] = level[a]! * (1 + 0.01 * rng.normal() + (a === 2 ? 0.001 : 0));
        close[t * ids.length + a] = level[a]!;
      }
    return new Panel({ dates: panel.dates.slice(0, T), assets: ids, fields: { close } });
  })();
  const params = mlForecastSchema.parse({
    features: [{ kind: 'asset-category' }],
    target: { kind: 'excess-return', horizon: 21 },
    trainWindow: 'expanding',
    minTrainDates: 30,
    model: { kind: 'ridge', alpha: 1 },
  });
  it('lets a pooled ridge learn a constant per-asset drift: the drifting asset gets the top forecast', () => {
    const t = drifting.nDates - 1;
    const ml = mlForecast(params).decide(drifting, {
      ...ctxAt(t),
      asOf: drifting.dates[t]!,
      previousWeights: new Float64Array(5),
    }).diagnostics!['ml'] as MlDiagnostics;
    expect(ml.featureNames).toEqual(['id_A', 'id_B', 'id_C', 'id_D', 'id_E']);
    expect(ml.forecast.indexOf(Math.max(...ml.forecast))).toBe(2);
  });
  it('passes the perturb-the-future audit (refit dates included)', () => {
    const t1 = drifting.nDates - 200;
    const t2 = drifting.nDates - 130;
    const report = assertPointInTime({
      panel: drifting,
      asOf: [drifting.dates[t1]!, drifting.dates[t2]!],
      compute: (p, asOf) => {
        const t = p.lastIndexOnOrBefore(asOf);
        const ctx = { ...ctxAt(t), asOf, previousWeights: new Float64Array(5) };
        return Array.from(mlForecast(params).decide(p.upTo(asOf), ctx).weights);
      },
    });
    expect(report.checks).toBe(4);
  });
});

describe('selection settings that cannot work are refused in one line', () => {
  const oneLine = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(KeelError);
      expect((e as KeelError).message).not.toContain('\n');
      return (e as KeelError).message;
    }
    throw new Error('expected an error');
  };

  it('a grid parameter the model does not have', () => {
    expect(
      oneLine(() => mlForecast(mlForecastSchema.parse({ ...small, selection: { grid: { depth: [1, 2] } } }))),
    ).toMatch(/selection\.grid candidate \{"depth":1\} is not a valid ridge model/);
  });

  it('objective ic on a universe of fewer than 3 assets', () => {
    expect(
      oneLine(() =>
        mlForecast(
          mlForecastSchema.parse({ ...small, universe: ['EQ_BROAD', 'GOLD'], selection: { grid: { alpha: [1, 10] } } }),
        ),
      ),
    ).toMatch(/selection\.objective ic .* needs at least 3 assets, but the universe has 2; use objective: mse/);
  });

  it('more inner folds than the first fit has training dates for', () => {
    expect(
      oneLine(() =>
        mlForecast(
          mlForecastSchema.parse({ ...small, minTrainDates: 30, selection: { grid: { alpha: [1] }, folds: 16 } }),
        ),
      ),
    ).toMatch(/selection\.folds 16 needs at least 32 training dates .* minTrainDates is 30/);
  });

  it('a classification target', () => {
    expect(
      oneLine(() =>
        mlForecast(
          mlForecastSchema.parse({
            ...small,
            target: { kind: 'direction', horizon: 10 },
            model: { kind: 'random-forest', task: 'classification', nTrees: 5 },
            selection: { grid: { maxDepth: [2, 3] } },
          }),
        ),
      ),
    ).toMatch(/selection needs a regression target .* got direction/);
  });
});
