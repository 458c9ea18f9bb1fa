import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { applyMissingPolicy, missingDataPolicySchema, parseMissingPolicy } from './missing.ts';
import { Panel } from './panel.ts';

// A: listed from day 0, hole on day 2 and 3; B: not listed until day 1 (leading NaN), hole on day 4; C: complete.
const N = NaN;
const panel = (): Panel =>
  new Panel({
    dates: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
    assets: ['A', 'B', 'C'],
    fields: { close: Float64Array.from([1, N, 5, 2, 6, 5, N, 7, 5, N, 8, 5, 3, N, 5]) },
  });

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('missing-data policy', () => {
  it("'error' (default) refuses, naming the first asset and date; leading NaNs are not missing", () => {
    const e = thrown(() => applyMissingPolicy(panel()));
    expect(isKeelError(e)).toBe(true);
    expect(e.message).toBe(
      `missing data: asset "A" has no close on 2024-01-03 (3 missing cells in 2 assets after their first value; the missing-data policy is 'error'). Choose a policy: { policy: 'forward-fill', limit: 5 }, { policy: 'drop-dates' } or { policy: 'drop-assets' }.`,
    );
    const e2 = thrown(() => applyMissingPolicy(panel(), { policy: 'error' }, { locate: (t) => `f.csv:${t + 2}` }));
    expect(e2.message.startsWith('f.csv:4: missing data')).toBe(true);
  });
  it('a panel with only leading gaps passes the strict policy and reports the not-listed cells', () => {
    const p = new Panel({
      dates: ['2024-01-01', '2024-01-02'],
      assets: ['A', 'B'],
      fields: { close: Float64Array.from([N, 1, 2, 1]) },
    });
    const { panel: out, report } = applyMissingPolicy(p);
    expect(out).toBe(p);
    expect(report.notListedCells).toBe(1);
    expect(report.missingCells).toBe(0);
  });
  it('forward-fill within the limit counts every fix per asset and never back-fills', () => {
    const p = panel();
    const before = p.field('close').slice();
    const { panel: out, report } = applyMissingPolicy(p, { policy: 'forward-fill', limit: 2 });
    expect([...out.field('close')]).toEqual([1, N, 5, 2, 6, 5, 2, 7, 5, 2, 8, 5, 3, 8, 5]);
    expect(report.filledCells).toBe(3);
    expect(report.perAsset).toEqual([
      { asset: 'A', missing: 2, filled: 2, datesDropped: 0, dropped: false },
      { asset: 'B', missing: 1, filled: 1, datesDropped: 0, dropped: false },
    ]);
    expect(report.lines[0]).toBe('missing data: forward-filled 3 cells in 2 assets (limit 2): A 2, B 1');
    expect(p.field('close')).toEqual(before); // input untouched
  });
  it('forward-fill refuses a hole longer than its limit', () => {
    expect(thrown(() => applyMissingPolicy(panel(), { policy: 'forward-fill', limit: 1 })).message).toBe(
      `missing data: asset "A" has no close for 2 consecutive dates from 2024-01-03 to 2024-01-04, more than the forward-fill limit of 1. Raise the limit, or use { policy: 'drop-dates' } or { policy: 'drop-assets' }.`,
    );
  });
  it('drop-dates removes every date with a hole in a listed asset', () => {
    const { panel: out, report } = applyMissingPolicy(panel(), { policy: 'drop-dates' });
    expect(out.dates).toEqual(['2024-01-01', '2024-01-02']);
    expect(report.droppedDates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect(report.perAsset.map((f) => [f.asset, f.datesDropped])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
  });
  it('drop-assets removes assets with holes', () => {
    const { panel: out, report } = applyMissingPolicy(panel(), { policy: 'drop-assets' });
    expect(out.assets).toEqual(['C']);
    expect(report.droppedAssets).toEqual(['A', 'B']);
  });
  it('schema is strict and the CLI form parses', () => {
    expect(missingDataPolicySchema.safeParse({ policy: 'forward-fill' }).success).toBe(false);
    expect(missingDataPolicySchema.safeParse({ policy: 'forward-fill', limit: 3, extra: 1 }).success).toBe(false);
    expect(missingDataPolicySchema.safeParse({ policy: 'back-fill' }).success).toBe(false);
    expect(parseMissingPolicy('forward-fill:5')).toEqual({ policy: 'forward-fill', limit: 5 });
    expect(parseMissingPolicy('ffill:0')).toBeUndefined();
    expect(parseMissingPolicy('drop-dates')).toEqual({ policy: 'drop-dates' });
    expect(thrown(() => applyMissingPolicy(panel(), { policy: 'backfill' } as never)).message).toMatch(
      /^missing-data policy \{"policy":"backfill"\} is not valid/,
    );
  });
});
