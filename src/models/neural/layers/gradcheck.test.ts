import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../core/index.ts';
import { setKernelBackend, type KernelBackend } from '../kernels.ts';
import type { LayerSpec } from '../layer.ts';
import { initialise, Network, type LossKind } from '../network.ts';

/**
 * Every layer's hand-written backward pass against central finite differences in float64. Step h = 1e-5 gives a
 * truncation error O(h²) ≈ 1e-10 and a rounding error ≈ 1e-16/h ≈ 1e-11 on losses of order 1, so analytic and
 * numeric gradients must agree to a relative 1e-6 (max |a − n| / max(1, max |n|)).
 */
function gradCheck(specs: LayerSpec[], loss: LossKind, batch: number, seed = 7): number {
  const rng = createRng(seed);
  // dropout draws from a fixed cycle that restarts before every pass, so each pass sees the same mask
  const cycle = [0.1, 0.8, 0.5, 0.2, 0.9, 0.35, 0.6];
  let k = 0;
  const net = new Network(specs, loss, { uniform: () => cycle[k++ % cycle.length]! });
  initialise(net, rng);
  for (const p of net.params) for (let i = 0; i < p.value.length; i++) p.value[i] = p.value[i]! + 0.1 * rng.normal();
  net.allocate(batch);
  const x = new Float64Array(batch * net.inSize).map(() => rng.normal());
  const y =
    loss === 'mse'
      ? new Float64Array(batch * net.outSize).map(() => rng.normal())
      : new Float64Array(batch).map(() => rng.int(net.outSize));
  net.zeroGrad();
  k = 0;
  net.lossAndGradient(x, y, batch);
  const analytic = net.params.map((p) => p.grad.slice());
  const dx = net.inputGrad.slice(0, batch * net.inSize);
  const f = (): number => {
    k = 0;
    const out = net.forward(x, batch, true);
    return net.lossOf(out, y, batch);
  };
  const h = 1e-5;
  let worst = 0;
  const check = (arr: Float64Array, i: number, a: number): void => {
    const keep = arr[i]!;
    arr[i] = keep + h;
    const up = f();
    arr[i] = keep - h;
    const down = f();
    arr[i] = keep;
    const num = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(a - num) / Math.max(1, Math.abs(num)));
  };
  net.params.forEach((p, k) => {
    for (let i = 0; i < p.value.length; i++) check(p.value, i, analytic[k]![i]!);
  });
  for (let i = 0; i < x.length; i++) check(x, i, dx[i]!);
  return worst;
}

afterAll(() => setKernelBackend('wasm'));

for (const backend of ['js', 'wasm'] as KernelBackend[])
  describe(`gradients match central finite differences (float64), ${backend} kernels`, () => {
    it(`runs every product on the ${backend} kernels`, () => setKernelBackend(backend, 1));

    it('dense + tanh + dense, mse', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', inputs: 5, units: 4 },
        { type: 'activation', size: 4, fn: 'tanh' },
        { type: 'dense', inputs: 4, units: 2 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('relu and sigmoid activations, cross-entropy loss', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', inputs: 4, units: 6 },
        { type: 'activation', size: 6, fn: 'relu' },
        { type: 'dense', inputs: 6, units: 5 },
        { type: 'activation', size: 5, fn: 'sigmoid' },
        { type: 'dense', inputs: 5, units: 3 },
      ];
      expect(gradCheck(specs, 'crossEntropy', 4)).toBeLessThan(1e-6);
    });

    it('LSTM returning sequences into an LSTM returning the last state', () => {
      const specs: LayerSpec[] = [
        { type: 'lstm', steps: 4, features: 3, units: 5, returnSequences: true },
        { type: 'lstm', steps: 4, features: 5, units: 3, returnSequences: false },
        { type: 'dense', inputs: 3, units: 1 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('GRU returning sequences into a GRU returning the last state', () => {
      const specs: LayerSpec[] = [
        { type: 'gru', steps: 4, features: 3, units: 5, returnSequences: true },
        { type: 'gru', steps: 4, features: 5, units: 3, returnSequences: false },
        { type: 'dense', inputs: 3, units: 2 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('conv1d (kernel 3, 2 channels → 4 filters) + relu + dense', () => {
      const specs: LayerSpec[] = [
        { type: 'conv1d', steps: 7, channels: 2, filters: 4, kernelSize: 3 },
        { type: 'activation', size: 20, fn: 'tanh' },
        { type: 'dense', inputs: 20, units: 1 },
      ];
      expect(gradCheck(specs, 'mse', 2)).toBeLessThan(1e-6);
    });

    it('conv1d with fused tanh, then conv1d with fused sigmoid (batched windows across samples)', () => {
      const specs: LayerSpec[] = [
        { type: 'conv1d', steps: 8, channels: 2, filters: 3, kernelSize: 3, activation: 'tanh' },
        { type: 'conv1d', steps: 6, channels: 3, filters: 2, kernelSize: 2, activation: 'sigmoid' },
        { type: 'dense', inputs: 10, units: 1 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('conv1d with 4·k filters (register-blocked wasm path) and fused sigmoid, then fused relu', () => {
      const specs: LayerSpec[] = [
        { type: 'conv1d', steps: 9, channels: 2, filters: 4, kernelSize: 3, activation: 'sigmoid' },
        { type: 'conv1d', steps: 7, channels: 4, filters: 8, kernelSize: 2, activation: 'relu' },
        { type: 'dense', inputs: 48, units: 1 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('dense with 4·k units (register-blocked wasm rows, plus a remainder row) and fused tanh, sigmoid, relu', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', inputs: 6, units: 8, activation: 'tanh' },
        { type: 'dense', inputs: 8, units: 12, activation: 'sigmoid' },
        { type: 'dense', inputs: 12, units: 4, activation: 'relu' },
        { type: 'dense', inputs: 4, units: 2 },
      ];
      expect(gradCheck(specs, 'mse', 5)).toBeLessThan(1e-6);
    });

    it('dense with fused relu, tanh and sigmoid', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', inputs: 4, units: 6, activation: 'relu' },
        { type: 'dense', inputs: 6, units: 5, activation: 'tanh' },
        { type: 'dense', inputs: 5, units: 3, activation: 'sigmoid' },
        { type: 'dense', inputs: 3, units: 2 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('layer normalisation over the last dimension', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', inputs: 3, units: 8 },
        { type: 'layerNorm', size: 8, dim: 4, eps: 1e-5 },
        { type: 'dense', inputs: 8, units: 2 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });

    it('dropout with a fixed mask (rate 0.3 over a repeating draw cycle drops 2 of every 7 units)', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', inputs: 3, units: 6 },
        { type: 'dropout', size: 6, rate: 0.3 },
        { type: 'dense', inputs: 6, units: 1 },
      ];
      expect(gradCheck(specs, 'mse', 3)).toBeLessThan(1e-6);
    });
  });
