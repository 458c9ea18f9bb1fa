/**
 * Feature drift on dependent rows (issue 12: the alert-only detectors cried wolf). Overlapping-window features are
 * strongly autocorrelated; KS and PSI that count every row as independent flag ordinary wandering as drift. These
 * tests fix the statistics against a known truth: AR(1) series (marginal sd 1) with and without a planted level shift,
 * and panels whose assets move as one.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { FeatureDriftDetector, panelDesignEffect, volBand } from './index.ts';

const REF = 252;
const WINDOW = 63;

/** AR(1) with coefficient phi and unit marginal variance; `shift` is added from row `from` on. */
function ar1(n: number, phi: number, seed: number, from = Infinity, shift = 0): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  let v = rng.normal();
  const s = Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    v = phi * v + s * rng.normal();
    x[i] = v + (i >= from ? shift : 0);
  }
  return x;
}

const oneRowPerDate = Array.from({ length: REF }, () => 1);
const detector = (ref: Float64Array, test: 'ks' | 'psi', dated = true) =>
  new FeatureDriftDetector(ref, REF, ['x'], {
    test,
    ...(dated ? { rowsPerDate: oneRowPerDate, window: WINDOW } : {}),
  });

/** Share of 63-row windows after the reference (three disjoint ones per series) that drift, over `series` series. */
function falseAlarmRate(phi: number, test: 'ks' | 'psi', series: number, dated = true): number {
  let hits = 0;
  for (let seed = 1; seed <= series; seed++) {
    const x = ar1(REF + 3 * WINDOW, phi, seed);
    const det = detector(x.subarray(0, REF), test, dated);
    for (let k = 0; k < 3; k++) {
      const from = REF + k * WINDOW;
      if (det.predict(x.subarray(from, from + WINDOW), WINDOW).drifted) hits++;
    }
  }
  return hits / (3 * series);
}

describe('feature drift on autocorrelated rows (effective sample size)', () => {
  // 200 series × 3 windows = 600 tests at α = 0.05: the rate's sampling sd is ≈ 0.009, so 0.10 is ≈ 5 sd above
  // nominal. Measured: ks 0.060 and psi 0.080 at φ = 0.9 (400 series); 0.059 / 0.076 at φ = 0.95.
  it('with no shift, AR(1) with φ = 0.9 drifts at about the nominal 5 % (KS and PSI), not most of the time', () => {
    for (const test of ['ks', 'psi'] as const) {
      const rate = falseAlarmRate(0.9, test, 200);
      expect(rate, `${test} false-alarm rate`).toBeLessThanOrEqual(0.1);
      // Rows counted as independent (no date structure: the old behaviour) cry wolf on the same series.
      expect(falseAlarmRate(0.9, test, 200, false), `${test} without effective sizes`).toBeGreaterThan(0.4);
    }
  });

  it('a planted level shift of 3 marginal sd in AR(1) with φ = 0.9 is found within one 63-bar window on ≥ 90 % of series', () => {
    // Measured over 400 series: median delay 38 (KS) / 40 (PSI) bars, 90th percentile 56 / 58.
    const series = 100;
    for (const test of ['ks', 'psi'] as const) {
      const delays: number[] = [];
      for (let seed = 1; seed <= series; seed++) {
        const start = REF + WINDOW;
        const x = ar1(start + 2 * WINDOW, 0.9, 1000 + seed, start, 3);
        const det = detector(x.subarray(0, REF), test);
        let delay = Infinity;
        for (let t = start + 1; t <= start + 2 * WINDOW && delay === Infinity; t++)
          if (det.predict(x.subarray(t - WINDOW, t), WINDOW).drifted) delay = t - start;
        delays.push(delay);
      }
      const within = delays.filter((d) => d <= WINDOW).length / series;
      expect(within, `${test}: delays ${delays.join(' ')}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('the panel design effect is ≈ 1 for independent rows, ≈ N·LRF when N assets move as one', () => {
    const n = 40;
    const dates = 252;
    const rng = createRng(7);
    const iid = Float64Array.from({ length: n * dates }, () => rng.normal());
    const perDate = Array.from({ length: dates }, () => n);
    const sorted = (x: Float64Array) => x.slice().sort();
    // Independent rows: the estimate scatters around 1 (floored there); 1.5 allows its sampling error.
    expect(panelDesignEffect(iid, perDate, sorted(iid), WINDOW)).toBeLessThan(1.5);
    // Every asset equals one white-noise series: each date is one value, so deff = N (the time part is 1).
    const common = new Float64Array(n * dates);
    for (let t = 0; t < dates; t++) common.fill(rng.normal(), t * n, (t + 1) * n);
    const d = panelDesignEffect(common, perDate, sorted(common), 1);
    expect(d).toBeGreaterThan(0.9 * n);
    expect(d).toBeLessThan(1.1 * n);
  });
});

describe('volBand (the vol-ratio threshold from the ex-ante σ’s own errors)', () => {
  it('is the study threshold until the reference errors say more: max(1.5, exp(2.576 · rms))', () => {
    expect(volBand(undefined, 1.5)).toBe(1.5);
    expect(volBand([0.01, -0.01], 1.5)).toBe(1.5); // too few errors to estimate a band
    const small = Array.from({ length: 100 }, (_, i) => (i % 2 ? 0.05 : -0.05));
    expect(volBand(small, 1.5)).toBe(1.5);
    const wide = Array.from({ length: 100 }, (_, i) => (i % 2 ? 0.4 : -0.4));
    // z = normalQuantile(0.995) = 2.5758 (Acklam's approximation, error < 1.2e-9).
    expect(volBand(wide, 1.5)).toBeCloseTo(Math.exp(2.5758293035489 * 0.4), 6);
  });
});
