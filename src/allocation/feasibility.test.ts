import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { compileBounds } from './constraints.ts';
import { constraintProblems } from './feasibility.ts';
import type { Constraints } from './constraints.ts';

const ASSETS = ['A', 'B', 'C', 'D'];

describe('constraintProblems(universe, constraints)', () => {
  it('names the arithmetic of bounds that cannot reach the budget, with or without asset names', () => {
    const c: Constraints = { weightBounds: [0, 0.1] };
    const want =
      '4 assets × max weight 0.1 = 0.4 < 1, so the weights cannot sum to 1; raise the upper bound to ≥ 0.25 or use more assets';
    expect(constraintProblems(ASSETS, c)).toEqual([want]);
    expect(constraintProblems(4, c)).toEqual([want]);
    expect(constraintProblems(ASSETS, { weightBounds: [0.3, 1] })[0]).toMatch(/^4 assets × min weight 0\.3 = 1\.2 > 1/);
  });

  it('refuses market-neutral portfolios without room to short, and maxHoldings that cannot hold the budget', () => {
    expect(constraintProblems(ASSETS, { marketNeutral: true, weightBounds: [0, 1] })[0]).toMatch(
      /marketNeutral weights must sum to 0, but weightBounds \[0, 1\] allows no short positions, so the only portfolio is all zeros/,
    );
    expect(constraintProblems(ASSETS, { marketNeutral: true, weightBounds: [-1, 1] })).toEqual([]);
    expect(constraintProblems(ASSETS, { maxHoldings: 2, weightBounds: [0, 0.4] })).toEqual([
      'maxHoldings 2 × max weight 0.4 = 0.8 < 1, so the weights cannot sum to 1; raise maxHoldings or the upper bound',
    ]);
  });

  it('names unknown assets in assetBounds and groups when the universe is known', () => {
    expect(constraintProblems(ASSETS, { assetBounds: { Z: [0, 1] } })[0]).toMatch(
      /assetBounds names "Z", not in the universe/,
    );
    expect(constraintProblems(ASSETS, { groups: [{ name: 'g', assets: ['Y'], max: 1 }] })[0]).toMatch(
      /group "g" names "Y"/,
    );
    expect(constraintProblems(4, { assetBounds: { Z: [0, 1] } })).toEqual([]);
  });

  it('agrees with compileBounds: no problem found ⇔ the bounds compile', () => {
    const cases: Constraints[] = [
      {},
      { weightBounds: [0, 0.25] },
      { weightBounds: [0, 0.2499] },
      { weightBounds: [0.25, 1] },
      { weightBounds: [0.2501, 1] },
      { weightBounds: [null, null] },
      { weightBounds: [0, 0.3], assetBounds: { A: [0, 0.05] } },
      { weightBounds: [0, 0.4], assetBounds: { A: [0, 0.05] } },
      { marketNeutral: true, weightBounds: [-0.1, 1] },
    ];
    for (const c of cases) {
      let compiles = true;
      try {
        compileBounds(ASSETS, c);
      } catch (e) {
        expect(isKeelError(e)).toBe(true);
        compiles = false;
      }
      const bad = constraintProblems(ASSETS, c).filter(
        (p) => !p.startsWith('marketNeutral weights must sum to 0, but'),
      );
      expect(bad.length === 0, JSON.stringify(c)).toBe(compiles);
    }
  });
});
