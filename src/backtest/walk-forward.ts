/**
 * Walk-forward and cross-validation splitters over a time index 0 … nSamples−1 (sample i = date i), with purge
 * and embargo for labels that look `horizon` periods ahead (López de Prado 2018, ch. 7 & 12).
 *
 * A label at sample i uses data up to i + horizon. Training on sample i is therefore only honest for a test window
 * starting at s if i + horizon < s (PURGE), and, when training data also lies AFTER a test window ending at e,
 * only if i > e + embargo (EMBARGO: serial correlation leaks backwards through overlapping features).
 *
 * Every split carries `asOf`: the last sample whose data the fit may read (for walk-forward, testStart − 1). Fit
 * with `panel.upTo(dates[asOf])` (or `walkForward`, which does that for you) and nothing later can leak in.
 */
import { configError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';

export interface Split {
  /** Sorted training sample indices (after purge and embargo). */
  readonly train: Int32Array;
  /** Sorted test sample indices. */
  readonly test: Int32Array;
  /** The last sample index the fit may read. */
  readonly asOf: number;
}

export interface WalkForwardOptions {
  readonly nSamples: number;
  /** Training window length (rolling) or minimum length (expanding), samples. */
  readonly trainSize: number;
  /** Test window length = refit schedule: the model is refit every `testSize` samples. */
  readonly testSize: number;
  /** 'rolling' keeps the last trainSize samples; 'expanding' keeps everything since the start. Default rolling. */
  readonly mode?: 'rolling' | 'expanding';
  /** Periods a label looks ahead (purge), default 0. */
  readonly horizon?: number;
  /** Extra samples dropped between the last training label and the test window, default 0. */
  readonly embargo?: number;
  /** First test sample (default trainSize + horizon + embargo). */
  readonly firstTest?: number;
}

const int = (name: string, v: number, min: number): void => {
  if (!(Number.isInteger(v) && v >= min))
    throw configError(`walk-forward ${name} must be an integer ≥ ${min}, got ${v}.`);
};

const range = (a: number, b: number): Int32Array => Int32Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** Rolling or expanding walk-forward splits; training always ends `horizon + embargo` samples before the test. */
export function walkForwardSplits(o: WalkForwardOptions): Split[] {
  const h = o.horizon ?? 0;
  const emb = o.embargo ?? 0;
  int('nSamples', o.nSamples, 1);
  int('trainSize', o.trainSize, 1);
  int('testSize', o.testSize, 1);
  int('horizon', h, 0);
  int('embargo', emb, 0);
  const first = o.firstTest ?? o.trainSize + h + emb;
  if (first - h - emb < o.trainSize)
    throw configError(
      `walk-forward firstTest ${first} leaves fewer than trainSize ${o.trainSize} samples before it after purge (${h}) and embargo (${emb}).`,
    );
  if (first >= o.nSamples)
    throw configError(
      `walk-forward: the first test sample ${first} is past the data (${o.nSamples} samples). Shorten trainSize or load more data.`,
    );
  const out: Split[] = [];
  for (let s = first; s < o.nSamples; s += o.testSize) {
    const e = Math.min(s + o.testSize, o.nSamples);
    const trainEnd = s - h - emb; // exclusive: label i uses data ≤ i + h < s − emb
    const trainStart = o.mode === 'expanding' ? 0 : Math.max(0, trainEnd - o.trainSize);
    out.push({ train: range(trainStart, trainEnd), test: range(s, e), asOf: s - 1 });
  }
  return out;
}

/** Train indices outside [testStart − horizon, testEnd + embargo] for every contiguous test block. */
function purgedTrain(
  nSamples: number,
  testBlocks: readonly [number, number][],
  horizon: number,
  embargo: number,
): Int32Array {
  const keep: number[] = [];
  outer: for (let i = 0; i < nSamples; i++) {
    for (const [s, e] of testBlocks) {
      // e exclusive. Purge labels overlapping the test block; embargo right after it.
      if (i + horizon >= s && i < e + embargo) continue outer;
    }
    keep.push(i);
  }
  return Int32Array.from(keep);
}

/** Contiguous groups 0..nGroups−1 over nSamples (sizes differ by at most one). */
function groupBounds(nSamples: number, nGroups: number): [number, number][] {
  return Array.from(
    { length: nGroups },
    (_, g) => [Math.floor((g * nSamples) / nGroups), Math.floor(((g + 1) * nSamples) / nGroups)] as [number, number],
  );
}

/**
 * Purged k-fold: k contiguous test folds; training = all other samples minus purge and embargo around the fold.
 * For model selection only (training data may lie after the test fold): `asOf` is the last sample overall.
 */
export function purgedKFold(nSamples: number, k: number, horizon = 0, embargo = 0): Split[] {
  int('k', k, 2);
  if (k > nSamples) throw configError(`purged k-fold: k = ${k} folds exceed ${nSamples} samples.`);
  return groupBounds(nSamples, k).map(([s, e]) => ({
    train: purgedTrain(nSamples, [[s, e]], horizon, embargo),
    test: range(s, e),
    asOf: nSamples - 1,
  }));
}

/** n choose k. */
export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

export interface CpcvSplit extends Split {
  /** Which groups are tested in this split. */
  readonly testGroups: readonly number[];
}

/**
 * Combinatorial purged cross-validation: the samples are cut into `nGroups` contiguous groups; every choice of
 * `testGroups` of them is one split (C(N, k) splits), trained on the rest after purge and embargo around each
 * tested group. Together the splits make φ = k/N · C(N, k) complete backtest paths (`cpcvPaths`).
 */
export function combinatorialPurgedCV(
  nSamples: number,
  nGroups: number,
  testGroups: number,
  horizon = 0,
  embargo = 0,
): CpcvSplit[] {
  int('nGroups', nGroups, 2);
  int('testGroups', testGroups, 1);
  if (testGroups >= nGroups)
    throw configError(`CPCV testGroups (${testGroups}) must be smaller than nGroups (${nGroups}).`);
  if (nGroups > nSamples) throw configError(`CPCV nGroups (${nGroups}) exceeds the ${nSamples} samples.`);
  const bounds = groupBounds(nSamples, nGroups);
  const out: CpcvSplit[] = [];
  const pick: number[] = [];
  const rec = (start: number): void => {
    if (pick.length === testGroups) {
      const blocks = pick.map((g) => bounds[g]!);
      const test: number[] = [];
      for (const [s, e] of blocks) for (let i = s; i < e; i++) test.push(i);
      out.push({
        testGroups: [...pick],
        test: Int32Array.from(test),
        train: purgedTrain(nSamples, blocks, horizon, embargo),
        asOf: nSamples - 1,
      });
      return;
    }
    for (let g = start; g < nGroups; g++) {
      pick.push(g);
      rec(g + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

/** Number of complete backtest paths CPCV(N, k) yields: k/N · C(N, k). */
export function cpcvPaths(nGroups: number, testGroups: number): number {
  return (testGroups / nGroups) * binomial(nGroups, testGroups);
}

/**
 * Run `fit` on every split with a view of the panel bounded by the split's `asOf` (rows ≤ asOf only), so a fit
 * cannot read past it whatever it does. Sequential: a worker thread costs ~1.5 s of CPU to load the modules and
 * warm the JIT, more than a typical fold's fit. Parallelism lives one level up, where units are big enough: the
 * study runs whole walk-forward backtests on worker threads (`keel run --workers N`, src/study/workers/).
 */
export function walkForward<T>(
  panel: Panel,
  splits: readonly Split[],
  fit: (view: Panel, split: Split, index: number) => T,
): T[] {
  return splits.map((s, i) => {
    if (s.asOf < 0 || s.asOf >= panel.nDates)
      throw configError(`split ${i}: asOf ${s.asOf} is outside the panel's ${panel.nDates} dates.`);
    return fit(panel.sliceRows(0, s.asOf + 1), s, i);
  });
}
