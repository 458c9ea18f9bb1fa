import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import {
  BOCPD_START,
  bocpdUpdate,
  CUSUM_START,
  cusumUpdate,
  FeatureDriftDetector,
  longRunFactor,
  ks2samp,
  KsDetector,
  PsiDetector,
  psiOf,
  rollingIcDecay,
  volatilityRatio,
  WalkForwardMonitor,
  MONITOR_DEFAULT_SETTINGS,
  type BocpdParams,
  type MonitorSpec,
} from './index.ts';

const normals = (n: number, seed: number, shift = 0, scale = 1): Float64Array => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => shift + scale * rng.normal());
};

describe('ks2samp', () => {
  // Fixture: python3 src/monitor/fixtures/ks-scipy.py > src/monitor/fixtures/ks-scipy.json (scipy 1.17.1).
  const fx = JSON.parse(readFileSync(new URL('./fixtures/ks-scipy.json', import.meta.url), 'utf8')) as {
    cases: { a: number[]; b: number[]; statistic: number; exact: number; asymp: number }[];
  };
  it('matches scipy.stats.ks_2samp exact p-values and the Kolmogorov limit to 1e-10 (ties included)', () => {
    for (const c of fx.cases) {
      const ex = ks2samp(c.a, c.b, 'exact');
      expect(ex.statistic).toBeCloseTo(c.statistic, 14);
      // 1e-10 absolute: both sides sum O(n·m) rounded terms in [0, 1]; the largest case has n·m = 40000.
      expect(Math.abs(ex.pValue - c.exact)).toBeLessThan(1e-10);
      expect(Math.abs(ks2samp(c.a, c.b, 'asymp').pValue - c.asymp)).toBeLessThan(1e-10);
    }
    expect(fx.cases.length).toBeGreaterThanOrEqual(8);
  });
  it('KsDetector.predict never changes its reference and is symmetric in the samples', () => {
    const ref = normals(200, 1);
    const snapshot = ref.slice();
    const det = new KsDetector(ref);
    const cur = normals(100, 2, 0.6);
    const r1 = det.predict(cur);
    const r2 = det.predict(cur);
    expect(r1).toEqual(r2);
    expect(ref).toEqual(snapshot);
    expect(r1.kind).toBe('pValue');
    expect(r1.drifted).toBe(true);
    expect(ks2samp(cur, ref).pValue).toBeCloseTo(ks2samp(ref, cur).pValue, 12);
  });
});

describe('PsiDetector', () => {
  it('bins on the reference quantiles: each reference bin holds 1/bins, and PSI of the reference itself is 0', () => {
    const ref = normals(1000, 3);
    const det = new PsiDetector(ref, { bins: 10 });
    for (const s of det.referenceShares) expect(s).toBeCloseTo(0.1, 2);
    expect(det.predict(ref).statistic).toBeCloseTo(0, 12);
    expect(det.predict(normals(1000, 4)).drifted).toBe(false);
    const shifted = det.predict(normals(1000, 5, 1));
    expect(shifted.drifted).toBe(true);
    expect(shifted.kind).toBe('distance');
  });
  it('an empty bin costs (c − ε)·ln(c/ε) with ε = 1e-4, not infinity', () => {
    expect(psiOf([0.5, 0.5], [1, 0])).toBeCloseTo((1 - 0.5) * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), 12);
  });
});

describe('FeatureDriftDetector', () => {
  it('KS per feature with a Bonferroni threshold α / nFeatures; only the shifted feature drifts', () => {
    const n = 300;
    const p = 3;
    const make = (seed: number, shift1: number) => {
      const x = new Float64Array(n * p);
      const cols = [normals(n, seed), normals(n, seed + 1, shift1), normals(n, seed + 2)];
      for (let i = 0; i < n; i++) for (let f = 0; f < p; f++) x[i * p + f] = cols[f]![i]!;
      return x;
    };
    const det = new FeatureDriftDetector(make(10, 0), n, ['a', 'b', 'c']);
    const r = det.predict(make(20, 0.8), n);
    expect(r.threshold).toBeCloseTo(0.05 / 3, 15);
    expect(r.features.map((f) => f.drifted)).toEqual([false, true, false]);
    expect(r.drifted).toBe(true);
    expect(det.predict(make(30, 0), n).drifted).toBe(false);
  });
});

