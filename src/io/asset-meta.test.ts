import { describe, expect, it } from 'vitest';
import { parseAssetMeta } from './asset-meta.ts';

const b = (s: string): Buffer => Buffer.from(s);

describe('asset metadata CSV', () => {
  it('reads records, empty cells = unknown', () => {
    expect(parseAssetMeta(b('ticker,asset_class,sector,currency\nSPY,equity,,USD\nTLT,bond,Government,\n'))).toEqual([
      { id: 'SPY', assetClass: 'equity', currency: 'USD' },
      { id: 'TLT', assetClass: 'bond', sector: 'Government' },
    ]);
  });
  it('refuses bad classes, unknown columns and duplicates with the line', () => {
    expect(() => parseAssetMeta(b('id,assetClass\nX,stonks\n'), 'm.csv')).toThrow(
      /^m\.csv:2: assetClass: Invalid option: expected one of .*\. Fix the cell or leave it empty\.$/,
    );
    expect(() => parseAssetMeta(b('id,colour\nX,red\n'), 'm.csv')).toThrow(
      'm.csv:1: unknown metadata column "colour". Use id, assetClass, sector, currency.',
    );
    expect(() => parseAssetMeta(b('id\nX\nX\n'), 'm.csv')).toThrow(
      'm.csv:3: asset "X" already described on line 2. Keep one row per asset.',
    );
    expect(() => parseAssetMeta(b('sector\nTech\n'), 'm.csv')).toThrow(
      'm.csv:1: asset metadata needs an id column (id, asset, ticker or symbol). Header: "sector".',
    );
  });
});
