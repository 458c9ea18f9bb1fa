import { describe, expect, it } from 'vitest';
import {
  clusterAssets,
  cutTree,
  detectRegimes,
  euclideanDistances,
  hierarchical,
  kMeans,
  leafOrder,
} from '../index.ts';
import { modelRng } from '../internal/rng.ts';

describe('k-means', () => {
  it('recovers three planted, well-separated clusters (labels equal up to renaming)', () => {
    const r = modelRng(1);
    const centres = [
      [0, 0],
      [10, 0],
      [0, 10],
    ];
    const X: number[] = [];
    const truth: number[] = [];
    for (let i = 0; i < 150; i++) {
      const c = i % 3;
      X.push(centres[c]![0]! + r.normal(), centres[c]![1]! + r.normal());
      truth.push(c);
    }
    const res = kMeans(Float64Array.from(X), 150, 2, { k: 3, seed: 5 });
    const map = new Map<number, number>();
    truth.forEach((t, i) => {
      const l = res.labels[i]!;
      if (!map.has(l)) map.set(l, t);
      expect(map.get(l)).toBe(t);
    });
    expect(new Set(map.values()).size).toBe(3);
    // each centroid sits within 0.5 of a planted centre (sd of a 50-point mean ≈ 0.14)
    for (let c = 0; c < 3; c++) {
      const t = centres[map.get(c)!]!;
      expect(Math.hypot(res.centroids[c * 2]! - t[0]!, res.centroids[c * 2 + 1]! - t[1]!)).toBeLessThan(0.5);
    }
  });
  it('is deterministic for a seed', () => {
    const X = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i * 1.7));
    expect(kMeans(X, 100, 2, { k: 4, seed: 2 })).toEqual(kMeans(X, 100, 2, { k: 4, seed: 2 }));
  });
});

describe('hierarchical clustering: merge heights by hand on points 0, 1, 3, 7 (1-D)', () => {
  const D = euclideanDistances(Float64Array.from([0, 1, 3, 7]), 4, 1);
  const heights = (l: 'single' | 'complete' | 'average' | 'ward') => hierarchical(D, 4, l).merges.map((m) => m.height);
  it('single: 1 (0–1), 2 ({0,1}–3), 4 (…–7)', () => expect(heights('single')).toEqual([1, 2, 4]));
  it('complete: 1, 3 (max of 3−0), 7', () => expect(heights('complete')).toEqual([1, 3, 7]));
  it('average: 1, 2.5 = (3+2)/2, 17/3 = (7+6+4)/3', () => {
    const h = heights('average');
    expect(h[0]).toBe(1);
    expect(h[1]).toBeCloseTo(2.5, 12);
    expect(h[2]).toBeCloseTo(17 / 3, 12);
  });
  it("ward (SciPy's convention √(2|A||B|/(|A|+|B|))·‖c_A − c_B‖): 1, √(4/3)·2.5, √(3/2)·(7 − 4/3)", () => {
    const h = heights('ward');
    expect(h[0]).toBeCloseTo(1, 12);
    expect(h[1]).toBeCloseTo(Math.sqrt(4 / 3) * 2.5, 12);
    expect(h[2]).toBeCloseTo(Math.sqrt(3 / 2) * (7 - 4 / 3), 12);
  });
  it('merge ids follow SciPy (points < n, merge m is n + m) and cuts/leaf order are consistent', () => {
    const t = hierarchical(D, 4, 'single');
    expect(t.merges.map((m) => [m.a, m.b, m.size])).toEqual([
      [0, 1, 2],
      [2, 4, 3],
      [3, 5, 4],
    ]);
    expect(Array.from(cutTree(t, 2))).toEqual([0, 0, 0, 1]);
    expect(Array.from(cutTree(t, 3))).toEqual([0, 0, 1, 2]);
    expect([...leafOrder(t)].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('asset groups and regimes', () => {
  it('clusters assets driven by two factors into those two groups', () => {
    const r = modelRng(3);
    const assets = ['A1', 'A2', 'A3', 'B1', 'B2', 'B3'];
    const T = 500;
    const R = new Float64Array(T * 6);
    for (let t = 0; t < T; t++) {
      const fa = r.normal() * 0.01;
      const fb = r.normal() * 0.01;
      for (let a = 0; a < 6; a++) R[t * 6 + a] = (a < 3 ? fa : fb) + 0.004 * r.normal();
    }
    const c = clusterAssets(R, T, assets, 2);
    expect(c.groups).toEqual({ 'cluster-1': ['A1', 'A2', 'A3'], 'cluster-2': ['B1', 'B2', 'B3'] });
    expect(c.groupOf['B2']).toBe('cluster-2');
  });

  it('detects a calm and a turbulent regime (≥ 90 % of days labelled as planted)', () => {
    const r = modelRng(4);
    const T = 600;
    const N = 5;
    const R = new Float64Array(T * N);
    const truth: number[] = [];
    for (let t = 0; t < T; t++) {
      const stress = Math.floor(t / 100) % 2 === 1; // alternating 100-day blocks
      truth.push(stress ? 0 : 1); // regime 0 = lowest mean return
      const m = stress ? -0.004 : 0.001;
      const s = stress ? 0.03 : 0.006;
      for (let a = 0; a < N; a++) R[t * N + a] = m + s * r.normal();
    }
    const reg = detectRegimes(R, T, N, 2, 1);
    const agree = truth.filter((v, t) => reg.labels[t] === v).length / T;
    expect(agree).toBeGreaterThan(0.9);
    expect(reg.summary[0]!.volatility).toBeGreaterThan(reg.summary[1]!.volatility);
  });
});
