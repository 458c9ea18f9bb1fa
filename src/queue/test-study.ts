/** Test support: a small, fast study (3 years, 3 stocks, minimum variance) for the queue tests to sweep. */
export const queueTestStudy = (name: string) => ({
  name,
  seed: 11,
  data: { source: 'synthetic', market: { start: '2015-01-01', years: 3, stocks: 3 } },
  backtest: {
    periodsPerYear: 252,
    start: '2016-01-04',
    rebalance: 'monthly',
    costs: { kind: 'proportional', bps: 10 },
  },
  strategies: [{ kind: 'allocator', name: 'min-var', allocator: { kind: 'min-variance' }, window: 126 }],
  baselines: [{ kind: 'equal-weight' }],
});
