import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/index.ts';
import { initialise, Network } from './network.ts';

describe('Network.backward(dOut) from a caller-supplied output gradient', () => {
  it('gives the same parameter gradients as lossAndGradient when dOut is the mse gradient', () => {
    const rng = createRng(5);
    const net = new Network(
      [
        { type: 'dense', inputs: 3, units: 6, activation: 'tanh' },
        { type: 'dense', inputs: 6, units: 2 },
      ],
      'mse',
      { uniform: () => 0.5 },
    );
    initialise(net, rng);
    const batch = 4;
    net.allocate(batch);
    const x = new Float64Array(batch * 3).map(() => rng.normal());
    const y = new Float64Array(batch * 2).map(() => rng.normal());
    net.zeroGrad();
    net.lossAndGradient(x, y, batch, false);
    const expected = net.params.map((p) => p.grad.slice());
    net.zeroGrad();
    const out = net.forward(x, batch, true);
    const dOut = new Float64Array(batch * 2);
    net.lossOf(out, y, batch, dOut);
    net.backward(dOut, batch);
    net.params.forEach((p, i) => expect(p.grad).toEqual(expected[i]));
    expect(expected.some((g) => g.some((v) => v !== 0))).toBe(true);
  });
});
