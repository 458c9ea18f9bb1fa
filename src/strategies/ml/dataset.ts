/**
 * Dataset stage of `ml-forecast`: features (memoised across strategies that share a universe and feature list),
 * per-date cross-sectional normalisation, targets, and the point-in-time training rows of a refit date: pooled
 * (date, asset) rows whose labels ended by the refit date minus the embargo (purge: t + h + embargo ≤ refit),
 * within the last `trainWindow` bars, computed on data ≤ the refit date only.
 */
import type { IsoDate, Panel } from '../../data/index.ts';
import {
  computeFeatures,
  createFeatures,
  createTarget,
  crossSectionalNormalize,
  trainingSet,
  type Feature,
  type FeatureDataset,
  type FeatureMatrix,
  type FeatureSpec,
  type PitRecords,
  type TargetSpec,
  averageUniqueness,
  uniquenessWeights,
} from '../../features/index.ts';
import { resolveSampleWeights, type MlForecastParams, type SampleWeightsDiagnostics } from './params.ts';

/**
 * Columns (indices) equal across assets at every date where two or more have a value: market-wide series such as
 * macro releases. Per-date normalisation would turn them into a constant 0; they are kept as they are instead
 * (the decision is made on the training matrix, data ≤ the refit, and reused for predictions until the next refit).
 */
export function marketWideColumns(fm: FeatureMatrix): Set<number> {
  const n = fm.assets.length;
  const out = new Set<number>();
  fm.columns.forEach((col, j) => {
    for (let t = 0; t < fm.dates.length; t++) {
      let first = NaN;
      for (let a = 0; a < n; a++) {
        const v = col[t * n + a]!;
        if (!Number.isFinite(v)) continue;
        if (Number.isNaN(first)) first = v;
        else if (v !== first) return;
      }
    }
    out.add(j);
  });
  return out;
}

/** `crossSectionalNormalize` of every column except the market-wide ones (kept as they are). */
export function normaliseAcrossAssets(
  fm: FeatureMatrix,
  kind: MlForecastParams['crossSectional'],
  keep: ReadonlySet<number>,
): FeatureMatrix {
  if (kind === 'none') return fm;
  const out = crossSectionalNormalize(fm, kind);
  return keep.size === 0 ? out : { ...out, columns: out.columns.map((c, j) => (keep.has(j) ? fm.columns[j]! : c)) };
}

// ------------------------------------------------------------------ feature cache shared by ml strategies
// Features are a pure function of (specs, view data, records): strategies over the same universe share them.
// Full matrices are kept for refit anchors (few, large); for daily predictions only the last row is kept (many, tiny).
const featureCache = new Map<string, FeatureMatrix>();
const CACHE_SIZE = 24;
const lastRowCache = new Map<string, FeatureMatrix>();
const LAST_ROW_CACHE_SIZE = 4096;

function viewFingerprint(view: Panel): string {
  let h = 0x811c9dc5;
  const buf = new Float64Array(1);
  const bits = new Uint32Array(buf.buffer);
  for (const name of view.fieldNames) {
    const f = view.field(name);
    for (let i = 0; i < f.length; i++) {
      buf[0] = f[i]!;
      h = Math.imul(h ^ bits[0]!, 0x01000193);
      h = Math.imul(h ^ bits[1]!, 0x01000193);
    }
  }
  return `${view.nDates}:${view.dates[view.nDates - 1] ?? ''}:${view.assets.join(',')}:${(h >>> 0).toString(36)}`;
}

/**
 * The records' part of a feature-cache key: a 64-bit hash of their CONTENT (macro, headlines, fundamentals as
 * JSON), memoised per records object. Counts alone are not enough: the look-ahead audit garbles the values of
 * records released after a cutoff and keeps their number, and a count key then served features computed from the
 * true future — hiding any leak through records. Records are treated as immutable (never edited in place).
 */
const recordsFingerprints = new WeakMap<object, string>();
function recordsFingerprint(records: PitRecords): string {
  const hit = recordsFingerprints.get(records);
  if (hit !== undefined) return hit;
  // Two independent 32-bit streams (FNV-1a and a second multiplier): a 64-bit key, so a collision is negligible.
  let h = 0x811c9dc5;
  let g = 0x9e3779b9;
  const text = JSON.stringify([records.macro ?? [], records.headlines ?? [], records.fundamentals ?? []]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x5bd1e995) ^ (g >>> 15);
  }
  const key = `${text.length}:${(h >>> 0).toString(36)}:${(g >>> 0).toString(36)}`;
  recordsFingerprints.set(records, key);
  return key;
}

