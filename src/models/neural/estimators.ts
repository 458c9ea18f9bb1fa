/**
 * Keel's neural forecasters behind the estimator contract: `fnn` (feed-forward, tabular rows), `lstm` and `gru`
 * (sequence rows: p = steps × nFeatures, step-major), `cnn1d` (1-D convolution over the same windows).
 * Inside fit: rows dated ≤ asOf only; features standardised per feature (sequence models: per feature across
 * steps) and regression targets standardised, with the training rows' mean and std; the last
 * `validationFraction` of rows (by sample date when dates are given, else by row order) is the validation fold for
 * early stopping, and the weights of the best validation epoch are kept. Same seed → same weights and predictions.
 */
import { z } from 'zod';
import { createRng, dataError } from '../../core/index.ts';
import {
  arr,
  checkPredictInput,
  expectKind,
  makeEstimator,
  parseParams,
  prepareFit,
  type Dataset,
  type FitContext,
  type FittedModel,
  type ModelJSON,
  type ModelKind,
  type Task,
} from '../estimator.ts';
import { cnnLayers, fnnLayers, recurrentLayers, type InputShape } from './architectures.ts';
import type { LayerSpec } from './layer.ts';
import { initialise, Network, type LossKind } from './network.ts';
import { train, type TrainingHistory } from './train.ts';

// ---------------------------------------------------------------- params

const training = {
  task: z.enum(['regression', 'classification']).default('regression'),
  /** Passes over the training rows (early stopping may end sooner). */
  epochs: z.int().min(1).max(100_000).default(50),
  batchSize: z.int().min(1).default(32),
  optimizer: z.enum(['adam', 'sgd']).default('adam'),
  learningRate: z.number().positive().default(1e-3),
  /** SGD momentum (ignored by Adam). */
  momentum: z.number().min(0).lt(1).default(0.9),
  /** L2 penalty λ on every parameter, added to the gradient as λ·w (PyTorch weight_decay). */
  l2: z.number().min(0).default(0),
  /** Largest global gradient norm (0 = no clipping). */
  clipNorm: z.number().min(0).default(1),
  dropout: z.number().min(0).lt(1).default(0),
  layerNorm: z.boolean().default(false),
  /** Share of the latest training rows held out for early stopping (0 = none). */
  validationFraction: z.number().min(0).lt(1).default(0.2),
  /** Epochs without a better validation loss before stopping (0 = run all epochs). */
  patience: z.int().min(0).default(10),
  standardize: z.boolean().default(true),
  shuffle: z.boolean().default(true),
  /** A batch loss above this multiple of the first batch's loss counts as divergence. */
  divergenceFactor: z.number().gt(1).default(1e4),
};
const activation = z.enum(['relu', 'tanh', 'sigmoid']).default('relu');

export const fnnSchema = z.strictObject({
  ...training,
  hidden: z.array(z.int().min(1)).default([32, 16]),
  activation,
});
/**
 * Time steps the p features of a row form, for datasets that do not say (`Dataset.steps` unset, e.g. the pooled
 * rows of the ml-forecast strategy): p must be a multiple of it, features step-major, oldest step first (list lags
 * oldest first, e.g. returns lags [59, 58, …, 0]).
 */
const stepsParam = z.int().min(1).optional();

export const recurrentSchema = z.strictObject({
  ...training,
  steps: stepsParam,
  /** Hidden units of each stacked layer, bottom first. */
  units: z.array(z.int().min(1)).min(1).default([64, 64]),
});
export const cnn1dSchema = z.strictObject({
  ...training,
  steps: stepsParam,
  filters: z.array(z.int().min(1)).min(1).default([16, 16]),
  kernelSize: z.int().min(1).default(3),
  hidden: z.array(z.int().min(1)).default([32]),
  activation,
});
export type FnnParams = z.infer<typeof fnnSchema>;
export type RecurrentParams = z.infer<typeof recurrentSchema>;
export const lstmSchema = recurrentSchema.extend({
  /**
   * float64 (default): exact arithmetic, what the gradient checks verify. float32: PyTorch's precision on the
   * WebAssembly f32x4 kernels, about twice as fast; weights and the optimiser stay float64.
   */
  precision: z.enum(['float64', 'float32']).default('float64'),
});
export type LstmParams = z.infer<typeof lstmSchema>;
export type Cnn1dParams = z.infer<typeof cnn1dSchema>;
type TrainingParams = z.infer<z.ZodObject<typeof training>>;
export type NeuralKind = 'fnn' | 'lstm' | 'gru' | 'cnn1d';

