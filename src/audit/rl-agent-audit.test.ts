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
});
