import { describe, expect, it } from 'vitest';
import { synthesizeMarket } from '../synth/index.ts';
import { ceilingQuality, ceilingSections, ceilingSource } from './ceiling.ts';

describe('ceiling', () => {
  const m = synthesizeMarket({ seed: 9, years: 2, stocks: 6 });
  const records = { truth: m.truth, truthAxes: { dates: m.panel.dates, assets: m.panel.assets } };

  it('is only available with the synthetic truth and its axes', () => {
    expect(ceilingSource(undefined)).toBeUndefined();
    expect(ceilingSource({ truth: m.truth })).toBeUndefined();
    expect(ceilingSource(records)).toBeTypeOf('function');
  });

  it('scores the planted expectation on the given cross sections, by date and asset id (any universe order)', () => {
    const at = ceilingSource(records)!;
    const e = at(5);
    expect(e.horizon).toBe(5);
    expect(at(5)).toBe(e); // cached per horizon
    const universe = ['STK003', 'EQ_BROAD', 'GOLD', 'STK001'];
    const idx = universe.map((id) => m.panel.assets.indexOf(id));
    const n = m.panel.nAssets;
    // Realised = the planted expectation itself: the ceiling's IC is exactly 1.
    const sections = [100, 130, 160].map((t) => ({
      date: m.panel.dates[t]!,
      universe,
      predicted: [0, 0, 0, 0],
      realized: idx.map((a) => e.total[t * n + a]!),
    }));
    const xs = ceilingSections(e, sections)!;
    expect(xs.map((x) => Array.from(x.predicted))).toEqual(sections.map((s) => s.realized));
    expect(ceilingQuality(e, sections)!.ic).toBeCloseTo(1, 12);
    expect(ceilingSections(e, [{ ...sections[0]!, universe: ['NOPE'] }])).toBeUndefined();
  });
});
