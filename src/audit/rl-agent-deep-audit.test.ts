/**
 * The look-ahead audit over the rl-agent kind with the deep agents (ppo on the simplex, dqn on allocations): every
 * decision, fill and NAV dated ≤ t is unchanged when the data after t is replaced by garbage or deleted.
 */
import { describe, expect, it } from 'vitest';
import type { BacktestOptions, Strategy } from '../backtest/index.ts';
import { strategyKinds } from '../strategies/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { auditBacktest } from './index.ts';

describe('look-ahead audit: rl-agent with deep agents', () => {
  const panel = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 4, stocks: 0 }).panel;
  const agents = { ppo: { nSteps: 32, nEpochs: 2, hidden: [8] }, dqn: { hidden: [8], learningStarts: 20 } };
  for (const algorithm of ['ppo', 'dqn'] as const) {
    it(`${algorithm} passes the look-ahead audit at the default cutoffs (fill next-close)`, () => {
      const options: BacktestOptions = {
        costs: { kind: 'proportional', bps: 10 },
        rebalance: 'monthly',
        start: '2016-01-04',
        fill: 'next-close',
      };
      const mk = (): Strategy =>
        (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(
          {
            algorithm,
            features: [{ kind: 'momentum', windows: [21] }],
            stepBars: 5,
            trainWindow: 300,
            refitEvery: 126,
            minTrainSteps: 30,
            steps: 96,
            seeds: 1,
            agent: agents[algorithm],
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
