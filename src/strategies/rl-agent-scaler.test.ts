import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions, type Strategy } from '../backtest/index.ts';
import { computeFeatures, createFeatures } from '../features/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { fitColumnScaler } from './rl-agent-scaler.ts';
import { rlAlgorithms, strategyKinds, type RlDiagnostics } from './index.ts';

const panel = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 5, stocks: 0 }).panel;

describe('rl-agent feature z-scores (normalize: zscore)', () => {
  const fm = computeFeatures(createFeatures([{ kind: 'momentum', windows: [21, 63] }]), { panel });

  it('pools each column over the window rows and assets; the standardised window has mean 0 and s.d. 1', () => {
    const sc = fitColumnScaler(fm, 100, 399);
    const z = sc.apply(fm);
    const n = panel.nAssets;
    for (const col of z.columns) {
      const xs = Array.from(col.subarray(100 * n, 400 * n));
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
    // the cross-sectional order on a date survives (pooled, not per asset)
    const t = 300;
    const raw = Array.from(fm.columns[1]!.subarray(t * n, t * n + n));
    const std = Array.from(z.columns[1]!.subarray(t * n, t * n + n));
    const order = (v: number[]) => v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
    expect(order(std)).toEqual(order(raw));
  });

  it('reads only the rows it is fitted on: changing later rows changes nothing', () => {
    const a = fitColumnScaler(fm, 100, 399);
    const later = { ...fm, columns: fm.columns.map((c) => c.map((v, i) => (i >= 400 * panel.nAssets ? v * 1e6 : v))) };
    const b = fitColumnScaler(later, 100, 399);
    expect(b.mean).toEqual(a.mean);
    expect(b.sd).toEqual(a.sd);
  });

  it('cash: false gives the continuous agents a softmax over the assets only: an untrained agent holds about 1/N, fully invested', () => {
    const backtest: BacktestOptions = {
      costs: { kind: 'proportional', bps: 10 },
      rebalance: 'monthly',
      start: '2016-06-01',
    };
    const mk = (cash: boolean): Strategy =>
      (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(
        {
          algorithm: 'ppo',
          features: [{ kind: 'momentum', windows: [63] }],
          normalize: 'zscore',
          cash,
          stepBars: 21,
          trainWindow: 504,
          refitEvery: 252,
          minTrainSteps: 10,
          steps: 2, // fewer than one rollout: no update, the initial (near-zero) tilt
          agent: { nSteps: 16, batchSize: 8, nEpochs: 1, hidden: [8] },
        },
        { name: 'rl', seed: 3, backtest },
      );
    const resid = runBacktest(panel, mk(false), backtest);
    const withCash = runBacktest(panel, mk(true), backtest);
    for (const d of resid.decisions) {
      expect((d.diagnostics!['rl'] as RlDiagnostics).fitDate).not.toBe('');
      const sum = Array.from(d.target).reduce((s, x) => s + x, 0);
      expect(sum).toBeCloseTo(1, 12);
      // the policy head starts with weights × 0.01 and PyTorch's bias (±1/√8 here), so the tilt is small, not 0
      for (const w of d.target) expect(Math.abs(w - 0.25)).toBeLessThan(0.1);
    }
    // with a cash score the same untrained agent leaves about 1/(n + 1) in cash
    const cash0 = 1 - Array.from(withCash.decisions[0]!.target).reduce((s, x) => s + x, 0);
    expect(cash0).toBeGreaterThan(0.1);
  });
});

describe('rl-agent normalize: cross-sectional (the observations an agent trains and acts on)', () => {
  it('each feature column of every observation has mean 0 and s.d. 1 across the assets, in training and out of sample', () => {
    const seen: { train: Float64Array[]; act: Float64Array[] } = { train: [], act: [] };
    const real = rlAlgorithms.a2c!;
    // A spy agent on the real path (registry → strategy → backtest): records what it is shown, holds 1/N.
    rlAlgorithms.a2c = {
      ...real,
      train: (input) => {
        seen.train.push(...input.trainObservations);
        return {
          act: (obs) => (seen.act.push(obs), new Float64Array(5)),
          episodeReturns: [],
          findings: [],
          toJSON: () => ({}),
        };
      },
    };
    try {
      const backtest: BacktestOptions = {
        costs: { kind: 'proportional', bps: 10 },
        rebalance: 'monthly',
        start: '2017-01-02',
      };
      const mk = (): Strategy =>
        (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(
          {
            algorithm: 'a2c',
            features: [{ kind: 'momentum', windows: [21, 63] }],
            normalize: 'cross-sectional',
            window: 2,
            stepBars: 5,
            trainWindow: 300,
            minTrainSteps: 20,
          },
          { seed: 1, backtest },
        );
      runBacktest(panel, mk(), backtest);
    } finally {
      rlAlgorithms.a2c = real;
    }
    const n = panel.nAssets;
    expect(seen.train.length).toBeGreaterThan(100);
    expect(seen.act.length).toBeGreaterThan(10);
    for (const obs of [...seen.train, ...seen.act]) {
      expect(obs.length).toBe(2 * 2 * n + n + 1); // window 2 × 2 columns × n assets, then weights and cash
      for (let block = 0; block < 4; block++) {
        const xs = Array.from(obs.subarray(block * n, (block + 1) * n));
        const m = xs.reduce((s, x) => s + x, 0) / n;
        const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1); // sample s.d., as ml-forecast's crossSectional
        expect(m).toBeCloseTo(0, 12);
        expect(Math.abs(v - 1) < 1e-9 || v === 0).toBe(true); // 0 only in a warm-up row (all missing → 0)
      }
    }
  });
});
