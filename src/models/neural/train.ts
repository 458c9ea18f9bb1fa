import type { Network } from './network.ts';
import { Adam, clipGradNorm, gradNorm, Sgd, type Optimizer } from './optimizers.ts';

/** Samples to learn from: X is n × net.inSize; Y is n × net.outSize targets (mse) or n class labels (crossEntropy). */
export interface TrainData {
  readonly X: Float64Array;
  readonly Y: Float64Array;
  readonly n: number;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  /** SGD momentum (ignored by Adam). */
  readonly momentum: number;
  /** L2 penalty λ added to every gradient as λ·w (PyTorch `weight_decay`). */
  readonly l2: number;
  /** Largest global gradient norm; 0 turns clipping off. */
  readonly clipNorm: number;
  /** Epochs without a better validation loss before stopping; 0 never stops early. */
  readonly patience: number;
  /** Reshuffle the training rows each epoch (seeded); false keeps the given order. */
  readonly shuffle: boolean;
  /** A batch loss above this multiple of the first batch's loss counts as divergence. */
  readonly divergenceFactor: number;
}

/** Per-epoch learning curve and how training ended. Losses are the network's loss (mse or cross-entropy). */
export interface TrainingHistory {
  /** Mean training loss of each completed epoch (over its mini-batches, in training mode). */
  readonly trainLoss: number[];
  /** Validation loss after each completed epoch (empty without a validation fold). */
  readonly validationLoss: number[];
  /** 1-based epoch whose weights were kept (best validation loss, else the last completed epoch; 0 = initial). */
  bestEpoch: number;
  stopped: 'completed' | 'early-stopping' | 'diverged';
  /** One line saying why training stopped early, when it did. */
  message: string;
}

/** The only randomness training needs (shuffling). */
export interface TrainRng {
  uniform(): number;
}

/**
 * Mini-batch training with Adam or SGD, optional clipping, L2 and early stopping on a validation fold.
 * Divergence (a non-finite or exploding loss, a non-finite gradient) stops training with a one-line message and
 * restores the weights of the last completed epoch (or the best validation epoch). Work buffers (batch gather,
 * snapshots, optimizer state) are allocated once before the first epoch, so memory stays flat across epochs.
 */
export function train(
  net: Network,
  data: TrainData,
  validation: TrainData | null,
  o: TrainOptions,
  rng: TrainRng,
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void,
): TrainingHistory {
  const opt = createOptimizer(net, o);
  try {
    return trainWith(net, opt, data, validation, o, rng, onEpoch);
  } finally {
    // wasm memory held for backward passes and by Adam goes back now, not when a finalizer gets to run
    opt.dispose?.();
    net.releaseKept();
  }
}

function createOptimizer(net: Network, o: TrainOptions): Optimizer {
  return o.optimizer === 'adam'
    ? new Adam(net.params, { learningRate: o.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: o.l2 })
    : new Sgd(net.params, { learningRate: o.learningRate, momentum: o.momentum, l2: o.l2 });
}

function trainWith(
  net: Network,
  opt: Optimizer,
  data: TrainData,
  validation: TrainData | null,
  o: TrainOptions,
  rng: TrainRng,
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void,
): TrainingHistory {
  const B = Math.max(1, Math.min(o.batchSize, data.n));
  net.allocate(B);
  const inSize = net.inSize;
  const ySize = net.loss === 'mse' ? net.outSize : 1;
  const xb = new Float64Array(B * inSize);
  const yb = new Float64Array(B * ySize);
  const order = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) order[i] = i;
  const lastGood = net.snapshot();
  const best = validation ? net.snapshot() : null;
  const h: TrainingHistory = { trainLoss: [], validationLoss: [], bestEpoch: 0, stopped: 'completed', message: '' };
  let bestVal = Infinity;
  let sinceBest = 0;
  let firstLoss = NaN;
  const nBatches = Math.ceil(data.n / B);

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    if (o.shuffle) {
      for (let i = data.n - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    let sum = 0;
    for (let b = 0; b < nBatches; b++) {
      const start = b * B;
      const size = Math.min(B, data.n - start);
      for (let r = 0; r < size; r++) {
        const i = order[start + r]!;
        xb.set(data.X.subarray(i * inSize, (i + 1) * inSize), r * inSize);
        for (let k = 0; k < ySize; k++) yb[r * ySize + k] = data.Y[i * ySize + k]!;
      }
      net.zeroGrad();
      const loss = net.lossAndGradient(xb, yb, size, false);
      if (Number.isNaN(firstLoss)) firstLoss = Math.max(loss, 1e-12);
      const norm = o.clipNorm > 0 ? clipGradNorm(net.params, o.clipNorm) : gradNorm(net.params);
      const what = !Number.isFinite(loss)
        ? `the loss became ${loss}`
        : loss > o.divergenceFactor * firstLoss
          ? `the loss exploded to ${loss.toPrecision(3)} (${o.divergenceFactor}× the first batch's ${firstLoss.toPrecision(3)})`
          : !Number.isFinite(norm)
            ? `the gradient norm became ${norm}`
            : '';
      if (what !== '') {
        const keptEpoch = best && h.bestEpoch > 0 ? h.bestEpoch : epoch - 1;
        net.restore(best && h.bestEpoch > 0 ? best : lastGood);
        h.bestEpoch = keptEpoch;
        h.stopped = 'diverged';
        h.message =
          `training diverged at epoch ${epoch}, batch ${b + 1} of ${nBatches}: ${what}; kept the weights from ` +
          `${keptEpoch === 0 ? 'initialisation' : `epoch ${keptEpoch}`}. Lower learningRate (now ${o.learningRate})` +
          `${o.clipNorm > 0 ? '' : ' or set clipNorm (e.g. 1)'}.`;
        return h;
      }
      opt.step();
      sum += loss * size;
    }
    const trainLoss = sum / data.n;
    h.trainLoss.push(trainLoss);
    net.snapshot(lastGood);
    let valLoss = NaN;
    if (validation && best) {
      valLoss = evaluate(net, validation, B);
      h.validationLoss.push(valLoss);
      if (valLoss < bestVal) {
        bestVal = valLoss;
        sinceBest = 0;
        h.bestEpoch = epoch;
        net.snapshot(best);
      } else {
        sinceBest++;
      }
    } else {
      h.bestEpoch = epoch;
    }
    onEpoch?.(epoch, trainLoss, valLoss);
    if (validation && o.patience > 0 && sinceBest >= o.patience) {
      h.stopped = 'early-stopping';
      h.message = `early stopping after epoch ${epoch}: validation loss has not improved for ${o.patience} epochs; kept epoch ${h.bestEpoch} (validation loss ${bestVal.toPrecision(4)}).`;
      break;
    }
  }
  if (best && h.bestEpoch > 0) net.restore(best);
  return h;
}

/** Mean loss over a data set in inference mode (no dropout), in batches of `batch`. */
export function evaluate(net: Network, data: TrainData, batch: number): number {
  const B = Math.min(batch, net.maxBatch);
  const ySize = net.loss === 'mse' ? net.outSize : 1;
  let sum = 0;
  for (let start = 0; start < data.n; start += B) {
    const size = Math.min(B, data.n - start);
    const x = data.X.subarray(start * net.inSize, (start + size) * net.inSize);
    const out = net.forward(x, size, false);
    sum += net.lossOf(out, data.Y.subarray(start * ySize, (start + size) * ySize), size) * size;
  }
  return sum / data.n;
}
