import { ensure, type Layer, type Param } from '../layer.ts';

/** The only randomness a layer needs: a uniform draw in [0, 1). */
export interface UniformSource {
  uniform(): number;
}

/**
 * Inverted dropout: in training each number is zeroed with probability `rate` and the survivors are scaled by
 * 1 / (1 − rate), so inference is the identity. The mask comes from the seeded source given at construction.
 */
export class Dropout implements Layer {
  readonly spec;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly Param[] = [];
  private out = new Float64Array(0);
  private mask = new Float64Array(0);
  private dx = new Float64Array(0);
  private active = false;

  constructor(
    size: number,
    rate: number,
    private readonly rng: UniformSource,
  ) {
    this.spec = { type: 'dropout', size, rate } as const;
    this.inSize = size;
    this.outSize = size;
  }

  allocate(maxBatch: number): void {
    const n = maxBatch * this.inSize;
    this.out = ensure(this.out, n);
    this.mask = ensure(this.mask, n);
    this.dx = ensure(this.dx, n);
  }

  forward(x: Float64Array, batch: number, training: boolean): Float64Array {
    const rate = this.spec.rate;
    this.active = training && rate > 0;
    if (!this.active) return x;
    const n = batch * this.inSize;
    const keep = 1 / (1 - rate);
    for (let i = 0; i < n; i++) {
      const m = this.rng.uniform() < rate ? 0 : keep;
      this.mask[i] = m;
      this.out[i] = x[i]! * m;
    }
    return this.out;
  }

  backward(dy: Float64Array, batch: number): Float64Array {
    if (!this.active) return dy;
    const n = batch * this.inSize;
    for (let i = 0; i < n; i++) this.dx[i] = dy[i]! * this.mask[i]!;
    return this.dx;
  }
}
