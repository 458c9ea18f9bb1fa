/**
 * Model selection inside the walk-forward: at a refit, an inner purged (and embargoed) k-fold over the training
 * rows chooses the model's hyper-parameters from a grid by a stated objective, then the chosen candidate is refitted
 * on all the training rows. Only the training rows are seen (they all ended by the refit date minus the purge), so
 * the selection is as point-in-time as the fit itself.
 *
 * Folds are contiguous blocks of distinct label dates; a training row is purged when its label window overlaps the
 * test block, and embargoed for `embargo` samples after it (backtest `purgedKFold`, in units of sampled dates: a
 * label of h bars spans ⌈h / stride⌉ sampled dates).
 *
 * Objectives: `ic` — mean over test dates of the cross-sectional Pearson correlation between prediction and label
 * (dates with at least 3 assets), what allocation across assets rewards; `mse` — minus the mean squared error.
 */
import * as z from 'zod';
import { configError, isKeelError } from '../../core/index.ts';
import { purgedKFold } from '../../backtest/index.ts';
import { fitScaler, type FeatureDataset, type ScalerKind } from '../../features/index.ts';
import { modelKinds, type Estimator, type FittedModel } from '../../models/index.ts';

const gridValue = z.union([z.number(), z.string(), z.boolean()]);

export const selectionSchema = z
  .strictObject({
    /** Model parameters to search and their candidate values (the cartesian product is tried). */
    grid: z
      .record(z.string(), z.array(gridValue).min(1))
      .refine((g) => Object.keys(g).length > 0, { message: 'grid needs at least one parameter' })
      .describe('model parameters and candidate values, e.g. { alpha: [1, 100, 10000] }'),
    folds: z.int().min(2).max(20).default(4).describe('inner purged k-fold over the training dates'),
    objective: z.enum(['ic', 'mse']).default('ic').describe('what the inner folds maximise'),
  })
  .describe('choose model hyper-parameters at every refit by an inner purged k-fold on the training rows');
export type SelectionSpec = z.infer<typeof selectionSchema>;

export interface CandidateScore {
  readonly params: Readonly<Record<string, unknown>>;
  /** Mean objective over the folds that could be scored (NaN when none). */
  readonly score: number;
  readonly foldScores: readonly number[];
}

export interface Selection {
  /** Index into `scores` of the chosen candidate (the first best; ties keep grid order). */
  readonly best: number;
  readonly scores: readonly CandidateScore[];
}

/** Every combination of the grid's values, in grid order (the last parameter varies fastest). */
export function gridCandidates(grid: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return out;
}

/** Mean over groups (dates) of the Pearson correlation of `pred` and `y` within each group of ≥ 3 rows. */
export function meanGroupIc(pred: Float64Array, y: Float64Array, groups: readonly string[]): number {
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  });
  let sum = 0;
  let k = 0;
  for (const rows of byGroup.values()) {
    if (rows.length < 3) continue;
    let mp = 0;
    let my = 0;
    for (const i of rows) {
      mp += pred[i]!;
      my += y[i]!;
    }
    mp /= rows.length;
    my /= rows.length;
    let spy = 0;
    let spp = 0;
    let syy = 0;
    for (const i of rows) {
      const dp = pred[i]! - mp;
      const dy = y[i]! - my;
      spy += dp * dy;
      spp += dp * dp;
      syy += dy * dy;
    }
    // A constant prediction (or label) in a date has no cross-sectional information: it scores 0, not NaN.
    sum += spp > 0 && syy > 0 ? spy / Math.sqrt(spp * syy) : 0;
    k++;
  }
  return k > 0 ? sum / k : NaN;
}

function take(ds: FeatureDataset, rows: readonly number[]): FeatureDataset {
  const X = new Float64Array(rows.length * ds.p);
  const y = new Float64Array(rows.length);
  // The inner fits are weighted like the refit's own fit (the weights of the rows they keep, as they are).
  const w = ds.sampleWeights ? new Float64Array(rows.length) : undefined;
  rows.forEach((r, i) => {
    X.set(ds.X.subarray(r * ds.p, (r + 1) * ds.p), i * ds.p);
    y[i] = ds.y[r]!;
    if (w) w[i] = ds.sampleWeights![r]!;
  });
  return {
    X,
    n: rows.length,
    p: ds.p,
    y,
    featureNames: ds.featureNames,
    sampleDates: rows.map((r) => ds.sampleDates[r]!),
    sampleAssets: rows.map((r) => ds.sampleAssets[r]!),
    ...(w ? { sampleWeights: w } : {}),
  };
}

export interface SelectionOptions {
  readonly folds: number;
  readonly objective: 'ic' | 'mse';
  /** Label horizon in sampled dates (⌈h / stride⌉) and embargo in sampled dates. */
  readonly purge: number;
  readonly embargo: number;
  readonly scaler: ScalerKind;
  /** Fit date of the refit (the inner fits see no row dated after it). */
  readonly asOf: string;
  readonly seed: number;
}

/**
 * Scores every candidate on the inner purged folds of `ds` and returns them with the index of the best one.
 * `create(params)` builds an unfitted estimator for a candidate (the strategy's model kind with the candidate's
 * values over its own parameters).
 */
