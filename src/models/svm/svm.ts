/**
 * Support vector machines on Keel's own SMO solvers (libsvm's algorithm: svr-smo.ts for ε-SVR, on WebAssembly SIMD;
 * smo.ts for C-SVC): ε-SVR and C-SVC (one-vs-one for
 * k > 2 classes, as libsvm), RBF or linear kernel. Features are standardised inside fit by default (SVMs are not
 * scale-invariant); gamma 'scale' is 1/(p·Var(X)) of the (standardised) training matrix, as scikit-learn.
 */
import { z } from 'zod';
import { numericError } from '../../core/index.ts';
import {
  arr,
  checkPredictInput,
  expectKind,
  f64,
  makeEstimator,
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
import { columnMoments } from '../internal/linalg.ts';
import { kernelRows, solveSmo } from './smo.ts';
import { predictionKernel, solveSvrSmo } from './svr-smo.ts';

const common = {
  kernel: z.enum(['rbf', 'linear']).default('rbf'),
  /** Box constraint (inverse regularisation). */
  C: z.number().positive().default(1),
  /** RBF width: 'scale' = 1/(p·Var(X)), 'auto' = 1/p, or a positive number. */
  gamma: z.union([z.enum(['scale', 'auto']), z.number().positive()]).default('scale'),
  standardize: z.boolean().default(true),
  /** KKT tolerance of the solver (libsvm's eps). */
  tol: z.number().positive().default(1e-3),
  maxIter: z.int().min(1).default(10_000_000),
  /** Kernel-row cache in MB (scikit-learn's default 200). */
  cacheMB: z.number().positive().default(200),
};
export const svrSchema = z.strictObject({
  ...common,
  /** Width of the ε-insensitive tube (target units). */ epsilon: z.number().min(0).default(0.1),
});
export const svcSchema = z.strictObject(common);
export type SvrParams = z.infer<typeof svrSchema>;
export type SvcParams = z.infer<typeof svcSchema>;

/** One binary decision function Σ coef_s K(sv_s, x) − rho over rows of the shared support-vector matrix. */
interface Machine {
  readonly a: number;
  readonly b: number;
  readonly sv: Int32Array;
  readonly coef: Float64Array;
  readonly rho: number;
}

export class SvmModel implements FittedModel {
  constructor(
    readonly kind: string,
    readonly task: Task,
    readonly params: SvrParams | SvcParams,
    readonly p: number,
    readonly nClasses: number,
    readonly gamma: number,
    readonly mean: Float64Array,
    readonly scale: Float64Array,
    /** Support vectors (standardised), row-major nSv × p. */
    readonly svX: Float64Array,
    readonly machines: readonly Machine[],
  ) {
    // a linear kernel has weights to read importance from; an RBF machine does not (use permutationImportance)
    if (params.kernel === 'linear') this.featureImportance = () => this.linearWeights();
  }

  readonly featureImportance?: () => Float64Array;

  /** K(z, support vectors) for blocks of standardised rows; built on the first prediction and kept. */
  private kernel?: (Z: Float64Array, m: number, out: Float64Array) => void;

  private decisions(X: Float64Array, n: number): Float64Array {
    checkPredictInput(this.kind, X, n, this.p);
    const { p, svX, machines } = this;
    const nSv = svX.length / p;
    const M = machines.length;
    this.kernel ??= predictionKernel(svX, nSv, p, this.params.kernel, this.gamma);
    const out = new Float64Array(n * M);
    const B = 256;
    const Z = new Float64Array(Math.min(B, n) * p);
    const K = new Float64Array(Math.min(B, n) * nSv);
    for (let i0 = 0; i0 < n; i0 += B) {
      const m = Math.min(B, n - i0);
      for (let i = 0; i < m; i++) {
        for (let f = 0; f < p; f++) Z[i * p + f] = (X[(i0 + i) * p + f]! - this.mean[f]!) / this.scale[f]!;
      }
      this.kernel(Z, m, K);
      for (let i = 0; i < m; i++) {
        const k = i * nSv;
        for (let mi = 0; mi < M; mi++) {
          const mc = machines[mi]!;
          let d = -mc.rho;
          for (let q = 0; q < mc.sv.length; q++) d += mc.coef[q]! * K[k + mc.sv[q]!]!;
          out[(i0 + i) * M + mi] = d;
        }
      }
    }
    return out;
  }

  predict(X: Float64Array, n: number): Float64Array {
    const D = this.decisions(X, n);
    if (this.task === 'regression') return D;
    const M = this.machines.length;
    const out = new Float64Array(n);
    const votes = new Int32Array(this.nClasses);
    for (let i = 0; i < n; i++) {
      votes.fill(0);
      for (let m = 0; m < M; m++) {
        const mc = this.machines[m]!;
        const w = D[i * M + m]! > 0 ? mc.a : mc.b;
        votes[w] = votes[w]! + 1;
      }
      let best = 0;
      for (let c = 1; c < this.nClasses; c++) if (votes[c]! > votes[best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Linear kernel: Σ over machines of |w_j| on the standardised scale, normalised. */
  private linearWeights(): Float64Array {
    const { p, svX } = this;
    const w = new Float64Array(p);
    for (const mc of this.machines) {
      const wm = new Float64Array(p);
      for (let q = 0; q < mc.sv.length; q++)
        for (let f = 0; f < p; f++) wm[f] = wm[f]! + mc.coef[q]! * svX[mc.sv[q]! * p + f]!;
      for (let f = 0; f < p; f++) w[f] = w[f]! + Math.abs(wm[f]!);
    }
    return normalise(w);
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: {
        p: this.p,
        nClasses: this.nClasses,
        gamma: this.gamma,
        mean: arr(this.mean),
        scale: arr(this.scale),
        svX: arr(this.svX),
        machines: this.machines.map((m) => ({ a: m.a, b: m.b, sv: arr(m.sv), coef: arr(m.coef), rho: m.rho })),
      },
    };
  }

  static fromJSON(json: ModelJSON, kind: string): SvmModel {
    expectKind(json, kind);
    const s = json.state as {
      p: number;
      nClasses: number;
      gamma: number;
      mean: number[];
      scale: number[];
      svX: number[];
      machines: { a: number; b: number; sv: number[]; coef: number[]; rho: number }[];
    };
    return new SvmModel(
      kind,
      s.nClasses > 0 ? 'classification' : 'regression',
      json.params as SvrParams,
      s.p,
      s.nClasses,
      s.gamma,
      f64(s.mean, 'mean'),
      f64(s.scale, 'scale'),
      f64(s.svX, 'svX'),
      s.machines.map((m) => ({ a: m.a, b: m.b, sv: Int32Array.from(m.sv), coef: f64(m.coef, 'coef'), rho: m.rho })),
    );
  }
}

interface Prepared {
  Z: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
  gamma: number;
}

function standardise(X: Float64Array, n: number, p: number, params: SvrParams | SvcParams): Prepared {
  let mean: Float64Array = new Float64Array(p);
  let scale: Float64Array = new Float64Array(p).fill(1);
  if (params.standardize) {
    const m = columnMoments(X, n, p);
    mean = m.mean;
    scale = m.std.map((s) => (s > 0 ? s : 1));
  }
  const Z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let f = 0; f < p; f++) Z[i * p + f] = (X[i * p + f]! - mean[f]!) / scale[f]!;
  let gamma: number;
  if (params.gamma === 'auto') gamma = 1 / p;
  else if (params.gamma === 'scale') {
    let s = 0;
    let s2 = 0;
    for (const v of Z) {
      s += v;
      s2 += v * v;
    }
    const N = Z.length;
    const v = s2 / N - (s / N) ** 2;
    gamma = v > 0 ? 1 / (p * v) : 1;
  } else gamma = params.gamma;
  return { Z, mean, scale, gamma };
}

/** Collects the support vectors of all machines into one matrix and re-indexes the machines into it. */
function gather(
  Z: Float64Array,
  p: number,
  raw: { a: number; b: number; rows: number[]; coef: number[]; rho: number }[],
): {
  svX: Float64Array;
  machines: Machine[];
} {
  const where = new Map<number, number>();
  const rows: number[] = [];
  const machines = raw.map((m) => {
    const sv = Int32Array.from(m.rows, (r) => {
      let s = where.get(r);
      if (s === undefined) {
        s = rows.length;
        where.set(r, s);
        rows.push(r);
      }
      return s;
    });
    return { a: m.a, b: m.b, sv, coef: Float64Array.from(m.coef), rho: m.rho };
  });
  const svX = new Float64Array(rows.length * p);
  rows.forEach((r, s) => svX.set(Z.subarray(r * p, r * p + p), s * p));
  return { svX, machines };
}

function fitSvr(data: Dataset, ctx: FitContext, params: SvrParams): SvmModel {
  const kind = 'svr';
  const d = prepareFit(data, ctx, {
    kind,
    minRows: 3,
    constantFeatures: params.standardize ? 'error' : 'allow',
    task: 'regression',
  });
  const { n, p } = d;
  const pr = standardise(d.X, n, p, params);
  const res = solveSvrSmo(
    {
      X: pr.Z,
      n,
      p,
      z: d.y,
      epsilon: params.epsilon,
      C: params.C,
      kernel: params.kernel,
      gamma: pr.gamma,
      cacheBytes: params.cacheMB * 1e6,
    },
    params.tol,
    params.maxIter,
  );
  if (!res.converged)
    throw numericError(
      `svr: SMO did not converge in maxIter=${params.maxIter} steps; raise maxIter or tol, or lower C.`,
    );
  const rows: number[] = [];
  const coef: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = res.alpha[i]! - res.alpha[i + n]!;
    if (c !== 0) {
      rows.push(i);
      coef.push(c);
    }
  }
  const { svX, machines } = gather(pr.Z, p, [{ a: 0, b: 0, rows, coef, rho: res.rho }]);
  return new SvmModel(kind, 'regression', params, p, 0, pr.gamma, pr.mean, pr.scale, svX, machines);
}

function fitSvc(data: Dataset, ctx: FitContext, params: SvcParams): SvmModel {
  const kind = 'svc';
  const d = prepareFit(data, ctx, {
    kind,
    minRows: 3,
    constantFeatures: params.standardize ? 'error' : 'allow',
    task: 'classification',
  });
  const { n, p, nClasses } = d;
  const pr = standardise(d.X, n, p, params);
  const { row: fullRow, diag: fullDiag } = kernelRows(pr.Z, n, p, params.kernel, pr.gamma, params.cacheMB * 1e6);
  const raw: { a: number; b: number; rows: number[]; coef: number[]; rho: number }[] = [];
  for (let a = 0; a < nClasses; a++) {
    for (let b = a + 1; b < nClasses; b++) {
      const members: number[] = [];
      for (let i = 0; i < n; i++) if (d.y[i] === a || d.y[i] === b) members.push(i);
      if (members.length === 0) continue;
      const l = members.length;
      const y = Int8Array.from(members, (i) => (d.y[i] === a ? 1 : -1));
      const baseRows = Int32Array.from(members);
      // kernel rows restricted to this pair's members, indexed by position
      const pos = Int32Array.from({ length: l }, (_, t) => t);
      const sub = new Map<number, Float32Array>();
      const row = (t: number): Float32Array => {
        let r = sub.get(t);
        if (r === undefined) {
          const full = fullRow(baseRows[t]!);
          r = Float32Array.from(baseRows, (i) => full[i]!);
          if (sub.size < 4096) sub.set(t, r);
        }
        return r;
      };
      const diag = Float64Array.from(baseRows, (i) => fullDiag[i]!);
      const res = solveSmo(
        { l, y, p: new Float64Array(l).fill(-1), C: new Float64Array(l).fill(params.C), base: pos, row, diag },
        params.tol,
        params.maxIter,
      );
      if (!res.converged)
        throw numericError(
          `svc: SMO did not converge in maxIter=${params.maxIter} steps; raise maxIter or tol, or lower C.`,
        );
      const rows: number[] = [];
      const coef: number[] = [];
      for (let t = 0; t < l; t++)
        if (res.alpha[t]! > 0) {
          rows.push(baseRows[t]!);
          coef.push(res.alpha[t]! * y[t]!);
        }
      raw.push({ a, b, rows, coef, rho: res.rho });
    }
  }
  const { svX, machines } = gather(pr.Z, p, raw);
  return new SvmModel(kind, 'classification', params, p, nClasses, pr.gamma, pr.mean, pr.scale, svX, machines);
}

export const svrKind: ModelKind<SvrParams> = {
  schema: svrSchema,
  tasks: ['regression'],
  summary: 'ε-support vector regression (own SMO, RBF or linear kernel)',
  create: (params) => makeEstimator('svr', parseParams('svr', svrSchema, params), fitSvr),
  fromJSON: (json) => SvmModel.fromJSON(json, 'svr'),
};

export const svcKind: ModelKind<SvcParams> = {
  schema: svcSchema,
  tasks: ['classification'],
  summary: 'C-support vector classification (own SMO, one-vs-one)',
  create: (params) => makeEstimator('svc', parseParams('svc', svcSchema, params), fitSvc),
  fromJSON: (json) => SvmModel.fromJSON(json, 'svc'),
};
