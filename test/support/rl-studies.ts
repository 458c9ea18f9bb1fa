/**
 * A small study frame for rl-agent tests: four core synthetic assets over 5 years, monthly, 10 bp, with a 1/N
 * baseline, and a cheap Q-learning agent (2 seeds) to put in it. Study-level tests add their strategies.
 */
/** DQN's discrete allocations as the first rl-agent examples declared them: 1/N, then 55 % in one core asset. */
export const coreTiltActions = [
  'equal-weight',
  { EQ_BROAD: 0.55, EQ_TECH: 0.15, BOND_LONG: 0.15, GOLD: 0.15 },
  { EQ_BROAD: 0.15, EQ_TECH: 0.55, BOND_LONG: 0.15, GOLD: 0.15 },
  { EQ_BROAD: 0.15, EQ_TECH: 0.15, BOND_LONG: 0.55, GOLD: 0.15 },
  { EQ_BROAD: 0.15, EQ_TECH: 0.15, BOND_LONG: 0.15, GOLD: 0.55 },
];

export const qLearningAgent = {
  kind: 'rl-agent',
  name: 'q',
  algorithm: 'q-learning',
  features: [{ kind: 'momentum', windows: [63] }],
  trainWindow: 504,
  episodes: 8,
  seeds: 2,
  agent: { bins: 2 },
};

export const smallAgentStudy = (name: string) => ({
  name,
  seed: 4,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 5, stocks: 0 } },
  backtest: {
    costs: { kind: 'proportional', bps: 10 },
    start: '2016-06-01',
    rebalance: 'monthly',
    periodsPerYear: 252,
  },
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
});
