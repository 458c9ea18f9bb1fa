/**
 * HRP, HERC, the gap statistic, the book's k-means and NCO against an independent numpy/scipy reference
 * (scripts/make-hierarchical-fixtures.py → fixtures/hierarchical.json) on real prices: Riskfolio-Lib's 10-stock HC
 * test set (last 200 daily returns) and PyPortfolioOpt's 20 stocks (every date with all 20 prices), plus a numpy-seeded
 * 24-stock, 4-sector set on which the gap statistic and k-means choose k > 1 (the real sets give k = 1). The fixture
 * holds the daily covariance both sides start from, SciPy's optimal leaf order, the uniform draws of the gap
 * statistic and the k-means initial centroids, so the randomised parts are pinned and the comparison is exact.
 *
 * Tolerances: HRP/HERC weights are products of a few ratios of quadratic forms computed in a different summation
 * order (numpy pairwise vs sequential): 1e-12 absolute is ~10⁴ ulps. Gap values are logs of sums of squared
 * distances: 1e-10. NCO: the reference solves each long-only QP exactly by enumerating active sets; Keel's active-set
 * QP is exact to rounding too, but the weights carry cond(Σ) ≈ 1e3–1e4 times the rounding: 1e-9.
 * Riskfolio-Lib's own expected files are a second, third-party check (HC_*.csv, MV column).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Matrix } from '../../core/index.ts';
import { loadLabeledTable } from '../../io/index.ts';
import { describeShared, sharedPath } from '../../../test/support/shared.ts';
import { allocatorKinds } from '../kinds.ts';
import type { ReturnDistribution } from '../types.ts';
import { correlationDistance, covToCorr } from './common.ts';
import { gapStatistic } from './gap.ts';
import { herc } from './herc.ts';
import { hrp } from './hrp.ts';
import { kmeansBase } from './kmeans.ts';
import type { LinkageMethod } from './linkage.ts';
import { nco } from './nco.ts';

interface Dataset {
  assets: string[];
  cov: number[][];
  mu: number[];
  hrp: { linkage: LinkageMethod; optimalOrdering: boolean; order: number[]; weights: number[] }[];
  herc: {
    linkage: LinkageMethod;
    k: number;
    riskMeasure: 'variance' | 'volatility';
    labels: number[];
    weights: number[];
  }[];
  gap: { linkage: LinkageMethod; maxClusters: number; gap: number[]; s: number[]; k: number }[];
  gapUniforms: number[][];
  kmeans: { inits: number[][][]; labels: number[]; silhouetteScore: number };
  nco: { objective: 'min-variance' | 'max-sharpe'; labels: number[]; weights: number[] }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'hierarchical.json'), 'utf8')) as {
  datasets: Record<string, Dataset>;
};

const covOf = (d: Dataset): Matrix => Matrix.fromRows(d.cov);
const dist = (d: Dataset, rf = 0): ReturnDistribution => ({
  assets: d.assets,
  mu: Float64Array.from(d.mu),
  cov: covOf(d),
  riskFreeRate: rf,
});
const canonical = (labels: ArrayLike<number>): number[] => {
  const ids = new Map<number, number>();
  return Array.from(labels, (v) => {
    if (!ids.has(v)) ids.set(v, ids.size);
    return ids.get(v)!;
  });
};
const maxAbs = (a: ArrayLike<number>, b: readonly number[]): number =>
  Math.max(...b.map((v, i) => Math.abs(a[i]! - v)));

for (const [name, d] of Object.entries(fixture.datasets)) {
  describe(`${name}: against numpy/scipy (scripts/make-hierarchical-fixtures.py)`, () => {
    const cov = covOf(d);
    const n = d.assets.length;

    it('HRP: every linkage, quasi-diagonal and SciPy optimal leaf order — same order, weights to 1e-12', () => {
      for (const e of d.hrp) {
        const r = hrp(cov, { linkage: e.linkage, optimalOrdering: e.optimalOrdering });
        expect(r.order, `${e.linkage} olo=${e.optimalOrdering}`).toEqual(e.order);
        expect(maxAbs(r.weights, e.weights), `${e.linkage} olo=${e.optimalOrdering}`).toBeLessThan(1e-12);
      }
      // the option is not a no-op on real data: some linkage's order changes
      expect(d.hrp.some((e, i) => e.optimalOrdering && e.order.join() !== d.hrp[i - 1]!.order.join())).toBe(true);
    });

    it('HERC: ward and single, k = 1 … 6, variance and volatility — same clusters, weights to 1e-12', () => {
      for (const e of d.herc) {
        const r = herc(cov, { linkage: e.linkage, clusters: e.k, riskMeasure: e.riskMeasure });
        const tag = `${e.linkage} k=${e.k} ${e.riskMeasure}`;
        expect(canonical(r.clusters), tag).toEqual(canonical(e.labels));
        expect(maxAbs(r.weights, e.weights), tag).toBeLessThan(1e-12);
      }
    });

    it('gap statistic with the same 20 uniform reference sets: Gap(k), s_k to 1e-10 and the chosen k', () => {
      const uniforms = d.gapUniforms;
      for (const e of d.gap) {
        const g = gapStatistic(correlationDistance(covToCorr(cov)), n, {
          linkage: e.linkage,
          maxClusters: e.maxClusters,
          references: uniforms.length,
          seed: 0,
          uniforms,
        });
        expect(g.k, e.linkage).toBe(e.k);
        expect(maxAbs(g.gap, e.gap)).toBeLessThan(1e-10);
        expect(maxAbs(g.s, e.s)).toBeLessThan(1e-10);
        // and HERC with clusters: 'gap' uses that k
        expect(herc(cov, { linkage: e.linkage, gap: { uniforms } }).k).toBe(e.k);
      }
    });

    it("the book's clusterKMeansBase from the same initial centroids: same clusters and silhouette score (1e-12)", () => {
      const x = correlationDistance(covToCorr(cov));
      const r = kmeansBase(x, n, n, { maxClusters: Math.floor(n / 2), restarts: 0, seed: 0, inits: d.kmeans.inits });
      expect(canonical(r.labels)).toEqual(canonical(d.kmeans.labels));
      expect(Math.abs(r.score - d.kmeans.silhouetteScore)).toBeLessThan(1e-12);
    });

    it('NCO (k-means clusters, long-only min-variance and max-Sharpe at rf 0) — weights to 1e-9', () => {
      for (const e of d.nco) {
        const r = nco(dist(d), { objective: e.objective, inits: d.kmeans.inits });
        expect(canonical(r.clusters)).toEqual(canonical(e.labels));
        expect(maxAbs(r.weights, e.weights), e.objective).toBeLessThan(1e-9);
      }
    });
  });
}

describeShared(
  'Riskfolio-Lib expected weights (HC_*.csv, MV column; 2022, stock_prices_3)',
  ['data', 'riskfolio', 'HC_HRP.csv'],
  () => {
    const d = fixture.datasets['riskfolio10']!;
    const expected = (file: string): number[] => {
      const t = loadLabeledTable(sharedPath('data', 'riskfolio', file));
      const c = t.columns.indexOf('MV');
      return d.assets.map((a) => t.values[t.rowLabels.indexOf(a) * t.columns.length + c]!);
    };
    it('HRP, single linkage, optimal leaf order (Riskfolio default): to 1e-12', () => {
      const w = hrp(covOf(d), { linkage: 'single', optimalOrdering: true }).weights;
      expect(maxAbs(w, expected('HC_HRP.csv'))).toBeLessThan(1e-12);
      // without the optimal order the weights differ: the option is what makes Riskfolio's figures reproducible
      expect(maxAbs(hrp(covOf(d), { linkage: 'single' }).weights, expected('HC_HRP.csv'))).toBeGreaterThan(0.01);
    });
    it('HERC, ward, k = 4 (the k its two-difference gap rule picks): to 1e-12', () => {
      const w = herc(covOf(d), { linkage: 'ward', clusters: 4 }).weights;
      expect(maxAbs(w, expected('HC_HERC.csv'))).toBeLessThan(1e-12);
    });
    it('NCO, ward dendrogram cut into k = 4, long-only min-variance: to 1e-4 (Riskfolio solves with a conic solver)', () => {
      const w = nco(dist(d), { clustering: 'hierarchical', clusters: 4 }).weights;
      expect(maxAbs(w, expected('HC_NCO.csv'))).toBeLessThan(1e-4);
    });
  },
);

describe('the kinds on four clear sectors (synthetic24) with their own seeded randomness', () => {
  const d = fixture.datasets['synthetic24']!;
  const sectors = d.assets.map((a) => a.slice(0, 2));
  it('herc (gap statistic, seed 0) and nco (k-means++, 10 restarts) find the 4 sectors and report k in diagnostics', () => {
    for (const kind of ['herc', 'nco'] as const) {
      const a = allocatorKinds[kind].create({}).allocate(dist(d));
      expect(a.status, kind).toBe('ok');
      expect(a.diagnostics['clusters'], kind).toBe(4);
    }
    const r = nco(dist(d));
    expect(canonical(r.clusters)).toEqual(canonical(sectors.map((s) => Number(s.slice(1)))));
    // same seed → same weights, to the bit
    expect(Array.from(nco(dist(d)).weights)).toEqual(Array.from(r.weights));
  });
});

describe('refusals and bounds', () => {
  const d = fixture.datasets['riskfolio10']!;
  it('an asset with zero variance is refused by name, in one line, by hrp, herc and nco', () => {
    const cov = covOf(d);
    const n = d.assets.length;
    for (let j = 0; j < n; j++) {
      cov.data[3 * n + j] = 0;
      cov.data[j * n + 3] = 0;
    }
    const bad = { ...dist(d), cov };
    for (const kind of ['hrp', 'herc', 'nco'] as const) {
      const a = allocatorKinds[kind].create((kind === 'nco' ? { fallback: [] } : {}) as never).allocate(bad);
      expect(a.status, kind).toBe('failed');
      expect(a.trail[0]!.outcome).toContain(`"${d.assets[3]}" has variance 0`);
      expect(a.trail[0]!.outcome).not.toContain('\n');
    }
  });

  it('a covariance that is not positive semi-definite is refused instead of giving weights outside [0, 1]', () => {
    // the old HRP returned weights −0.023 … 0.744 for this matrix (correlations drawn independently)
    const c = [
      [0.000694, 0.000214, 0.000683, -0.000575, -0.00011, 0.000836],
      [0.000214, 0.000186, -0.000319, -0.000387, -0.000114, -0.00016],
      [0.000683, -0.000319, 0.000672, -0.000333, -0.000265, -0.000836],
      [-0.000575, -0.000387, -0.000333, 0.000832, -0.000399, 0.000736],
      [-0.00011, -0.000114, -0.000265, -0.000399, 0.000203, -0.000362],
      [0.000836, -0.00016, -0.000836, 0.000736, -0.000362, 0.00117],
    ];
    expect(() => hrp(Matrix.fromRows(c))).toThrow(/not positive semi-definite/);
  });

  it('long-only on every fixture case: weights in [0, 1], summing to 1 within 1e-12', () => {
    for (const ds of Object.values(fixture.datasets)) {
      const cov = covOf(ds);
      const all = [
        ...ds.hrp.map((e) => hrp(cov, { linkage: e.linkage, optimalOrdering: e.optimalOrdering }).weights),
        ...ds.herc.map((e) => herc(cov, { linkage: e.linkage, clusters: e.k, riskMeasure: e.riskMeasure }).weights),
        nco(dist(ds)).weights,
        nco(dist(ds), { clustering: 'hierarchical' }).weights,
      ];
      for (const w of all) {
        expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        for (const v of w) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
  });

  it('HERC and NCO refuse more clusters than assets, naming the rule', () => {
    expect(() => herc(covOf(d), { clusters: 11 })).toThrow(/HERC clusters must be an integer in 1 … 10/);
    expect(() => nco(dist(d), { clusters: 11 })).toThrow(/NCO clusters must be an integer in 1 … 10/);
  });
});
