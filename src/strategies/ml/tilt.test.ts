/**
 * The forecast-tilted 1/N: 1/N at strength 0, active weights ∝ the forecast scores while no cap binds, the caps
 * (per asset, per group) held with the excess spread pro rata, cash only when every asset is capped.
 */
import { describe, expect, it } from 'vitest';
import { cappedProportional, forecastScores, tiltedEqualWeight } from './tilt.ts';

const sum = (w: ArrayLike<number>): number => Array.from(w).reduce((a, b) => a + b, 0);

describe('tiltedEqualWeight', () => {
  it('strength 0 is 1/N over the assets with a forecast; equal forecasts too', () => {
    expect(Array.from(tiltedEqualWeight([0.01, NaN, -0.02, 0.03], 0))).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(Array.from(tiltedEqualWeight([0.02, 0.02, 0.02, 0.02], 2))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(sum(tiltedEqualWeight([NaN, NaN], 1))).toBe(0);
  });

  it('without binding caps the active weight over 1/N is strength · z / N', () => {
    const f = [0.03, -0.01, 0.005, 0.0, -0.02, 0.012];
    const z = forecastScores(f);
    const w = tiltedEqualWeight(f, 0.4);
    for (let a = 0; a < f.length; a++) expect(w[a]!).toBeCloseTo((1 + 0.4 * z[a]!) / f.length, 12);
    expect(sum(w)).toBeCloseTo(1, 12);
    // Higher forecast, higher weight.
    const order = [...f.keys()].sort((i, j) => f[i]! - f[j]!);
    for (let k = 1; k < order.length; k++) expect(w[order[k]!]!).toBeGreaterThan(w[order[k - 1]!]!);
  });

  it('z-scores are clipped at ±3 and a strong tilt sets negative-score assets to 0', () => {
    const f = [...Array(20).fill(0), 1];
    expect(forecastScores(f)[20]).toBe(3);
    const w = tiltedEqualWeight([0.05, 0.01, -0.04, 0.0], 3);
    expect(w[2]).toBe(0);
    expect(sum(w)).toBeCloseTo(1, 12);
  });

  it('holds the per-asset cap, spreading the excess pro rata over the others', () => {
    const w = tiltedEqualWeight([0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.1], 1.5, 0.2);
    expect(Math.max(...w)).toBeCloseTo(0.2, 12);
    expect(sum(w)).toBeCloseTo(1, 12);
    // The six middle assets (same score) stay equal.
    for (let a = 2; a < 7; a++) expect(w[a]).toBeCloseTo(w[1]!, 12);
  });

  it('holds group caps and keeps the proportions inside and outside the binding group', () => {
    const group = [0, 0, 0, 1, 1, 1];
    const base = [3, 2, 1, 1, 1, 1];
    const w = cappedProportional(base, 1, group, [0.4, 0.8]);
    expect(w[0]! + w[1]! + w[2]!).toBeCloseTo(0.4, 12);
    expect(w[0]! / w[2]!).toBeCloseTo(3, 12);
    expect(w[3]).toBeCloseTo(0.2, 12);
    expect(sum(w)).toBeCloseTo(1, 12);
    // A group cap and the per-asset cap together: group 0 capped at 0.5 with 0.2 per asset.
    const v = cappedProportional([10, 1, 1, 1, 1, 1], 0.2, group, [0.5, 1]);
    expect(v[0]).toBeCloseTo(0.2, 12);
    expect(v[0]! + v[1]! + v[2]!).toBeCloseTo(0.5, 12);
    expect(Math.max(...v)).toBeLessThanOrEqual(0.2 + 1e-12);
    expect(sum(v)).toBeCloseTo(1, 12);
  });

  it('leaves cash only when every asset sits at a cap', () => {
    const w = tiltedEqualWeight([0.01, 0.02, 0.03], 0.5, 0.25);
    expect(Array.from(w)).toEqual([0.25, 0.25, 0.25]);
    const g = cappedProportional([1, 1, 1, 1], 1, [0, 0, 1, 1], [0.3, 0.3]);
    expect(sum(g)).toBeCloseTo(0.6, 12);
  });
});
