/**
 * A small cache of training-matrix binnings, keyed by the matrix's CONTENT (bit for bit), not its identity.
 *
 * Why: a walk-forward refit bins the same training window several times — every tree model of the strategies that
 * share a universe and feature list, and the distillation tree fitted to each model's forecasts on that window.
 * Binning sorts every feature column (O(n p log n)); hashing and comparing the matrix is O(n p). The bins are a pure
 * function of (X, n, p, maxBins), so a hit returns exactly what a fresh binning would (trees unchanged).
 *
 * Cached values are shared between fits: growers only read them (edges, bins, cols are never written after this).
 */
import { createHash } from 'node:crypto';
import type { BinnedMatrix } from './binning.ts';

export interface TrainingBins {
  readonly edges: Float64Array[];
  readonly nBins: Int32Array;
  readonly binned: BinnedMatrix;
}

interface Entry {
  readonly key: string;
  /** A private copy of the matrix's bits: the caller's X may be edited after the fit. */
  readonly bits: Uint32Array;
  readonly value: TrainingBins;
}

/**
 * Matrix cells kept (oldest entries out first; 10 bytes a cell: the bits and two bin layouts, ~20 MB): a walk-forward
 * fits its strategies one after another, so a window binned for the first is asked for again one strategy later.
 */
const BUDGET_CELLS = 1 << 21;
const entries: Entry[] = [];
let cells = 0;

function wordsOf(X: Float64Array): Uint32Array {
  return new Uint32Array(X.buffer, X.byteOffset, X.length * 2);
}

function hashWords(w: Uint32Array): string {
  // Native SHA-1 of the bytes (hits are verified bit for bit anyway): V8 deoptimised a JavaScript hashing loop here
  // on most calls (insufficient type feedback after its on-stack-replaced loop).
  return createHash('sha1')
    .update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength))
    .digest('base64');
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `make()`'s binning of the n × p matrix X, reused when a bit-identical matrix was binned with the same maxBins. */
export function cachedBins(
  X: Float64Array,
  n: number,
  p: number,
  maxBins: number,
  make: () => TrainingBins,
): TrainingBins {
  const words = wordsOf(X.subarray(0, n * p));
  const key = `${n}:${p}:${maxBins}:${hashWords(words)}`;
  const hit = entries.find((e) => e.key === key && sameWords(e.bits, words));
  if (hit) return hit.value;
  const value = make();
  entries.push({ key, bits: words.slice(), value });
  cells += n * p;
  while (entries.length > 1 && cells > BUDGET_CELLS) cells -= entries.shift()!.bits.length / 2;
  return value;
}

/** Forget every cached binning (benchmarks time cold fits: bench/models.bench.ts fits the same data repeatedly). */
export function clearBinCache(): void {
  entries.length = 0;
  cells = 0;
}
