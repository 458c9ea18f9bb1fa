import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { createStudy, gridAxis, gridSize, sampleUniform } from './index.ts';
import type { SearchSpace } from './index.ts';

describe('grid sampler', () => {
  const space: SearchSpace = {
    a: { kind: 'categorical', choices: ['x', 'y'] },
    n: { kind: 'int', low: 1, high: 5, step: 2 },
    lr: { kind: 'float', low: 0.001, high: 0.1, log: true },
  };

  it('visits every point of the grid exactly once, then refuses with the count and the fix', () => {
    expect(gridSize(space, 3)).toBe(2 * 3 * 3);
    const s = createStudy({ space, sampler: { kind: 'grid', floatPoints: 3 }, seed: 1 });
    s.optimize(() => 0, 18);
    const keys = s.trials.map((t) => JSON.stringify(t.params));
    expect(new Set(keys).size).toBe(18);
    expect(() => s.ask()).toThrow(/grid search exhausted: all 18 points were asked; ask at most 18 trials/);
  });

  it('float axes are evenly spaced (geometric when log) and hit both ends exactly', () => {
    expect(gridAxis({ kind: 'float', low: 0, high: 1 }, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const g = gridAxis({ kind: 'float', low: 0.001, high: 0.1, log: true }, 3) as number[];
    expect(g[0]).toBe(0.001);
    expect(g[1]).toBeCloseTo(0.01, 15);
    expect(g[2]).toBe(0.1);
  });

  it('the order is seeded: same seed same order, another seed another order', () => {
    const order = (seed: number): string => {
      const s = createStudy({ space, sampler: 'grid', seed });
      s.optimize(() => 0, 10);
      return JSON.stringify(s.trials.map((t) => t.params));
    };
    expect(order(4)).toBe(order(4));
    expect(order(4)).not.toBe(order(5));
  });
});

describe('random sampler', () => {
  it('same seed → the same points', () => {
    const pts = (seed: number): string => {
      const s = createStudy({ space: { x: { kind: 'float', low: 0, high: 1 } }, sampler: 'random', seed });
      s.optimize(() => 0, 20);
      return JSON.stringify(s.trials.map((t) => t.params));
    };
    expect(pts(3)).toBe(pts(3));
    expect(pts(3)).not.toBe(pts(4));
  });

  it('is uniform: 10 bins of 20 000 floats, ints and choices pass a χ² test at the 0.1 % level', () => {
    const rng = createRng(9);
    const n = 20000;
    const chi2 = (counts: number[]): number => {
      const e = n / counts.length;
      return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    };
    const f = new Array<number>(10).fill(0);
    const i = new Array<number>(10).fill(0);
    const c = new Array<number>(5).fill(0);
    const lg = new Array<number>(10).fill(0);
    for (let k = 0; k < n; k++) {
      f[Math.floor(((sampleUniform({ kind: 'float', low: -2, high: 3 }, rng) as number) + 2) / 0.5)]!++;
      i[(sampleUniform({ kind: 'int', low: 10, high: 28, step: 2 }, rng) as number) / 2 - 5]!++;
      c[
        ['a', 'b', 'c', 'd', 'e'].indexOf(
          sampleUniform({ kind: 'categorical', choices: ['a', 'b', 'c', 'd', 'e'] }, rng) as string,
        )
      ]!++;
      // log-uniform: log10 uniform over [−5, 5)
      lg[
        Math.floor(Math.log10(sampleUniform({ kind: 'float', low: 1e-5, high: 1e5, log: true }, rng) as number) + 5)
      ]!++;
    }
    // χ² 0.999 quantiles: 27.88 (9 df), 18.47 (4 df)
    expect(chi2(f)).toBeLessThan(27.88);
    expect(chi2(i)).toBeLessThan(27.88);
    expect(chi2(c)).toBeLessThan(18.47);
    expect(chi2(lg)).toBeLessThan(27.88);
  });
});

describe('grid size', () => {
  it('is counted without building the axes, and a grid over a million points is refused with the fix', () => {
    const huge: SearchSpace = { n: { kind: 'int', low: 0, high: 1_000_000_000 } };
    expect(gridSize(huge)).toBe(1_000_000_001);
    expect(() => createStudy({ space: huge, sampler: 'grid' })).toThrow(
      /grid has 1000000001 points, more than 1000000; lower floatPoints or use sampler: tpe or random/,
    );
  });
});
