import { kernelBackend } from './kernels.ts';
import type { Param } from './layer.ts';
import {
  adamKeptBytes,
  releaseWasmBlock,
  wasmAdamStep,
  wasmBlock,
  wasmZero,
  type WasmBlock,
} from './wasm/wasm-kernels.ts';

/** Updates parameters from their accumulated gradients (PyTorch semantics, L2 as coupled `weight_decay`). */
export interface Optimizer {
  step(): void;
  /** Gives back optimizer state held outside the JavaScript heap (Adam's moments in wasm memory). */
  dispose?(): void;
}

export interface SgdOptions {
  readonly learningRate: number;
  /** Heavy-ball momentum μ (0 = plain SGD): v ← μ·v + g, w ← w − lr·v. */
  readonly momentum: number;
  /** L2 penalty λ: g ← g + λ·w before the update (PyTorch `weight_decay`). */
  readonly l2: number;
}

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly l2: number;
}

/** SGD with momentum, as `torch.optim.SGD(params, lr, momentum, weight_decay)` (dampening 0, no Nesterov). */
export class Sgd implements Optimizer {
  private readonly velocity: Float64Array[];
  constructor(
    private readonly params: readonly Param[],
    private readonly o: SgdOptions,
  ) {
    this.velocity = params.map((p) => new Float64Array(p.value.length));
  }

  step(): void {
    const { learningRate: lr, momentum: mu, l2 } = this.o;
    this.params.forEach((p, k) => {
      const w = p.value;
      const g = p.grad;
      const v = this.velocity[k]!;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]! + l2 * w[i]!;
        const vi = mu * v[i]! + gi;
        v[i] = vi;
        w[i] = w[i]! - lr * vi;
      }
    });
  }
}

/**
 * Adam, as `torch.optim.Adam(params, lr, betas, eps, weight_decay)` (bias-corrected, no AMSGrad). With the wasm
 * backend (chosen when the optimizer is built) the moments live in wasm memory and each step is one f64x2 pass over
 * all parameters, the same operations in the same order as the JavaScript loop, so both give identical weights.
 */
export class Adam implements Optimizer {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private kept: WasmBlock | null;
  private readonly total: number;
  private t = 0;
  constructor(
    private readonly params: readonly Param[],
    private readonly o: AdamOptions,
  ) {
    this.total = params.reduce((n, p) => n + p.value.length, 0);
    const wasm = kernelBackend() === 'wasm' && this.total > 0;
    this.kept = wasm ? wasmBlock(this, null, adamKeptBytes(this.total)) : null;
    if (this.kept) wasmZero(this.kept);
    this.m = wasm ? [] : params.map((p) => new Float64Array(p.value.length));
    this.v = wasm ? [] : params.map((p) => new Float64Array(p.value.length));
  }

  dispose(): void {
    if (this.kept !== null) releaseWasmBlock(this.kept);
    this.kept = null;
  }

  step(): void {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, l2 } = this.o;
    this.t++;
    const bc1 = 1 - b1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    const stepSize = lr / bc1;
    if (this.kept) {
      wasmAdamStep(this.kept, this.params, this.total, stepSize, sqrtBc2, b1, b2, eps, l2);
      return;
    }
    this.params.forEach((p, k) => {
      const w = p.value;
      const g = p.grad;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]! + l2 * w[i]!;
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = b2 * v[i]! + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
      }
    });
  }
}

/**
 * Rescales all gradients together so their global L2 norm is at most `maxNorm`
 * (as `torch.nn.utils.clip_grad_norm_`: factor maxNorm / (norm + 1e-6) when norm > maxNorm). Returns the norm
 * before clipping (NaN when a gradient is not finite).
 */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  let s = 0;
  for (const p of params) for (let i = 0; i < p.grad.length; i++) s += p.grad[i]! * p.grad[i]!;
  const norm = Math.sqrt(s);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const f = maxNorm / (norm + 1e-6);
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = p.grad[i]! * f;
  }
  return norm;
}

/**
 * Global L2 norm of all gradients (the divergence check's; NaN or ∞ when a gradient is not finite). Four running sums
 * break the chain of dependent additions (≈ 1.6× faster); the last bits differ from one running sum, which no caller
 * needs (clipping has its own sum in clipGradNorm).
 */
export function gradNorm(params: readonly Param[]): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (const p of params) {
    const g = p.grad;
    const n = g.length;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += g[i]! * g[i]!;
      s1 += g[i + 1]! * g[i + 1]!;
      s2 += g[i + 2]! * g[i + 2]!;
      s3 += g[i + 3]! * g[i + 3]!;
    }
    for (; i < n; i++) s0 += g[i]! * g[i]!;
  }
  return Math.sqrt(s0 + s1 + (s2 + s3));
}
