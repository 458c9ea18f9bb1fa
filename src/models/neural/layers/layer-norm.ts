import { ensure, makeParam, type Layer, type Param } from '../layer.ts';

/**
 * Layer normalisation over the last `dim` numbers (each sample's `size` numbers form size/dim rows):
 * y = γ·(x − mean)/√(var + eps) + β with the biased variance, as PyTorch's `nn.LayerNorm(dim)`.
 */
export class LayerNorm implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly gamma: Param;
  readonly beta: Param;
  readonly params: readonly Param[];
  private out = new Float64Array(0);
  private xhat = new Float64Array(0);
  private rstd = new Float64Array(0);
  private dx = new Float64Array(0);

  constructor(size: number, dim: number, eps = 1e-5) {
    if (size % dim !== 0) throw new RangeError(`layerNorm dim ${dim} must divide the sample size ${size}`);
    this.spec = { type: 'layerNorm', size, dim, eps } as const;
    this.inSize = size;
    this.outSize = size;
    this.gamma = makeParam('gamma', [dim]);
    this.gamma.value.fill(1);
    this.beta = makeParam('beta', [dim]);
    this.params = [this.gamma, this.beta];
  }

  allocate(maxBatch: number): void {
    const n = maxBatch * this.inSize;
    this.out = ensure(this.out, n);
    this.xhat = ensure(this.xhat, n);
    this.dx = ensure(this.dx, n);
    this.rstd = ensure(this.rstd, n / this.spec.dim);
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const D = this.spec.dim;
    const rows = (batch * this.inSize) / D;
    const g = this.gamma.value;
    const b = this.beta.value;
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let mean = 0;
      for (let j = 0; j < D; j++) mean += x[o + j]!;
      mean /= D;
      let v = 0;
      for (let j = 0; j < D; j++) {
        const d = x[o + j]! - mean;
        v += d * d;
      }
      const rs = 1 / Math.sqrt(v / D + this.spec.eps);
      this.rstd[r] = rs;
      for (let j = 0; j < D; j++) {
        const h = (x[o + j]! - mean) * rs;
        this.xhat[o + j] = h;
        this.out[o + j] = g[j]! * h + b[j]!;
      }
    }
    return this.out;
  }

  /** dx = rstd/D · (D·ĝ − Σĝ − x̂·Σ(ĝ·x̂)) with ĝ = dy·γ. */
  backward(dy: Float64Array, batch: number): Float64Array {
    const D = this.spec.dim;
    const rows = (batch * this.inSize) / D;
    const g = this.gamma.value;
    const dg = this.gamma.grad;
    const db = this.beta.grad;
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < D; j++) {
        const d = dy[o + j]!;
        const h = this.xhat[o + j]!;
        dg[j] = dg[j]! + d * h;
        db[j] = db[j]! + d;
        const gh = d * g[j]!;
        s1 += gh;
        s2 += gh * h;
      }
      const rs = this.rstd[r]! / D;
      for (let j = 0; j < D; j++) {
        const gh = dy[o + j]! * g[j]!;
        this.dx[o + j] = rs * (D * gh - s1 - this.xhat[o + j]! * s2);
      }
    }
    return this.dx;
  }
}
