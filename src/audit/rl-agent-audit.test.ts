/**
 * The look-ahead audit over the rl-agent strategy kind: every decision, fill and NAV dated ≤ t is unchanged when
 * the data after t is replaced by garbage or deleted (training windows, features and the discretiser's bins all
 * come from the view).
 */
import { describe, expect, it } from 'vitest';
import { synthesizeMarket } from '../synth/index.ts';
import { expectRlAgentPassesAudit, rlAuditOptions } from './test-rl-agent.ts';

describe('look-ahead audit: rl-agent', () => {
  const panel = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 4, stocks: 0 }).panel;
  for (const fill of ['next-close', 'next-open'] as const) {
    it(`q-learning passes at the default cutoffs in both modes (fill ${fill})`, () => {
      const r = expectRlAgentPassesAudit(
        panel,
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
        rlAuditOptions(fill),
      );
      expect(r.checks).toBe(6);
    });
  }

  it('ppo with z-scored features (scaler fitted per refit) and the residual policy around 1/N passes', () => {
    expectRlAgentPassesAudit(
      panel,
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
      rlAuditOptions(),
    );
  });
});
