import { describe, expect, it } from 'vitest';
import { synthesizeMarket } from './market.ts';
import { plantedExpectation } from './expected.ts';
import { meanIc } from './test-ic.ts';
import { marketToCsv } from './serialize.ts';

/** Equal up to rounding: the factor enters before the sum, so tiny α differ by ~1e-17 (α is ~1e-3). */
const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b) + 1e-15);

const momentumOnly = { momentum: 0.15, meanReversion: 0, macro: 0, sentiment: 0, regimeDrift: 0 };
const base = { seed: 5, years: 8, stocks: 60, predictability: momentumOnly };

describe('planted break', () => {
  const plain = synthesizeMarket(base);
  const flip = synthesizeMarket({ ...base, break: { atFraction: 0.5, signal: 'momentum', to: 'flip' } });
  const n = plain.panel.nAssets;
  const T = plain.panel.nDates;
  const b = flip.truth.break!;

  it('is exported with the truth, resolved on the calendar', () => {
    expect(b).toEqual({
      date: flip.panel.dates[Math.floor(T / 2)],
      index: Math.floor(T / 2),
      signals: ['momentum'],
      to: 'flip',
      factor: -1,
    });
    expect(plain.truth.break).toBeUndefined();
    expect(JSON.parse(marketToCsv(flip).get('truth_break.json')!)).toEqual(b);
    expect(marketToCsv(plain).has('truth_break.json')).toBe(false);
  });

  it("'flip' negates the planted α from the break day on and leaves every earlier day and the signals alone", () => {
    for (let i = 0; i < b.index * n; i++) expect(flip.truth.alpha[i]).toBe(plain.truth.alpha[i]);
    for (let i = b.index * n; i < T * n; i++) near(flip.truth.alpha[i]!, -plain.truth.alpha[i]!);
    // Signals sum returns net of α: (r + α) − α rounds, so they agree to ~1e-15, not bit for bit.
    let worst = 0;
    for (let i = 0; i < T * n; i++)
      worst = Math.max(worst, Math.abs(flip.truth.signals.momentum[i]! - plain.truth.signals.momentum[i]!));
    expect(worst).toBeLessThan(1e-9);
  });

  it('plantedExpectation respects it: the momentum part flips sign after the break and the ceiling IC keeps its magnitude', () => {
    const ep = plantedExpectation(plain.truth, plain.panel.dates, plain.panel.assets);
    const ef = plantedExpectation(flip.truth, flip.panel.dates, flip.panel.assets);
    // Row t covers day t+1: rows before index − 1 are unchanged, rows from index − 1 on are negated.
    for (let t = 300; t < T - 1; t += 17)
      for (let a = 0; a < n; a++) {
        const i = t * n + a;
        if (t + 1 < b.index) expect(ef.components.momentum[i]).toBe(ep.components.momentum[i]);
        else near(ef.components.momentum[i]!, -ep.components.momentum[i]!);
      }
    const next = (m: typeof plain) => {
      const y = new Float64Array(T * n).fill(NaN);
      for (let t = 0; t + 1 < T; t++) for (let a = 0; a < n; a++) y[t * n + a] = m.truth.logReturns[(t + 1) * n + a]!;
      return y;
    };
    const after = [b.index, T - 1] as const;
    const icFlip = meanIc(ef.total, next(flip), n, ...after);
    const icPlain = meanIc(ep.total, next(plain), n, ...after);
    expect(icFlip).toBeGreaterThan(0.05);
    expect(Math.abs(icFlip - icPlain)).toBeLessThan(0.2 * icPlain);
    // The pre-break expectation, used after the break, now predicts with the wrong sign.
    expect(meanIc(ep.total, next(flip), n, ...after)).toBeLessThan(-0.05);
  });

  it("'vanish' leaves no momentum part after the break", () => {
    const gone = synthesizeMarket({ ...base, break: { date: plain.panel.dates[900]!, signal: 'all', to: 'vanish' } });
    expect(gone.truth.break!.index).toBe(900);
    const e = plantedExpectation(gone.truth, gone.panel.dates, gone.panel.assets);
    for (let t = 899; t < T - 1; t++) expect(Math.abs(e.components.momentum[t * n]!)).toBe(0);
    for (let i = 900 * n; i < T * n; i++) expect(Math.abs(gone.truth.alpha[i]!)).toBe(0);
  });

  it('refuses a break with both or neither of date and atFraction, or a date outside the calendar', () => {
    expect(() => synthesizeMarket({ ...base, break: { signal: 'momentum' } })).toThrow(
      /exactly one of date and atFraction/,
    );
    expect(() => synthesizeMarket({ ...base, break: { date: '2015-01-01', atFraction: 0.5 } })).toThrow(
      /exactly one of date and atFraction/,
    );
    expect(() => synthesizeMarket({ ...base, years: 1, break: { date: '2030-01-01' } })).toThrow(
      /break\.date must fall inside the calendar/,
    );
  });
});