// ---------------------------------------------------------------- fitted model

/** Standardisation fitted on the training rows: x' = (x − mean[f]) / std[f], f = column mod nFeatures. */
interface Scaler {
  readonly xMean: Float64Array;
  readonly xStd: Float64Array;
  readonly yMean: number;
  readonly yStd: number;
}

/** What a report needs from a fit: the learning curves and how training ended. */
export interface NeuralDiagnostics {
  readonly trainLoss: readonly number[];
  readonly validationLoss: readonly number[];
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly stopped: TrainingHistory['stopped'];
  /** One line when training stopped early (divergence or early stopping), else ''. */
  readonly message: string;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly parameters: number;
  /**
   * Loss of the best constant forecast learnt from the training fold (regression: its mean target; classification:
   * its class frequencies), on the training and validation folds, in the curves' units (NaN without a validation
   * fold). Standardised targets put it near 1 by construction, so a curve means something only against it. Absent
   * in models saved before it existed.
   */
  readonly constantLoss?: { readonly train: number; readonly validation: number };
}

/** Rows per forward pass in predict (bounds the work buffers: 64 windows of 60 steps of a 2×64 LSTM ≈ 12 MB). */
const PREDICT_BATCH = 64;

/** A fitted neural forecaster: the network, its input/target scaling and its training curves. */
export class NeuralModel implements FittedModel {
  private buf = new Float64Array(0);
  /** n × k class probabilities (softmax of the logits); present only on classification models. */
  readonly predictProba?: (X: Float64Array, n: number) => Float64Array;
  constructor(
    readonly kind: NeuralKind,
    readonly task: Task,
    readonly params: unknown,
    readonly net: Network,
    readonly scaler: Scaler,
    readonly nClasses: number,
    readonly diagnostics: NeuralDiagnostics,
  ) {
    if (task === 'classification') {
      this.predictProba = (X: Float64Array, n: number): Float64Array => {
        const K = this.net.outSize;
        const out = new Float64Array(n * K);
        this.run(X, n, (o, start, size) => out.set(this.net.softmax(o, size).subarray(0, size * K), start * K));
        return out;
      };
    }
  }

  /** Raw network outputs for n rows (regression: de-standardised predictions; classification: probabilities). */
  private run(X: Float64Array, n: number, onBatch: (out: Float64Array, start: number, size: number) => void): void {
    const p = this.net.inSize;
    checkPredictInput(this.kind, X, n, p);
    const B = Math.max(1, Math.min(PREDICT_BATCH, n));
    this.net.allocate(B);
    if (this.buf.length < B * p) this.buf = new Float64Array(B * p);
    const F = this.scaler.xMean.length;
    for (let start = 0; start < n; start += B) {
      const size = Math.min(B, n - start);
      for (let i = 0; i < size * p; i++) {
        const f = i % F;
        this.buf[i] = (X[start * p + i]! - this.scaler.xMean[f]!) / this.scaler.xStd[f]!;
      }
      onBatch(this.net.forward(this.buf, size, false), start, size);
    }
  }

