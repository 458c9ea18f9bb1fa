/**
 * `asset-category`: one-hot columns of an asset's id, asset class or sector (panel metadata). Pooled over dates and
 * assets, a model given these columns can learn each category's mean label — with a cross-sectional target, how
 * much the asset (or its class, its sector) has beaten the others over the training window: a constant per-asset
 * drift, if there is one. The levels are those of the assets the feature is computed on (sorted, so the column
 * order does not depend on the universe order); an asset without the metadata key is in level `unknown`. The values
 * do not depend on prices at all, so they are point in time trivially (and pass the audit).
 */
import type { Panel } from '../data/index.ts';
import { defineFeature, type Feature } from './feature.ts';

export type AssetCategoryKey = 'id' | 'assetClass' | 'sector';

/** Each asset's level of `of`. */
function levels(panel: Panel, of: AssetCategoryKey): string[] {
  return panel.assets.map((id, a) => (of === 'id' ? id : (panel.meta[a]?.[of] ?? 'unknown')));
}

export function assetCategoryFeature(of: AssetCategoryKey): Feature {
  return defineFeature(
    'asset-category',
    0,
    ({ panel }) => {
      const per = levels(panel, of);
      const names = [...new Set(per)].sort();
      const n = panel.nAssets;
      const values = names.map((level) => {
        const col = new Float64Array(panel.nDates * n);
        for (let t = 0; t < panel.nDates; t++) for (let a = 0; a < n; a++) col[t * n + a] = per[a] === level ? 1 : 0;
        return col;
      });
      return { names: names.map((level) => `${of}_${level}`), values };
    },
    'asset-category',
  );
}
