import { describe, expect, it } from 'vitest';
import { synthesizeMarket } from './market.ts';
import { plantedExpectation } from './expected.ts';
import { meanIc } from './test-ic.ts';
import { PREDICTABILITY_OFF } from './params.ts';

describe('plantedExpectation', () => {
  const m = synthesizeMarket({ seed: 3, years: 3, stocks: 12 });
  const e = plantedExpectation(m.truth, m.panel.dates, m.panel.assets);
  const n = m.panel.nAssets;

  it("row t's signal parts add up to the α that entered day t+1's return; the last row is NaN", () => {
    for (let t = 0; t + 1 < m.panel.nDates; t += 7) {
      for (let a = 0; a < n; a++) {
        const i = t * n + a;
        const signalPart = e.total[i]! - e.components.drift[i]!;
        expect(signalPart).toBeCloseTo(m.truth.alpha[(t + 1) * n + a]!, 15);
      }
    }
    expect(e.total[(m.panel.nDates - 1) * n]).toBeNaN();
  });

  it('is informative about the next day (positive mean IC) and uses nothing dated after t', () => {
    const next = new Float64Array(e.total.length).fill(NaN);
    for (let t = 0; t + 1 < m.panel.nDates; t++)
      for (let a = 0; a < n; a++) next[t * n + a] = m.truth.logReturns[(t + 1) * n + a]!;
    const ic = meanIc(e.total, next, n, 300, m.panel.nDates - 1);
    expect(ic).toBeGreaterThan(0.02);
    // A market that is a prefix of this one (same seed) gives the same expectation on the shared dates.
    const short = synthesizeMarket({ seed: 3, years: 2, stocks: 12 });
    const es = plantedExpectation(short.truth, short.panel.dates, short.panel.assets);
    const T = short.panel.nDates - 1;
    expect(Array.from(es.total.subarray(0, T * n))).toEqual(Array.from(e.total.subarray(0, T * n)));
  });

  it('with the planted signals off only the drift part remains', () => {
    const off = synthesizeMarket({ seed: 3, years: 1, stocks: 4, predictability: PREDICTABILITY_OFF });
    const eo = plantedExpectation(off.truth, off.panel.dates, off.panel.assets);
    for (const c of ['momentum', 'meanReversion', 'macro', 'sentiment'] as const)
      expect(eo.components[c].every((v) => Number.isNaN(v) || v === 0)).toBe(true);
  });
});
