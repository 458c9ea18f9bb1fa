/**
 * TreeSHAP benchmark: Keel's path-dependent TreeSHAP against XGBoost's own (`pred_contribs=True`, nthread=1) on the
 * SAME trees — the peer (bench/peers/explain.py) fits an XGBoost regressor, saves its JSON, and Keel loads that JSON
 * into its flat form, so both explain identical ensembles on identical rows. Checks agreement first, then prints
 * median seconds of several runs and the ratio Keel/peer.
 *
 *   npm run bench -- explain
 *   KEEL_BENCH_REPEATS=9 npm run bench -- explain
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  explainEnsemble,
  fromXgboostJson,
  pathExpectedValue,
  treeShapPathDependentRows,
} from '../src/explain/index.ts';
import { here, row, time, workDir } from './shared-bench.ts';

const repeats = Number(process.env['KEEL_BENCH_REPEATS'] ?? 7);

interface Case {
  name: string;
  trees: number;
  depth: number;
  nTrain: number;
  nExplain: number;
  p: number;
}

const cases: Case[] = [
  { name: 'TreeSHAP 100 trees d6, 2000×20', trees: 100, depth: 6, nTrain: 20_000, nExplain: 2_000, p: 20 },
  { name: 'TreeSHAP 500 trees d4, 1000×10', trees: 500, depth: 4, nTrain: 10_000, nExplain: 1_000, p: 10 },
  { name: 'TreeSHAP 20 trees d8, 1000×30', trees: 20, depth: 8, nTrain: 20_000, nExplain: 1_000, p: 30 },
];

export default function main(): void {
  console.log(`single thread both sides (XGBoost nthread=1); medians of ${repeats} runs; shared, loaded machine`);
  for (const c of cases) {
    const dir = workDir();
    try {
      const out = execFileSync(
        '/usr/bin/python3',
        [
          join(here, 'peers', 'explain.py'),
          'bench',
          dir,
          ...[c.trees, c.depth, c.nTrain, c.nExplain, c.p, repeats].map(String),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      const peer = JSON.parse(out) as { median_s: number; times_s: number[]; contribs_checksum: number };
      const json: unknown = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const buf = readFileSync(join(dir, 'X.bin'));
      const X = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8).slice();
      const n = c.nExplain;
      const p = c.p;
      // The first call on a fresh form also builds the per-tree tables (once per model): timed on its own.
      const fresh = fromXgboostJson(json);
      const t0 = performance.now();
      treeShapPathDependentRows(fresh, X, 1, new Float64Array(p));
      const setup = (performance.now() - t0) / 1000;
      const form = fromXgboostJson(json);
      const check = explainEnsemble(form, X, n); // additivity checked here, outside the timing
      let sumAbs = 0;
      for (let i = 0; i < n * p; i++) sumAbs += Math.abs(check.values[i]!);
      const keel = time(() => {
        const phi = new Float64Array(n * p);
        treeShapPathDependentRows(form, X, n, phi);
        return pathExpectedValue(form) + phi[0]!;
      }, repeats);
      const rel = Math.abs(sumAbs - peer.contribs_checksum) / peer.contribs_checksum;
      const peerMin = Math.min(...peer.times_s);
      row(
        c.name,
        keel,
        'xgboost',
        { median: peer.median_s, min: peerMin },
        `Σ|φ| rel. diff ${rel.toExponential(1)}, additivity ${check.additivityError.toExponential(1)}, tables ${(setup * 1000).toFixed(0)} ms once per model`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
