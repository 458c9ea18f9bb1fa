import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/index.ts';
import { setKernelBackend, type KernelBackend } from './kernels.ts';
import { makeParam } from './layer.ts';
import { Adam } from './optimizers.ts';

afterAll(() => setKernelBackend('wasm'));

describe('Adam', () => {
  it('the WebAssembly step (moments in wasm memory) gives bit-identical weights to the JavaScript loop', () => {
    const run = (backend: KernelBackend): Float64Array[] => {
      setKernelBackend(backend);
      const rng = createRng(21);
      const params = [makeParam('a', [7, 3]), makeParam('b', [5]), makeParam('c', [1])]; // odd sizes: scalar tails
      for (const p of params) p.value.forEach((_, i) => (p.value[i] = rng.normal()));
      const opt = new Adam(params, { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: 0.003 });
      for (let step = 0; step < 6; step++) {
        for (const p of params) p.grad.forEach((_, i) => (p.grad[i] = rng.normal() * (step + 1)));
        opt.step();
      }
      return params.map((p) => p.value.slice());
    };
    const js = run('js');
    const wasm = run('wasm');
    expect(wasm).toEqual(js);
    expect(js[0]![0]).not.toBe(0);
  });
});