describe('cusumUpdate (Page, two-sided)', () => {
  it('follows S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k) and estimates the change at the last zero', () => {
    let s = CUSUM_START;
    const zs = [0.2, -0.3, 0.1, 2, 2, 2, 2];
    let last;
    for (const z of zs) {
      last = cusumUpdate(s, z, { k: 0.5, h: 4 });
      s = last.state;
    }
    expect(s.upper).toBeCloseTo(6, 12); // 1.5 × 4 from the fourth observation on
    expect(last!.drifted).toBe(true);
    expect(last!.side).toBe('up');
    expect(last!.changeIndex).toBe(3); // three observations before the shift
  });
  it('i.i.d. N(0,1): about one alarm per 1290 observations with k = 0.5, h = 6 (restart after each alarm)', () => {
    const z = normals(60000, 77);
    let s = CUSUM_START;
    let alarms = 0;
    for (const v of z) {
      const r = cusumUpdate(s, v);
      s = r.drifted ? CUSUM_START : r.state;
      if (r.drifted) alarms++;
    }
    const arl = z.length / alarms;
    expect(arl).toBeGreaterThan(900);
    expect(arl).toBeLessThan(1800);
  });
  it("sides 'down' keeps only S⁻: a rise never alarms; a fall alarms exactly as the two-sided chart's lower side", () => {
    const z = [...normals(200, 5), ...Array.from(normals(40, 6), (v) => v - 1.5)];
    let one = CUSUM_START;
    let two = CUSUM_START;
    for (const v of z) {
      const a = cusumUpdate(one, v, { sides: 'down' });
      const b = cusumUpdate(two, v);
      expect(a.state.upper).toBe(0);
      expect(a.state.lower).toBe(b.state.lower);
      expect(a.statistic).toBe(b.state.lower);
      if (a.drifted) expect([a.side, a.changeIndex]).toEqual(['down', b.state.lowerStart]);
      one = a.state;
      two = b.state;
    }
    // The same path turned upside down (a rise of 1.5 σ): the two-sided chart alarms, the 'down' chart never does.
    let up = CUSUM_START;
    let upTwo = CUSUM_START;
    let twoAlarms = 0;
    for (const v of z) {
      const a = cusumUpdate(up, -v, { sides: 'down' });
      expect(a.drifted).toBe(false);
      up = a.state;
      const b = cusumUpdate(upTwo, -v);
      if (b.drifted) twoAlarms++;
      upTwo = b.state;
    }
    expect(twoAlarms).toBeGreaterThan(0);
  });
});

describe('longRunFactor', () => {
  it('is 1 for white noise (floored) and ≈ (1 + ρ)/(1 − ρ) shrunk by Bartlett weights for AR(1)', () => {
    const e = normals(20000, 31);
    expect(longRunFactor(e, 0, 10)).toBeLessThan(1.1);
    const ar = new Float64Array(e.length);
    for (let i = 1; i < e.length; i++) ar[i] = 0.5 * ar[i - 1]! + e[i]!;
    // Bartlett-weighted sum over 10 lags of 0.5^l: 1 + 2 Σ (1 − l/11) 0.5^l = 2.64 (the full long-run factor is 3).
    let f = 1;
    for (let l = 1; l <= 10; l++) f += 2 * (1 - l / 11) * 0.5 ** l;
    // Tolerance 0.15: sampling error of ten autocorrelations at n = 20 000 (each ≈ ±0.01, doubled and summed).
    expect(Math.abs(longRunFactor(ar, 0, 10) - f)).toBeLessThan(0.15);
  });
});

