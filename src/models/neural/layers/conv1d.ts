import { addColumnSums, gemmNN, gemmNT } from '../kernels.ts';
import { ensure, makeParam, type Layer, type Param } from '../layer.ts';

/**
 * 1-D convolution over time, stride 1, no padding ("valid"): input per sample steps × channels (channels last),
 * output (steps − kernelSize + 1) × filters:
 *   y[t, o] = b[o] + Σ_k Σ_c x[t + k, c] · W[o, k, c].
 * With channels last, the window x[t .. t+K) is K·C contiguous numbers, so the convolution is one product of
 * overlapping rows (row stride C) with Wᵀ — im2col without the copy. W is (filters × kernelSize × channels);
 * PyTorch's `Conv1d.weight` is (filters × channels × kernelSize) and is permuted on import.
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
  private dWin = new Float64Array(0); // outSteps × K·C for one sample
  private dx = new Float64Array(0);

  constructor(steps: number, channels: number, filters: number, kernelSize: number) {
    if (kernelSize > steps) {
      throw new RangeError(`conv1d kernelSize ${kernelSize} is longer than the window of ${steps} steps`);
    }
    this.spec = { type: 'conv1d', steps, channels, filters, kernelSize } as const;
    this.outSteps = steps - kernelSize + 1;
    this.inSize = steps * channels;
    this.outSize = this.outSteps * filters;
    this.weight = makeParam('weight', [filters, kernelSize, channels]);
    this.bias = makeParam('bias', [filters]);
    this.params = [this.weight, this.bias];
  }

  allocate(maxBatch: number): void {
    const { channels: C, kernelSize: K } = this.spec;
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dx = ensure(this.dx, maxBatch * this.inSize);
    this.dWin = ensure(this.dWin, this.outSteps * K * C);
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const { channels: C, filters: O, kernelSize: K } = this.spec;
    const Tout = this.outSteps;
    this.x = x;
    const out = this.out;
    const b = this.bias.value;
    for (let s = 0; s < batch; s++) {
      const o0 = s * this.outSize;
      gemmNT(Tout, O, K * C, x, s * this.inSize, C, this.weight.value, 0, K * C, out, o0, O, false);
      for (let t = 0; t < Tout; t++) for (let o = 0; o < O; o++) out[o0 + t * O + o] = out[o0 + t * O + o]! + b[o]!;
    }
    return out;
  }

  backward(dy: Float64Array, batch: number): Float64Array {
    const { channels: C, filters: O, kernelSize: K } = this.spec;
    const Tout = this.outSteps;
    const KC = K * C;
    const dx = this.dx;
    dx.fill(0, 0, batch * this.inSize);
    for (let s = 0; s < batch; s++) {
      const y0 = s * this.outSize;
      const x0 = s * this.inSize;
      // dW (O × KC) += dy_sᵀ · windows_s ; windows_s row t starts at x0 + t·C
      gemmNN(O, KC, Tout, dy, y0, 1, O, this.x, x0, C, this.weight.grad, 0, KC, true);
      // window gradients (Tout × KC) = dy_s · W, then overlap-add into dx
      gemmNN(Tout, KC, O, dy, y0, O, 1, this.weight.value, 0, KC, this.dWin, 0, KC, false);
      for (let t = 0; t < Tout; t++) {
        const from = t * KC;
        const to = x0 + t * C;
        for (let q = 0; q < KC; q++) dx[to + q] = dx[to + q]! + this.dWin[from + q]!;
      }
    }
    addColumnSums(batch * Tout, O, dy, 0, this.bias.grad);
    return dx;
  }
}
