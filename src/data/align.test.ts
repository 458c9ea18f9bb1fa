import { describe, expect, it } from 'vitest';
import { alignPanels, commonHistory, firstValidIndex, listingDates, reindex } from './align.ts';
import { assetMetaSchema, groupAssetsBy, withAssetMeta } from './meta.ts';
import { Panel } from './panel.ts';

const N = NaN;
describe('alignment', () => {
  const a = new Panel({
    dates: ['2024-01-02', '2024-01-03', '2024-01-05'],
    assets: ['A'],
    fields: { close: Float64Array.from([1, 2, 3]) },
  });
  const b = new Panel({
    dates: ['2024-01-04', '2024-01-05'],
    assets: ['B'],
    fields: { close: Float64Array.from([10, 11]) },
  });
  it('union calendar keeps ragged starts as NaN and fills nothing', () => {
    const p = alignPanels([a, b]);
    expect(p.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
    expect([...p.field('close')]).toEqual([1, N, 2, N, N, 10, 3, 11]);
    expect(listingDates(p)).toEqual({ A: '2024-01-02', B: '2024-01-04' });
    expect([...firstValidIndex(p)]).toEqual([0, 2]);
    expect(commonHistory(p).dates).toEqual(['2024-01-04', '2024-01-05']);
  });
  it('intersection calendar keeps shared dates only', () => {
    expect(alignPanels([a, b], { calendar: 'intersection' }).dates).toEqual(['2024-01-05']);
  });
  it('refuses duplicate asset ids across panels', () => {
    expect(() => alignPanels([a, a])).toThrow(
      'asset "A" is in panel 1 and panel 2; asset ids must be unique. Rename one of them.',
    );
  });
  it('reindex drops dates not in the target calendar', () => {
    expect([...reindex(a, ['2024-01-03', '2024-01-04']).field('close')]).toEqual([2, N]);
  });
});

describe('asset metadata', () => {
  const p = new Panel({
    dates: ['2024-01-02'],
    assets: ['SPY', 'TLT', 'GLD'],
    fields: { close: Float64Array.from([1, 2, 3]) },
  });
  it('attaches records and groups by class', () => {
    const m = withAssetMeta(p, [
      { id: 'SPY', assetClass: 'equity', currency: 'USD' },
      { id: 'TLT', assetClass: 'bond' },
    ]);
    expect(m.meta[0]).toEqual({ id: 'SPY', assetClass: 'equity', currency: 'USD' });
    expect(m.meta[2]).toEqual({ id: 'GLD' });
    expect(groupAssetsBy(m, 'assetClass')).toEqual({ equity: ['SPY'], bond: ['TLT'], unknown: ['GLD'] });
  });
  it('refuses records for unknown assets and validates the schema', () => {
    expect(() => withAssetMeta(p, [{ id: 'SPX' }])).toThrow(/asset metadata names "SPX", which is not in the panel/);
    expect(assetMetaSchema.safeParse({ id: 'A', assetClass: 'stonks' }).success).toBe(false);
    expect(assetMetaSchema.safeParse({ id: 'A', currency: 'usd' }).success).toBe(false);
  });
});

describe('inputs are never mutated', () => {
  it('alignment, resampling, returns, policy and validation leave their inputs untouched', async () => {
    const { resample } = await import('./resample.ts');
    const { returns } = await import('./returns.ts');
    const { applyMissingPolicy } = await import('./missing.ts');
    const { validatePanel } = await import('./validate.ts');
    const x = Float64Array.from([1, N, 2, 3, N, 4, 5, 6]);
    const p = new Panel({
      dates: ['2024-01-02', '2024-01-03', '2024-01-04', '2024-02-01'],
      assets: ['A', 'B'],
      fields: { close: x },
    });
    const q = new Panel({ dates: ['2024-01-03'], assets: ['C'], fields: { close: Float64Array.from([9]) } });
    const before = x.slice();
    alignPanels([p, q]);
    reindex(p, ['2024-01-02']);
    resample(p, 'monthly');
    resample(p, 'weekly');
    returns(p, { kind: 'log' });
    applyMissingPolicy(p, { policy: 'forward-fill', limit: 3 });
    applyMissingPolicy(p, { policy: 'drop-dates' });
    applyMissingPolicy(p, { policy: 'drop-assets' });
    validatePanel(p);
    commonHistory(p);
    expect(Object.is(p.field('close'), x)).toBe(true);
    expect([...x]).toEqual([...before]);
  });
});
