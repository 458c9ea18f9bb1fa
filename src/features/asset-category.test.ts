import { describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import { createFeatures } from './kinds.ts';
import { checkFeaturePointInTime } from './point-in-time.ts';
import { randomWalkPanel } from './test-panel.ts';

const base = randomWalkPanel(4, 60, 4);
const panel = base.withMeta([
  { id: 'A0', assetClass: 'equity', sector: 'Tech' },
  { id: 'A1', assetClass: 'equity', sector: 'Energy' },
  { id: 'A2', assetClass: 'bond' },
  { id: 'A3', assetClass: 'equity', sector: 'Tech' },
]);
const columns = (p: Panel, of: string) => {
  const [f] = createFeatures([{ kind: 'asset-category', of }]);
  const { names, values } = f!.compute({ panel: p });
  // Row t = 7 of each column, per asset: the same at every date.
  return Object.fromEntries(
    names.map((name, j) => [name, Array.from(values[j]!.subarray(7 * p.nAssets, 8 * p.nAssets))]),
  );
};

describe('asset-category', () => {
  it('one-hot columns of the id, asset class or sector, levels sorted; missing metadata is level unknown', () => {
    expect(columns(panel, 'id')).toEqual({
      id_A0: [1, 0, 0, 0],
      id_A1: [0, 1, 0, 0],
      id_A2: [0, 0, 1, 0],
      id_A3: [0, 0, 0, 1],
    });
    expect(columns(panel, 'assetClass')).toEqual({ assetClass_bond: [0, 0, 1, 0], assetClass_equity: [1, 1, 0, 1] });
    expect(columns(panel, 'sector')).toEqual({
      sector_Energy: [0, 1, 0, 0],
      sector_Tech: [1, 0, 0, 1],
      sector_unknown: [0, 0, 1, 0],
    });
  });

  it('the column order does not depend on the universe order; every date has every value (no warm-up)', () => {
    const reversed = panel.selectAssets(['A3', 'A2', 'A1', 'A0']);
    expect(Object.keys(columns(reversed, 'id'))).toEqual(['id_A0', 'id_A1', 'id_A2', 'id_A3']);
    expect(columns(reversed, 'id')['id_A0']).toEqual([0, 0, 0, 1]);
    const [f] = createFeatures([{ kind: 'asset-category' }]);
    expect(f!.warmup).toBe(0);
    expect(f!.compute({ panel }).values.every((c) => c.every(Number.isFinite))).toBe(true);
  });

  it('passes the perturb-the-future audit', () => {
    const [f] = createFeatures([{ kind: 'asset-category', of: 'sector' }]);
    expect(checkFeaturePointInTime(f!, { panel }).checks).toBeGreaterThanOrEqual(6);
  });
});
