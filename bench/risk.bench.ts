/**
 * `npm run bench -- risk`: Ledoit-Wolf (constant-variance target) on 500 assets × 2520 days vs
 * sklearn.covariance.ledoit_wolf (single-threaded OpenBLAS), same synthetic returns, same run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledoitWolf } from '../src/risk/index.ts';
import { row, runPeer, syntheticReturns, time, workDir, writeBin } from './shared-bench.ts';

export default function riskBench(): void {
  const r = syntheticReturns(500, 2520);
  const dir = workDir();
  writeBin(dir, 'returns.bin', r.values);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ T: r.nDates, N: r.nAssets, repeats: 7 }));
  const keel = time(() => ledoitWolf(r), 7);
  const peer = runPeer(dir, 'lw') as { timing: { median_s: number; min_s: number }; shrinkage: number; s00: number };
  const diff = Math.abs(keel.value.shrinkage! - peer.shrinkage);
  const s00 = Math.abs(keel.value.matrix.data[0]! - peer.s00) / peer.s00;
  if (diff > 1e-10 || s00 > 1e-10) throw new Error(`Ledoit-Wolf mismatch: shrinkage diff ${diff}, Σ00 rel diff ${s00}`);
  row(
    'ledoit-wolf 500×2520',
    keel,
    'sklearn',
    peer.timing,
    `shrinkage ${keel.value.shrinkage!.toFixed(8)} (diff ${diff.toExponential(1)})`,
  );
}