  predict(X: Float64Array, n: number): Float64Array {
    const out = new Float64Array(n);
    const K = this.net.outSize;
    const { yMean, yStd } = this.scaler;
    this.run(X, n, (o, start, size) => {
      for (let r = 0; r < size; r++) {
        if (this.task === 'regression') {
          out[start + r] = o[r]! * yStd + yMean;
        } else {
          let arg = 0;
          for (let k = 1; k < K; k++) if (o[r * K + k]! > o[r * K + arg]!) arg = k;
          out[start + r] = arg;
        }
      }
    });
    return out;
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      version: 1,
      params: this.params,
      state: {
        task: this.task,
        layers: this.net.specs,
        loss: this.net.loss,
        weights: this.net.params.map((q) => arr(q.value)),
        xMean: arr(this.scaler.xMean),
        xStd: arr(this.scaler.xStd),
        yMean: this.scaler.yMean,
        yStd: this.scaler.yStd,
        nClasses: this.nClasses,
        diagnostics: this.diagnostics,
      },
    };
  }

  static fromJSON(json: ModelJSON, kind: NeuralKind): NeuralModel {
    expectKind(json, kind);
    const s = json.state as {
      task: Task;
      layers: LayerSpec[];
      loss: LossKind;
      weights: number[][];
      xMean: number[];
      xStd: number[];
      yMean: number;
      yStd: number;
      nClasses: number;
      diagnostics: NeuralDiagnostics;
    };
    const net = new Network(s.layers, s.loss, { uniform: () => 0.5 });
    if (s.weights.length !== net.params.length) {
      throw dataError(
        `${kind} model JSON has ${s.weights.length} weight arrays, its layers need ${net.params.length}.`,
      );
    }
    net.params.forEach((q, i) => {
      const w = s.weights[i]!;
      if (w.length !== q.value.length)
        throw dataError(`${kind} model JSON: weights[${i}] has ${w.length} numbers, expected ${q.value.length}.`);
      q.value.set(w);
    });
    const scaler = { xMean: Float64Array.from(s.xMean), xStd: Float64Array.from(s.xStd), yMean: s.yMean, yStd: s.yStd };
    return new NeuralModel(kind, s.task, json.params, net, scaler, s.nClasses, s.diagnostics);
  }
}

// ---------------------------------------------------------------- fit

/** The sample shape of a dataset: sequence datasets need `steps` dividing p. */
function inputShape(
  kind: NeuralKind,
  data: Dataset,
  needsSequence: boolean,
  paramSteps: number | undefined,
): InputShape {
  if (paramSteps !== undefined && data.steps !== undefined && paramSteps !== data.steps) {
    throw dataError(
      `${kind}: param steps=${paramSteps} disagrees with the dataset's steps=${data.steps}; drop the param or rebuild the dataset.`,
    );
  }
  const steps = data.steps ?? paramSteps;
  const { p } = data;
  if (steps === undefined) {
    if (needsSequence) {
      throw dataError(
        `${kind}: needs a sequence dataset (steps set, p = steps × nFeatures), got p=${data.p} with no steps. Set the model param steps (e.g. steps: ${data.p} for ${data.p} lags of one feature) or build windows with slidingWindows(...).`,
      );
    }
    return { steps: 1, features: data.p };
  }
  if (!Number.isInteger(steps) || steps < 1 || p % steps !== 0) {
    throw dataError(`${kind}: steps must be a positive integer dividing p, got steps=${steps}, p=${p}.`);
  }
  return { steps, features: p / steps };
}

