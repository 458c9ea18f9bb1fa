import { describe, expect, it } from 'vitest';
import { rebalance } from './index.ts';

describe('rebalance calculator', () => {
  it('60 000 / 40 000 held with targets 0.6 / 0.4 needs no trade', () => {
    const p = rebalance({
      assets: ['EQ', 'BD'],
      shares: [600, 400],
      prices: [100, 100],
      targetWeights: [0.6, 0.4],
      cash: 0,
    });
    expect(p.trades).toEqual([]);
    expect(p.nav).toBe(100000);
  });
  it('70 000 / 30 000 with targets 0.6 / 0.4 sells 10 000 of equity and buys 10 000 of bonds, sells first', () => {
    const p = rebalance({
      assets: ['EQ', 'BD'],
      shares: [700, 300],
      prices: [100, 100],
      targetWeights: [0.6, 0.4],
      cash: 0,
    });
    expect(p.trades).toEqual([
      { asset: 'EQ', shares: -100, value: -10000 },
      { asset: 'BD', shares: 100, value: 10000 },
    ]);
    expect(p.cashAfter).toBe(0);
    expect(Array.from(p.weightsAfter)).toEqual([0.6, 0.4]);
  });
  it('lot sizes round toward zero, a cash buffer is kept and small trades are skipped', () => {
    const p = rebalance(
      {
        assets: ['A', 'B', 'C'],
        shares: [0, 0, 10],
        prices: [50, 20, 10],
        targetWeights: [0.5, 0.45, 0.05],
        cash: 10000,
      },
      { lotSize: [10, 100, 1], cashBuffer: 0.02, minTradeValue: 100 },
    );
    // NAV 10 100; investable 9 898; A wants 98.98 shares → 90 (lots of 10); B wants 222.7 → 200; C wants 49.49 → +39
    expect(p.trades).toEqual([
      { asset: 'A', shares: 90, value: 4500 },
      { asset: 'B', shares: 200, value: 4000 },
      { asset: 'C', shares: 39, value: 390 },
    ]);
    expect(p.cashAfter).toBeGreaterThanOrEqual(0.02 * 10100 - 1e-9);
  });
  it('trades below the minimum value are skipped', () => {
    const p = rebalance(
      { assets: ['EQ', 'BD'], shares: [601, 399], prices: [100, 100], targetWeights: [0.6, 0.4], cash: 0 },
      { minTradeValue: 500 },
    );
    expect(p.trades).toEqual([]);
  });
  it('bad input: negative cash, weights over 1, mismatched lengths', () => {
    const base = { assets: ['A'], shares: [1], prices: [10], targetWeights: [1], cash: 0 };
    expect(() => rebalance({ ...base, cash: -5 })).toThrow(/cash must be a finite amount ≥ 0, got -5/);
    expect(() => rebalance({ ...base, targetWeights: [1.2] })).toThrow(/sum to 1.2 > 1/);
    expect(() => rebalance({ ...base, prices: [10, 11] })).toThrow(/must have the same length/);
  });
});
