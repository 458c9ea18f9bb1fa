import { describe, expect, it } from 'vitest';
import { createCostModel, sqrtImpactCost } from './index.ts';

describe('sqrt-impact cost model', () => {
  it('charges the shared sqrtImpactCost formula, c·σ·√(|q|/ADV)·|q|·p, bit for bit', () => {
    const m = createCostModel({ kind: 'sqrt-impact', coefficient: 0.7 });
    const ctx = { assetClass: ['equity'], adv: Float64Array.of(250_000), volatility: Float64Array.of(0.018) };
    for (const q of [-12_345.5, 1, 40_000]) {
      const c = m.cost(0, q, 87.3, ctx);
      expect(c).toBe(sqrtImpactCost(0.7, 0.018, q, 250_000, 87.3));
      expect(c).toBeCloseTo(0.7 * 0.018 * Math.sqrt(Math.abs(q) / 250_000) * Math.abs(q) * 87.3, 9);
    }
    expect(sqrtImpactCost(1, 0.02, 0, 1000, 10)).toBe(0);
  });
});
