/**
 * The look-ahead audit over the rl-agent strategy kind: every decision, fill and NAV dated ≤ t is unchanged when
 * the data after t is replaced by garbage or deleted (training windows, features and the discretiser's bins all
 * come from the view).
 */
import { describe, expect, it } from 'vitest';
import type { BacktestOptions, Strategy } from '../backtest/index.ts';
import { strategyKinds } from '../strategies/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { auditBacktest } from './index.ts';

describe('look-ahead audit: rl-agent', () => {
  const panel = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 4, stocks: 0 }).panel;
  for (const fill of ['next-close', 'next-open'] as const) {
    it(`q-learning passes at the default cutoffs in both modes (fill ${fill})`, () => {
      const options: BacktestOptions = {
        costs: { kind: 'proportional', bps: 10 },
        rebalance: 'monthly',
        start: '2016-01-04',
        fill,
      };
      const mk = (): Strategy =>
        (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(
          {
            algorithm: 'q-learning',
            reward: { kind: 'differential-sharpe', eta: 0.05 },
            features: [{ kind: 'momentum', windows: [21] }],
            stepBars: 5,
            trainWindow: 300,
            refitEvery: 63,
            minTrainSteps: 30,
            episodes: 5,
            seeds: 2,
            agent: { bins: 2 },
          },
          { seed: 1, backtest: options },
        );
      const r = auditBacktest(panel, mk, options);
      expect(r.violations).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.checks).toBe(6);
    });
  }

  it('ppo with z-scored features (scaler fitted per refit) and the residual policy around 1/N passes', () => {
    const options: BacktestOptions = {
      costs: { kind: 'proportional', bps: 10 },
      rebalance: 'monthly',
      start: '2016-01-04',
    };
    const mk = (): Strategy =>
      (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(
        {
          algorithm: 'ppo',
          features: [{ kind: 'momentum', windows: [21], skip: 2 }],
          normalize: 'zscore',
          cash: false,
          stepBars: 5,
          trainWindow: 300,
          refitEvery: 126,
          minTrainSteps: 30,
          steps: 64,
          agent: { nSteps: 32, batchSize: 16, nEpochs: 2, hidden: [8] },
        },
        { seed: 1, backtest: options },
      );
    const r = auditBacktest(panel, mk, options);
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