function fitNeural(
  kind: NeuralKind,
  data: Dataset,
  ctx: FitContext,
  params: TrainingParams & { readonly steps?: number | undefined },
  build: (shape: InputShape, outputs: number) => LayerSpec[],
  needsSequence: boolean,
): NeuralModel {
  const shape = inputShape(kind, data, needsSequence, params.steps);
  const d = prepareFit(data, ctx, { kind, minRows: 2, constantFeatures: 'allow', task: params.task });
  const { n, p } = d;
  const F = kind === 'fnn' ? p : shape.features;
  const scaler = fitScaler(d.X, d.y, n, p, F, params.standardize, params.task);
  // standardised copies (never the caller's arrays)
  const X = new Float64Array(n * p);
  for (let i = 0; i < n * p; i++) X[i] = (d.X[i]! - scaler.xMean[i % F]!) / scaler.xStd[i % F]!;
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) Y[i] = params.task === 'regression' ? (d.y[i]! - scaler.yMean) / scaler.yStd : d.y[i]!;

  const order = chronologicalOrder(data, ctx, n);
  const nVal = params.validationFraction > 0 ? Math.floor(n * params.validationFraction) : 0;
  const nTrain = n - nVal;
  const pick = (from: number, to: number): { X: Float64Array; Y: Float64Array; n: number } => {
    const m = to - from;
    const Xs = new Float64Array(m * p);
    const Ys = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const i = order[from + r]!;
      Xs.set(X.subarray(i * p, (i + 1) * p), r * p);
      Ys[r] = Y[i]!;
    }
    return { X: Xs, Y: Ys, n: m };
  };
  const trainSet = pick(0, nTrain);
  const valSet = nVal > 0 ? pick(nTrain, n) : null;

  const outputs = params.task === 'regression' ? 1 : d.nClasses;
  const rng = createRng(ctx.seed);
  const net = new Network(
    build(shape, outputs),
    params.task === 'regression' ? 'mse' : 'crossEntropy',
    rng.fork('dropout'),
  );
  initialise(net, rng.fork('init'));
  const history = train(net, trainSet, valSet, params, rng.fork('shuffle'), (epoch, tl, vl) =>
    ctx.onProgress?.(
      epoch,
      params.epochs,
      `epoch ${epoch}: train loss ${tl.toPrecision(4)}${Number.isNaN(vl) ? '' : `, validation ${vl.toPrecision(4)}`}`,
    ),
  );
  if (history.message !== '') ctx.onProgress?.(history.trainLoss.length, params.epochs, history.message);
  const diagnostics: NeuralDiagnostics = {
    trainLoss: history.trainLoss,
    validationLoss: history.validationLoss,
    bestEpoch: history.bestEpoch,
    epochsRun: history.trainLoss.length,
    stopped: history.stopped,
    message: history.message,
    trainRows: nTrain,
    validationRows: nVal,
    parameters: net.params.reduce((s, q) => s + q.value.length, 0),
    constantLoss: constantLoss(trainSet.Y, valSet?.Y, params.task, d.nClasses),
  };
  return new NeuralModel(kind, params.task, params, net, scaler, d.nClasses, diagnostics);
}

/** Loss of the constant forecast fitted on the training targets (mean, or class frequencies), on train and validation. */
function constantLoss(
  yTrain: Float64Array,
  yVal: Float64Array | undefined,
  task: Task,
  nClasses: number,
): { train: number; validation: number } {
  if (task === 'regression') {
    const m = yTrain.reduce((a, v) => a + v, 0) / yTrain.length;
    const mse = (y: Float64Array): number => y.reduce((a, v) => a + (v - m) ** 2, 0) / y.length;
    return { train: mse(yTrain), validation: yVal && yVal.length > 0 ? mse(yVal) : NaN };
  }
  // cross-entropy of the training fold's class frequencies (a class it never saw gets half a count, not log 0)
  const counts = new Float64Array(nClasses).fill(0.5);
  for (const c of yTrain) counts[c] = counts[c]! + 1;
  const total = counts.reduce((a, v) => a + v, 0);
  const ce = (y: Float64Array): number => y.reduce((a, c) => a - Math.log(counts[c]! / total), 0) / y.length;
  return { train: ce(yTrain), validation: yVal && yVal.length > 0 ? ce(yVal) : NaN };
}

function fitScaler(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  F: number,
  standardize: boolean,
  task: Task,
): Scaler {
  const xMean = new Float64Array(F);
  const xStd = new Float64Array(F).fill(1);
  let yMean = 0;
  let yStd = 1;
  if (!standardize) return { xMean, xStd, yMean, yStd };
  const count = (n * p) / F;
  for (let i = 0; i < n * p; i++) xMean[i % F] = xMean[i % F]! + X[i]!;
  for (let f = 0; f < F; f++) xMean[f] = xMean[f]! / count;
  const ss = new Float64Array(F);
  for (let i = 0; i < n * p; i++) {
    const e = X[i]! - xMean[i % F]!;
    ss[i % F] = ss[i % F]! + e * e;
  }
  // a constant feature keeps scale 1 (it becomes 0 after centring and carries no signal either way)
  for (let f = 0; f < F; f++) xStd[f] = ss[f]! > 0 ? Math.sqrt(ss[f]! / count) : 1;
  if (task === 'regression') {
    for (let i = 0; i < n; i++) yMean += y[i]!;
    yMean /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (y[i]! - yMean) ** 2;
    yStd = s > 0 ? Math.sqrt(s / n) : 1;
  }
  return { xMean, xStd, yMean, yStd };
}

