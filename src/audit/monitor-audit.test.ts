/**
 * Look-ahead audit of the walk-forward monitor: an ml-forecast strategy whose monitor retrains and de-risks on a
 * planted break must decide the same at every decision ≤ the cutoff whatever happens after it (garbled or deleted).
 */
import { describe, expect, it } from 'vitest';
import { MONITOR_DEFAULT_SETTINGS, type MonitorSpec } from '../monitor/index.ts';
import { strategyKinds } from '../strategies/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { auditBacktest } from './index.ts';

const spec: MonitorSpec = {
  detectors: ['cusum', 'bocpd', 'rolling-ic', 'vol-ratio', 'ks', 'psi'],
  settings: MONITOR_DEFAULT_SETTINGS,
  retrain: { on: ['schedule', 'drift'], drift: ['cusum', 'bocpd'], every: 21, minTrainDates: 20, stride: 1 },
  derisk: { when: ['cusum', 'bocpd', 'vol-ratio'], to: { cash: 0.5 }, for: 63 },
};

describe('look-ahead audit with a monitor', () => {
  it('decisions ≤ the cutoff do not change when the data after it is garbled or deleted', () => {
    const m = synthesizeMarket({
      seed: 4,
      years: 5,
      stocks: 20,
      predictability: { momentum: 0.12, meanReversion: 0, macro: 0, sentiment: 0, regimeDrift: 0 },
      break: { atFraction: 0.55, signal: 'momentum', to: 'flip' },
    });
    const panel = m.panel.selectAssets(m.panel.assets.filter((a) => a.startsWith('STK')));
    const make = () =>
      strategyKinds['ml-forecast'].create(
        {
          features: [{ kind: 'momentum', windows: [21, 63], skip: 5 }],
          target: { kind: 'forward-return', horizon: 5 },
          model: { kind: 'ridge', alpha: 1 },
          portfolio: { method: 'top-k', topK: 6 },
        } as never,
        { name: 'ridge', monitor: spec, periodsPerYear: 252 } as never,
      );
    const b = m.truth.break!.index;
    const r = auditBacktest(
      panel,
      make,
      { start: panel.dates[400]!, rebalance: 'weekly', costs: { kind: 'proportional', bps: 5 } },
      { asOf: [panel.dates[b + 40]!] },
    );
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
