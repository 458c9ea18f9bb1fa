import { describe, expect, it } from 'vitest';
import { Matrix } from '../core/index.ts';
import { describeShared } from '../../test/support/shared.ts';
import { pypfoptSetup } from '../../test/support/pypfopt-setup.ts';
import {
  capmReturn,
  emaHistoricalReturn,
  expCov,
  ledoitWolf,
  meanHistoricalReturn,
  oas,
  repairCovariance,
  returnsFromPrices,
  riskModelKinds,
  sampleCorr,
  sampleCov,
  semicovariance,
  shrunkCovariance,
} from './index.ts';

const toy3 = [
  [4.0, 2.0, 0.6],
  [4.2, 2.1, 0.59],
  [3.9, 2.0, 0.58],
  [4.3, 2.1, 0.62],
  [4.1, 2.2, 0.63],
];
const toy4 = [
  [4.0, 2.0, 0.6, -12],
  [4.2, 2.1, 0.59, -13.2],
  [3.9, 2.0, 0.58, -11.3],
  [4.3, 2.1, 0.62, -11.7],
  [4.1, 2.2, 0.63, -10.1],
];
const table = (rows: number[][]) =>
  returnsFromPrices(
    Float64Array.from(rows.flat()),
    rows.length,
    rows[0]!.map((_, i) => `X${i}`),
  );

describe('expected returns (PyPortfolioOpt toy figures, rtol 1e-3 as its tests; ours agree to 1e-7)', () => {
  it('compounding and arithmetic means, frequency 1', () => {
    // The 4th column has negative "prices": returns are still computed as ratios by pypfopt; we reject them.
    expect(() => table(toy4)).toThrow(/must be > 0/);
    const r = table(toy3);
    const g = meanHistoricalReturn(r, { frequency: 1 });
    [0.0061922, 0.0241137, 0.0122722].forEach((e, i) => expect(Math.abs(g[i]! - e)).toBeLessThan(1e-6));
    const a = meanHistoricalReturn(r, { frequency: 1, compounding: false });
    [0.008656, 0.025, 0.0128697].forEach((e, i) => expect(Math.abs(a[i]! - e)).toBeLessThan(1e-6));
  });
  it('EMA with a huge span tends to the arithmetic mean', () => {
    const r = table(toy3);
    const e = emaHistoricalReturn(r, { span: 1e12, frequency: 1, compounding: false });
    const a = meanHistoricalReturn(r, { frequency: 1, compounding: false });
    e.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 9));
  });
});

