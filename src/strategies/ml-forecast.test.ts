import { describe, expect, it } from 'vitest';
import { assertPointInTime } from '../audit/index.ts';
import { KeelError } from '../core/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { checkMlForecastInput, mlForecast, mlForecastSchema, type MlDiagnostics } from './ml-forecast.ts';
import {
  capVolatility,
  cappedForecastProportional,
  portfolioVol,
  signalsToWeights,
  thresholdSignals,
  topK,
  volatilityBandSignal,
} from './ml-signals.ts';
import { Matrix } from '../core/index.ts';

const market = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 3, stocks: 6 });
const panel = market.panel;
const core = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'];
const small = {
  universe: core,
  features: [{ kind: 'momentum', windows: [21, 63] }, { kind: 'volatility', windows: [21] }, { kind: 'rsi' }],
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 63,
  stride: 3,
};
const ctxAt = (t: number) => ({ asOf: panel.dates[t]!, t, previousWeights: new Float64Array(panel.nAssets), seed: 5 });

describe('forecast → weights rules', () => {
  it('threshold rule: buy when the predicted return > 0.001, else sell', () => {
    expect(thresholdSignals([0.002, 0.001, -0.01, NaN])).toEqual([1, -1, -1, -1]);
  });

  it('volatility band: buy above +1σ of price changes, sell below −1σ, hold inside', () => {
    const base = [100, 101, 100, 101, 100, 101, 100, 101, 100, 101, 100];
    // Changes alternate ±1 (σ ≈ 1.05); a final jump of +3 is a buy, −3 a sell, +0.5 a hold.
    expect(volatilityBandSignal([...base, 103], 10)).toBe(1);
    expect(volatilityBandSignal([...base, 97], 10)).toBe(-1);
    expect(volatilityBandSignal([...base, 100.5], 10)).toBe(0);
    expect(volatilityBandSignal([100, 101], 10)).toBe(0); // too short: hold
  });

  it('signals → weights: sells to 0, holds keep their weight, buys share the rest (capped)', () => {
    expect([...signalsToWeights([1, 0, -1, 1], [0.1, 0.3, 0.4, 0.2])]).toEqual([0.35, 0.3, 0, 0.35]);
    expect([...signalsToWeights([1, 1], [0, 0], 0.3)]).toEqual([0.3, 0.3]);
  });

  it('top-k and forecast-proportional', () => {
    expect([...topK([0.01, 0.03, -0.02, 0.02], 2)]).toEqual([0, 0.5, 0, 0.5]);
    expect([...topK([-0.01, -0.03], 2)]).toEqual([0, 0]);
    expect([...cappedForecastProportional([0.01, 0.03, -0.02], 0.6)]).toEqual([0.25, 0.6, 0]);
  });

  it('capVolatility scales down to the target and never up', () => {
    const cov = Matrix.fromRows([
      [0.04, 0],
      [0, 0.01],
    ]);
    const w = Float64Array.of(1, 0);
    expect(capVolatility(w, cov, 0.1)).toBeCloseTo(0.5, 12);
    expect(portfolioVol(w, cov)).toBeCloseTo(0.1, 12);
    const low = Float64Array.of(0, 0.5);
    expect(capVolatility(low, cov, 0.1)).toBe(1);
  });
});

