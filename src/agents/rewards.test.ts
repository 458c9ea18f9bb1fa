import { describe, expect, it } from 'vitest';
import { createReward } from './rewards.ts';

describe('rewards', () => {
  it('log-return is ln(after / before); risk-penalty is R − λ/2·R²', () => {
    expect(createReward({ kind: 'log-return' }).next(100, 110)).toBeCloseTo(Math.log(1.1), 15);
    expect(createReward({ kind: 'risk-penalty', riskAversion: 4 }).next(100, 110)).toBeCloseTo(0.1 - 2 * 0.01, 15);
  });

  it('differential Sharpe follows Moody & Saffell: D = (B·ΔA − ½A·ΔB)/(B − A²)^1.5 on the EMAs before the step', () => {
    const eta = 0.1;
    const r = createReward({ kind: 'differential-sharpe', eta, warmup: 0 });
    const R = [0.01, -0.02, 0.015, 0.003, -0.007, 0.02];
    let A = 0;
    let B = 0;
    let nav = 1;
    for (const x of R) {
      const v = B - A * A;
      const want = v > 1e-12 ? (B * (x - A) - 0.5 * A * (x * x - B)) / Math.pow(v, 1.5) : 0;
      const got = r.next(nav, nav * (1 + x));
      nav *= 1 + x;
      expect(got).toBeCloseTo(want, 9);
      A += eta * (x - A);
      B += eta * (x * x - B);
    }
    // The increment is the first-order change of the EMA Sharpe A/√(B − A²) per unit η (Moody & Saffell eq. 6).
    const s = (a: number, b: number) => a / Math.sqrt(b - a * a);
    const x = 0.012;
    const tiny = createReward({ kind: 'differential-sharpe', eta: 1e-7, warmup: 0 });
    const a0 = 0.001;
    const b0 = 0.0002;
    const d = (b0 * (x - a0) - 0.5 * a0 * (x * x - b0)) / Math.pow(b0 - a0 * a0, 1.5);
    const e = 1e-7;
    const fd = (s(a0 + e * (x - a0), b0 + e * (x * x - b0)) - s(a0, b0)) / e;
    expect(d).toBeCloseTo(fd, 4);
    expect(tiny.next(1, 1.01)).toBe(0); // no variance estimate yet
  });

  it('differential Sharpe is 0 for the warm-up steps and resets with the episode', () => {
    const r = createReward({ kind: 'differential-sharpe', eta: 0.25 });
    const out = [0.01, -0.01, 0.02, -0.02, 0.01, 0.03].map((x) => r.next(1, 1 + x));
    expect(out.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(out[4]).not.toBe(0);
    r.reset();
    expect(r.next(1, 1.05)).toBe(0);
  });

  it('excess-log-return is ln(after / before) − ln(1/N gross return); it needs that return', () => {
    const r = createReward({ kind: 'excess-log-return' });
    expect(r.needsEqualWeight).toBe(true);
    expect(r.next(100, 110, 1.05)).toBeCloseTo(Math.log(1.1) - Math.log(1.05), 15);
    expect(r.next(100, 105, 1.05)).toBeCloseTo(0, 15);
    expect(() => r.next(100, 110)).toThrow(/^reward excess-log-return: .*missing/);
    expect(createReward({ kind: 'log-return' }).needsEqualWeight).toBe(false);
  });

  it('bad specs are one line', () => {
    expect(() => createReward({ kind: 'differential-sharpe', eta: 2 } as never)).toThrow(/^reward .*eta .*Use reward:/);
  });
});
