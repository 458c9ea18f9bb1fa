import { describe, expect, it } from 'vitest';
import type { PanelLike } from '../context.ts';
import { summarizeMarket } from './market-summary.ts';
import { sixtyFortyWeights } from '../../strategies/index.ts';
import { panelHash } from './load-data.ts';

describe('summarizeMarket', () => {
  it('matches hand-computed figures on a two-asset toy market', () => {
    // A: 100 → 110 → 99 → 108.9 (returns +10 %, −10 %, +10 %); B not listed until day 2.
    const close = Float64Array.from([100, NaN, 110, NaN, 99, 50, 108.9, 55]);
    const panel = {
      dates: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'],
      assets: ['A', 'B'],
      nDates: 4,
      nAssets: 2,
      fieldNames: ['close'],
      field: () => close,
      series: (_f: string, a: number | string) => Float64Array.from([0, 1, 2, 3], (t) => close[t * 2 + (a as number)]!),
    } as unknown as PanelLike;
    const [a, b] = summarizeMarket(panel, 252);
    const r = [0.1, -0.1, 0.1];
    const mean = (0.1 - 0.1 + 0.1) / 3;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    expect(a!.returns).toBe(3);
    expect(a!.annualReturn).toBeCloseTo(1.089 ** (252 / 3) - 1, 6);
    expect(a!.annualVolatility).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(a!.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(b).toMatchObject({ asset: 'B', first: '2024-01-03', returns: 1 });
    expect(b!.annualReturn).toBeNaN(); // fewer than 2 returns: not reported
  });
});

describe('panelHash', () => {
  it('changes with any value and ignores nothing', () => {
    const mk = (v: number) =>
      ({
        dates: ['2024-01-01'],
        assets: ['A'],
        fieldNames: ['close'],
        field: () => Float64Array.of(v),
      }) as unknown as PanelLike;
    expect(panelHash(mk(1))).toBe(panelHash(mk(1)));
    expect(panelHash(mk(1))).not.toBe(panelHash(mk(1.0000000001)));
    expect(panelHash(mk(1))).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('default baselines', () => {
  it('sixtyFortyWeights uses asset classes, and prefers the synthetic broad index and long bond', () => {
    const panel = (meta: { id: string; assetClass?: string }[]) =>
      ({ meta }) as unknown as Parameters<typeof sixtyFortyWeights>[0];
    expect(
      sixtyFortyWeights(
        panel([
          { id: 'EQ_BROAD', assetClass: 'equity' },
          { id: 'EQ_TECH', assetClass: 'equity' },
          { id: 'BOND_LONG', assetClass: 'bond' },
        ]),
      ),
    ).toEqual({ EQ_BROAD: 0.6, BOND_LONG: 0.4 });
    expect(
      sixtyFortyWeights(
        panel([
          { id: 'A', assetClass: 'equity' },
          { id: 'B', assetClass: 'equity' },
          { id: 'C', assetClass: 'bond' },
        ]),
      ),
    ).toEqual({ A: 0.3, B: 0.3, C: 0.4 });
    expect(sixtyFortyWeights(panel([{ id: 'A', assetClass: 'equity' }]))).toBeUndefined();
  });
});
