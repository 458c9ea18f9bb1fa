import { addColumnSums, gemmNN, gemmNT, kernelBackend, sigmoid, tanh } from '../kernels.ts';
import {
  denseKeptBytes,
  wasmBlock,
  wasmDenseBackward,
  wasmDenseForward,
  type WasmBlock,
  releaseWasmBlock,
} from '../wasm/wasm-kernels.ts';
import { ensure, makeParam, type ActivationFn, type Layer, type Param } from '../layer.ts';

/**
 * Fully connected layer y = f(x·Wᵀ + b), f the identity or a fused activation (relu, tanh, sigmoid: applied in the
 * bias pass, its derivative in backward). W is (units × inputs) row-major, the layout of PyTorch's
 * `nn.Linear.weight`, so the forward product is a row-by-row dot product (`gemmNT`). With the wasm backend each
 * direction is one fused WebAssembly call (../wasm/gemm.as `denseForward`, `denseBackward`), the input and output
 * kept in wasm memory in between.
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
  private dPre = new Float64Array(0);
  private kept: WasmBlock | null = null;
  private keptValid = false;

  constructor(inputs: number, units: number, activation?: ActivationFn) {
    this.spec =
      activation === undefined
        ? ({ type: 'dense', inputs, units } as const)
        : ({ type: 'dense', inputs, units, activation } as const);
    this.inSize = inputs;
    this.outSize = units;
    this.weight = makeParam('weight', [units, inputs]);
    this.bias = makeParam('bias', [units]);
    this.params = [this.weight, this.bias];
  }

  allocate(maxBatch: number): void {
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dx = ensure(this.dx, maxBatch * this.inSize);
    if (this.spec.activation !== undefined) this.dPre = ensure(this.dPre, maxBatch * this.outSize);
  }

  /** Gives the wasm block holding the forward state back (end of training, after inference). */
  releaseKept(): void {
    if (this.kept !== null) releaseWasmBlock(this.kept);
    this.kept = null;
    this.keptValid = false;
  }

  forward(x: Float64Array, batch: number, training = true): Float64Array {
    const { inSize: I, outSize: O } = this;
    this.x = x;
    const out = this.out;
    if (kernelBackend() === 'wasm') {
      this.kept = wasmBlock(this, this.kept, denseKeptBytes(I, O, batch));
      wasmDenseForward(batch, I, O, this.act(), this.kept, x, this.weight.value, this.bias.value, out);
      this.keptValid = true;
      if (!training) this.releaseKept(); // inference: nothing to keep for a backward pass
      return out;
    }
    this.keptValid = false;
    gemmNT(batch, O, I, x, 0, I, this.weight.value, 0, I, out, 0, O, false);
    const b = this.bias.value;
    const fn = this.spec.activation;
    for (let r = 0; r < batch; r++) {
      const o = r * O;
      if (fn === undefined) for (let j = 0; j < O; j++) out[o + j] = out[o + j]! + b[j]!;
      else if (fn === 'relu') {
        for (let j = 0; j < O; j++) {
          const v = out[o + j]! + b[j]!;
          out[o + j] = v > 0 ? v : 0;
        }
      } else if (fn === 'tanh') for (let j = 0; j < O; j++) out[o + j] = tanh(out[o + j]! + b[j]!);
      else for (let j = 0; j < O; j++) out[o + j] = sigmoid(out[o + j]! + b[j]!);
    }
    return out;
  }

  backward(dyOut: Float64Array, batch: number, needInputGrad = true): Float64Array {
    const { inSize: I, outSize: O } = this;
    if (this.keptValid && this.kept !== null) {
      const { weight: w, bias: b } = this;
      const dx = needInputGrad ? this.dx : null;
      wasmDenseBackward(batch, I, O, this.act(), this.kept, dyOut, w.value, w.grad, b.grad, dx);
      return this.dx;
    }
    const dy = this.preActivationGrad(dyOut, batch);
    // dW (O × I) += dyᵀ · x : A(i,p) = dy[p·O + i]
    gemmNN(O, I, batch, dy, 0, 1, O, this.x, 0, I, this.weight.grad, 0, I, true);
    addColumnSums(batch, O, dy, 0, this.bias.grad);
    if (needInputGrad) gemmNN(batch, I, O, dy, 0, O, 1, this.weight.value, 0, I, this.dx, 0, I, false);
    return this.dx;
  }

  /** d loss / d (x·Wᵀ + b) from d loss / d y, through the fused activation's derivative (from the stored output). */
  private preActivationGrad(dy: Float64Array, batch: number): Float64Array {
    const fn = this.spec.activation;
    if (fn === undefined) return dy;
    const n = batch * this.outSize;
    const y = this.out;
    const d = this.dPre;
    if (fn === 'relu') for (let i = 0; i < n; i++) d[i] = y[i]! > 0 ? dy[i]! : 0;
    else if (fn === 'tanh') for (let i = 0; i < n; i++) d[i] = dy[i]! * (1 - y[i]! * y[i]!);
    else for (let i = 0; i < n; i++) d[i] = dy[i]! * y[i]! * (1 - y[i]!);
    return d;
  }

  private act(): 0 | 1 | 2 | 3 {
    const fn = this.spec.activation;
    return fn === undefined ? 0 : fn === 'relu' ? 1 : fn === 'tanh' ? 2 : 3;
  }
}
