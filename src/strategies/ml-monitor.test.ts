/**
 * The ml-forecast monitor hook: a planted break is found and acted on, and nothing it records or does at a decision
 * depends on data after that decision (the look-ahead audit, extended to the monitor's events).
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../backtest/index.ts';
import { MONITOR_DEFAULT_SETTINGS, type MonitorEvent, type MonitorSpec } from '../monitor/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { mlForecastKind } from './ml-forecast.ts';

const spec: MonitorSpec = {
  detectors: ['cusum', 'bocpd', 'rolling-ic', 'vol-ratio', 'psi'],
  settings: MONITOR_DEFAULT_SETTINGS,
  retrain: { on: ['schedule', 'drift'], drift: ['cusum', 'bocpd'], every: 21, minTrainDates: 20, stride: 1 },
  derisk: { when: ['cusum', 'bocpd'], to: 'equal-weight', for: 63 },
};
const market = synthesizeMarket({
  seed: 2,
  start: '2014-01-01',
  years: 6,
  stocks: 30,
  predictability: { momentum: 0.12, meanReversion: 0, macro: 0, sentiment: 0, regimeDrift: 0 },
  break: { atFraction: 0.6, signal: 'momentum', to: 'flip' },
});
const stocks = market.panel.assets.filter((a) => a.startsWith('STK'));
const panel = market.panel.selectAssets(stocks);
const params = {
  features: [{ kind: 'momentum', windows: [21, 63], skip: 5 }],
  target: { kind: 'forward-return', horizon: 5 },
  model: { kind: 'ridge', alpha: 1 },
  refitEvery: 126,
  portfolio: { method: 'top-k', topK: 8 },
};
const options = { start: '2016-01-04', rebalance: 'weekly' as const, costs: { kind: 'none' as const } };
const make = () => mlForecastKind.create(params as never, { name: 'ridge', monitor: spec, periodsPerYear: 252 });
const eventsOf = (r: ReturnType<typeof runBacktest>): MonitorEvent[] =>
  r.decisions.flatMap((d) => (d.diagnostics?.['monitor'] as { events: MonitorEvent[] } | undefined)?.events ?? []);

describe('ml-forecast with a monitor', () => {
  const full = runBacktest(panel, make(), options);
  const events = eventsOf(full);
  const brk = market.truth.break!;

  it('finds the planted flip (within 63 bars on this 30-stock market), retrains on post-change data and says so in info findings', () => {
    const retrains = events.filter((e) => e.action.startsWith('retrain'));
    const first = retrains.find((e) => e.date >= brk.date)!;
    expect(first).toBeDefined();
    const delay = panel.dates.indexOf(first.date) - brk.index;
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(63);
    // The defaults aim at ≤ 1 false alarm per 5 years on this kind of market (docs/monitoring.md).
    expect(retrains.filter((e) => e.date < brk.date).length).toBeLessThanOrEqual(1);
    const kinds = new Set(full.findings.filter((f) => f.kind.startsWith('monitor-')).map((f) => f.kind));
    expect(kinds.has('monitor-retrain') && kinds.has('monitor-derisk')).toBe(true);
    expect(full.findings.every((f) => !f.kind.startsWith('monitor-') || f.severity === 'info')).toBe(true);
    // The model after the change is a drift refit on data since the estimated change.
    const reasons = full.decisions.map((d) => (d.diagnostics?.['monitor'] as { anchorReason: string }).anchorReason);
    expect(reasons).toContain('drift');
  });

  it('point in time: the events and decisions up to a cutoff are the same on the data cut at that cutoff', () => {
    for (const cut of [brk.index + 30, brk.index + 120]) {
      const asOf = panel.dates[cut]!;
      const short = runBacktest(panel.upTo(asOf), make(), options);
      expect(eventsOf(short)).toEqual(events.filter((e) => e.actedOn <= asOf));
      expect(short.decisions.map((d) => Array.from(d.target))).toEqual(
        full.decisions.filter((d) => full.dates[d.dateIndex]! <= asOf).map((d) => Array.from(d.target)),
      );
    }
  });
});