describe('covariance estimators', () => {
  it('sample_cov / 252 on the toy table (1e-15)', () => {
    const S = sampleCov(table(toy3)).scale(1 / 252);
    const e = [
      [0.006661687937656102, 0.00264970955585574, 0.0020849735375206195],
      [0.00264970955585574, 0.0023450491307634215, 0.00096770864287974],
      [0.0020849735375206195, 0.00096770864287974, 0.0016396416271856837],
    ];
    e.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(S.get(i, j) - v)).toBeLessThan(1e-15)));
  });
  it('log-return sample cov (atol 1e-5)', () => {
    const r = returnsFromPrices(Float64Array.from(toy3.flat()), 5, ['a', 'b', 'c'], { log: true });
    const S = sampleCov(r, { frequency: 1 });
    const e = [
      [0.006507, 0.002652, 0.001965],
      [0.002652, 0.002345, 0.00095],
      [0.001965, 0.00095, 0.001561],
    ];
    e.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(S.get(i, j) - v)).toBeLessThan(1e-5)));
  });
  it('pairwise-complete on ragged data equals a per-pair two-pass computation', () => {
    const prices = Float64Array.from([
      NaN,
      1,
      2,
      NaN,
      1.1,
      2.1,
      3,
      1.05,
      2.3,
      3.2,
      1.2,
      2.2,
      3.1,
      1.1,
      2.5,
      3.3,
      1.3,
      2.4,
    ]);
    const r = returnsFromPrices(prices, 6, ['a', 'b', 'c']);
    const S = sampleCov(r, { frequency: 1 });
    // a vs b over the dates both exist (rows 1..4 of returns)
    const col = (j: number) => Array.from({ length: r.nDates }, (_, t) => r.values[t * 3 + j]!);
    const a = col(0),
      b = col(1);
    const idx = a.map((v, t) => (Number.isNaN(v) || Number.isNaN(b[t]!) ? -1 : t)).filter((t) => t >= 0);
    const ma = idx.reduce((s, t) => s + a[t]!, 0) / idx.length;
    const mb = idx.reduce((s, t) => s + b[t]!, 0) / idx.length;
    const c = idx.reduce((s, t) => s + (a[t]! - ma) * (b[t]! - mb), 0) / (idx.length - 1);
    expect(S.get(0, 1)).toBeCloseTo(c, 15);
    expect(sampleCorr(r).get(0, 0)).toBe(1);
  });
  it('semicovariance equals DᵀD/T·f; exp_cov with a huge span is close to the sample cov', () => {
    const r = table(toy3);
    const S = semicovariance(r, { frequency: 1 });
    let d = 0;
    for (let t = 0; t < r.nDates; t++) d += Math.min(r.values[t * 3]!, 0) ** 2;
    expect(S.get(0, 0)).toBeCloseTo(d / r.nDates, 15);
    const E = expCov(r, { span: 1e9, frequency: 1 });
    const C = sampleCov(r, { frequency: 1 }).scale((r.nDates - 1) / r.nDates);
    expect(E.get(0, 1)).toBeCloseTo(C.get(0, 1), 8);
  });
  it('shrunk_covariance(1) is the scaled identity, (0) the sample', () => {
    const S = sampleCov(table(toy3));
    const one = shrunkCovariance(S, 1).matrix;
    const tr = (S.get(0, 0) + S.get(1, 1) + S.get(2, 2)) / 3;
    expect(one.get(0, 0)).toBeCloseTo(tr, 15);
    expect(one.get(0, 1)).toBe(0);
    expect(Array.from(shrunkCovariance(S, 0).matrix.data)).toEqual(Array.from(S.data));
  });
  it('OAS and Ledoit-Wolf give intensities in [0, 1] and PSD matrices', () => {
    const r = table(toy3);
    for (const est of [
      oas(r),
      ledoitWolf(r),
      ledoitWolf(r, { target: 'single-factor' }),
      ledoitWolf(r, { target: 'constant-correlation' }),
    ]) {
      expect(est.shrinkage!).toBeGreaterThanOrEqual(0);
      expect(est.shrinkage!).toBeLessThanOrEqual(1);
      expect(repairCovariance(est.matrix).repaired).toBe(false);
    }
  });
  it('nearest-PSD repair is reported, never silent', () => {
    const kinds = riskModelKinds.sample.create({});
    const est = kinds.estimate(table(toy3));
    expect(est.repaired).toBe(false);
    const r = repairCovariance(
      Matrix.fromRows([
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ]),
    );
    expect(r.repaired).toBe(true);
    expect(r.minEigenvalueBefore!).toBeLessThan(0);
  });
  it('never mutates its input', () => {
    const r = table(toy3);
    const before = r.values.slice();
    sampleCov(r);
    ledoitWolf(r, { target: 'constant-correlation' });
    expCov(r);
    expect(Array.from(r.values)).toEqual(Array.from(before));
  });
});

