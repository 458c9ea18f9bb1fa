/**
 * Test support for the rl-agent look-ahead audits: builds the strategy from study-file params (as a study would)
 * and runs the backtest audit at the default cutoffs, asserting no violation. Returns the report for further checks.
 */
import { expect } from 'vitest';
import type { Panel } from '../data/index.ts';
import type { BacktestOptions, Strategy } from '../backtest/index.ts';
import { strategyKinds } from '../strategies/index.ts';
import { auditBacktest, type BacktestAuditReport } from './index.ts';

/** Monthly, 10 bps, from 2016-01-04 (the audits' market starts 2014); `fill` as given, else the engine's default. */
export function rlAuditOptions(fill?: BacktestOptions['fill']): BacktestOptions {
  return {
    costs: { kind: 'proportional', bps: 10 },
    rebalance: 'monthly',
    start: '2016-01-04',
    ...(fill ? { fill } : {}),
  };
}

export function expectRlAgentPassesAudit(
  panel: Panel,
  params: object,
  options: BacktestOptions,
  records?: unknown,
): BacktestAuditReport {
  const create = strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy;
  const r =
    records === undefined
      ? auditBacktest(panel, () => create(params, { seed: 1, backtest: options }), options)
      : auditBacktest(panel, (_p, rec) => create(params, { seed: 1, backtest: options, records: rec }), options, {
          records,
        });
  expect(r.violations).toEqual([]);
  expect(r.ok).toBe(true);
  return r;
}
