import { describe, expect, it } from 'vitest';
import { modelKinds, type SvmModel } from '../index.ts';
import { modelRng } from '../internal/rng.ts';
import { dataset, FAR, friedman1, r2 } from '../test-support.ts';
import { kernelRows, solveSmo } from './smo.ts';
import { expNeg, predictionKernel, setSvrBackend, solveSvrSmo, svrBackend } from './svr-smo.ts';

const ctx = { asOf: FAR, seed: 1 };

describe('SVC', () => {
  it('hard-margin linear SVC on two points: w = (1, 0), b = 0, decision ±1 at the support vectors', () => {
    // max-margin solution for x = (−1, 0) → class 0 and (1, 0) → class 1 is f(x) = x₀ (α = ½ each)
    const m = modelKinds['svc']!.create({ kernel: 'linear', C: 1000, standardize: false, tol: 1e-10 }).fit(
      dataset(
        [
          [-1, 0],
          [1, 0],
          [-2, 1],
          [2, -1],
        ],
        [1, 0, 1, 0],
      ),
      ctx,
    ) as SvmModel;
    // the machine votes class 0 (its +1 side) when positive; class 0 sits at x₀ > 0, so w = (+1, 0)
    const mc = m.machines[0]!;
    expect(mc.rho).toBeCloseTo(0, 8);
    const w = [0, 1].map((f) => Array.from(mc.sv).reduce((s, sv, q) => s + mc.coef[q]! * m.svX[sv * 2 + f]!, 0));
    expect(w[0]).toBeCloseTo(1, 8);
    expect(w[1]).toBeCloseTo(0, 8);
    expect(mc.sv.length).toBe(2); // only (±1, 0) are support vectors
    expect(Array.from(m.predict(Float64Array.from([-5, 3, 5, -3]), 2))).toEqual([1, 0]);
  });

  it('separates two RBF-separable rings perfectly', () => {
    const r = modelRng(3);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const inner = i % 2 === 0;
      const rad = inner ? r.uniform() : 2 + r.uniform();
      const a = r.uniform() * 2 * Math.PI;
      rows.push([rad * Math.cos(a), rad * Math.sin(a)]);
      y.push(inner ? 1 : 0);
    }
    const d = dataset(rows, y);
    const m = modelKinds['svc']!.create({ C: 10 }).fit(d, ctx);
    expect(Array.from(m.predict(d.X, d.n))).toEqual(y);
    const lin = modelKinds['svc']!.create({ kernel: 'linear' }).fit(d, ctx);
    const acc = Array.from(lin.predict(d.X, d.n)).filter((v, i) => v === y[i]).length / y.length;
    expect(acc).toBeLessThan(0.8); // a line cannot separate rings
  });
});

describe('SVR', () => {
  it('linear SVR on an exact line fits within the ε tube', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i / 10]);
    const y = rows.map(([x]) => 2 * x! - 1);
    const m = modelKinds['svr']!.create({ kernel: 'linear', C: 100, epsilon: 0.05, standardize: false, tol: 1e-8 }).fit(
      dataset(rows, y),
      ctx,
    );
    const f = m.predict(Float64Array.from(rows.flat()), 40);
    f.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(0.05 + 1e-6));
  });

  it('RBF SVR learns a smooth nonlinear function (R² > 0.95 held out)', () => {
    const r = modelRng(4);
    const mk = (n: number) => {
      const rows: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = r.uniform() * 6 - 3;
        rows.push([x]);
        y.push(Math.sin(x) + 0.05 * r.normal());
      }
      return dataset(rows, y);
    };
    const tr = mk(300);
    const te = mk(200);
    const m = modelKinds['svr']!.create({ C: 10, epsilon: 0.05 }).fit(tr, ctx);
    expect(r2(te.y, m.predict(te.X, te.n))).toBeGreaterThan(0.95);
  });
});

