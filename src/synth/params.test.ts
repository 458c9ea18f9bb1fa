import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { parseSynthParams, synthesizeMarket, synthMarketSchema } from './index.ts';

function errorOf(input: unknown): string {
  try {
    parseSynthParams(input);
  } catch (e) {
    expect(isKeelError(e)).toBe(true);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('synthMarketSchema', () => {
  it('fills every default from {}', () => {
    const p = parseSynthParams({});
    expect(p.seed).toBe(42);
    expect(p.start).toBe('2014-01-01');
    expect(p.years).toBe(10);
    expect(p.stocks).toBe(24);
    expect(p.predictability).toMatchObject({
      momentum: 0.03,
      meanReversion: 0.03,
      macro: 0.05,
      sentiment: 0.05,
      sentimentLeadDays: 2,
    });
    expect(p.regimes.crisis.stockBondCorr).toBeLessThan(0);
    expect(p.regimes.bear.stockBondCorr).toBeGreaterThan(0);
    expect(synthMarketSchema.parse({})).toEqual(p);
  });

  it('keeps the given values and defaults the rest of a nested block', () => {
    const p = parseSynthParams({ predictability: { momentum: 0.2 } });
    expect(p.predictability.momentum).toBe(0.2);
    expect(p.predictability.macro).toBe(0.05);
  });
});

describe('parameter errors: one line naming the parameter, the rule, the value and a fix', () => {
  const cases: [unknown, RegExp][] = [
    [{ predictability: { momentum: 2 } }, /predictability\.momentum must be ≤ 0\.3, got 2; use e\.g\. 0\.03/],
    [{ predictability: { momentum: -0.1 } }, /predictability\.momentum must be ≥ 0 \(0 switches it off\), got -0\.1/],
    [{ predictability: { sentimentLeadDays: 0 } }, /sentimentLeadDays must be in \[1, 20\].*got 0/],
    [{ seed: -1 }, /seed must be an integer in \[0, 4294967295\], got -1; use e\.g\. seed: 42/],
    [{ seed: 1.5 }, /seed must be an integer.*got 1\.5/],
    [{ start: '2014-13-01' }, /start must be a real calendar date, got "2014-13-01"/],
    [{ start: '01/02/2014' }, /start must be a date written YYYY-MM-DD, got "01\/02\/2014"/],
    [{ years: 'ten' }, /years must be a number, got "ten"/],
    [{ years: 100 }, /years must be within \[0\.25, 60\], got 100; use e\.g\. years: 10/],
    [{ stocks: 5000 }, /stocks must be within \[0, 1000\], got 5000/],
    [{ sectors: [] }, /sectors must list at least one sector name/],
    [{ sectors: ['A', 'A'] }, /sectors must not repeat a name/],
    [{ tailDf: 2 }, /tailDf must be > 2\.5.*got 2; use e\.g\. tailDf: 5/],
    [{ garch: { alpha: 0.2, beta: 0.85 } }, /garch\.alpha \+ garch\.beta must be < 0\.999/],
    [
      { regimes: { calm: { stockBondCorr: 1 } } },
      /regimes\.calm\.stockBondCorr must be within \[-0\.95, 0\.95\], got 1/,
    ],
    [{ news: { probability: 1.5 } }, /news\.probability must be within \[0, 1\], got 1\.5/],
    [
      { fundamentals: { reportLagMinDays: 50, reportLagMaxDays: 20 } },
      /reportLagMinDays must be ≤ fundamentals\.reportLagMaxDays/,
    ],
    [{ predictabilty: {} }, /unknown parameter "predictabilty".*Did you mean "predictability"\?/],
    [{ predictability: { momentun: 0.1 } }, /unknown parameter "predictability\.momentun".*Did you mean "momentum"\?/],
    [{ regimes: 'calm' }, /regimes must be a mapping, got "calm"/],
  ];
  for (const [input, pattern] of cases) {
    it(`${JSON.stringify(input)} → ${pattern.source.slice(0, 60)}`, () => {
      expect(errorOf(input)).toMatch(pattern);
    });
  }

  it('synthesizeMarket rejects bad parameters with a config error (exit code 2) before doing any work', () => {
    try {
      synthesizeMarket({ years: -1 });
      expect.unreachable();
    } catch (e) {
      expect(isKeelError(e) && e.kind === 'config' && e.exitCode === 2).toBe(true);
    }
  });
});