describe('rollingIcDecay and volatilityRatio', () => {
  it('rolling IC: three standard errors below the reference mean is drift', () => {
    const ics = Array.from({ length: 63 }, (_, i) => (i % 2 ? 0.1 : -0.1));
    const r = rollingIcDecay(ics, { mean: 0.05, sd: 0.1 });
    expect(r.rollingIc).toBeCloseTo(-0.1 / 63, 12);
    expect(r.statistic).toBeCloseTo((0.05 + 0.1 / 63) / (0.1 / Math.sqrt(63)), 10);
    expect(r.drifted).toBe(true);
  });
  it('volatility ratio is two-sided around 1', () => {
    const r = normals(63, 9, 0, 0.02);
    const sd = Math.sqrt(r.reduce((s, v, _i, a) => s + (v - a.reduce((x, y) => x + y, 0) / a.length) ** 2, 0) / 62);
    expect(volatilityRatio(r, sd).statistic).toBeCloseTo(1, 12);
    expect(volatilityRatio(r, sd / 2).drifted).toBe(true);
    expect(volatilityRatio(r, sd * 2).drifted).toBe(true);
    expect(volatilityRatio(r, sd).drifted).toBe(false);
  });
});

/** Exact run-length posterior by enumerating every segmentation of x (2^(n−1) of them). */
function bruteForceRunLength(x: readonly number[], p: BocpdParams): number[] {
  const n = x.length;
  const H = 1 / p.hazardLambda;
  const post = new Array<number>(n).fill(0);
  // Segment marginal: x_seg ~ N(μ₀·1, σ²I + τ²11ᵀ), by Sherman–Morrison (independent of the sequential form).
  const segLik = (seg: number[]): number => {
    const k = seg.length;
    const s2 = p.sigma ** 2;
    const t2 = p.tau ** 2;
    const d = seg.map((v) => v - p.mu0);
    const sum = d.reduce((a, b) => a + b, 0);
    const quad = (d.reduce((a, b) => a + b * b, 0) - (t2 / (s2 + k * t2)) * sum * sum) / s2;
    const logDet = k * Math.log(s2) + Math.log(1 + (k * t2) / s2);
    return Math.exp(-0.5 * (k * Math.log(2 * Math.PI) + logDet + quad));
  };
  for (let mask = 0; mask < 1 << (n - 1); mask++) {
    // Bit i set: a new segment starts at observation i + 1 (0-based).
    let prior = 1;
    const starts = [0];
    for (let i = 1; i < n; i++) {
      const isStart = (mask >> (i - 1)) & 1;
      prior *= isStart ? H : 1 - H;
      if (isStart) starts.push(i);
    }
    let lik = 1;
    for (let s = 0; s < starts.length; s++) lik *= segLik(x.slice(starts[s], starts[s + 1] ?? n));
    post[n - 1 - starts[starts.length - 1]!]! += prior * lik;
  }
  const z = post.reduce((a, b) => a + b, 0);
  return post.map((v) => v / z);
}

describe('bocpdUpdate (Adams & MacKay 2007)', () => {
  const params: BocpdParams = {
    hazardLambda: 4,
    mu0: 0.3,
    tau: 1.5,
    sigma: 0.8,
    window: 3,
    threshold: 0.5,
    direction: 'both',
  };
  it('run-length posterior equals brute-force enumeration of every segmentation (7 observations)', () => {
    const x = [0.1, -0.4, 0.3, 2.5, 2.2, 2.9, -1];
    let s = BOCPD_START;
    for (let t = 0; t < x.length; t++) {
      const before = s.runLength.slice();
      const r = bocpdUpdate(s, x[t]!, params);
      expect(s.runLength).toEqual(before); // the previous state is never mutated
      s = r.state;
      const brute = bruteForceRunLength(x.slice(0, t + 1), params);
      for (let k = 0; k <= t; k++) expect(Math.abs(s.runLength[k]! - brute[k]!)).toBeLessThan(1e-12);
    }
  });
  it('finds a planted mean shift of 2σ within a few observations, and stays quiet before it', () => {
    const x = [...normals(300, 11), ...normals(60, 12, 2)];
    let s = BOCPD_START;
    let first = -1;
    let falseBefore = 0;
    for (let t = 0; t < x.length; t++) {
      const r = bocpdUpdate(s, x[t]!);
      s = r.state;
      if (r.drifted && t < 300) falseBefore++;
      if (r.drifted && t >= 300 && first < 0) first = t;
    }
    expect(falseBefore).toBe(0);
    expect(first).toBeGreaterThanOrEqual(300);
    expect(first - 300).toBeLessThanOrEqual(10);
  });
  it("direction 'down' counts only runs that average below μ₀: a rise of 2σ never alarms, a fall of 2σ does", () => {
    const firstAlarm = (shift: number): number => {
      const x = [...normals(300, 11), ...normals(60, 12, shift)];
      let s = BOCPD_START;
      for (let t = 0; t < x.length; t++) {
        const r = bocpdUpdate(s, x[t]!, { direction: 'down' });
        s = r.state;
        if (r.drifted) return t;
      }
      return -1;
    };
    expect(firstAlarm(2)).toBe(-1);
    const down = firstAlarm(-2);
    expect(down).toBeGreaterThanOrEqual(300);
    expect(down - 300).toBeLessThanOrEqual(10);
  });
});