/** Memoised lookup in a bounded insertion-ordered cache (the oldest entry goes first). */
function memo(cache: Map<string, FeatureMatrix>, limit: number, key: string, make: () => FeatureMatrix): FeatureMatrix {
  const hit = cache.get(key);
  if (hit) return hit;
  const value = make();
  cache.set(key, value);
  if (cache.size > limit) cache.delete(cache.keys().next().value!);
  return value;
}

/** The feature matrix cut to its last row (what a prediction at the view's last date needs), memoised. */
function cachedLastRow(
  features: readonly Feature[],
  specKey: string,
  view: Panel,
  records: PitRecords | undefined,
  recordsKey: string,
): FeatureMatrix {
  return memo(lastRowCache, LAST_ROW_CACHE_SIZE, `${specKey}|${recordsKey}|${viewFingerprint(view)}`, () => {
    const fm = computeFeatures(features, records ? { panel: view, records } : { panel: view });
    const n = view.nAssets;
    const t = view.nDates - 1;
    return { ...fm, columns: fm.columns.map((c) => c.slice(t * n, (t + 1) * n)), dates: [view.dates[t]!] };
  });
}

function cachedFeatures(
  features: readonly Feature[],
  specKey: string,
  view: Panel,
  records: PitRecords | undefined,
  recordsKey: string,
): FeatureMatrix {
  return memo(featureCache, CACHE_SIZE, `${specKey}|${recordsKey}|${viewFingerprint(view)}`, () =>
    computeFeatures(features, records ? { panel: view, records } : { panel: view }),
  );
}

// ------------------------------------------------------------------ the stage's door

/** A strategy's features with their cache keys: built once per strategy, shared by every refit and decision. */
export interface MlFeatureSet {
  readonly features: readonly Feature[];
  readonly specKey: string;
  readonly records?: PitRecords;
  readonly recordsKey: string;
  /** Longest warm-up over the features (bars). */
  readonly warmup: number;
  /**
   * Bars of history a decision's features are computed on: rolling windows are exact there and EMA seeds have
   * decayed below 1e-6, which keeps each decision O(burnIn) instead of O(history).
   */
  readonly burnIn: number;
}

export function mlFeatureSet(specs: readonly FeatureSpec[], records?: PitRecords): MlFeatureSet {
  const features = createFeatures(specs as FeatureSpec[]);
  const warmup = features.reduce((m, f) => Math.max(m, f.warmup), 0);
  return {
    features,
    specKey: JSON.stringify(specs),
    ...(records ? { records } : {}),
    recordsKey: records ? recordsFingerprint(records) : 'none',
    warmup,
    burnIn: warmup + 250, // EMA(26) seed weight (1 − 2/27)^250 < 1e-8; Wilder(14) (13/14)^250 < 1e-8
  };
}

/** The settings of `ml-forecast` the dataset stage reads. */
export type DatasetSpec = Pick<
  MlForecastParams,
  'target' | 'crossSectional' | 'trainWindow' | 'embargo' | 'stride' | 'minTrainDates' | 'sampleWeights'
>;

/** Everything a fit at one refit date sees: data ≤ `asOf` only. */
export interface RefitData {
  /** The refit date (the model fitted here is in force until the next refit). */
  readonly asOf: IsoDate;
  /** The rows the features were computed on (the training window plus the features' burn-in), ending at asOf. */
  readonly view: Panel;
  /** Index of asOf in `view` (its last row). */
  readonly anchor: number;
  /** Features on `view`, normalised across assets when `crossSectional` asks. */
  readonly fm: FeatureMatrix;
  /** Columns left out of cross-sectional normalisation: equal across the universe at every date (macro series). */
  readonly marketWide: ReadonlySet<number>;
  /**
   * Pooled training rows: `sampleDates` = the date each label ended (≤ asOf − embargo bars); `sampleWeights` when
   * the spec asks for them.
   */
  readonly dataset: FeatureDataset;
  /** What the sample weights were (absent without `sampleWeights`). */
  readonly weights?: SampleWeightsDiagnostics;
}

/** The refit's data, or why there is no model yet (too few labelled dates). */
export type RefitOutcome = { readonly data: RefitData } | { readonly shortfall: string };