describeShared('PyPortfolioOpt risk figures on stock_prices.csv', ['data', 'pypfopt', 'stock_prices.csv'], () => {
  it('7125 return rows; mean_historical_return vector (6 dp as asserted)', () => {
    const s = pypfoptSetup();
    expect(s.returns.nDates).toBe(7125);
    const e = [
      0.247967, 0.294304, 0.284037, 0.1923164, 0.371327, 0.1360093, 0.0328503, 0.1200115, 0.10554, 0.0423457, 0.1002559,
      0.1442237, -0.0792602, 0.1430506, 0.0736356, 0.238835, 0.388665, 0.226717, 0.1561701, 0.2318153,
    ];
    e.forEach((v, i) => expect(Math.abs(s.mu[i]! - v)).toBeLessThan(1e-6));
  });
  it('CAPM returns with the equal-weighted proxy (6 dp)', () => {
    const s = pypfoptSetup();
    const c = capmReturn(s.returns, { riskFreeRate: 0.02 });
    const e = [
      0.22148462799238577, 0.2835429647498704, 0.14693081977908462, 0.1488989354304723, 0.4162399750335195,
      0.22716772604184535, 0.3970337136813829, 0.16733214988182069, 0.31791477659742146, 0.17279931642386534,
      0.15271750464365566, 0.351778014382922, 0.32859883451716376, 0.1501938182844417, 0.268295486802897,
      0.31632339201710874, 0.27753479916328516, 0.16959588523287855, 0.3089119447773357, 0.2558719211959501,
    ];
    e.forEach((v, i) => expect(Math.abs(c[i]! - v)).toBeLessThan(1e-6));
  });
  it('CAPM returns with SPY as the market (joined on dates, how="left"), 6 dp', async () => {
    const { readWidePrices } = await import('../../test/support/pypfopt.ts');
    const s = pypfoptSetup();
    const spy = readWidePrices('data', 'pypfopt', 'spy_prices.csv');
    const sr = returnsFromPrices(spy.values, spy.dates.length, spy.assets, { dates: spy.dates });
    const byDate = new Map(sr.dates!.map((d, t) => [d, sr.values[t]!]));
    const market = Float64Array.from(s.returns.dates!, (d) => byDate.get(d) ?? NaN);
    const c = capmReturn(s.returns, { riskFreeRate: 0.02, market });
    const e = [
      0.09115799375654746, 0.09905386632033128, 0.05676282405265752, 0.06291827346436336, 0.13147799781014877,
      0.10239088012000815, 0.1311567086884512, 0.07339649698626659, 0.1301248935078549, 0.07620949056643983,
      0.07629095442513395, 0.12163575425541985, 0.10400070536161658, 0.0781736030988492, 0.09185177050469516,
      0.10245700691271296, 0.11268307946677197, 0.07870087187919145, 0.1275598841214107, 0.09536788741392595,
    ];
    e.forEach((v, i) => expect(Math.abs(c[i]! - v)).toBeLessThan(1e-6));
  });
  it('equal-weight variance wᵀSw = 0.04498224489292057 and tracking error 0.028297778946639436', () => {
    const S = pypfoptSetup().S;
    const w = new Float64Array(20).fill(1 / 20);
    expect(S.quadForm(w)).toBeCloseTo(0.04498224489292057, 14);
    const d = new Float64Array(20).fill(-1 / 20);
    for (let i = 0; i < 5; i++) d[i] = 0.2 - 1 / 20;
    expect(S.quadForm(d)).toBeCloseTo(0.028297778946639436, 14);
  });
});

describe('Gram kernels', () => {
  it('the WebAssembly SIMD kernel equals the scalar kernel to 1e-14 relative (symmetric and rectangular, odd sizes)', async () => {
    const { gram, gramJs } = await import('./gram.ts');
    const T = 301;
    const A = Float64Array.from({ length: 7 * T }, (_, i) => Math.sin(i * 0.37));
    const B = Float64Array.from({ length: 5 * T }, (_, i) => Math.cos(i * 0.11));
    for (const [x, nx, y, ny, sym] of [
      [A, 7, A, 7, true],
      [A, 7, B, 5, false],
    ] as const) {
      const fast = gram(x, nx, y, ny, T, sym);
      const slow = gramJs(x, nx, y, ny, T, sym);
      fast.forEach((v, i) => expect(Math.abs(v - slow[i]!)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(slow[i]!)) * T));
    }
  });
});

describe('isPositiveSemidefinite', () => {
  it('accepts PSD (also rank-deficient) and rejects indefinite matrices, across block boundaries', async () => {
    const { isPositiveSemidefinite: psd } = await import('./index.ts');
    const n = 130;
    const T = 60; // T < n: rank-deficient but PSD
    const X = Float64Array.from({ length: T * n }, (_, i) => Math.sin(i * 1.7) + Math.cos(i * 0.31));
    const r = { values: X, nDates: T, nAssets: n, assets: Array.from({ length: n }, (_, i) => `a${i}`) };
    const S = sampleCov(r);
    expect(psd(S)).toBe(true);
    const bad = S.clone();
    const c = 1.05 * Math.sqrt(bad.get(10, 10) * bad.get(120, 120));
    bad.set(10, 120, c);
    bad.set(120, 10, c);
    expect(psd(bad)).toBe(false);
    expect(
      psd(
        Matrix.fromRows([
          [1, 0.9, -0.9],
          [0.9, 1, 0.9],
          [-0.9, 0.9, 1],
        ]),
      ),
    ).toBe(false);
  });
});