describe('WalkForwardMonitor quality detectors', () => {
  const spec: MonitorSpec = {
    detectors: ['cusum'],
    settings: MONITOR_DEFAULT_SETTINGS,
    retrain: { on: ['schedule'], drift: [], every: 21, minTrainDates: 20, stride: 1 },
  };
  const shape = { horizon: 5, embargo: 0, trainWindow: 756, refitEvery: 126 };
  // Reference daily ICs with mean 0.1 and sd ≈ 0.2 (alternating, so the long-run factor is floored at 1).
  const ref = (anchor: number) => ({
    anchor,
    featureRows: new Float64Array(0),
    nRows: 0,
    featureNames: ['f'],
    dailyIc: Array.from({ length: 252 }, (_, i) => (i % 2 ? 0.3 : -0.1)),
  });
  const feed = (m: WalkForwardMonitor, from: number, n: number, ic: number) => {
    for (let u = from; u < from + n; u++) m.observeDay(u, `d${u}`, { ic });
  };

  it('a scheduled refit in the middle of a fall keeps the CUSUM evidence (it used to restart at 0)', () => {
    const m = new WalkForwardMonitor(spec, shape);
    m.setReference(ref(252));
    feed(m, 253, 5, -0.1); // z ≈ −1: S⁻ grows by ≈ 0.5 a day
    m.setReference(ref(258)); // scheduled refit, same kind of model
    feed(m, 258, 8, -0.1);
    const c = m.health().cusum!;
    expect(c.statistic).toBeCloseTo(13 * (0.2 / Math.sqrt(0.04 * (252 / 251)) - 0.5), 9);
    expect(c.drifted).toBe(true);
  });

  it('rolling IC: a fall of 4 reference standard errors is decay, unless the window itself swings 3× wider', () => {
    const rolling: MonitorSpec = { ...spec, detectors: ['rolling-ic'] };
    const calm = new WalkForwardMonitor(rolling, shape);
    calm.setReference(ref(252));
    feed(calm, 253, 63, 0); // mean 0.1 → 0 = 4 × 0.2/√63, daily ICs no wider than the reference's
    expect(calm.health()['rolling-ic']!.drifted).toBe(true);
    const wide = new WalkForwardMonitor(rolling, shape);
    wide.setReference(ref(252));
    for (let u = 253; u < 253 + 63; u++) wide.observeDay(u, `d${u}`, { ic: u % 2 ? 0.6 : -0.6 });
    // Mean 0.6/63 ≈ 0.01 (3.6 reference se below 0.1); the window's sd ≈ 0.6 replaces the reference's 0.2 in the
    // standard error, so the fall is ≈ 1.2 of them.
    const r = wide.health()['rolling-ic']!;
    expect(r.drifted).toBe(false);
    expect(r.statistic).toBeLessThan(1.5);
  });

  it('an IC that rises above the reference never alarms (decay only)', () => {
    const m = new WalkForwardMonitor(spec, shape);
    m.setReference(ref(252));
    feed(m, 253, 100, 0.5);
    expect(m.health().cusum!.statistic).toBe(0);
    expect(m.health().cusum!.drifted).toBe(false);
  });
});
