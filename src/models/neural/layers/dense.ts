import { addColumnSums, gemmNN, gemmNT } from '../kernels.ts';
import { ensure, makeParam, type Layer, type Param } from '../layer.ts';

/**
 * Fully connected layer y = x·Wᵀ + b. W is (units × inputs) row-major, the layout of PyTorch's `nn.Linear.weight`,
 * so the forward product is a row-by-row dot product (`gemmNT`).
 */
export class Dense implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly weight: Param;
  readonly bias: Param;
  readonly params: readonly Param[];
  private out = new Float64Array(0);
  private dx = new Float64Array(0);
  private x: Float64Array = new Float64Array(0);

  constructor(inputs: number, units: number) {
    this.spec = { type: 'dense', inputs, units } as const;
    this.inSize = inputs;
    this.outSize = units;
    this.weight = makeParam('weight', [units, inputs]);
    this.bias = makeParam('bias', [units]);
    this.params = [this.weight, this.bias];
  }

  allocate(maxBatch: number): void {
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dx = ensure(this.dx, maxBatch * this.inSize);
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const { inSize: I, outSize: O } = this;
    this.x = x;
    const out = this.out;
    gemmNT(batch, O, I, x, 0, I, this.weight.value, 0, I, out, 0, O, false);
    const b = this.bias.value;
    for (let r = 0; r < batch; r++) {
      const o = r * O;
      for (let j = 0; j < O; j++) out[o + j] = out[o + j]! + b[j]!;
    }
    return out;
  }

  backward(dy: Float64Array, batch: number): Float64Array {
    const { inSize: I, outSize: O } = this;
    // dW (O × I) += dyᵀ · x : A(i,p) = dy[p·O + i]
    gemmNN(O, I, batch, dy, 0, 1, O, this.x, 0, I, this.weight.grad, 0, I, true);
    addColumnSums(batch, O, dy, 0, this.bias.grad);
    gemmNN(batch, I, O, dy, 0, O, 1, this.weight.value, 0, I, this.dx, 0, I, false);
    return this.dx;
  }
}