describe('ml-forecast strategy', () => {
  it('a price window whose variance overflows is refused naming the asset and the date, not "covariance[0, 0] is Infinity"', () => {
    const n = panel.nAssets;
    const a = panel.assets.indexOf('EQ_BROAD');
    const t = panel.nDates - 30;
    const close = panel.field('close').slice();
    for (let k = t - 40; k < t - 10; k++) close[k * n + a] = close[k * n + a]! * 1e300; // a lasting 1e300 level shift
    const p = panel.withField('close', close);
    const s = mlForecast(mlForecastSchema.parse({ ...small, model: { kind: 'ridge', alpha: 1 } }));
    expect(() => s.decide(p.upTo(p.dates[t]!), ctxAt(t))).toThrow(
      new RegExp(
        `^asset "EQ_BROAD" has a one-period return of \\+1\\.\\d+e\\+300 \\(fraction\\) on ${p.dates[t - 40]} in the 252-return window, which makes its variance overflow\\.`,
      ),
    );
  });
  it('passes the perturb-the-future audit: decisions at ≤ t ignore everything after t (refit dates included)', () => {
    const t1 = panel.nDates - 200;
    const t2 = panel.nDates - 130; // a refit anchor falls between the two cut-offs
    const report = assertPointInTime({
      panel,
      asOf: [panel.dates[t1]!, panel.dates[t2]!],
      compute: (p, asOf) => {
        const s = mlForecast(mlForecastSchema.parse({ ...small, model: { kind: 'ridge', alpha: 1 } }));
        const t = p.lastIndexOnOrBefore(asOf);
        return Array.from(s.decide(p.upTo(asOf), ctxAt(t)).weights);
      },
    });
    expect(report.checks).toBe(4);
  });

  for (const method of [
    'mean-variance',
    'black-litterman',
    'forecast-proportional',
    'top-k',
    'threshold',
    'volatility-band',
  ] as const) {
    it(`${method}: long-only weights within the max weight and the volatility target, with forecasts recorded`, () => {
      const s = mlForecast(
        mlForecastSchema.parse({
          ...small,
          model: { kind: 'ridge', alpha: 1 },
          portfolio: { method, maxWeight: 0.5, targetVolatility: 0.08, topK: 2 },
        }),
      );
      const t = panel.nDates - 30;
      const d = s.decide(panel.upTo(panel.dates[t]!), ctxAt(t));
      const ml = d.diagnostics!['ml'] as MlDiagnostics;
      expect(ml.warmingUp).toBe(false);
      expect(ml.forecast.every(Number.isFinite)).toBe(true);
      const w = [...d.weights];
      expect(w.every((x) => x >= -1e-12 && x <= 0.5 + 1e-9)).toBe(true);
      expect(w.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
      expect(d.diagnostics!['exAnteVolatility'] as number).toBeLessThanOrEqual(0.08 + 1e-9);
      // Assets outside the universe get nothing.
      panel.assets.forEach((id, a) => {
        if (!core.includes(id)) expect(w[a]).toBe(0);
      });
    });
  }

  for (const target of [
    { kind: 'direction', horizon: 10 },
    { kind: 'triple-barrier', horizon: 10, width: 1, volWindow: 21 },
  ]) {
    it(`classification target ${target.kind}: class probabilities become return-scaled forecasts`, () => {
      const s = mlForecast(
        mlForecastSchema.parse({
          ...small,
          target,
          model: { kind: 'random-forest', task: 'classification', nTrees: 10, maxDepth: 3 },
          portfolio: { method: 'top-k', topK: 2 },
        }),
      );
      const t = panel.nDates - 30;
      const d = s.decide(panel.upTo(panel.dates[t]!), ctxAt(t));
      const ml = d.diagnostics!['ml'] as MlDiagnostics;
      expect(ml.warmingUp).toBe(false);
      expect(ml.forecast.every((f) => Number.isFinite(f) && Math.abs(f) < 0.5)).toBe(true);
    });
  }

  it('black-litterman with a Bayesian model (Ω = its predictive variance): posterior μ is non-zero and on the scale of the forecasts', () => {
    const s = mlForecast(
      mlForecastSchema.parse({
        ...small,
        model: { kind: 'bayesian-linear' },
        portfolio: { method: 'black-litterman', maxWeight: 0.6, tau: 1 },
      }),
    );
    const t = panel.nDates - 30;
    const ml = s.decide(panel.upTo(panel.dates[t]!), ctxAt(t)).diagnostics!['ml'] as MlDiagnostics;
    const annual = 252 / 21;
    // Views shrink toward the prior (0); correlated assets can borrow from each other's views, hence the 1.5 slack.
    ml.mu.forEach((m, a) => {
      const f = ml.forecast[a]! * annual;
      expect(Math.abs(m)).toBeLessThanOrEqual(Math.abs(f) * 1.5 + 1e-9);
    });
    expect(ml.mu.some((m) => m !== 0)).toBe(true);
  });

  it('walk-forward: refits on the anchor schedule, and every training label ended ≥ embargo bars before the fit', () => {
    const s = mlForecast(mlForecastSchema.parse({ ...small, embargo: 4, model: { kind: 'ridge' } }));
    const fits = new Set<string>();
    for (let t = 400; t < panel.nDates; t += 21) {
      const ml = s.decide(panel.upTo(panel.dates[t]!), ctxAt(t)).diagnostics!['ml'] as MlDiagnostics;
      const fit = panel.dateIndex(ml.fitDate);
      expect(fit).toBe(t - (t % 63)); // the anchor: a function of t alone
      expect(panel.dateIndex(ml.lastLabelDate)).toBeLessThanOrEqual(fit - 4);
      fits.add(ml.fitDate);
    }
    expect(fits.size).toBeGreaterThanOrEqual(4);
  });

  it('holds a volatility-capped 1/N while there is not enough history to fit', () => {
    const s = mlForecast(mlForecastSchema.parse({ ...small, model: { kind: 'ridge' } }));
    const d = s.decide(panel.upTo(panel.dates[100]!), ctxAt(100));
    expect((d.diagnostics!['ml'] as MlDiagnostics).warmingUp).toBe(true);
    expect([...d.weights].filter((x) => x > 0)).toHaveLength(4);
  });

  it('never mutates the panel it is given', () => {
    const view = panel.upTo(panel.dates[panel.nDates - 10]!);
    const before = view.field('close').slice();
    mlForecast(mlForecastSchema.parse({ ...small, model: { kind: 'ridge' } })).decide(view, ctxAt(view.nDates - 1));
    expect(view.field('close')).toEqual(before);
  });
});

describe('bad input gives one-line errors', () => {
  const oneLine = (f: () => unknown): KeelError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(KeelError);
      expect((e as KeelError).message).not.toContain('\n');
      return e as KeelError;
    }
    throw new Error('expected an error');
  };

  it('a training window shorter than the model needs', () => {
    const e = oneLine(() =>
      mlForecast(mlForecastSchema.parse({ ...small, trainWindow: 40, model: { kind: 'ridge' } })),
    );
    expect(e.message).toMatch(
      /trainWindow 40 bars is shorter than the model needs: horizon 21 \+ embargo 5 \+ minTrainDates 30 × stride 3 = 116; use trainWindow ≥ 116/,
    );
  });

  it('a target horizon longer than the data', () => {
    const p = mlForecastSchema.parse({
      ...small,
      target: { kind: 'forward-return', horizon: 5000 },
      model: { kind: 'ridge' },
    });
    expect(oneLine(() => checkMlForecastInput(p, panel, 'long-h')).message).toMatch(
      /^strategy long-h: target horizon 5000 bars is not shorter than the data \(7\d\d dates\)/,
    );
  });

  it('constant features name the feature', () => {
    // A cross-sectional rank over a one-asset universe is 0.5 every day.
    const s = mlForecast(
      mlForecastSchema.parse({
        ...small,
        universe: ['GOLD'],
        features: [
          { kind: 'rank', window: 21 },
          { kind: 'momentum', windows: [21] },
        ],
        model: { kind: 'ridge' },
      }),
    );
    const t = panel.nDates - 5;
    expect(oneLine(() => s.decide(panel.upTo(panel.dates[t]!), ctxAt(t))).message).toMatch(
      /^feature "rank_momentum_21" is constant \(0\.5\)/,
    );
  });

  it('an unknown model kind: the schema rejects it with the path, and the factory names the known kinds', () => {
    const r = mlForecastSchema.safeParse({ ...small, model: { kind: 'ridgee' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['model', 'kind']);
    const params = { ...mlForecastSchema.parse({ ...small }), model: { kind: 'ridgee' } };
    expect(oneLine(() => mlForecast(params)).message).toMatch(/unknown model kind "ridgee"; known kinds: .*ridge/);
  });
});
