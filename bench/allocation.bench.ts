/**
 * `npm run bench -- allocation`: long-only min-variance and max-Sharpe (Cornuejols–Tütüncü transform) QPs at 20, 100
 * and 500 assets vs cvxopt with tolerances 1e-10 (the workload of ../shared/bench/peers.py), and HRP at 500
 * assets vs SciPy single linkage + NumPy recursive bisection. μ = CAGR × 252, Σ = sample covariance × 252 of the
 * same seeded synthetic returns. Both sides must agree (weights within 1e-6) before any time is printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hrp,
  maxSharpe,
  minVariance,
  portfolioPerformance,
  portfolioVariance,
  type ReturnDistribution,
} from '../src/allocation/index.ts';
import { meanHistoricalReturn, sampleCov } from '../src/risk/index.ts';
import { row, runPeer, syntheticReturns, time, workDir, writeBin } from './shared-bench.ts';

const SIZES = [20, 100, 500];

function subset(n: number): ReturnDistribution {
  const full = syntheticReturns(500, 2520);
  const values = new Float64Array(full.nDates * n);
  for (let t = 0; t < full.nDates; t++) values.set(full.values.subarray(t * 500, t * 500 + n), t * n);
  const r = { values, nDates: full.nDates, nAssets: n, assets: full.assets.slice(0, n) };
  return { assets: r.assets, mu: meanHistoricalReturn(r), cov: sampleCov(r), riskFreeRate: 0.02 };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export default function allocationBench(): void {
  const dir = workDir();
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ T: 2520, N: 500, repeats: 7 }));
  const dists = new Map<number, ReturnDistribution>();
  for (const n of SIZES) {
    const d = subset(n);
    dists.set(n, d);
    writeBin(dir, `cov_${n}.bin`, d.cov.data);
    writeBin(dir, `mu_${n}.bin`, d.mu);
  }
  const peer = runPeer(dir, 'qp', SIZES.map(String)) as Record<
    string,
    Record<'min_variance' | 'max_sharpe', { timing: { median_s: number; min_s: number }; weights: number[] }>
  >;
  for (const n of SIZES) {
    const d = dists.get(n)!;
    const reps = n <= 100 ? 21 : 7;
    const mv = time(() => minVariance(d), reps);
    const ms = time(() => maxSharpe(d), reps);
    const p = peer[String(n)]!;
    const e1 = maxDiff(mv.value, p.min_variance.weights);
    const e2 = maxDiff(ms.value, p.max_sharpe.weights);
    // Same answer: Keel's objective is no worse than cvxopt's (an exact active-set vertex vs an interior point
    // stopped at 1e-10 gaps; on flat directions weights may differ ~1e-5 while objectives agree to 1e-9).
    const v1 = portfolioVariance(mv.value, d.cov);
    const pv1 = portfolioVariance(Float64Array.from(p.min_variance.weights), d.cov);
    const s2 = portfolioPerformance(ms.value, d.mu, d.cov).sharpe;
    const ps2 = portfolioPerformance(Float64Array.from(p.max_sharpe.weights), d.mu, d.cov).sharpe;
    if (v1 > pv1 * (1 + 1e-9) || s2 < ps2 * (1 - 1e-9) || e1 > 1e-4 || e2 > 1e-4) {
      throw new Error(`QP mismatch at n=${n}: variance ${v1} vs ${pv1}, Sharpe ${s2} vs ${ps2}, |Δw| ${e1}, ${e2}`);
    }
    const held = (w: Float64Array): number => w.filter((v) => v > 1e-8).length;
    row(
      `min-variance long-only n=${n}`,
      mv,
      'cvxopt',
      p.min_variance.timing,
      `var rel ${((v1 - pv1) / pv1).toExponential(1)}, max |Δw| ${e1.toExponential(1)}, ${held(mv.value)} held`,
    );
    row(
      `max-sharpe long-only n=${n}`,
      ms,
      'cvxopt',
      p.max_sharpe.timing,
      `Sharpe rel ${((s2 - ps2) / ps2).toExponential(1)}, max |Δw| ${e2.toExponential(1)}, ${held(ms.value)} held`,
    );
  }
  const d500 = dists.get(500)!;
  const h = time(() => hrp(d500.cov), 7);
  const ph = runPeer(dir, 'hrp', ['500']) as { timing: { median_s: number; min_s: number }; weights: number[] };
  const e = maxDiff(h.value.weights, ph.weights);
  if (e > 1e-9) throw new Error(`HRP mismatch: ${e}`);
  row('hrp single linkage n=500', h, 'scipy+numpy', ph.timing, `max |Δw| ${e.toExponential(1)}`);
}
