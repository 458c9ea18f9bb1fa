/**
 * Averaging ensemble: fits every member on the same rows (member m gets seed + m) and averages their predictions
 * with fixed weights — regression values, or class probabilities (members without predictProba vote with a one-hot).
 */
import { z } from 'zod';
import { usageError } from '../../core/index.ts';
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
  type Task,
} from '../estimator.ts';
import { memberSchema } from './member.ts';

export const averagingSchema = z.strictObject({
  task: z.enum(['regression', 'classification']).default('regression'),
  members: z.array(memberSchema).min(1),
  /** One weight per member (normalised to sum 1); equal weights when omitted. */
  weights: z.array(z.number().min(0)).optional(),
});
export type AveragingParams = z.infer<typeof averagingSchema>;

export class AveragingModel implements FittedModel {
  readonly kind = 'averaging';
  constructor(
    readonly task: Task,
    readonly params: AveragingParams,
    readonly p: number,
    readonly nClasses: number,
    readonly members: readonly FittedModel[],
    readonly weights: Float64Array,
  ) {
    if (task === 'classification') this.predictProba = (X, n) => this.probabilities(X, n);
  }

  readonly predictProba?: (X: Float64Array, n: number) => Float64Array;

  private probabilities(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const K = this.nClasses;
    const out = new Float64Array(n * K);
    this.members.forEach((m, q) => {
      const w = this.weights[q]!;
      if (m.predictProba !== undefined) {
        const P = m.predictProba(X, n);
        const Km = P.length / n;
        for (let i = 0; i < n; i++)
          for (let c = 0; c < Math.min(K, Km); c++) out[i * K + c] = out[i * K + c]! + w * P[i * Km + c]!;
      } else {
        const f = m.predict(X, n);
        for (let i = 0; i < n; i++) out[i * K + f[i]!] = out[i * K + f[i]!]! + w;
      }
    });
    return out;
  }

  predict(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    if (this.task === 'classification') {
      const P = this.probabilities(X, n);
      const K = this.nClasses;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let b = 0;
        for (let c = 1; c < K; c++) if (P[i * K + c]! > P[i * K + b]!) b = c;
        out[i] = b;
      }
      return out;
    }
    const out = new Float64Array(n);
    this.members.forEach((m, q) => {
      const f = m.predict(X, n);
      const w = this.weights[q]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! + w * f[i]!;
    });
    return out;
  }

  /** Weighted average of the members' own importances (members without one count as zeros). */
  featureImportance(): Float64Array {
    const imp = new Float64Array(this.p);
    this.members.forEach((m, q) => {
      const mi = m.featureImportance?.();
      if (mi !== undefined && mi.length === this.p)
        for (let j = 0; j < this.p; j++) imp[j] = imp[j]! + this.weights[q]! * mi[j]!;
    });
    return normalise(imp);
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: {
        p: this.p,
        nClasses: this.nClasses,
        weights: Array.from(this.weights),
        members: this.members.map((m) => m.toJSON()),
      },
    };
  }

  static fromJSON(json: ModelJSON): AveragingModel {
    expectKind(json, 'averaging');
    const s = json.state as { p: number; nClasses: number; weights: number[]; members: ModelJSON[] };
    const params = json.params as AveragingParams;
    return new AveragingModel(
      params.task,
      params,
      s.p,
      s.nClasses,
      s.members.map(modelFromJSON),
      Float64Array.from(s.weights),
    );
  }
}

export function memberWeights(params: {
  members: readonly unknown[];
  weights?: readonly number[] | undefined;
}): Float64Array {
  const m = params.members.length;
  if (params.weights !== undefined && params.weights.length !== m) {
    throw usageError(
      `ensemble weights: ${params.weights.length} weights for ${m} members; give one weight per member or none.`,
    );
  }
  const w = Float64Array.from(params.weights ?? new Array<number>(m).fill(1));
  if (w.every((v) => v === 0)) throw usageError('ensemble weights are all zero; give at least one positive weight.');
  return normalise(w);
}

function fitAveraging(data: Dataset, ctx: FitContext, params: AveragingParams): AveragingModel {
  const d = prepareFit(data, ctx, { kind: 'averaging', minRows: 2, constantFeatures: 'allow', task: params.task });
  const weights = memberWeights(params);
  const members = params.members.map((spec, q) => {
    const est = lookupKind(spec.kind).create(spec.params);
    return est.fit(data, { ...ctx, seed: ctx.seed + q });
  });
  for (const m of members) {
    if (m.task !== params.task)
      throw usageError(
        `averaging: member "${m.kind}" fits task ${m.task} but the ensemble's task is ${params.task}; set the member's task.`,
      );
  }
  return new AveragingModel(params.task, params, d.p, d.nClasses, members, weights);
}

export const averagingKind: ModelKind<AveragingParams> = {
  schema: averagingSchema,
  tasks: ['regression', 'classification'],
  summary: 'weighted average of member models',
  create: (params) => {
    const p = parseParams('averaging', averagingSchema, params);
    memberWeights(p);
    for (const m of p.members) lookupKind(m.kind).create(m.params); // validate members now, not at fit
    return makeEstimator('averaging', p, fitAveraging);
  },
  fromJSON: (json) => AveragingModel.fromJSON(json),
};
