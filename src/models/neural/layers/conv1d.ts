import { addColumnSums, gemmNN, gemmNT, kernelBackend, sigmoid, tanh } from '../kernels.ts';
import { ensure, makeParam, type ActivationFn, type Layer, type Param } from '../layer.ts';
import {
  convKeptBytes,
  wasmBlock,
  wasmConvBackward,
  wasmConvForward,
  type ConvShape,
  type WasmBlock,
  releaseWasmBlock,
} from '../wasm/wasm-kernels.ts';

/**
 * 1-D convolution over time, stride 1, no padding ("valid"): input per sample steps × channels (channels last),
 * output (steps − kernelSize + 1) × filters:
 *   y[t, o] = b[o] + Σ_k Σ_c x[t + k, c] · W[o, k, c].
 * With channels last, the window x[t .. t+K) is K·C contiguous numbers, so the convolution is one product of
 * overlapping rows (row stride C) with Wᵀ — im2col without the copy. W is (filters × kernelSize × channels);
 * PyTorch's `Conv1d.weight` is (filters × channels × kernelSize) and is permuted on import. An optional activation
 * (relu, tanh, sigmoid) is applied in the same pass (its derivative likewise in backward). With the wasm backend
 * each direction is one fused WebAssembly call (../wasm/gemm.as `convForward`, `convBackward`).
 */
