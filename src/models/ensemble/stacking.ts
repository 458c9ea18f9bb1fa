/**
 * Stacking (regression): base members' out-of-fold predictions feed a meta model. Folds are FORWARD in time
 * (rows in time order, split into `folds` consecutive blocks; block b is predicted by members fitted on blocks
 * < b), so the meta model never learns from a prediction that saw its own future. The meta model is fitted on the
 * rows of blocks 1..folds−1; the members are then refitted on all rows.
 */
import { z } from 'zod';
import { dataError } from '../../core/index.ts';
import {
  checkPredictInput,
  expectKind,
  lookupKind,
  makeEstimator,
  modelFromJSON,
  normalise,
  parseParams,
  prepareFit,
  type Dataset,
  type FitContext,
  type FittedModel,
  type ModelJSON,
  type ModelKind,
} from '../estimator.ts';
import { memberSchema } from './member.ts';

export const stackingSchema = z.strictObject({
  members: z.array(memberSchema).min(1),
  /** Meta model over the members' predictions (default: ridge without standardisation). */
  meta: memberSchema.default({ kind: 'ridge', params: { alpha: 1, standardize: false } }),
  /** Consecutive time blocks for the out-of-fold predictions (≥ 2). */
  folds: z.int().min(2).default(5),
});
export type StackingParams = z.infer<typeof stackingSchema>;

export class StackingModel implements FittedModel {
  readonly kind = 'stacking';
  readonly task = 'regression' as const;
  constructor(
    readonly params: StackingParams,
    readonly p: number,
    readonly members: readonly FittedModel[],
    readonly meta: FittedModel,
  ) {}

  private level1(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const M = this.members.length;
    const Z = new Float64Array(n * M);
    this.members.forEach((m, q) => {
      const f = m.predict(X, n);
      for (let i = 0; i < n; i++) Z[i * M + q] = f[i]!;
    });
    return Z;
  }

  predict(X: Float64Array, n: number): Float64Array {
    return this.meta.predict(this.level1(X, n), n);
  }

  /** Members' importances weighted by the meta model's importance of each member. */
  featureImportance(): Float64Array {
    const w = this.meta.featureImportance?.() ?? new Float64Array(this.members.length).fill(1 / this.members.length);
    const imp = new Float64Array(this.p);
    this.members.forEach((m, q) => {
      const mi = m.featureImportance?.();
      if (mi !== undefined && mi.length === this.p) for (let j = 0; j < this.p; j++) imp[j] = imp[j]! + w[q]! * mi[j]!;
    });
    return normalise(imp);
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: { p: this.p, members: this.members.map((m) => m.toJSON()), meta: this.meta.toJSON() },
    };
  }

  static fromJSON(json: ModelJSON): StackingModel {
    expectKind(json, 'stacking');
    const s = json.state as { p: number; members: ModelJSON[]; meta: ModelJSON };
    return new StackingModel(json.params as StackingParams, s.p, s.members.map(modelFromJSON), modelFromJSON(s.meta));
  }
}

function subset(
  d: { X: Float64Array; y: Float64Array; p: number; featureNames: readonly string[] },
  from: number,
  to: number,
): Dataset {
  return {
    X: d.X.subarray(from * d.p, to * d.p),
    y: d.y.subarray(from, to),
    n: to - from,
    p: d.p,
    featureNames: d.featureNames,
  };
}

function fitStacking(data: Dataset, ctx: FitContext, params: StackingParams): StackingModel {
  const d = prepareFit(data, ctx, {
    kind: 'stacking',
    minRows: 2 * params.folds,
    constantFeatures: 'allow',
    task: 'regression',
  });
  const { n, p } = d;
  const M = params.members.length;
  const bounds = Array.from({ length: params.folds + 1 }, (_, b) => Math.round((b * n) / params.folds));
  const first = bounds[1]!;
  const Z = new Float64Array((n - first) * M);
  for (let b = 1; b < params.folds; b++) {
    const train = subset(d, 0, bounds[b]!);
    const test = subset(d, bounds[b]!, bounds[b + 1]!);
    params.members.forEach((spec, q) => {
      let fitted: FittedModel;
      try {
        fitted = lookupKind(spec.kind)
          .create(spec.params)
          .fit(train, { ...ctx, seed: ctx.seed + q });
      } catch (e) {
        throw dataError(
          `stacking: member "${spec.kind}" could not be fitted on the first ${train.n} rows (fold ${b} of ${params.folds}): ${(e as Error).message}`,
        );
      }
      const f = fitted.predict(test.X, test.n);
      for (let i = 0; i < test.n; i++) Z[(bounds[b]! - first + i) * M + q] = f[i]!;
    });
  }
  const names = params.members.map((m, q) => `${m.kind}#${q}`);
  const meta = lookupKind(params.meta.kind)
    .create(params.meta.params)
    .fit({ X: Z, y: d.y.subarray(first), n: n - first, p: M, featureNames: names }, { ...ctx, seed: ctx.seed + M });
  const all = subset(d, 0, n);
  const members = params.members.map((spec, q) =>
    lookupKind(spec.kind)
      .create(spec.params)
      .fit(all, { ...ctx, seed: ctx.seed + q }),
  );
  return new StackingModel(params, p, members, meta);
}

export const stackingKind: ModelKind<StackingParams> = {
  schema: stackingSchema,
  tasks: ['regression'],
  summary: 'stacked regression (forward-in-time out-of-fold predictions → meta model)',
  create: (params) => {
    const p = parseParams('stacking', stackingSchema, params);
    for (const m of [...p.members, p.meta]) lookupKind(m.kind).create(m.params);
    return makeEstimator('stacking', p, fitStacking);
  },
  fromJSON: (json) => StackingModel.fromJSON(json),
};
