import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { distributionFor } from './policy.ts';

/**
 * The hand-written gradients of log π and of the entropy, against central finite differences of `logProbs`, for
 * the categorical and the softmax-Gaussian (also with respect to log σ).
 */
describe('ActionDistribution.backprop', () => {
  for (const kind of ['discrete', 'box'] as const) {
    it(`matches finite differences (${kind === 'discrete' ? 'categorical' : 'softmax-gaussian'})`, () => {
      const rng = createRng(3);
      const k = 4;
      const B = 3;
      const dist = distributionFor(kind === 'discrete' ? { kind, shape: [], n: k } : { kind, shape: [k] }, -0.3);
      if (dist.logStd) for (let j = 0; j < k; j++) dist.logStd.value[j] = -0.5 + 0.2 * j;
      const out = new Float64Array(B * k).map(() => rng.normal());
      const raw = new Float64Array(B * dist.rawSize);
      for (let b = 0; b < B; b++) dist.sample(out.subarray(b * k), rng, raw.subarray(b * dist.rawSize));
      const cL = Float64Array.from([0.7, -1.3, 0.4]);
      const cE = Float64Array.from([0.2, 0.5, -0.1]);
      const objective = (): number => {
        const lp = new Float64Array(B);
        const en = new Float64Array(B);
        dist.logProbs(out, raw, B, lp, en);
        let s = 0;
        for (let b = 0; b < B; b++) s += cL[b]! * lp[b]! + cE[b]! * en[b]!;
        return s;
      };
      const dOut = new Float64Array(B * k);
      dist.logStd?.grad.fill(0);
      dist.backprop(out, raw, B, cL, cE, dOut);
      const h = 1e-6;
      for (let i = 0; i < B * k; i++) {
        const v = out[i]!;
        out[i] = v + h;
        const up = objective();
        out[i] = v - h;
        const down = objective();
        out[i] = v;
        expect(dOut[i]).toBeCloseTo((up - down) / (2 * h), 6);
      }
      if (dist.logStd) {
        for (let j = 0; j < k; j++) {
          const v = dist.logStd.value[j]!;
          dist.logStd.value[j] = v + h;
          const up = objective();
          dist.logStd.value[j] = v - h;
          const down = objective();
          dist.logStd.value[j] = v;
          expect(dist.logStd.grad[j]).toBeCloseTo((up - down) / (2 * h), 6);
        }
      }
    });
  }

  it('the softmax-Gaussian hands the env weights on the simplex', () => {
    const dist = distributionFor({ kind: 'box', shape: [3] }, 0);
    const raw = new Float64Array(3);
    dist.sample(Float64Array.of(0.1, 2, -1), createRng(1), raw);
    const w = dist.envAction(raw) as Float64Array;
    expect(w.every((x) => x > 0)).toBe(true);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });
});
