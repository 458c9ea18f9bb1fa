/**
 * The look-ahead audit over the rl-agent kind with the deep agents (ppo on the simplex, dqn on allocations): every
 * decision, fill and NAV dated ≤ t is unchanged when the data after t is replaced by garbage or deleted.
 */
import { describe, expect, it } from 'vitest';
import { synthesizeMarket } from '../synth/index.ts';
import { expectRlAgentPassesAudit, rlAuditOptions } from './test-rl-agent.ts';

describe('look-ahead audit: rl-agent with deep agents', () => {
  const panel = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 4, stocks: 0 }).panel;
  const agents = { ppo: { nSteps: 32, nEpochs: 2, hidden: [8] }, dqn: { hidden: [8], learningStarts: 20 } };
  for (const algorithm of ['ppo', 'dqn'] as const) {
    it(`${algorithm} passes the look-ahead audit at the default cutoffs (fill next-close)`, () => {
      const r = expectRlAgentPassesAudit(
        panel,
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
        rlAuditOptions('next-close'),
      );
      expect(r.checks).toBe(6);
    });
  }

  // Forecast-as-state: the ridge's walk-forward forecast (ml stages, records-based sentiment) is the observation,
  // z-scored across assets per date, with the 1/N-relative reward; records after the cutoff are perturbed too.
  for (const algorithm of ['ppo', 'dqn'] as const) {
    it(`${algorithm} with the forecast observation (records perturbed), cross-sectional z-scores and the excess reward passes`, () => {
      const m = synthesizeMarket({ seed: 3, start: '2014-01-01', years: 4, stocks: 0 });
      const records = { macro: m.macro, headlines: m.headlines, fundamentals: m.fundamentals };
      const r = expectRlAgentPassesAudit(
        m.panel,
        {
          algorithm,
          forecast: {
            features: [
              { kind: 'momentum', windows: [40], skip: 1 },
              { kind: 'sentiment', halfLife: 4.72 },
            ],
            target: { kind: 'rank', horizon: 21 },
            crossSectional: 'zscore',
            model: { kind: 'ridge', alpha: 4 },
            trainWindow: 252,
            refitEvery: 63,
            minTrainDates: 20,
          },
          features: [{ kind: 'momentum', windows: [21] }],
          normalize: 'cross-sectional',
          reward: { kind: 'excess-log-return' },
          stepBars: 5,
          trainWindow: 300,
          refitEvery: 126,
          minTrainSteps: 20,
          steps: 96,
          seeds: 1,
          agent: agents[algorithm],
        },
        rlAuditOptions('next-close'),
        records,
      );
      expect(r.checks).toBe(6);
    });
  }

  // One network shared across the assets (policy: per-asset; linear for ppo) on an expanding training window.
  for (const algorithm of ['ppo', 'dqn'] as const) {
    it(`${algorithm} with policy: per-asset and trainWindow: expanding passes`, () => {
      const r = expectRlAgentPassesAudit(
        panel,
        {
          algorithm,
          policy: { kind: 'per-asset', ownWeight: true },
          features: [{ kind: 'momentum', windows: [21] }],
          normalize: 'zscore',
          stepBars: 5,
          trainWindow: 'expanding',
          refitEvery: 126,
          minTrainSteps: 30,
          steps: 96,
          seeds: 1,
          agent: algorithm === 'ppo' ? { ...agents.ppo, hidden: [] } : agents.dqn,
        },
        rlAuditOptions('next-close'),
      );
      expect(r.checks).toBe(6);
    });
  }
  // DQN learning from every allocation at each step (agent.allActions: counterfactual transitions from env.peek), on
  // the T12 shape (per-asset with the own weight, expanding window, the 1/N-relative reward), both fill timings.
  for (const fill of ['next-close', 'next-open'] as const) {
    it(`dqn with allActions passes (fill ${fill})`, () => {
      const r = expectRlAgentPassesAudit(
        panel,
        {
          algorithm: 'dqn',
          policy: { kind: 'per-asset', ownWeight: true },
          features: [{ kind: 'momentum', windows: [21] }],
          normalize: 'zscore',
          reward: { kind: 'excess-log-return' },
          stepBars: 5,
          trainWindow: 'expanding',
          refitEvery: 126,
          minTrainSteps: 30,
          steps: 96,
          seeds: 1,
          agent: { ...agents.dqn, hidden: [], gamma: 0.5, allActions: true },
        },
        rlAuditOptions(fill),
      );
      expect(r.checks).toBe(6);
    });
  }
});