export function selectCandidate(
  ds: FeatureDataset,
  candidates: readonly Readonly<Record<string, unknown>>[],
  create: (params: Readonly<Record<string, unknown>>) => Estimator<unknown>,
  o: SelectionOptions,
): Selection {
  const dates = [...new Set(ds.sampleDates)].sort();
  if (dates.length < o.folds * 2)
    throw configError(
      `model selection: ${dates.length} training dates cannot make ${o.folds} inner folds; lower selection.folds or raise trainWindow.`,
    );
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const rowsByDate: number[][] = dates.map(() => []);
  ds.sampleDates.forEach((d, r) => rowsByDate[dateIndex.get(d)!]!.push(r));
  const splits = purgedKFold(dates.length, o.folds, o.purge, o.embargo);
  const scores = candidates.map((params, c) => {
    const foldScores = splits.map((split, f) => {
      const trainRows = Array.from(split.train).flatMap((i) => rowsByDate[i]!);
      const testRows = Array.from(split.test).flatMap((i) => rowsByDate[i]!);
      if (trainRows.length < 2 || testRows.length === 0) return NaN;
      const train = take(ds, trainRows);
      const test = take(ds, testRows);
      let model: FittedModel;
      let scaledTest: Float64Array;
      try {
        const scaler = fitScaler(o.scaler, train.X, train.n, train.p, train.featureNames);
        model = create(params).fit(
          { ...train, X: scaler.transform(train.X, train.n) },
          { asOf: o.asOf, seed: (o.seed + 7919 * c + 104729 * f) >>> 0 },
        );
        scaledTest = scaler.transform(test.X, test.n);
      } catch {
        return NaN; // e.g. a feature constant inside one inner fold: that fold says nothing about the candidate
      }
      const pred = model.predict(scaledTest, test.n);
      if (o.objective === 'ic') return meanGroupIc(pred, test.y, test.sampleDates);
      let se = 0;
      for (let i = 0; i < test.n; i++) se += (pred[i]! - test.y[i]!) ** 2;
      return -se / test.n;
    });
    const ok = foldScores.filter(Number.isFinite);
    return {
      params,
      score: ok.length > 0 ? ok.reduce((s, x) => s + x, 0) / ok.length : NaN,
      foldScores,
    };
  });
  let best = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s.score) && (best < 0 || s.score > scores[best]!.score)) best = i;
  });
  if (best < 0)
    throw configError(
      'model selection: no candidate could be scored on any inner fold; check the grid values and the training window.',
    );
  return { best, scores };
}

/** What the inner purged k-fold chose at a refit: the chosen candidate, its inner score and every candidate's. */
export interface SelectionDiagnostics {
  readonly objective: 'ic' | 'mse';
  readonly folds: number;
  readonly chosen: Readonly<Record<string, unknown>>;
  readonly score: number;
  readonly candidates: readonly { readonly params: Readonly<Record<string, unknown>>; readonly score: number }[];
  /** Why no candidate could be chosen at this refit (the model was then fitted as given; `chosen` is {}). */
  readonly failed?: string;
}

/** The settings the model-selection stage reads: the model as given, the grid, and the label geometry. */
export interface ModelChoiceSpec {
  readonly model: { readonly kind: string } & Readonly<Record<string, unknown>>;
  readonly selection?: SelectionSpec;
  readonly horizon: number;
  readonly stride: number;
  readonly embargo: number;
  readonly scaler: ScalerKind;
}

/**
 * The model-selection stage's door: the unfitted estimator to fit on the refit's rows `ds` — the model as given,
 * or the grid candidate the inner purged k-fold scores best — with what the selection saw (`selection` is absent
 * when the spec has none). When no candidate can be scored the model is fitted as given and `failed` says why.
 */
export function chooseModel(
  ds: FeatureDataset,
  spec: ModelChoiceSpec,
  asOf: string,
  seed: number,
): { readonly estimator: Estimator<unknown>; readonly selection?: SelectionDiagnostics } {
  const { kind, ...own } = spec.model;
  const modelKind = modelKinds[kind]!;
  const estimator = modelKind.create(own);
  const sel = spec.selection;
  if (!sel) return { estimator };
  const create = (c: Readonly<Record<string, unknown>>) => modelKind.create({ ...own, ...c });
  let result: Selection | undefined;
  let failed = '';
  try {
    result = selectCandidate(ds, gridCandidates(sel.grid), create, {
      folds: sel.folds,
      objective: sel.objective,
      // Purge and embargo in sampled dates: a label of h bars spans ⌈h / stride⌉ sampled dates.
      purge: Math.ceil(spec.horizon / spec.stride),
      embargo: Math.ceil(spec.embargo / spec.stride),
      scaler: spec.scaler,
      asOf,
      seed,
    });
  } catch (e) {
    // No candidate could be scored on these rows: fit the model as given, and the decision says so.
    if (!isKeelError(e)) throw e;
    failed = e.message;
  }
  const best = result?.scores[result.best];
  return {
    estimator: best ? create(best.params) : estimator,
    selection: {
      objective: sel.objective,
      folds: sel.folds,
      chosen: best?.params ?? {},
      score: best?.score ?? NaN,
      candidates: (result?.scores ?? []).map((s) => ({ params: s.params, score: s.score })),
      ...(failed ? { failed } : {}),
    },
  };
}