describe('SVR pair solver (svr-smo.ts)', () => {
  it("reaches the generic 2n-variable solver's solution: objective, support vectors and decision values", () => {
    // Friedman #1, 300 × 6, RBF γ = 1/6, ε = 0.1, tol 1e-3: the generic solver (libsvm's permuted active set and
    // gradient reconstruction) is the reference. The pair solver keeps one gradient in another summation order, so
    // exact ties (common: the pair just optimised ends with equal F) may break the other way and the paths differ
    // after a few hundred steps; both stop at the same KKT tolerance, so the dual objective agrees to ~1e-7 relative
    // and decision values to a few tol (measured: ≤ 1.5e-3 over C ∈ {1, 10, 100}).
    const d = friedman1(300, 6, 7);
    const n = d.n;
    const e = 0.1;
    const { row, diag } = kernelRows(d.X, n, d.p, 'rbf', 1 / 6, 1e7);
    const l = 2 * n;
    const y = new Int8Array(l);
    const lin = new Float64Array(l);
    const base = new Int32Array(l);
    for (let i = 0; i < n; i++) {
      y[i] = 1;
      lin[i] = e - d.y[i]!;
      base[i] = i;
      y[i + n] = -1;
      lin[i + n] = e + d.y[i]!;
      base[i + n] = i;
    }
    const beta = (a: Float64Array) => Float64Array.from({ length: n }, (_, b) => a[b]! - a[b + n]!);
    const Kv = (v: Float64Array) =>
      Float64Array.from({ length: n }, (_, b) => {
        const K = row(b);
        let q = 0;
        for (let c = 0; c < n; c++) q += K[c]! * v[c]!;
        return q;
      });
    for (const C of [1, 100]) {
      const ref = solveSmo({ l, y, p: lin, C: new Float64Array(l).fill(C), base, row, diag }, 1e-3, 1e6);
      const got = solveSvrSmo(
        { X: d.X, n, p: d.p, z: d.y, epsilon: e, C, kernel: 'rbf', gamma: 1 / 6, cacheBytes: 1e7 },
        1e-3,
        1e6,
      );
      expect(ref.converged && got.converged).toBe(true);
      const [br, bg] = [beta(ref.alpha), beta(got.alpha)];
      const [kr, kg] = [Kv(br), Kv(bg)];
      // dual objective ½βᵀKβ + ε Σ(α⁺ + α⁻) − zᵀβ
      const obj = (a: Float64Array, b: Float64Array, k: Float64Array) => {
        let o = 0;
        for (let t = 0; t < n; t++) o += 0.5 * b[t]! * k[t]! + e * (a[t]! + a[t + n]!) - d.y[t]! * b[t]!;
        return o;
      };
      const [or, og] = [obj(ref.alpha, br, kr), obj(got.alpha, bg, kg)];
      expect(Math.abs(og - or) / Math.abs(or)).toBeLessThan(1e-6);
      const nsv = (b: Float64Array) => b.filter((v) => v !== 0).length;
      expect(Math.abs(nsv(bg) - nsv(br))).toBeLessThanOrEqual(2);
      for (let t = 0; t < n; t++) expect(Math.abs(kg[t]! - got.rho - (kr[t]! - ref.rho))).toBeLessThan(5e-3);
      for (let t = 0; t < l; t++) expect(got.alpha[t]! >= 0 && got.alpha[t]! <= C).toBe(true);
    }
  });

  it('WebAssembly and JavaScript loops give bit-identical solutions, also with a row cache smaller than the problem', () => {
    const d = friedman1(257, 5, 11); // odd n exercises the SIMD loops' scalar tails
    const prob = {
      X: d.X,
      n: d.n,
      p: d.p,
      z: d.y,
      epsilon: 0.2,
      C: 5,
      kernel: 'rbf' as const,
      gamma: 0.3,
      cacheBytes: 1e7,
    };
    const was = svrBackend();
    try {
      setSvrBackend('js');
      const js = solveSvrSmo(prob, 1e-3, 1e6);
      const jsSmall = solveSvrSmo({ ...prob, cacheBytes: 40 * 4 * 264 }, 1e-3, 1e6); // 40 rows, one at a time
      setSvrBackend('wasm');
      const wa = solveSvrSmo(prob, 1e-3, 1e6);
      const waSmall = solveSvrSmo({ ...prob, cacheBytes: 40 * 4 * 264 }, 1e-3, 1e6);
      // 100 rows in blocks of 16: evictions while entries are copied from cached rows
      const waMid = solveSvrSmo({ ...prob, cacheBytes: 100 * 4 * 264 }, 1e-3, 1e6);
      for (const r of [jsSmall, wa, waSmall, waMid]) {
        expect(r.iterations).toBe(js.iterations);
        expect(r.rho).toBe(js.rho);
        expect(Array.from(r.alpha)).toEqual(Array.from(js.alpha));
      }
      // linear kernel (the general j selection, K(b, b) = ‖x_b‖²)
      const lin = { ...prob, kernel: 'linear' as const, C: 0.5 };
      setSvrBackend('js');
      const jsLin = solveSvrSmo(lin, 1e-3, 1e6);
      setSvrBackend('wasm');
      const waLin = solveSvrSmo(lin, 1e-3, 1e6);
      expect(waLin.iterations).toBe(jsLin.iterations);
      expect(Array.from(waLin.alpha)).toEqual(Array.from(jsLin.alpha));
    } finally {
      setSvrBackend(was);
    }
  });

  it("the kernel rows' exp is within 1e-15 relative of Math.exp, and equal after rounding to float32", () => {
    // measured: 2.1e-16 max relative error and no float32 difference over 3M points in [−120, 0]
    const r = modelRng(5);
    let maxRel = 0;
    let f32Diff = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = -r.uniform() * [1, 30, 120][i % 3]!;
      const a = Math.exp(x);
      const b = expNeg(x);
      maxRel = Math.max(maxRel, Math.abs(a - b) / a);
      if (Math.fround(a) !== Math.fround(b)) f32Diff++;
    }
    expect(maxRel).toBeLessThan(1e-15);
    expect(f32Diff).toBe(0);
    expect(expNeg(0)).toBe(1);
    expect(expNeg(-1e6)).toBe(Math.exp(-200)); // clamped: 0 as float32 either way
  });

  it('prediction kernel: WebAssembly and JavaScript agree bit for bit and match exp(−γ‖z − s‖²) to 1e-14', () => {
    const S = friedman1(37, 7, 21).X; // 37 support vectors: not a multiple of 8
    const Z = friedman1(70, 7, 22).X; // 70 rows: more than one block of 64
    const was = svrBackend();
    try {
      for (const kernel of ['rbf', 'linear'] as const) {
        const got: Float64Array[] = [];
        for (const b of ['js', 'wasm'] as const) {
          setSvrBackend(b);
          const out = new Float64Array(70 * 37);
          predictionKernel(S, 37, 7, kernel, 0.4)(Z, 70, out);
          got.push(out);
        }
        expect(Array.from(got[1]!)).toEqual(Array.from(got[0]!));
        for (let i = 0; i < 70; i++) {
          for (let c = 0; c < 37; c++) {
            let d2 = 0;
            let dot = 0;
            for (let f = 0; f < 7; f++) {
              d2 += (Z[i * 7 + f]! - S[c * 7 + f]!) ** 2;
              dot += Z[i * 7 + f]! * S[c * 7 + f]!;
            }
            const want = kernel === 'rbf' ? Math.exp(-0.4 * d2) : dot;
            expect(Math.abs(got[0]![i * 37 + c]! - want)).toBeLessThan(1e-14 * Math.max(1, Math.abs(want)));
          }
        }
      }
    } finally {
      setSvrBackend(was);
    }
  });

  it('same seed and data → byte-identical model JSON', () => {
    const d = friedman1(200, 5, 3);
    const fit = () => JSON.stringify(modelKinds['svr']!.create({ C: 10 }).fit(d, ctx).toJSON());
    expect(fit()).toBe(fit());
  });
});
