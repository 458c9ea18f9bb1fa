import { describe, expect, it } from 'vitest';
import { FILL_NO_PRICE, fillKernel } from './kernel.ts';
import type { FillCosts, FillFlags } from './kernel.ts';
import { LedgerBuilder } from './ledger.ts';

describe('fillKernel', () => {
  const costs: FillCosts = { rates: new Float64Array([0.001, 0.001, 0.001]), perOrder: null, capacity: null };

  it('sizes orders at the fill NAV, writes buy/sell sides from the sign, charges linear costs', () => {
    const qty = new Float64Array([10, 0, 5]);
    const prices = new Float64Array([10, 20, 4]);
    const ledger = new LedgerBuilder(4);
    const flags: FillFlags = { codes: new Uint8Array(3), count: 0, traded: 0, costs: 0 };
    // NAV = 50 + 100 + 20 = 170: A 10 → 0.2·170/10 = 3.4 (sell 6.6), B 0 → 0.5·170/20 = 4.25 (buy), C 5 → 12.75 (buy).
    const cash = fillKernel(7, new Float64Array([0.2, 0.5, 0.3]), prices, prices, qty, 50, costs, ledger, flags, null);
    expect(Array.from(ledger.side.subarray(0, 3))).toEqual([-1, 1, 1]);
    expect(ledger.quantity[0]).toBeCloseTo(6.6, 12);
    expect(ledger.quantity[1]).toBeCloseTo(4.25, 12);
    expect(ledger.quantity[2]).toBeCloseTo(7.75, 12);
    expect(Array.from(ledger.dateIndex.subarray(0, 3))).toEqual([7, 7, 7]);
    const traded = 66 + 85 + 31;
    expect(cash).toBeCloseTo(50 - (-66 + 85 + 31) - 0.001 * traded, 10);
    expect(Array.from(qty)).toEqual([expect.closeTo(3.4, 12), expect.closeTo(4.25, 12), expect.closeTo(12.75, 12)]);
    expect(flags.count).toBe(0);
  });

  it('flags assets without a fill price and clears the flags on the next fill', () => {
    const qty = new Float64Array([1, 1, 1]);
    const ledger = new LedgerBuilder(4);
    const flags: FillFlags = { codes: new Uint8Array(3), count: 0, traded: 0, costs: 0 };
    const w = new Float64Array([0.3, 0.3, 0.3]);
    const gap = new Float64Array([10, NaN, 10]);
    fillKernel(0, w, gap, new Float64Array([10, 10, 10]), qty, 0, costs, ledger, flags, null);
    expect(flags.count).toBe(1);
    expect(Array.from(flags.codes)).toEqual([0, FILL_NO_PRICE, 0]);
    expect(qty[1]).toBe(1); // untradable: holding kept
    const priced = new Float64Array([10, 10, 10]);
    fillKernel(1, w, priced, priced, qty, 0, costs, ledger, flags, null);
    expect(flags.count).toBe(0);
    expect(Array.from(flags.codes)).toEqual([0, 0, 0]);
  });
});
