import { Activation } from './layers/activation.ts';
import { Conv1D } from './layers/conv1d.ts';
import { Dense } from './layers/dense.ts';
import { Dropout, type UniformSource } from './layers/dropout.ts';
import { GRU } from './layers/gru.ts';
import { LayerNorm } from './layers/layer-norm.ts';
import { LSTM } from './layers/lstm.ts';
import { restoreParams, snapshotParams, type Layer, type LayerSpec, type Param } from './layer.ts';

const NO_INPUT_GRAD = new Float64Array(0);

/** Mean squared error over all outputs, or mean softmax cross-entropy over samples (outputs are logits). */
export type LossKind = 'mse' | 'crossEntropy';

/** Builds one layer from its JSON spec; dropout layers draw their masks from `rng`. */
export function buildLayer(spec: LayerSpec, rng: UniformSource): Layer {
  switch (spec.type) {
    case 'dense':
      return new Dense(spec.inputs, spec.units, spec.activation);
    case 'lstm':
      return new LSTM(spec.steps, spec.features, spec.units, spec.returnSequences, spec.precision ?? 'float64');
    case 'gru':
      return new GRU(spec.steps, spec.features, spec.units, spec.returnSequences);
    case 'conv1d':
      return new Conv1D(spec.steps, spec.channels, spec.filters, spec.kernelSize, spec.activation);
    case 'activation':
      return new Activation(spec.size, spec.fn);
    case 'dropout':
      return new Dropout(spec.size, spec.rate, rng);
    case 'layerNorm':
      return new LayerNorm(spec.size, spec.dim, spec.eps);
  }
}

/**
 * A stack of layers with a loss. Owns the work buffers of every layer (sized by `allocate`), so a training step
 * — `zeroGrad`, `lossAndGradient`, optimizer step — allocates nothing.
 */
export class Network {
  readonly layers: readonly Layer[];
  readonly params: readonly Param[];
  readonly inSize: number;
  readonly outSize: number;
  private dOut = new Float64Array(0);
  private probs = new Float64Array(0);
  private capacity = 0;
  private dIn: Float64Array = new Float64Array(0);

  constructor(
    readonly specs: readonly LayerSpec[],
    readonly loss: LossKind,
    rng: UniformSource,
  ) {
    if (specs.length === 0) throw new RangeError('a network needs at least one layer');
    this.layers = specs.map((s) => buildLayer(s, rng));
    for (let i = 1; i < this.layers.length; i++) {
      if (this.layers[i]!.inSize !== this.layers[i - 1]!.outSize) {
        throw new RangeError(
          `layer ${i} (${specs[i]!.type}) expects ${this.layers[i]!.inSize} inputs, layer ${i - 1} gives ${this.layers[i - 1]!.outSize}`,
        );
      }
    }
    this.params = this.layers.flatMap((l) => l.params);
    this.inSize = this.layers[0]!.inSize;
    this.outSize = this.layers[this.layers.length - 1]!.outSize;
  }

  /** Sizes every buffer for batches of up to `maxBatch` samples. */
  allocate(maxBatch: number): void {
    if (maxBatch <= this.capacity) return;
    for (const l of this.layers) l.allocate(maxBatch);
    this.dOut = new Float64Array(maxBatch * this.outSize);
    this.probs = new Float64Array(maxBatch * this.outSize);
    this.capacity = maxBatch;
  }

  /** Gradient of the last `lossAndGradient` loss with respect to its input (batch × inSize numbers). */
  get inputGrad(): Float64Array {
    return this.dIn;
  }

  get maxBatch(): number {
    return this.capacity;
  }

  /** Forward pass; returns the last layer's buffer (batch × outSize numbers are valid). */
  forward(x: Float64Array, batch: number, training: boolean): Float64Array {
    let h = x;
    for (const l of this.layers) h = l.forward(h, batch, training);
    return h;
  }

