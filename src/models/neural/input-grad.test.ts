import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/index.ts';
import { setKernelBackend, type KernelBackend } from './kernels.ts';
import type { LayerSpec } from './layer.ts';
import { initialise, Network } from './network.ts';

/**
 * Training asks for no input gradient (`lossAndGradient(x, y, batch, false)`), so the first layer may skip its last
 * product; the loss and every parameter gradient must stay bit for bit what the full backward pass gives.
 */
const nets: Record<string, LayerSpec[]> = {
  'conv1d (relu) → conv1d (tanh) → dense': [
    { type: 'conv1d', steps: 12, channels: 3, filters: 4, kernelSize: 3, activation: 'relu' },
    { type: 'conv1d', steps: 10, channels: 4, filters: 8, kernelSize: 2, activation: 'tanh' },
    { type: 'dense', inputs: 9 * 8, units: 1 },
  ],
  'lstm → dense': [
    { type: 'lstm', steps: 6, features: 3, units: 8, returnSequences: false },
    { type: 'dense', inputs: 8, units: 1 },
  ],
  'lstm float32 → dense': [
    { type: 'lstm', steps: 6, features: 3, units: 8, returnSequences: false, precision: 'float32' },
    { type: 'dense', inputs: 8, units: 1 },
  ],
  'gru → dense': [
    { type: 'gru', steps: 6, features: 3, units: 8, returnSequences: false },
    { type: 'dense', inputs: 8, units: 1 },
  ],
  'dense (sigmoid) → dense': [
    { type: 'dense', inputs: 5, units: 8, activation: 'sigmoid' },
    { type: 'dense', inputs: 8, units: 1 },
  ],
};

afterAll(() => setKernelBackend('wasm'));

for (const backend of ['js', 'wasm'] as KernelBackend[])
  describe(`skipping the first layer's input gradient changes no parameter gradient, ${backend} kernels`, () => {
    for (const [name, specs] of Object.entries(nets)) {
      it(name, () => {
        setKernelBackend(backend, 1);
        const rng = createRng(11);
        const net = new Network(specs, 'mse', { uniform: () => 0.5 });
        initialise(net, rng);
        const batch = 5;
        net.allocate(batch);
        const x = new Float64Array(batch * net.inSize).map(() => rng.normal());
        const y = new Float64Array(batch * net.outSize).map(() => rng.normal());
        net.zeroGrad();
        const full = net.lossAndGradient(x, y, batch, true);
        const grads = net.params.map((p) => p.grad.slice());
        expect(net.inputGrad.length).toBeGreaterThanOrEqual(batch * net.inSize);
        net.zeroGrad();
        const skipped = net.lossAndGradient(x, y, batch, false);
        expect(skipped).toBe(full);
        net.params.forEach((p, i) => expect(p.grad).toEqual(grads[i]));
        expect(net.inputGrad.length).toBe(0);
      });
    }
  });
