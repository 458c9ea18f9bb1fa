import { describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import type { Strategy } from '../backtest/index.ts';
import { strategyKinds } from '../strategies/index.ts';
import { auditBacktest } from './index.ts';

function panel(T = 120): Panel {
  const dates: string[] = [];
  const close = new Float64Array(T * 2);
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  for (let t = 0; t < T; t++) {
    dates.push(new Date(t0 + t * 86_400_000).toISOString().slice(0, 10));
    close[t * 2] = 100 + 10 * Math.sin(t / 7) + t * 0.1;
    close[t * 2 + 1] = 50 + 3 * Math.cos(t / 5);
  }
  return new Panel({ dates, assets: ['A', 'B'], fields: { close } });
}

describe('auditBacktest', () => {
  it('passes an honest strategy at the default cutoffs in both modes', () => {
    const mk = () => strategyKinds['inverse-volatility'].create({ window: 20 }, {});
    const r = auditBacktest(panel(), mk, { costs: { kind: 'proportional', bps: 5 }, rebalance: 'weekly' });
    expect(r.ok).toBe(true);
    expect(r.asOf.length).toBe(3);
    expect(r.checks).toBe(6);
  });

  it('passes the volatility-matched 1/N scaled by Ledoit-Wolf (the ML job’s yardstick): it reads data ≤ its decision', () => {
    // 1 % keeps the scale binding on this calm two-asset panel (30–40 % invested), so σ̂ decides every weight.
    const mk = () =>
      strategyKinds['equal-weight'].create(
        { targetVolatility: 0.01, window: 20, riskModel: 'ledoit-wolf' },
        { periodsPerYear: 252 },
      );
    const r = auditBacktest(panel(), mk, { costs: { kind: 'proportional', bps: 5 }, rebalance: 'weekly' });
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('catches a strategy wired to the full panel instead of its view', () => {
    const cheat = (p: Panel): Strategy => ({
      name: 'cheat',
      decide: (view) => {
        const t = view.nDates; // tomorrow's row in the full panel
        const up = t < p.nDates && p.value('close', t, 0) > p.value('close', t - 1, 0);
        return { weights: Float64Array.from(up ? [1, 0] : [0, 1]) };
      },
    });
    const r = auditBacktest(panel(), cheat, { costs: { kind: 'none' }, rebalance: 'daily' });
    expect(r.ok).toBe(false);
    // Both modes catch it: garbage scaled up and scaled down flips the comparison in one of the two runs.
    expect(new Set(r.violations.map((v) => v.mode))).toEqual(new Set(['garbage', 'delete']));
    expect(r.violations[0]!.path).toMatch(/^\$\.(decisions|fills|nav)/);
  });
});