  /** Gives back every layer's kept forward state (call when training ends; inference passes keep none). */
  releaseKept(): void {
    for (const l of this.layers) l.releaseKept?.();
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /**
   * Forward in training mode, loss against `y` (mse: batch × outSize targets; crossEntropy: batch labels), and
   * backward: parameter gradients are added into `Param.grad`. Returns the mean loss of the batch. `inputGrad`
   * false skips the first layer's input gradient (training needs none; `inputGrad` is then empty).
   */
  lossAndGradient(x: Float64Array, y: Float64Array, batch: number, inputGrad = true): number {
    const out = this.forward(x, batch, true);
    const loss = this.lossOf(out, y, batch, this.dOut);
    let d: Float64Array = this.dOut;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i]!.backward(d, batch, i > 0 || inputGrad);
    this.dIn = inputGrad ? d : NO_INPUT_GRAD;
    return loss;
  }

  /**
   * Backward pass from a caller's gradient d loss / d output (batch × outSize numbers) for the last training-mode
   * `forward` of this network: adds into `Param.grad`. For losses the network does not know (policy gradients,
   * a Q-value's chosen action). `inputGrad` false skips the first layer's input gradient, as in `lossAndGradient`.
   */
  backward(dOut: Float64Array, batch: number, inputGrad = false): void {
    let d: Float64Array = dOut;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i]!.backward(d, batch, i > 0 || inputGrad);
    this.dIn = inputGrad ? d : NO_INPUT_GRAD;
  }

  /** Mean loss of `batch` outputs; writes d loss / d output into `grad` when given. */
  lossOf(out: Float64Array, y: Float64Array, batch: number, grad?: Float64Array): number {
    const K = this.outSize;
    if (this.loss === 'mse') {
      const n = batch * K;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const e = out[i]! - y[i]!;
        s += e * e;
        if (grad) grad[i] = (2 * e) / n;
      }
      return s / n;
    }
    let s = 0;
    for (let r = 0; r < batch; r++) {
      const o = r * K;
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, out[o + k]!);
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(out[o + k]! - mx);
      const label = y[r]!;
      s += Math.log(z) + mx - out[o + label]!;
      if (grad) {
        for (let k = 0; k < K; k++) grad[o + k] = (Math.exp(out[o + k]! - mx) / z - (k === label ? 1 : 0)) / batch;
      }
    }
    return s / batch;
  }

  /** Softmax of the logits of `batch` samples (crossEntropy networks), into a reused buffer. */
  softmax(logits: Float64Array, batch: number): Float64Array {
    const K = this.outSize;
    const p = this.probs;
    for (let r = 0; r < batch; r++) {
      const o = r * K;
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, logits[o + k]!);
      let z = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(logits[o + k]! - mx);
        p[o + k] = e;
        z += e;
      }
      for (let k = 0; k < K; k++) p[o + k] = p[o + k]! / z;
    }
    return p;
  }

  /** Copies every parameter value into `into` (one Float64Array per param), allocating only the first time. */
  snapshot(into?: Float64Array[]): Float64Array[] {
    return snapshotParams(this.params, into);
  }

  restore(from: readonly Float64Array[]): void {
    restoreParams(this.params, from);
  }
}

/**
 * PyTorch's default initialisation, seeded: every weight and bias of a dense, recurrent or convolution layer
 * uniform in ±1/√fanIn (fanIn = inputs for dense, units for LSTM/GRU, channels × kernelSize for conv1d);
 * layer norm starts at γ = 1, β = 0.
 */
export function initialise(net: Network, rng: UniformSource): void {
  for (const l of net.layers) {
    const s = l.spec;
    const fanIn =
      s.type === 'dense'
        ? s.inputs
        : s.type === 'lstm' || s.type === 'gru'
          ? s.units
          : s.type === 'conv1d'
            ? s.channels * s.kernelSize
            : 0;
    if (fanIn === 0) continue;
    const bound = 1 / Math.sqrt(fanIn);
    for (const p of l.params) for (let i = 0; i < p.value.length; i++) p.value[i] = (2 * rng.uniform() - 1) * bound;
  }
}