/**
 * Training rows for the refit at index `anchor` of `view` (a view of the strategy's universe; rows after `anchor`
 * are never read).
 */
export function refitDataset(
  set: MlFeatureSet,
  spec: DatasetSpec,
  view: Panel,
  anchor: number,
  /** A monitor's post-change fit: rows from `firstIndex` (row of `view`), with their own stride and minimum. */
  window?: { readonly firstIndex: number; readonly stride: number; readonly minTrainDates: number },
): RefitOutcome {
  const minTrainDates = window?.minTrainDates ?? spec.minTrainDates;
  const fitStart = spec.trainWindow === 'expanding' ? 0 : Math.max(0, anchor - spec.trainWindow - set.burnIn);
  const anchorView = view.sliceRows(fitStart, anchor + 1);
  const rawFm = cachedFeatures(set.features, set.specKey, anchorView, set.records, set.recordsKey);
  const marketWide = spec.crossSectional === 'none' ? new Set<number>() : marketWideColumns(rawFm);
  const fm = normaliseAcrossAssets(rawFm, spec.crossSectional, marketWide);
  const a = anchor - fitStart;
  const h = spec.target.horizon;
  const asOf = anchorView.dates[a]!;
  if (a - h - spec.embargo < minTrainDates)
    return { shortfall: `${Math.max(0, a - h - spec.embargo)} bars had labels that ended by the refit on ${asOf}` };
  const target = createTarget(anchorView, spec.target as TargetSpec);
  const dataset = trainingSet(fm, target, {
    decisionIndex: a,
    embargo: spec.embargo,
    firstIndex: window
      ? Math.max(0, window.firstIndex - fitStart)
      : spec.trainWindow === 'expanding'
        ? 0
        : a - spec.trainWindow,
    stride: window?.stride ?? spec.stride,
  });
  const nDates = new Set(dataset.sampleDates).size;
  if (nDates < minTrainDates)
    return { shortfall: `the refit on ${asOf} found ${nDates} training dates with complete features and labels` };
  const rule = resolveSampleWeights(spec.sampleWeights);
  if (rule.kind === 'none') return { data: { asOf, view: anchorView, anchor: a, fm, marketWide, dataset } };
  const weighted = withUniquenessWeights(dataset, anchorView, h, rule.decay);
  return { data: { asOf, view: anchorView, anchor: a, fm, marketWide, ...weighted } };
}

/**
 * The training rows with uniqueness weights: row i's label spans bars (t_i, t_i + h] of `view`, t_i + h being the
 * index of its sample date; concurrency is counted per asset over these rows only (all ended by the refit).
 */
function withUniquenessWeights(
  ds: FeatureDataset,
  view: Panel,
  h: number,
  decay: number,
): { dataset: FeatureDataset; weights: SampleWeightsDiagnostics } {
  const dateIndex = new Map(view.dates.map((d, t) => [d, t]));
  const assetIndex = new Map(view.assets.map((id, a) => [id, a]));
  const ends = ds.sampleDates.map((d) => dateIndex.get(d)!);
  const starts = ends.map((e) => e - h);
  const groups = ds.sampleAssets.map((id) => assetIndex.get(id)!);
  const sampleWeights = uniquenessWeights(starts, ends, groups, { decay });
  const u = averageUniqueness(starts, ends, groups);
  let su = 0;
  let sw = 0;
  let sw2 = 0;
  for (let i = 0; i < ds.n; i++) {
    su += u[i]!;
    sw += sampleWeights[i]!;
    sw2 += sampleWeights[i]! ** 2;
  }
  return {
    dataset: { ...ds, sampleWeights },
    weights: {
      kind: 'uniqueness',
      decay,
      meanUniqueness: ds.n > 0 ? su / ds.n : NaN,
      independentLabels: su,
      effectiveRows: sw2 > 0 ? (sw * sw) / sw2 : 0,
    },
  };
}

/** A decision's features: the last row of the features on the last `burnIn` bars of `view` (not normalised). */
export function decisionFeatures(set: MlFeatureSet, view: Panel): { readonly fm: FeatureMatrix; readonly view: Panel } {
  const T = view.nDates - 1;
  const tailView = view.sliceRows(Math.max(0, T + 1 - set.burnIn), T + 1);
  return { fm: cachedLastRow(set.features, set.specKey, tailView, set.records, set.recordsKey), view: tailView };
}
