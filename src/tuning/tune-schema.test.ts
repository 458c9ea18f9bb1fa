import { describe, expect, it } from 'vitest';
import { tuneSectionSchema } from './index.ts';

const base = {
  trials: 20,
  space: {
    lookback: { kind: 'int', low: 21, high: 252, step: 21 },
    lr: { kind: 'float', low: 0.0001, high: 0.1, log: true },
    model: { kind: 'categorical', choices: ['ridge', 'forest'] },
  },
  validation: { start: '2015-01-02', end: '2016-06-30' },
  objective: { metric: 'sharpe', direction: 'maximize', strategy: 'a' },
};
const messages = (x: unknown): string[] => {
  const r = tuneSectionSchema.safeParse(x);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('tune: section schema', () => {
  it('accepts a section and fills the defaults (sampler tpe, gridPoints 5)', () => {
    const t = tuneSectionSchema.parse(base);
    expect(t.sampler).toBe('tpe');
    expect(t.gridPoints).toBe(5);
    expect(t.seed).toBeUndefined();
  });

  it('refuses bad bounds, unknown keys and a bad sampler, one problem each', () => {
    expect(messages({ ...base, space: { a: { kind: 'float', low: 2, high: 1 } } })).toEqual([
      'space: space.a: needs finite low < high, got low 2, high 1; for a fixed value leave it out of the space',
    ]);
    expect(messages({ ...base, space: { a: { kind: 'float', low: 0, high: 1, step: 0.1 } } }).join()).toMatch(/step/);
    expect(messages({ ...base, sampler: 'cmaes' }).join()).toMatch(/sampler/);
    expect(messages({ ...base, objective: { metric: 'sharpe', direction: 'up', strategy: 'a' } }).join()).toMatch(
      /direction/,
    );
  });

  it('refuses more grid trials than the grid has points, with the arithmetic and the fix', () => {
    // 12 lookbacks × 5 lr points × 2 models = 120
    expect(messages({ ...base, sampler: 'grid', trials: 121 })).toEqual([
      "trials: trials 121 exceeds the grid's 120 points; use trials: 120, raise gridPoints, or use sampler: tpe",
    ]);
    expect(messages({ ...base, sampler: 'grid', trials: 120 })).toEqual([]);
    const huge = { ...base, sampler: 'grid', space: { n: { kind: 'int', low: 0, high: 5_000_000 } } };
    expect(messages(huge)).toEqual([
      'sampler: the grid has 5000001 points, more than 1000000; lower gridPoints or int ranges, or use sampler: tpe',
    ]);
  });
});
