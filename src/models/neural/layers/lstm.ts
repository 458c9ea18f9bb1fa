import { addColumnSums, gemmNN, gemmNT, kernelBackend, sigmoid, tanh } from '../kernels.ts';
import {
  lstmKeptBytes,
  wasmBlock,
  wasmLstmBackward,
  wasmLstmForward,
  type Precision,
  type WasmBlock,
  releaseWasmBlock,
} from '../wasm/wasm-kernels.ts';
import { ensure, makeParam, type Layer, type Param } from '../layer.ts';
import { toBatchMajor, toTimeMajor } from './sequence.ts';

/**
 * Long short-term memory layer with PyTorch's equations, gate order (i, f, g, o) and parameter layout
 * (`weight_ih` 4H × F, `weight_hh` 4H × H, `bias_ih`, `bias_hh`), zero initial state:
 *   z = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh;  i, f, o = σ(z_i, z_f, z_o);  g = tanh(z_g)
 *   c_t = f·c_{t−1} + i·g;  h_t = o·tanh(c_t).
 * Input per sample: steps × features (batch-major); output: steps × H when `returnSequences`, else the last h (H).
 * Internally time-major so each step's rows are one contiguous block: the input projection of all steps is one
 * product, each step adds one (batch × H)·(H × 4H) product, and the gates are fused in one pass over z.
 * Backward is hand-written BPTT; the weight gradients are accumulated over all steps in one product at the end.
 */
