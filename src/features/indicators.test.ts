import { ATR, BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { atr, bollingerPctB, ema, macd, rollingStd, rsi, sma } from './indicators.ts';
import { randomWalkPanel } from './test-panel.ts';

// Oracle: trading-signals 8.3 fed bar by bar. Tolerances: identical algorithms (SMA, RSI, Bollinger) agree to
// rounding (1e-9 relative); EMA-based ones differ only by seeding (first price vs SMA), which decays as (1−α)^t,
// so they are compared after 150 bars where (1 − 2/27)^150 < 1e-5 of the initial gap (DEPENDENCIES.md §6).
const panel = randomWalkPanel(7, 600, 1);
const close = panel.series('close', 0);
const high = panel.series('high', 0);
const low = panel.series('low', 0);

function stream(
  ind: { update(x: any, replace?: boolean): unknown },
  inputs: unknown[],
  pick: (r: unknown) => number,
): Float64Array {
  return Float64Array.from(inputs, (x) => {
    const r = ind.update(x, false);
    return r === null || r === undefined ? NaN : pick(r);
  });
}

function expectClose(mine: Float64Array, theirs: Float64Array, from: number, rel: number): void {
  let checked = 0;
  for (let t = from; t < mine.length; t++) {
    const a = mine[t]!;
    const b = theirs[t]!;
    expect(Number.isFinite(a)).toBe(true);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
    checked++;
  }
  expect(checked).toBeGreaterThan(100);
}

describe('indicators agree with trading-signals after warm-up', () => {
  it('SMA(20) matches exactly from the first full window', () => {
    const theirs = stream(new SMA(20), [...close], Number);
    const mine = sma(close, 20);
    expect(Number.isNaN(mine[18]!)).toBe(true);
    expectClose(mine, theirs, 19, 1e-9);
  });

  it('EMA(26) matches after 150 bars (seeding differs: SMA seed vs first price)', () => {
    const theirs = stream(new EMA(26), [...close], Number);
    expectClose(ema(close, 26), theirs, 150, 1e-6);
  });

  it('RSI(14) (Wilder, SMA seed) matches from its first value', () => {
    const theirs = stream(new RSI(14), [...close], Number);
    const mine = rsi(close, 14);
    expect(Number.isNaN(mine[13]!)).toBe(true);
    expectClose(mine, theirs, 14, 1e-9);
  });

  it('MACD(12, 26, 9) line, signal and histogram match after 200 bars', () => {
    const ind = new MACD(new EMA(12), new EMA(26), new EMA(9));
    const res = [...close].map((c) => ind.update(c, false));
    const mine = macd(close, 12, 26, 9);
    const pick = (k: 'macd' | 'signal' | 'histogram') => Float64Array.from(res, (r) => (r ? r[k] : NaN));
    expectClose(mine.macd, pick('macd'), 200, 1e-6);
    expectClose(mine.signal, pick('signal'), 200, 1e-6);
    expectClose(mine.histogram, pick('histogram'), 200, 1e-6);
  });

  it('Bollinger(20, 2) %b matches the bands exactly', () => {
    const ind = new BollingerBands(20, 2);
    const theirs = Float64Array.from(close, (c) => {
      const r = ind.update(c, false);
      return r ? (c - r.lower) / (r.upper - r.lower) : NaN;
    });
    expectClose(bollingerPctB(close, 20, 2), theirs, 19, 1e-9);
  });

  it('ATR(14) matches after 150 bars', () => {
    const candles = [...close].map((c, t) => ({ high: high[t]!, low: low[t]!, close: c }));
    const theirs = stream(new ATR(14), candles, Number);
    expectClose(atr(high, low, close, 14), theirs, 150, 1e-6);
  });
});

describe('indicator kernels', () => {
  it('rollingStd(ddof 1) of [1,2,3,4] windows of 3 is 1', () => {
    const s = rollingStd(Float64Array.of(1, 2, 3, 4), 3, 1);
    expect(Number.isNaN(s[1]!)).toBe(true);
    expect(s[2]).toBeCloseTo(1, 12);
    expect(s[3]).toBeCloseTo(1, 12);
  });

  it('a NaN inside the window makes SMA NaN, and it recovers after the window passes', () => {
    const x = Float64Array.of(1, 2, NaN, 4, 5, 6, 7);
    const s = sma(x, 2);
    expect(Number.isNaN(s[2]!) && Number.isNaN(s[3]!)).toBe(true);
    expect(s[4]).toBe(4.5);
    expect(s[6]).toBe(6.5);
  });

  it('never mutates its input', () => {
    const before = close.slice();
    sma(close, 10);
    ema(close, 10);
    rsi(close, 14);
    macd(close);
    bollingerPctB(close);
    atr(high, low, close);
    expect(close).toEqual(before);
  });
});
