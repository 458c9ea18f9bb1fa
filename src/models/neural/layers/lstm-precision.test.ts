import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/index.ts';
import { setKernelBackend } from '../kernels.ts';
import { initialise, Network } from '../network.ts';
import type { LayerSpec } from '../layer.ts';

/**
 * The float32 LSTM path (WebAssembly f32x4) computes the same function as the float64 path up to float32 rounding:
 * outputs, loss, parameter and input gradients of a 2-layer LSTM (60 steps: rounding compounds through time) agree
 * to 1e-4 relative to the largest value of each array.
 */
describe('LSTM float32 vs float64', () => {
  // 3 features / 16 units: full 8-column f32x4 blocks and scalar columns; 4 / 12: the 4-column blocks too
  it.each([
    [3, 16],
    [4, 12],
  ])('2 × LSTM over 60 steps × %i features, %i units, batch 8: outputs and gradients agree to 1e-4', (F, H) => {
    setKernelBackend('wasm');
    const spec = (precision: 'float64' | 'float32'): LayerSpec[] => [
      { type: 'lstm', steps: 60, features: F, units: H, returnSequences: true, precision },
      { type: 'lstm', steps: 60, features: H, units: H, returnSequences: false, precision },
      { type: 'dense', inputs: H, units: 1 },
    ];
    const rng = createRng(5);
    const x = new Float64Array(8 * 60 * F).map(() => rng.normal());
    const y = new Float64Array(8).map(() => rng.normal());
    const run = (precision: 'float64' | 'float32'): { out: number[]; grads: Float64Array[]; dx: Float64Array } => {
      const net = new Network(spec(precision), 'mse', { uniform: () => 0.5 });
      initialise(net, createRng(9));
      net.allocate(8);
      const out = Array.from(net.forward(x, 8, false).subarray(0, 8));
      net.zeroGrad();
      net.lossAndGradient(x, y, 8);
      return { out, grads: net.params.map((p) => p.grad.slice()), dx: net.inputGrad.slice(0, x.length) };
    };
    const a = run('float64');
    const b = run('float32');
    const relErr = (u: ArrayLike<number>, v: ArrayLike<number>): number => {
      let scale = 0;
      let err = 0;
      for (let i = 0; i < u.length; i++) {
        scale = Math.max(scale, Math.abs(u[i]!));
        err = Math.max(err, Math.abs(u[i]! - v[i]!));
      }
      return err / scale;
    };
    expect(relErr(a.out, b.out)).toBeLessThan(1e-4);
    a.grads.forEach((g, i) => expect(relErr(g, b.grads[i]!)).toBeLessThan(1e-4));
    expect(relErr(a.dx, b.dx)).toBeLessThan(1e-4);
    expect(relErr(a.out, b.out)).toBeGreaterThan(0); // it really ran in float32
  });
});