export class LSTM implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly weightIH: Param;
  readonly weightHH: Param;
  readonly biasIH: Param;
  readonly biasHH: Param;
  readonly params: readonly Param[];
  private readonly biasSum: Float64Array;
  /** float32 runs the fused WebAssembly f32x4 path; without WebAssembly the layer computes in float64. */
  readonly precision: Precision;
  private xT = new Float64Array(0); // T × b × F
  private gates = new Float64Array(0); // T × b × 4H, activated (i, f, g, o)
  private c = new Float64Array(0); // T × b × H
  private tc = new Float64Array(0); // T × b × H, tanh(c)
  private h = new Float64Array(0); // T × b × H
  private out = new Float64Array(0);
  private dG = new Float64Array(0); // T × b × 4H, gradient w.r.t. pre-activations
  private dh = new Float64Array(0); // b × H
  private dc = new Float64Array(0); // b × H
  private dyT = new Float64Array(0); // T × b × H
  private dxT = new Float64Array(0);
  private dx = new Float64Array(0);
  /** With the wasm backend: the forward state (time-major x, gates, c, tanh c, h) kept in wasm memory for backward. */
  private kept: WasmBlock | null = null;
  /** Whether the last forward ran in wasm (so backward must too, from `kept`). */
  private keptValid = false;
  private capacity = 0;

  constructor(
    steps: number,
    features: number,
    units: number,
    returnSequences: boolean,
    precision: Precision = 'float64',
  ) {
    this.spec =
      precision === 'float32'
        ? ({ type: 'lstm', steps, features, units, returnSequences, precision } as const)
        : ({ type: 'lstm', steps, features, units, returnSequences } as const);
    this.precision = precision;
    this.inSize = steps * features;
    this.outSize = returnSequences ? steps * units : units;
    this.weightIH = makeParam('weight_ih', [4 * units, features]);
    this.weightHH = makeParam('weight_hh', [4 * units, units]);
    this.biasIH = makeParam('bias_ih', [4 * units]);
    this.biasHH = makeParam('bias_hh', [4 * units]);
    this.params = [this.weightIH, this.weightHH, this.biasIH, this.biasHH];
    this.biasSum = new Float64Array(4 * units);
  }

  allocate(maxBatch: number): void {
    const { steps: T, features: F } = this.spec;
    this.capacity = Math.max(this.capacity, maxBatch);
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dx = ensure(this.dx, maxBatch * T * F);
  }

  /** The JavaScript path's work buffers, sized on first use (the wasm path keeps its state in wasm memory). */
  private jsBuffers(): void {
    const { steps: T, features: F, units: H } = this.spec;
    const maxBatch = this.capacity;
    const bt = maxBatch * T;
    this.xT = ensure(this.xT, bt * F);
    this.gates = ensure(this.gates, bt * 4 * H);
    this.dG = ensure(this.dG, bt * 4 * H);
    this.c = ensure(this.c, bt * H);
    this.tc = ensure(this.tc, bt * H);
    this.h = ensure(this.h, bt * H);
    this.dyT = ensure(this.dyT, bt * H);
    this.dh = ensure(this.dh, maxBatch * H);
    this.dc = ensure(this.dc, maxBatch * H);
    this.dxT = ensure(this.dxT, bt * F);
  }

  /** Gives the wasm block holding the forward state back (end of training, after inference). */
  releaseKept(): void {
    if (this.kept !== null) releaseWasmBlock(this.kept);
    this.kept = null;
    this.keptValid = false;
  }

  forward(x: Float64Array, batch: number, training = true): Float64Array {
    const { steps: T, features: F, units: H } = this.spec;
    const G4 = 4 * H;
    const bias = this.biasSum;
    for (let j = 0; j < G4; j++) bias[j] = this.biasIH.value[j]! + this.biasHH.value[j]!;
    if (kernelBackend() === 'wasm') {
      // the forward state stays in wasm memory (this.kept) for backward; only the output comes back
      this.kept = wasmBlock(this, this.kept, lstmKeptBytes(T, batch, F, H, this.precision));
      const { weightIH: wih, weightHH: whh, precision } = this;
      const rs = this.spec.returnSequences;
      wasmLstmForward(T, batch, F, H, this.kept, x, wih.value, whh.value, bias, this.out, rs, precision);
      this.keptValid = true;
      if (!training) this.releaseKept(); // inference: nothing to keep for a backward pass
      return this.out;
    }
    this.keptValid = false;
    this.jsBuffers();
    const { gates, c, tc, h } = this;
    toTimeMajor(x, this.xT, batch, T, F);
    // input projection of every step at once: (T·b × F)·W_ihᵀ
    gemmNT(T * batch, G4, F, this.xT, 0, F, this.weightIH.value, 0, F, gates, 0, G4, false);
    for (let t = 0; t < T; t++) {
      const gBase = t * batch * G4;
      const sBase = t * batch * H;
      if (t > 0) gemmNT(batch, G4, H, h, sBase - batch * H, H, this.weightHH.value, 0, H, gates, gBase, G4, true);
      for (let s = 0; s < batch; s++) {
        const g0 = gBase + s * G4;
        const s0 = sBase + s * H;
        const prev = s0 - batch * H;
        for (let u = 0; u < H; u++) {
          const ig = sigmoid(gates[g0 + u]! + bias[u]!);
          const fg = sigmoid(gates[g0 + H + u]! + bias[H + u]!);
          const gg = tanh(gates[g0 + 2 * H + u]! + bias[2 * H + u]!);
          const og = sigmoid(gates[g0 + 3 * H + u]! + bias[3 * H + u]!);
          gates[g0 + u] = ig;
          gates[g0 + H + u] = fg;
          gates[g0 + 2 * H + u] = gg;
          gates[g0 + 3 * H + u] = og;
          const cv = (t > 0 ? fg * c[prev + u]! : 0) + ig * gg;
          const tcv = tanh(cv);
          c[s0 + u] = cv;
          tc[s0 + u] = tcv;
          h[s0 + u] = og * tcv;
        }
      }
    }
    return this.output(batch);
  }

  /** The layer's output from the hidden states: all steps (batch-major) or the last step. */
  private output(batch: number): Float64Array {
    const { steps: T, units: H } = this.spec;
    if (this.spec.returnSequences) toBatchMajor(this.h, this.out, batch, T, H);
    else this.out.set(this.h.subarray((T - 1) * batch * H, T * batch * H));
    return this.out;
  }

  backward(dy: Float64Array, batch: number, needInputGrad = true): Float64Array {
    const { steps: T, features: F, units: H } = this.spec;
    const G4 = 4 * H;
    const bH = batch * H;
    if (this.keptValid && this.kept !== null) {
      const { weightIH: wih, weightHH: whh, biasIH: bih, biasHH: bhh } = this;
      const rs = this.spec.returnSequences;
      const dx = needInputGrad ? this.dx : null;
      const grads = [wih.grad, whh.grad, bih.grad, bhh.grad] as const;
      wasmLstmBackward(T, batch, F, H, rs, this.kept, dy, wih.value, whh.value, ...grads, dx, this.precision);
      return this.dx;
    }
    const { gates, c, tc, h, dG, dh, dc } = this;
    if (this.spec.returnSequences) toTimeMajor(dy, this.dyT, batch, T, H);
    dc.fill(0, 0, bH);
    for (let t = T - 1; t >= 0; t--) {
      const gBase = t * batch * G4;
      const sBase = t * bH;
      // dh = dy_t + (recurrent part, already in dh from step t + 1)
      if (this.spec.returnSequences) {
        if (t === T - 1) dh.set(this.dyT.subarray(sBase, sBase + bH));
        else for (let k = 0; k < bH; k++) dh[k] = dh[k]! + this.dyT[sBase + k]!;
      } else if (t === T - 1) {
        for (let k = 0; k < bH; k++) dh[k] = dy[k]!;
      }
      for (let s = 0; s < batch; s++) {
        const g0 = gBase + s * G4;
        const s0 = sBase + s * H;
        const d0 = s * H;
        for (let u = 0; u < H; u++) {
          const ig = gates[g0 + u]!;
          const fg = gates[g0 + H + u]!;
          const gg = gates[g0 + 2 * H + u]!;
          const og = gates[g0 + 3 * H + u]!;
          const tcv = tc[s0 + u]!;
          const dhv = dh[d0 + u]!;
          const dcv = dc[d0 + u]! + dhv * og * (1 - tcv * tcv);
          const cPrev = t > 0 ? c[s0 - bH + u]! : 0;
          dG[g0 + u] = dcv * gg * ig * (1 - ig);
          dG[g0 + H + u] = dcv * cPrev * fg * (1 - fg);
          dG[g0 + 2 * H + u] = dcv * ig * (1 - gg * gg);
          dG[g0 + 3 * H + u] = dhv * tcv * og * (1 - og);
          dc[d0 + u] = dcv * fg;
        }
      }
      // dh_{t−1} = dz_t · W_hh
      if (t > 0) gemmNN(batch, H, G4, dG, gBase, G4, 1, this.weightHH.value, 0, H, dh, 0, H, false);
    }
    // dW_hh += Σ_{t≥1} dz_tᵀ · h_{t−1};  dW_ih += Σ_t dz_tᵀ · x_t;  db += Σ dz
    const rowsAll = T * batch;
    if (T > 1) {
      gemmNN(G4, H, rowsAll - batch, dG, batch * G4, 1, G4, h, 0, H, this.weightHH.grad, 0, H, true);
    }
    gemmNN(G4, F, rowsAll, dG, 0, 1, G4, this.xT, 0, F, this.weightIH.grad, 0, F, true);
    addColumnSums(rowsAll, G4, dG, 0, this.biasIH.grad);
    addColumnSums(rowsAll, G4, dG, 0, this.biasHH.grad);
    gemmNN(rowsAll, F, G4, dG, 0, G4, 1, this.weightIH.value, 0, F, this.dxT, 0, F, false);
    toBatchMajor(this.dxT, this.dx, batch, T, F);
    return this.dx;
  }
}
