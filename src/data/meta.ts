/**
 * Asset metadata (asset class, sector, currency): a zod schema for records that come from a study file or a
 * metadata CSV, and `withAssetMeta`, which attaches them to a panel.
 */
import { z } from 'zod';
import { dataError } from '../core/index.ts';
import type { AssetMeta, Panel } from './panel.ts';

export const ASSET_CLASSES = [
  'equity',
  'bond',
  'commodity',
  'cash',
  'fx',
  'crypto',
  'real-estate',
  'index',
  'factor',
  'other',
] as const;

export const assetMetaSchema = z.strictObject({
  id: z.string().min(1),
  assetClass: z.enum(ASSET_CLASSES).optional(),
  sector: z.string().min(1).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$|^GBp$/, 'currency must be an ISO 4217 code such as USD (or GBp for pence)')
    .optional(),
});

/**
 * Attaches metadata to a panel. Records for assets the panel lacks are an error (a typo), unless `allowExtra`.
 * Assets without a record keep `{ id }`.
 */
export function withAssetMeta(
  panel: Panel,
  records: readonly AssetMeta[],
  options: { readonly allowExtra?: boolean } = {},
): Panel {
  const have = new Set(panel.assets);
  const byId = new Map<string, AssetMeta>();
  for (const r of records) {
    if (!have.has(r.id) && !options.allowExtra) {
      throw dataError(
        `asset metadata names "${r.id}", which is not in the panel (${panel.assets.slice(0, 8).join(', ')}${panel.nAssets > 8 ? ', …' : ''}). Fix the id or remove the record.`,
      );
    }
    if (byId.has(r.id)) throw dataError(`asset metadata has two records for "${r.id}". Keep one.`);
    byId.set(r.id, r);
  }
  return panel.withMeta(panel.assets.map((id) => byId.get(id) ?? { id }));
}

/** Asset ids grouped by a metadata key (e.g. sector); assets without it go under 'unknown'. */
export function groupAssetsBy(panel: Panel, key: 'assetClass' | 'sector' | 'currency'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of panel.meta) (out[m[key] ?? 'unknown'] ??= []).push(m.id);
  return out;
}
