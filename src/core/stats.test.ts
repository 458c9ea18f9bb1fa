import { describe, expect, it } from 'vitest';
import { olsFit } from './stats.ts';

describe('olsFit', () => {
  it('recovers an exact line and skips pairs with a non-finite side', () => {
    const x = [1, 2, NaN, 3, 4, 5];
    const y = [3, 5, 100, 7, Infinity, 11]; // y = 1 + 2x where both are finite
    const f = olsFit(x, y);
    expect(f.slope).toBeCloseTo(2, 14);
    expect(f.intercept).toBeCloseTo(1, 14);
  });

  it('matches the textbook formula on noisy data', () => {
    const x = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9];
    const y = [1.1, -0.8, 2.0, 0.2, 0.5, 1.7];
    const n = x.length;
    const mx = x.reduce((a, b) => a + b) / n;
    const my = y.reduce((a, b) => a + b) / n;
    const b = x.reduce((s, xi, i) => s + (xi - mx) * (y[i]! - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    expect(olsFit(x, y).slope).toBeCloseTo(b, 14);
    expect(olsFit(x, y).intercept).toBeCloseTo(my - b * mx, 14);
  });

  it('gives a NaN slope when x does not vary', () => {
    expect(olsFit([2, 2, 2], [1, 2, 3]).slope).toBeNaN();
  });
});
