import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { neighbourBandwidths, numericParzen, logPdfNumeric, observationWeights, paramEstimator } from './index.ts';
import type { Choice, ParamSpec } from './index.ts';

const fx = JSON.parse(readFileSync(new URL('./fixtures/optuna-parzen.json', import.meta.url), 'utf8')) as {
  cases: { name: string; spec: ParamSpec; observations: number[]; points: number[]; logPdf: number[] }[];
};

describe('Parzen estimators against optuna 3.1 (scripts/make-tpe-fixtures.py)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: log l(x) equals optuna's _ParzenEstimator.log_pdf to 1e-12`, () => {
      // Categorical observations and points are indices into the choices in the fixture.
      const ext = (v: number): Choice => (c.spec.kind === 'categorical' ? c.spec.choices[v]! : v);
      const pe = paramEstimator(c.spec, c.observations.map(ext), { priorWeight: 1, bandwidthWeighted: true });
      c.points.forEach((x, i) => expect(pe.logPdf(ext(x))).toBeCloseTo(c.logPdf[i]!, 12));
    });
  }
});

describe('numeric Parzen estimator', () => {
  it('is a true density over its range when not bandwidth-weighted (integrates to 1)', () => {
    const pe = numericParzen([0.1, 0.15, 0.6, 0.95], 0, 1, 0, { priorWeight: 1 });
    const n = 20000;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(logPdfNumeric(pe, (i + 0.5) / n)) / n;
    expect(s).toBeCloseTo(1, 6);
  });

  it('discrete (step) masses over the values sum to 1', () => {
    const pe = numericParzen([3, 5, 5, 9], 0.5, 10.5, 1, { priorWeight: 1 });
    let s = 0;
    for (let v = 1; v <= 10; v++) s += Math.exp(logPdfNumeric(pe, v));
    expect(s).toBeCloseTo(1, 12);
  });

  it('bandwidths: widest neighbour gap, inner gap at the two ends, clipped to [range/min(100, n+1), range]', () => {
    // centres 0.2, 0.3, 0.9 on [0, 1]: gaps 0.1 and 0.6; ends use their inner gap; min clip 1/min(100, 4) = 0.25
    const s = neighbourBandwidths(Float64Array.of(0.9, 0.2, 0.3), 0, 1);
    [0.6, 0.25, 0.6].forEach((want, i) => expect(s[i]).toBeCloseTo(want, 14));
  });

  it('observation weights: ones below 25, then a ramp from 1/n over the oldest n − 25', () => {
    expect(Array.from(observationWeights(3))).toEqual([1, 1, 1]);
    const w = observationWeights(30);
    expect(w[0]).toBeCloseTo(1 / 30, 15);
    expect(w[4]).toBe(1);
    expect(w.slice(5).every((x) => x === 1)).toBe(true);
    expect(w[1]! > w[0]! && w[2]! > w[1]!).toBe(true);
  });
});