export class Conv1D implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly outSteps: number;
  readonly weight: Param;
  readonly bias: Param;
  readonly params: readonly Param[];
  private x: Float64Array = new Float64Array(0);
  private out = new Float64Array(0);
  private full = new Float64Array(0); // batch·steps × filters: outputs / gradients on every window start
  private dWin = new Float64Array(0); // batch·steps × K·C window gradients
  private dx = new Float64Array(0);
  /** With the wasm backend: the forward's input and output kept in wasm memory for backward. */
  private kept: WasmBlock | null = null;
  private keptValid = false;

  constructor(steps: number, channels: number, filters: number, kernelSize: number, activation?: ActivationFn) {
    if (kernelSize > steps) {
      throw new RangeError(`conv1d kernelSize ${kernelSize} is longer than the window of ${steps} steps`);
    }
    this.spec =
      activation === undefined
        ? ({ type: 'conv1d', steps, channels, filters, kernelSize } as const)
        : ({ type: 'conv1d', steps, channels, filters, kernelSize, activation } as const);
    this.outSteps = steps - kernelSize + 1;
    this.inSize = steps * channels;
    this.outSize = this.outSteps * filters;
    this.weight = makeParam('weight', [filters, kernelSize, channels]);
    this.bias = makeParam('bias', [filters]);
    this.params = [this.weight, this.bias];
  }

  allocate(maxBatch: number): void {
    const { steps: T, channels: C, filters: O, kernelSize: K } = this.spec;
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dx = ensure(this.dx, maxBatch * this.inSize);
    this.full = ensure(this.full, maxBatch * T * O);
    this.dWin = ensure(this.dWin, maxBatch * T * K * C);
  }

  /**
   * All samples in one product: window r starts at x[r·C] for r < batch·T − K + 1, so the rows of one product cover
   * every sample's valid windows plus K − 1 rows per sample that straddle two samples; those are computed and dropped
   * (forward) or given a zero gradient (backward) — ≈ (K − 1)/T extra work for one large product instead of `batch`
   * small ones.
   */
  /** Gives the wasm block holding the forward state back (end of training, after inference). */
  releaseKept(): void {
    if (this.kept !== null) releaseWasmBlock(this.kept);
    this.kept = null;
    this.keptValid = false;
  }

  forward(x: Float64Array, batch: number, training = true): Float64Array {
    const { steps: T, channels: C, filters: O, kernelSize: K } = this.spec;
    const Tout = this.outSteps;
    this.x = x;
    if (kernelBackend() === 'wasm') {
      // x and the output stay in wasm memory (this.kept) for backward
      this.kept = wasmBlock(this, this.kept, convKeptBytes({ T, C, K, O }, batch));
      wasmConvForward(this.shape(batch), this.kept, x, this.weight.value, this.bias.value, this.out);
      this.keptValid = true;
      if (!training) this.releaseKept(); // inference: nothing to keep for a backward pass
      return this.out;
    }
    this.keptValid = false;
    const rows = batch * T - K + 1;
    gemmNT(rows, O, K * C, x, 0, C, this.weight.value, 0, K * C, this.full, 0, O, false);
    const out = this.out;
    const b = this.bias.value;
    const fn = this.spec.activation;
    for (let s = 0; s < batch; s++) {
      const from = s * T * O;
      const to = s * this.outSize;
      for (let t = 0; t < Tout; t++) {
        for (let o = 0; o < O; o++) {
          const v = this.full[from + t * O + o]! + b[o]!;
          out[to + t * O + o] =
            fn === undefined ? v : fn === 'relu' ? (v > 0 ? v : 0) : fn === 'tanh' ? tanh(v) : sigmoid(v);
        }
      }
    }
    return out;
  }

  backward(dy: Float64Array, batch: number, needInputGrad = true): Float64Array {
    const { steps: T, channels: C, filters: O, kernelSize: K } = this.spec;
    const Tout = this.outSteps;
    const KC = K * C;
    if (this.keptValid && this.kept !== null) {
      const { weight: w, bias: b } = this;
      const dx = needInputGrad ? this.dx : null;
      wasmConvBackward(this.shape(batch), this.kept, dy, w.value, w.grad, b.grad, dx);
      return this.dx;
    }
    const rows = batch * T - K + 1;
    const full = this.full; // d(pre-activation) laid out on the forward's rows, zero on the straddling ones
    const fn = this.spec.activation;
    const y = this.out;
    for (let s = 0; s < batch; s++) {
      const o0 = s * this.outSize;
      const f0 = s * T * O;
      if (fn === undefined) full.set(dy.subarray(o0, o0 + this.outSize), f0);
      else if (fn === 'relu') for (let i = 0; i < this.outSize; i++) full[f0 + i] = y[o0 + i]! > 0 ? dy[o0 + i]! : 0;
      else if (fn === 'tanh')
        for (let i = 0; i < this.outSize; i++) full[f0 + i] = dy[o0 + i]! * (1 - y[o0 + i]! * y[o0 + i]!);
      else for (let i = 0; i < this.outSize; i++) full[f0 + i] = dy[o0 + i]! * y[o0 + i]! * (1 - y[o0 + i]!);
      full.fill(0, f0 + this.outSize, (s + 1) * T * O);
    }
    // dW (O × KC) += dyᵀ · windows ; window r starts at x[r·C]
    gemmNN(O, KC, rows, full, 0, 1, O, this.x, 0, C, this.weight.grad, 0, KC, true);
    for (let s = 0; s < batch; s++) addColumnSums(Tout, O, full, s * T * O, this.bias.grad);
    if (!needInputGrad) return this.dx;
    // window gradients (rows × KC) = dy · W, then overlap-add into dx
    gemmNN(rows, KC, O, full, 0, O, 1, this.weight.value, 0, KC, this.dWin, 0, KC, false);
    const dx = this.dx;
    dx.fill(0, 0, batch * this.inSize);
    for (let s = 0; s < batch; s++) {
      for (let t = 0; t < Tout; t++) {
        const r = s * T + t;
        const from = r * KC;
        const to = r * C;
        for (let q = 0; q < KC; q++) dx[to + q] = dx[to + q]! + this.dWin[from + q]!;
      }
    }
    return dx;
  }

  private shape(batch: number): ConvShape {
    const { steps: T, channels: C, filters: O, kernelSize: K, activation: fn } = this.spec;
    const act = fn === undefined ? 0 : fn === 'relu' ? 1 : fn === 'tanh' ? 2 : 3;
    return { batch, T, C, K, O, act };
  }
}
