/**
 * Asset metadata files: a CSV with one row per asset and the columns `id` (or asset/ticker/symbol), `assetClass`
 * (or asset_class/class), `sector`, `currency`. Empty cells mean "unknown". Each row is checked against
 * `assetMetaSchema`; a bad row is a one-line error naming its line.
 */
import { dataError } from '../core/index.ts';
import { assetMetaSchema, type AssetMeta } from '../data/index.ts';
import { parseStringCsv } from './csv-parse.ts';
import { readInputBytes } from './read-bytes.ts';

const COLUMN: Readonly<Record<string, keyof AssetMeta>> = {
  id: 'id',
  asset: 'id',
  ticker: 'id',
  symbol: 'id',
  assetclass: 'assetClass',
  asset_class: 'assetClass',
  class: 'assetClass',
  sector: 'sector',
  currency: 'currency',
};

/** Parses asset-metadata CSV bytes. */
export function parseAssetMeta(bytes: Uint8Array, source = '<meta>'): AssetMeta[] {
  const { header, rows } = parseStringCsv(bytes, { source });
  const keys = header.map((h) => COLUMN[h.toLowerCase()]);
  if (!keys.includes('id')) {
    throw dataError(
      `${source}:1: asset metadata needs an id column (id, asset, ticker or symbol). Header: "${header.join(',')}".`,
    );
  }
  const unknown = header.filter((_, i) => keys[i] === undefined);
  if (unknown.length > 0) {
    throw dataError(
      `${source}:1: unknown metadata column${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ')}. Use id, assetClass, sector, currency.`,
    );
  }
  const seen = new Map<string, number>();
  return rows.map(({ cells, line }) => {
    if (cells.length !== header.length) {
      throw dataError(
        `${source}:${line}: the row has ${cells.length} fields, the header has ${header.length}. Fix the row.`,
      );
    }
    const record: Record<string, string> = {};
    cells.forEach((c, i) => {
      if (c !== '') record[keys[i]!] = c;
    });
    const parsed = assetMetaSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw dataError(
        `${source}:${line}: ${issue.path.join('.') || 'row'}: ${issue.message}. Fix the cell or leave it empty.`,
      );
    }
    const prev = seen.get(parsed.data.id);
    if (prev !== undefined)
      throw dataError(
        `${source}:${line}: asset "${parsed.data.id}" already described on line ${prev}. Keep one row per asset.`,
      );
    seen.set(parsed.data.id, line);
    return parsed.data as AssetMeta;
  });
}

/** Reads an asset-metadata CSV file (see `parseAssetMeta`). */
export function loadAssetMeta(path: string): AssetMeta[] {
  return parseAssetMeta(readInputBytes(path), path);
}
