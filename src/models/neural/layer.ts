/**
 * The layer contract of Keel's neural kit. A layer maps a batch of samples, each a flat row-major block of `inSize`
 * numbers (sequences: steps × features, time-major within the sample), to a batch of `outSize`-number blocks.
 * Buffers are allocated once for the largest batch (`allocate`) and reused by every forward/backward call, so
 * training allocates nothing per step and memory stays flat across epochs.
 */

/** One trainable tensor: its values, the gradient accumulated by `backward`, and its shape (for serialisation). */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: Float64Array;
  readonly grad: Float64Array;
}

/** The JSON description of a layer (architecture only; values travel separately as `Param` arrays). */
export type LayerSpec =
  | {
      readonly type: 'dense';
      readonly inputs: number;
      readonly units: number;
      /** Activation fused into the layer (one pass instead of a separate activation layer). */
      readonly activation?: ActivationFn;
    }
  | {
      readonly type: 'lstm' | 'gru';
      readonly steps: number;
      readonly features: number;
      readonly units: number;
      readonly returnSequences: boolean;
      /** LSTM arithmetic (default float64; float32 runs the WebAssembly f32x4 kernels, weights stay float64). */
      readonly precision?: 'float64' | 'float32';
    }
  | {
      readonly type: 'conv1d';
      readonly steps: number;
      readonly channels: number;
      readonly filters: number;
      readonly kernelSize: number;
      /** Activation fused into the layer (one pass instead of a separate activation layer). */
      readonly activation?: ActivationFn;
    }
  | { readonly type: 'activation'; readonly size: number; readonly fn: ActivationFn }
  | { readonly type: 'dropout'; readonly size: number; readonly rate: number }
  | { readonly type: 'layerNorm'; readonly size: number; readonly dim: number; readonly eps: number };

export type ActivationFn = 'relu' | 'tanh' | 'sigmoid';

export interface Layer {
  readonly spec: LayerSpec;
  /** Numbers per sample in and out. */
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly Param[];
  /** Sizes the work buffers for batches of up to `maxBatch` samples (no-op when already large enough). */
  allocate(maxBatch: number): void;
  /** Forward pass of `batch` samples (`x` holds at least batch × inSize numbers); returns this layer's output buffer. */
  forward(x: Float64Array, batch: number, training: boolean): Float64Array;
  /**
   * Backward pass for the last forward call: `dy` holds batch × outSize gradients of the loss with respect to the
   * output. Adds parameter gradients into `Param.grad` and returns the gradient with respect to the input.
   * `needInputGrad` false (the first layer during training) lets a layer skip that last product; what it returns
   * is then unspecified.
   */
  backward(dy: Float64Array, batch: number, needInputGrad?: boolean): Float64Array;
  /** Gives back memory kept from the last training forward for the backward pass (layers with wasm state). */
  releaseKept?(): void;
}

export function makeParam(name: string, shape: readonly number[]): Param {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape, value: new Float64Array(size), grad: new Float64Array(size) };
}

/** Copies every parameter value into `into` (one Float64Array per param), allocating only the first time. */
export function snapshotParams(params: readonly Param[], into?: Float64Array[]): Float64Array[] {
  const out = into ?? params.map((p) => new Float64Array(p.value.length));
  params.forEach((p, i) => out[i]!.set(p.value));
  return out;
}

/** Sets every parameter value from a snapshot taken by `snapshotParams` on the same parameter list. */
export function restoreParams(params: readonly Param[], from: readonly Float64Array[]): void {
  params.forEach((p, i) => p.value.set(from[i]!));
}

/** Grows a buffer to hold at least `size` numbers (reuses it when it already does). */
export function ensure(buf: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  return buf.length >= size ? buf : new Float64Array(size);
}
