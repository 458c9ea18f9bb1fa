/** Linkage and leaf order against SciPy 1.x (`linkage(squareform(D), method)`, `to_tree(L).pre_order()`), 1e-12. */
import { describe, expect, it } from 'vitest';
import { Matrix } from '../../core/index.ts';
import { herc, hrp } from './hrp.ts';
import { leafOrder, linkage, type LinkageMethod } from './linkage.ts';

const X = [
  [0.126, -0.132, 0.64],
  [0.105, -0.536, 0.362],
  [1.304, 0.947, -0.704],
  [-1.265, -0.623, 0.041],
  [-2.325, -0.219, -1.246],
  [-0.732, -0.544, -0.316],
  [0.412, 1.043, -0.129],
  [1.366, -0.665, 0.352],
];
const n = X.length;
const D = new Float64Array(n * n);
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) D[i * n + j] = Math.hypot(...X[i]!.map((v, k) => v - X[j]![k]!));

const scipy: Record<LinkageMethod, { rows: number[][]; order: number[] }> = {
  single: {
    rows: [
      [0, 1, 0.49085741310486497, 2],
      [3, 5, 0.6463582597909614, 2],
      [2, 6, 1.0656007695192418, 2],
      [8, 9, 1.0771801149297178, 4],
      [7, 11, 1.2676206057018797, 5],
      [10, 12, 1.433102229430964, 7],
      [4, 13, 1.7155713334047058, 8],
    ],
    order: [4, 2, 6, 7, 0, 1, 3, 5],
  },
  complete: {
    rows: [
      [0, 1, 0.49085741310486497, 2],
      [3, 5, 0.6463582597909614, 2],
      [2, 6, 1.0656007695192418, 2],
      [7, 8, 1.3800844177078446, 3],
      [4, 9, 1.873012012775145, 3],
      [10, 11, 2.1847759610541306, 5],
      [12, 13, 4.046727196142582, 8],
    ],
    order: [4, 3, 5, 2, 6, 7, 0, 1],
  },
  average: {
    rows: [
      [0, 1, 0.49085741310486497, 2],
      [3, 5, 0.6463582597909614, 2],
      [2, 6, 1.0656007695192418, 2],
      [7, 8, 1.323852511704862, 3],
      [9, 11, 1.713805260835288, 5],
      [10, 12, 2.1320100820069565, 7],
      [4, 13, 2.960649288061749, 8],
    ],
    order: [4, 2, 6, 3, 5, 7, 0, 1],
  },
  ward: {
    rows: [
      [0, 1, 0.49085741310486497, 2],
      [3, 5, 0.6463582597909614, 2],
      [2, 6, 1.0656007695192418, 2],
      [7, 8, 1.5035567830979981, 3],
      [4, 9, 2.0400113561775415, 3],
      [10, 11, 2.6521872859962206, 5],
      [12, 13, 4.39435134765834, 8],
    ],
    order: [4, 3, 5, 2, 6, 7, 0, 1],
  },
};

describe('linkage matches SciPy', () => {
  for (const method of ['single', 'complete', 'average', 'ward'] as const) {
    it(`${method}: rows, distances (1e-12) and pre-order leaves`, () => {
      const rows = linkage(D, n, method);
      const e = scipy[method];
      rows.forEach((r, k) => {
        expect([r.a, r.b, r.size]).toEqual([e.rows[k]![0], e.rows[k]![1], e.rows[k]![3]]);
        expect(Math.abs(r.distance - e.rows[k]![2]!)).toBeLessThan(1e-12);
      });
      expect(leafOrder(rows, n)).toEqual(e.order);
    });
  }
});

describe('HRP / HERC invariants', () => {
  const cov = Matrix.fromRows([
    [0.04, 0.01, 0.0, 0.0],
    [0.01, 0.09, 0.0, 0.0],
    [0.0, 0.0, 0.16, 0.02],
    [0.0, 0.0, 0.02, 0.25],
  ]);
  it('two uncorrelated pairs: HRP splits by inverse-variance cluster risk and sums to 1', () => {
    const { weights } = hrp(cov);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    for (const w of weights) expect(w).toBeGreaterThan(0);
    expect(weights[0]!).toBeGreaterThan(weights[3]!);
  });
  it('HERC sums to 1 and is long-only for every linkage', () => {
    for (const m of ['single', 'complete', 'average', 'ward'] as const) {
      const { weights } = herc(cov, { linkage: m });
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      for (const w of weights) expect(w).toBeGreaterThan(0);
    }
  });
});