/** Row order with the latest sample dates last (stable), so the validation fold is the most recent rows. */
function chronologicalOrder(data: Dataset, ctx: FitContext, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const dates = data.sampleDates?.filter((t) => t <= ctx.asOf);
  if (dates === undefined || dates.length !== n) return order;
  const idx = Array.from(order).sort((a, b) => (dates[a]! < dates[b]! ? -1 : dates[a]! > dates[b]! ? 1 : a - b));
  return Int32Array.from(idx);
}

// ---------------------------------------------------------------- kinds

const regs = (p: TrainingParams): { dropout: number; layerNorm: boolean } => ({
  dropout: p.dropout,
  layerNorm: p.layerNorm,
});

export const fnnKind: ModelKind<FnnParams> = {
  schema: fnnSchema,
  tasks: ['regression', 'classification'],
  summary: 'feed-forward neural network (dense layers, Adam/SGD, early stopping)',
  create: (params) =>
    makeEstimator('fnn', parseParams('fnn', fnnSchema, params), (data, ctx, q) =>
      fitNeural(
        'fnn',
        data,
        ctx,
        q,
        (s, out) => fnnLayers(s.steps * s.features, q.hidden, q.activation, out, regs(q)),
        false,
      ),
    ),
  fromJSON: (json) => NeuralModel.fromJSON(json, 'fnn'),
};

export const lstmKind: ModelKind<LstmParams> = {
  schema: lstmSchema,
  tasks: ['regression', 'classification'],
  summary: 'LSTM sequence model over windows (stacked layers, hand-written BPTT, fused WebAssembly kernels)',
  create: (params) =>
    makeEstimator('lstm', parseParams('lstm', lstmSchema, params), (data, ctx, q) =>
      fitNeural('lstm', data, ctx, q, (s, out) => recurrentLayers('lstm', s, q.units, out, regs(q), q.precision), true),
    ),
  fromJSON: (json) => NeuralModel.fromJSON(json, 'lstm'),
};

export const gruKind: ModelKind<RecurrentParams> = {
  schema: recurrentSchema,
  tasks: ['regression', 'classification'],
  summary: 'GRU sequence model over windows (stacked layers, hand-written BPTT)',
  create: (params) =>
    makeEstimator('gru', parseParams('gru', recurrentSchema, params), (data, ctx, q) =>
      fitNeural('gru', data, ctx, q, (s, out) => recurrentLayers('gru', s, q.units, out, regs(q)), true),
    ),
  fromJSON: (json) => NeuralModel.fromJSON(json, 'gru'),
};

export const cnn1dKind: ModelKind<Cnn1dParams> = {
  schema: cnn1dSchema,
  tasks: ['regression', 'classification'],
  summary: '1-D convolutional network over windows (valid convolutions, dense head)',
  create: (params) =>
    makeEstimator('cnn1d', parseParams('cnn1d', cnn1dSchema, params), (data, ctx, q) =>
      fitNeural(
        'cnn1d',
        data,
        ctx,
        q,
        (s, out) => {
          const shrink = q.filters.length * (q.kernelSize - 1);
          if (shrink >= s.steps) {
            throw dataError(
              `cnn1d: ${q.filters.length} convolutions of kernelSize ${q.kernelSize} need windows longer than ${shrink} steps, got steps=${s.steps}. Use a smaller kernelSize, fewer filters or longer windows.`,
            );
          }
          return cnnLayers(s, q.filters, q.kernelSize, q.hidden, q.activation, out, regs(q));
        },
        true,
      ),
    ),
  fromJSON: (json) => NeuralModel.fromJSON(json, 'cnn1d'),
};

/** The neural entries of `modelKinds`. */
export const neuralModelKinds = { fnn: fnnKind, lstm: lstmKind, gru: gruKind, cnn1d: cnn1dKind } as const;
