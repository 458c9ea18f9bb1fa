import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  calendarReturns,
  drawdownSpells,
  monthlyActivity,
  tearSheet,
  type DrawdownSpell,
  type PeriodReturn,
} from './tearsheet.ts';

/** Independent NumPy/SciPy figures (fixtures/tearsheet.py, committed with its command). */
interface Fixture {
  periodsPerYear: number;
  window: number;
  dates: string[];
  nav: number[];
  benchmarkNav: number[];
  stats: Record<string, number>;
  monthly: Required<PeriodReturn>[];
  annual: Required<PeriodReturn>[];
  rolling: { sharpe: (number | null)[]; volatility: (number | null)[]; beta: (number | null)[] };
  drawdowns: DrawdownSpell[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/tearsheet.json', import.meta.url), 'utf8')) as Fixture;

const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('tear sheet against the NumPy fixture (empyrical/quantstats formulas)', () => {
  const ts = tearSheet({
    dates: fx.dates,
    nav: fx.nav,
    benchmarkNav: fx.benchmarkNav,
    periodsPerYear: fx.periodsPerYear,
    window: fx.window,
  });

  it('statistics agree to 1e-10 (relative)', () => {
    const got = ts.stats as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(fx.stats))
      expect(close(got[k]!, v, 1e-10), `${k}: ${got[k]} vs ${v}`).toBe(true);
    expect(Object.keys(got).sort()).toEqual(Object.keys(fx.stats).sort());
  });

  it('monthly and annual returns, compounded from the NAV path, agree to 1e-12', () => {
    for (const [got, want] of [
      [ts.monthly, fx.monthly],
      [ts.annual, fx.annual],
    ] as const) {
      expect(got.map((m) => m.period)).toEqual(want.map((m) => m.period));
      got.forEach((m, i) => {
        expect(m.ret).toBeCloseTo(want[i]!.ret, 12);
        expect(m.benchmark!).toBeCloseTo(want[i]!.benchmark, 12);
      });
    }
  });

  it('rolling Sharpe, volatility and beta agree to 1e-9 and are NaN before the window fills', () => {
    for (const key of ['sharpe', 'volatility', 'beta'] as const) {
      const got = ts.rolling[key]!;
      const want = fx.rolling[key];
      expect(got.length).toBe(want.length);
      want.forEach((w, i) => {
        if (w === null) expect(Number.isNaN(got[i]!), `${key}[${i}]`).toBe(true);
        else expect(close(got[i]!, w, 1e-9), `${key}[${i}]: ${got[i]} vs ${w}`).toBe(true);
      });
    }
  });

  it('the five worst drawdown spells: peak, valley, recovery, depth and length', () => {
    expect(ts.drawdowns.length).toBe(5);
    ts.drawdowns.forEach((s, i) => {
      const w = fx.drawdowns[i]!;
      expect({ ...s, depth: 0 }).toEqual({ ...w, depth: 0 });
      expect(s.depth).toBeCloseTo(w.depth, 12);
    });
    expect(ts.drawdowns[0]!.depth).toBeCloseTo(ts.stats.maxDrawdown, 12);
  });
});

describe('tear sheet edge cases', () => {
  const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-29', '2025-01-02'];

  it('the first calendar period is measured from the base point; later ones from the previous period end', () => {
    const nav = [1, 1.1, 1.21, 1.1, 1.32];
    expect(calendarReturns(dates, nav, 7).map((m) => [m.period, +m.ret.toFixed(12)])).toEqual([
      ['2024-01', 0.1],
      ['2024-02', 0],
      ['2025-01', 0.2],
    ]);
    expect(calendarReturns(dates, nav, 4).map((m) => m.period)).toEqual(['2024', '2025']);
  });

  it('a spell still under water at the end has no recovery and counts to the last date', () => {
    const s = drawdownSpells(dates, [1, 1.2, 0.9, 1.0, 1.1], 5);
    expect(s).toEqual([{ peak: '2024-01-31', valley: '2024-02-01', recovery: null, depth: 0.25, periods: 3 }]);
  });

  it('a monotone NAV has no drawdown spells; a short series gives NaN rolling figures instead of throwing', () => {
    const ts = tearSheet({ dates, nav: [1, 1.01, 1.02, 1.03, 1.04], periodsPerYear: 252 });
    expect(ts.drawdowns).toEqual([]);
    expect(Array.from(ts.rolling.sharpe).every(Number.isNaN)).toBe(true);
    expect(ts.stats.beta).toBeUndefined();
  });

  it('refuses misaligned inputs with the lengths in the message', () => {
    expect(() => tearSheet({ dates, nav: [1, 2], periodsPerYear: 252 })).toThrow(/dates \(5\) and nav \(2\)/);
  });
});

describe('monthly exposure and turnover', () => {
  it('month-end gross and net exposure; turnover summed over the month, the first fill excluded', () => {
    const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-29'];
    // two assets: long/short in February
    const weights = [0, 0, 0.5, 0.5, 0.5, 0.5, 0.8, -0.3];
    const traded = [0, 100, 0, 66];
    const nav = [100, 100, 110, 120];
    expect(monthlyActivity({ dates, weights, nAssets: 2, traded, nav, from: 1 })).toEqual([
      { period: '2024-01', gross: 1, net: 1, turnover: 0 },
      { period: '2024-02', gross: 1.1, net: 0.5, turnover: 0.6 },
    ]);
  });
});
