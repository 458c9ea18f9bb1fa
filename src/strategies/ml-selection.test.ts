import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import type { FeatureDataset } from '../features/index.ts';
import { modelKinds } from '../models/index.ts';
import { gridCandidates, meanGroupIc, selectCandidate, selectionSchema } from './ml-selection.ts';

/** Pooled rows: 12 assets × `dates` dates; y = 0.2·x0 + noise, plus `junk` pure-noise features. */
function noisyPanelData(dates: number, junk: number, seed: number): FeatureDataset {
  const rng = createRng(seed);
  const p = 1 + junk;
  const X: number[] = [];
  const y: number[] = [];
  const sampleDates: string[] = [];
  const sampleAssets: string[] = [];
  for (let d = 0; d < dates; d++) {
    const date = new Date(Date.UTC(2015, 0, 1 + 7 * d)).toISOString().slice(0, 10);
    for (let a = 0; a < 12; a++) {
      const row = Array.from({ length: p }, () => rng.normal());
      X.push(...row);
      y.push(0.2 * row[0]! + rng.normal());
      sampleDates.push(date);
      sampleAssets.push(`A${a}`);
    }
  }
  return {
    X: Float64Array.from(X),
    n: y.length,
    p,
    y: Float64Array.from(y),
    featureNames: Array.from({ length: p }, (_, j) => `f${j}`),
    sampleDates,
    sampleAssets,
  };
}

const ridge = (params: Readonly<Record<string, unknown>>) => modelKinds['ridge']!.create(params);
const base = { folds: 4, purge: 1, embargo: 1, scaler: 'zscore' as const, asOf: '2099-01-01', seed: 1 };

describe('inner purged model selection', () => {
  it('grid candidates are the cartesian product in grid order', () => {
    expect(gridCandidates({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
  });

  it('meanGroupIc averages per-date correlations; constant predictions score 0; small dates are skipped', () => {
    const y = Float64Array.from([1, 2, 3, 1, 2, 3, 5, 6]);
    const pred = Float64Array.from([1, 2, 3, 3, 2, 1, 9, 9]);
    expect(meanGroupIc(pred, y, ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'])).toBeCloseTo(0, 15); // (1 + −1) / 2
    expect(meanGroupIc(Float64Array.from([4, 4, 4]), Float64Array.from([1, 2, 3]), ['a', 'a', 'a'])).toBe(0);
  });

  it('with 40 junk features on 60 dates it prefers heavy shrinkage, and is deterministic', () => {
    const ds = noisyPanelData(60, 40, 3);
    const candidates = gridCandidates({ alpha: [0.01, 1, 100, 10000] });
    const s = selectCandidate(ds, candidates, ridge, { ...base, objective: 'ic' });
    expect(s.scores).toHaveLength(4);
    expect(s.best).toBeGreaterThanOrEqual(2);
    expect(s.scores[s.best]!.score).toBeGreaterThan(s.scores[0]!.score);
    expect(selectCandidate(ds, candidates, ridge, { ...base, objective: 'ic' })).toEqual(s);
    const mse = selectCandidate(ds, candidates, ridge, { ...base, objective: 'mse' });
    expect(mse.scores.every((c) => c.score < 0)).toBe(true);
  });

  it('never lets an inner fit see a row of its test fold or of the purge around it', () => {
    const ds = noisyPanelData(24, 2, 5);
    const seen: string[][] = [];
    const spy = (params: Readonly<Record<string, unknown>>) => {
      const e = ridge(params);
      return {
        ...e,
        fit: (d: Parameters<typeof e.fit>[0], c: Parameters<typeof e.fit>[1]) => (
          seen.push([...new Set(d.sampleDates ?? [])]),
          e.fit(d, c)
        ),
      };
    };
    selectCandidate(ds, [{ alpha: 1 }], spy, { ...base, folds: 3, purge: 2, embargo: 1, objective: 'ic' });
    const dates = [...new Set(ds.sampleDates)].sort();
    expect(seen).toHaveLength(3);
    seen.forEach((trainDates, f) => {
      const test = dates.slice(f * 8, (f + 1) * 8);
      const lo = dates.indexOf(test[0]!);
      const hi = dates.indexOf(test.at(-1)!);
      for (const d of trainDates) {
        const i = dates.indexOf(d);
        expect(i + 2 >= lo && i < hi + 1 + 1, `fold ${f}: ${d} inside test/purge/embargo`).toBe(false);
      }
    });
  });

  it('refuses too few dates for the folds, and a grid no candidate survives, with one line each', () => {
    const ds = noisyPanelData(5, 1, 1);
    expect(() => selectCandidate(ds, [{ alpha: 1 }], ridge, { ...base, objective: 'ic' })).toThrow(
      /5 training dates cannot make 4 inner folds/,
    );
    expect(selectionSchema.safeParse({ grid: {} }).success).toBe(false);
  });
});
