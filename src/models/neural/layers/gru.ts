import { addColumnSums, gemmNN, gemmNT, kernelBackend, sigmoid, tanh } from '../kernels.ts';
import { wasmGruBackward, wasmGruForward, type GruArrays } from '../wasm/wasm-kernels.ts';
import { ensure, makeParam, type Layer, type Param } from '../layer.ts';
import { toBatchMajor, toTimeMajor } from './sequence.ts';

/**
 * Gated recurrent unit with PyTorch's equations, gate order (r, z, n) and parameter layout (`weight_ih` 3H × F,
 * `weight_hh` 3H × H, `bias_ih`, `bias_hh`), zero initial state:
 *   a = W_ih·x_t + b_ih,  b = W_hh·h_{t−1} + b_hh
 *   r = σ(a_r + b_r), z = σ(a_z + b_z), n = tanh(a_n + r·b_n), h_t = (1 − z)·n + z·h_{t−1}.
 * Same shapes and time-major internals as `LSTM`.
 */
export class GRU implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly weightIH: Param;
  readonly weightHH: Param;
  readonly biasIH: Param;
  readonly biasHH: Param;
  readonly params: readonly Param[];
  private xT = new Float64Array(0); // T × b × F
  private a = new Float64Array(0); // T × b × 3H: input projections, then (r, z, n) activated in place
  private bn = new Float64Array(0); // T × b × H: W_hn·h + b_hn (needed by the n-gate gradient)
  private hh = new Float64Array(0); // b × 3H scratch: W_hh·h_{t−1} + b_hh
  private h = new Float64Array(0); // T × b × H
  private out = new Float64Array(0);
  private dA = new Float64Array(0); // T × b × 3H: gradient w.r.t. a (input pre-activations)
  private dB = new Float64Array(0); // T × b × 3H: gradient w.r.t. b (hidden pre-activations)
  private dh = new Float64Array(0);
  private dyT = new Float64Array(0);
  private dxT = new Float64Array(0);
  private dx = new Float64Array(0);

  constructor(steps: number, features: number, units: number, returnSequences: boolean) {
    this.spec = { type: 'gru', steps, features, units, returnSequences } as const;
    this.inSize = steps * features;
    this.outSize = returnSequences ? steps * units : units;
    this.weightIH = makeParam('weight_ih', [3 * units, features]);
    this.weightHH = makeParam('weight_hh', [3 * units, units]);
    this.biasIH = makeParam('bias_ih', [3 * units]);
    this.biasHH = makeParam('bias_hh', [3 * units]);
    this.params = [this.weightIH, this.weightHH, this.biasIH, this.biasHH];
  }

  allocate(maxBatch: number): void {
    const { steps: T, features: F, units: H } = this.spec;
    const bt = maxBatch * T;
    this.xT = ensure(this.xT, bt * F);
    this.a = ensure(this.a, bt * 3 * H);
    this.dA = ensure(this.dA, bt * 3 * H);
    this.dB = ensure(this.dB, bt * 3 * H);
    this.bn = ensure(this.bn, bt * H);
    this.hh = ensure(this.hh, maxBatch * 3 * H);
    this.h = ensure(this.h, bt * H);
    this.dyT = ensure(this.dyT, bt * H);
    this.out = ensure(this.out, maxBatch * this.outSize);
    this.dh = ensure(this.dh, maxBatch * H);
    this.dxT = ensure(this.dxT, bt * F);
    this.dx = ensure(this.dx, bt * F);
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const { steps: T, features: F, units: H } = this.spec;
    const G3 = 3 * H;
    const { a, bn, hh, h } = this;
    const bi = this.biasIH.value;
    const bh = this.biasHH.value;
    toTimeMajor(x, this.xT, batch, T, F);
    if (kernelBackend() === 'wasm') {
      wasmGruForward(T, batch, F, H, this.arrays());
      return this.output(batch);
    }
    gemmNT(T * batch, G3, F, this.xT, 0, F, this.weightIH.value, 0, F, a, 0, G3, false);
    for (let t = 0; t < T; t++) {
      const gBase = t * batch * G3;
      const sBase = t * batch * H;
      if (t > 0) gemmNT(batch, G3, H, h, sBase - batch * H, H, this.weightHH.value, 0, H, hh, 0, G3, false);
      for (let s = 0; s < batch; s++) {
        const g0 = gBase + s * G3;
        const q0 = s * G3;
        const s0 = sBase + s * H;
        for (let u = 0; u < H; u++) {
          const hr = (t > 0 ? hh[q0 + u]! : 0) + bh[u]!;
          const hz = (t > 0 ? hh[q0 + H + u]! : 0) + bh[H + u]!;
          const hn = (t > 0 ? hh[q0 + 2 * H + u]! : 0) + bh[2 * H + u]!;
          const r = sigmoid(a[g0 + u]! + bi[u]! + hr);
          const z = sigmoid(a[g0 + H + u]! + bi[H + u]! + hz);
          const nv = tanh(a[g0 + 2 * H + u]! + bi[2 * H + u]! + r * hn);
          a[g0 + u] = r;
          a[g0 + H + u] = z;
          a[g0 + 2 * H + u] = nv;
          bn[s0 + u] = hn;
          const hp = t > 0 ? h[s0 - batch * H + u]! : 0;
          h[s0 + u] = (1 - z) * nv + z * hp;
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

  private arrays(): GruArrays {
    return {
      xT: this.xT,
      wih: this.weightIH.value,
      whh: this.weightHH.value,
      bih: this.biasIH.value,
      bhh: this.biasHH.value,
      a: this.a,
      bn: this.bn,
      h: this.h,
    };
  }

  backward(dy: Float64Array, batch: number, needInputGrad = true): Float64Array {
    const { steps: T, features: F, units: H } = this.spec;
    const G3 = 3 * H;
    const { a, bn, h, dA, dB, dh } = this;
    const bH = batch * H;
    if (this.spec.returnSequences) toTimeMajor(dy, this.dyT, batch, T, H);
    if (kernelBackend() === 'wasm') {
      const rs = this.spec.returnSequences;
      const grads = { wih: this.weightIH.grad, whh: this.weightHH.grad, bih: this.biasIH.grad, bhh: this.biasHH.grad };
      const dxT = needInputGrad ? this.dxT : null;
      wasmGruBackward(T, batch, F, H, rs, rs ? this.dyT : dy, this.arrays(), grads, dxT);
      if (needInputGrad) toBatchMajor(this.dxT, this.dx, batch, T, F);
      return this.dx;
    }
    for (let t = T - 1; t >= 0; t--) {
      const gBase = t * batch * G3;
      const sBase = t * bH;
      if (this.spec.returnSequences) {
        if (t === T - 1) dh.set(this.dyT.subarray(sBase, sBase + bH));
        else for (let k = 0; k < bH; k++) dh[k] = dh[k]! + this.dyT[sBase + k]!;
      } else if (t === T - 1) {
        for (let k = 0; k < bH; k++) dh[k] = dy[k]!;
      }
      for (let s = 0; s < batch; s++) {
        const g0 = gBase + s * G3;
        const s0 = sBase + s * H;
        const d0 = s * H;
        for (let u = 0; u < H; u++) {
          const r = a[g0 + u]!;
          const z = a[g0 + H + u]!;
          const nv = a[g0 + 2 * H + u]!;
          const hp = t > 0 ? h[s0 - bH + u]! : 0;
          const dhv = dh[d0 + u]!;
          const dan = dhv * (1 - z) * (1 - nv * nv);
          const dar = dan * bn[s0 + u]! * r * (1 - r);
          const daz = dhv * (hp - nv) * z * (1 - z);
          dA[g0 + u] = dar;
          dA[g0 + H + u] = daz;
          dA[g0 + 2 * H + u] = dan;
          dB[g0 + u] = dar;
          dB[g0 + H + u] = daz;
          dB[g0 + 2 * H + u] = dan * r;
          dh[d0 + u] = dhv * z; // direct path; the W_hh path is added below
        }
      }
      if (t > 0) gemmNN(batch, H, G3, dB, gBase, G3, 1, this.weightHH.value, 0, H, dh, 0, H, true);
    }
    const rowsAll = T * batch;
    if (T > 1) gemmNN(G3, H, rowsAll - batch, dB, batch * G3, 1, G3, h, 0, H, this.weightHH.grad, 0, H, true);
    gemmNN(G3, F, rowsAll, dA, 0, 1, G3, this.xT, 0, F, this.weightIH.grad, 0, F, true);
    addColumnSums(rowsAll, G3, dA, 0, this.biasIH.grad);
    addColumnSums(rowsAll, G3, dB, 0, this.biasHH.grad);
    gemmNN(rowsAll, F, G3, dA, 0, G3, 1, this.weightIH.value, 0, F, this.dxT, 0, F, false);
    toBatchMajor(this.dxT, this.dx, batch, T, F);
    return this.dx;
  }
}
