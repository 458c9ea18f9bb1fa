import { sigmoid, tanh } from '../kernels.ts';
import { ensure, type ActivationFn, type Layer, type Param } from '../layer.ts';

/** Element-wise activation (relu, tanh or sigmoid) over `size` numbers per sample. */
export class Activation implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly Param[] = [];
  private out = new Float64Array(0);
  private dx = new Float64Array(0);

  constructor(size: number, fn: ActivationFn) {
    this.spec = { type: 'activation', size, fn } as const;
    this.inSize = size;
    this.outSize = size;
  }

  allocate(maxBatch: number): void {
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dx = ensure(this.dx, maxBatch * this.inSize);
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const n = batch * this.inSize;
    const out = this.out;
    switch (this.spec.fn) {
      case 'relu':
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          out[i] = v > 0 ? v : 0;
        }
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) out[i] = tanh(x[i]!);
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!);
        break;
    }
    return out;
  }

  /** Uses the stored output: relu' = [y > 0], tanh' = 1 − y², sigmoid' = y(1 − y). */
  backward(dy: Float64Array, batch: number): Float64Array {
    const n = batch * this.inSize;
    const y = this.out;
    const dx = this.dx;
    switch (this.spec.fn) {
      case 'relu':
        for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) {
          const v = y[i]!;
          dx[i] = dy[i]! * (1 - v * v);
        }
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) {
          const v = y[i]!;
          dx[i] = dy[i]! * v * (1 - v);
        }
        break;
    }
    return dx;
  }
}
