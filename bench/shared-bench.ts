/**
 * Helpers for the risk/allocation benchmarks: a seeded synthetic market (500 assets × 2520 days, 5 factors,
 * heterogeneous idiosyncratic volatility), binary exchange files for the Python peers, medians, the row printer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/core/index.ts';
import type { ReturnsTable } from '../src/risk/index.ts';

export const here = dirname(fileURLToPath(import.meta.url));

export function syntheticReturns(nAssets = 500, nDates = 2520, seed = 2024): ReturnsTable {
  const rng = createRng(seed);
  const K = 5;
  const beta = Float64Array.from({ length: nAssets * K }, (_, i) =>
    i % K === 0 ? 0.8 + 0.4 * rng.uniform() : 0.5 * rng.normal(),
  );
  const idio = Float64Array.from({ length: nAssets }, () => 0.008 + 0.025 * rng.uniform());
  const drift = Float64Array.from({ length: nAssets }, () => 0.0002 + 0.0006 * rng.uniform());
  const values = new Float64Array(nDates * nAssets);
  const f = new Float64Array(K);
  for (let t = 0; t < nDates; t++) {
    for (let k = 0; k < K; k++) f[k] = rng.normal() * (k === 0 ? 0.01 : 0.005);
    for (let i = 0; i < nAssets; i++) {
      let r = drift[i]!;
      for (let k = 0; k < K; k++) r += beta[i * K + k]! * f[k]!;
      values[t * nAssets + i] = r + idio[i]! * rng.normal();
    }
  }
  return {
    values,
    nDates,
    nAssets,
    assets: Array.from({ length: nAssets }, (_, i) => `S${String(i).padStart(3, '0')}`),
  };
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'keel-bench-'));
}

export function writeBin(dir: string, name: string, x: Float64Array): void {
  writeFileSync(join(dir, name), Buffer.from(x.buffer, x.byteOffset, x.byteLength));
}

export function runPeer(dir: string, task: string, args: string[] = []): unknown {
  const out = execFileSync('/usr/bin/python3', [join(here, 'peers', 'risk_allocation.py'), dir, task, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out);
}

/** Median and min wall seconds of `repeats` calls (after one warm-up call). */
export function time<T>(fn: () => T, repeats = 7): { median: number; min: number; value: T } {
  let value = fn();
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    value = fn();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)]!, min: ts[0]!, value };
}

type Timing =
  number | { readonly median: number; readonly min: number } | { readonly median_s: number; readonly min_s: number };

function medianMin(t: Timing): { median: number; min?: number } {
  if (typeof t === 'number') return { median: t };
  return 'median' in t ? { median: t.median, min: t.min } : { median: t.median_s, min: t.min_s };
}

/** One result line: Keel's and the peer's median (and min when given) seconds, and the ratio Keel/peer. */
export function row(name: string, keelTiming: Timing, peerName: string, peerTiming: Timing, check: string): void {
  const f = (x: number): string => (x < 0.01 ? `${(x * 1000).toFixed(2)} ms` : `${(x * 1000).toFixed(1)} ms`);
  const k = medianMin(keelTiming);
  const p = medianMin(peerTiming);
  const minK = k.min === undefined ? '' : ` (min ${f(k.min)})`;
  const minP = p.min === undefined ? '' : ` (min ${f(p.min)})`;
  const minRatio = k.min === undefined || p.min === undefined ? '' : ` (min/min ${(k.min / p.min).toFixed(2)})`;
  console.log(
    `${name.padEnd(32)} keel ${f(k.median).padStart(9)}${minK}  ${peerName} ${f(p.median).padStart(9)}${minP}  ` +
      `ratio ${(k.median / p.median).toFixed(2)}${minRatio}  ${check}`,
  );
}
