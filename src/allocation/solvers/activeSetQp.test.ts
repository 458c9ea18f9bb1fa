import { describe, expect, it } from 'vitest';
import { Matrix, createRng, inverseSPD } from '../../core/index.ts';
import { solveQpActiveSet, type QpRow } from './activeSetQp.ts';

function randomSpd(n: number, seed: number, T = 3 * n): Float64Array {
  const rng = createRng(seed);
  const X = Array.from({ length: T * n }, () => rng.normal());
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += X[t * n + i]! * X[t * n + j]!;
      P[i * n + j] = s / T;
    }
  return P;
}

const sumRow = (n: number, v = 1): QpRow => ({ a: new Float64Array(n).fill(1), lo: v, hi: v, name: 'sum' });

/** Full KKT check for lb ≤ x ≤ ub, equality rows: stationarity with bound multipliers of the right sign. */
function kktResidual(
  P: Float64Array,
  q: Float64Array,
  x: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
  rows: QpRow[],
): number {
  const n = x.length;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = q[i]!;
    for (let j = 0; j < n; j++) s += P[i * n + j]! * x[j]!;
    g[i] = s;
  }
  // λ for the equality rows from the free variables (least squares over free set, one row here)
  const free = Array.from({ length: n }, (_, i) => i).filter((i) => x[i]! > lb[i]! + 1e-12 && x[i]! < ub[i]! - 1e-12);
  const a = rows[0]!.a;
  let num = 0,
    den = 0;
  for (const i of free) {
    num += a[i]! * g[i]!;
    den += a[i]! * a[i]!;
  }
  if (den === 0) {
    // a vertex: some λ must satisfy g_i + λ ≥ 0 at lower bounds and ≤ 0 at upper bounds
    let lo = -Infinity,
      hi = Infinity;
    for (let i = 0; i < n; i++) {
      if (x[i]! <= lb[i]! + 1e-12) lo = Math.max(lo, -g[i]! / a[i]!);
      else hi = Math.min(hi, -g[i]! / a[i]!);
    }
    return Math.max(0, lo - hi);
  }
  const lam = -num / den;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const r = g[i]! + lam * a[i]!;
    if (free.includes(i)) worst = Math.max(worst, Math.abs(r));
    else if (x[i]! <= lb[i]! + 1e-12) worst = Math.max(worst, -r);
    else worst = Math.max(worst, r);
  }
  return worst;
}

describe('active-set QP', () => {
  it('unbounded min-variance equals the closed form Σ⁻¹1 / 1ᵀΣ⁻¹1 (1e-12)', () => {
    const n = 12;
    const P = randomSpd(n, 3);
    const res = solveQpActiveSet(
      {
        n,
        P,
        q: new Float64Array(n),
        lb: new Float64Array(n).fill(-Infinity),
        ub: new Float64Array(n).fill(Infinity),
        rows: [sumRow(n)],
      },
      new Float64Array(n).fill(1 / n),
    );
    const inv = inverseSPD(new Matrix(n, n, P));
    const y = inv.mulVec(new Float64Array(n).fill(1));
    const s = y.reduce((a, b) => a + b, 0);
    y.forEach((v, i) => expect(Math.abs(res.x[i]! - v / s)).toBeLessThan(1e-12));
  });
  it('long-only random QPs satisfy KKT to 1e-12 from a vertex start', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const n = 30;
      const P = randomSpd(n, seed);
      const rng = createRng(seed + 100);
      const q = Float64Array.from({ length: n }, () => 0.5 * rng.normal());
      const lb = new Float64Array(n);
      const ub = new Float64Array(n).fill(0.2);
      const x0 = new Float64Array(n);
      for (let i = 0; i < 5; i++) x0[i] = 0.2;
      const rows = [sumRow(n)];
      const res = solveQpActiveSet({ n, P, q, lb, ub, rows }, x0);
      expect(res.status).toBe('optimal');
      expect(Math.abs(res.x.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-13);
      expect(kktResidual(P, q, res.x, lb, ub, rows)).toBeLessThan(1e-11);
    }
  });
  it('a singular covariance (T < n) still solves with a reported tiny ridge', () => {
    const n = 40;
    const P = randomSpd(n, 9, 10);
    const res = solveQpActiveSet(
      { n, P, q: new Float64Array(n), lb: new Float64Array(n), ub: new Float64Array(n).fill(1), rows: [sumRow(n)] },
      Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)),
    );
    expect(['optimal', 'singular']).toContain(res.status);
    expect(res.x.every((v) => Number.isFinite(v))).toBe(true);
  });
  it('does not modify its inputs', () => {
    const n = 5;
    const P = randomSpd(n, 4);
    const Pc = P.slice();
    const x0 = Float64Array.from([1, 0, 0, 0, 0]);
    solveQpActiveSet(
      { n, P, q: new Float64Array(n), lb: new Float64Array(n), ub: new Float64Array(n).fill(1), rows: [sumRow(n)] },
      x0,
    );
    expect(Array.from(P)).toEqual(Array.from(Pc));
    expect(Array.from(x0)).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('active-set QP shadow prices', () => {
  /** Random long-only QP with a budget row and a cap on the first three variables. */
  function problem(seed: number, shift: { row?: [number, number]; bound?: [number, 'lb' | 'ub', number] } = {}) {
    const n = 10;
    const P = randomSpd(n, seed);
    const rng = createRng(seed + 7);
    const q = Float64Array.from({ length: n }, () => 0.8 * rng.normal());
    const lb = new Float64Array(n).fill(0.01);
    const ub = new Float64Array(n).fill(0.25);
    if (shift.bound) {
      const [i, side, h] = shift.bound;
      const arr = side === 'lb' ? lb : ub;
      arr[i] = arr[i]! + h;
    }
    const cap = new Float64Array(n);
    cap[0] = cap[1] = cap[2] = 1;
    const rows: QpRow[] = [sumRow(n), { a: cap, lo: -Infinity, hi: 0.3, name: 'cap' }];
    if (shift.row) {
      const [r, h] = shift.row;
      const row = rows[r]!;
      rows[r] = { ...row, lo: row.lo === row.hi ? row.lo + h : row.lo, hi: row.hi + h };
    }
    const x0 = new Float64Array(n).fill(0.1);
    x0[0] = x0[1] = x0[2] = 0.05;
    x0[3] = 0.25;
    x0.forEach((v, i) => (x0[i] = Math.min(Math.max(v, lb[i]!), ub[i]!)));
    // repair the budget on the uncapped variables 4.. so the start is feasible after a shift
    const need = (rows[0]!.lo - x0.reduce((a, b) => a + b, 0)) / (n - 4);
    for (let i = 4; i < n; i++) x0[i] = x0[i]! + need;
    return solveQpActiveSet({ n, P, q, lb, ub, rows }, x0);
  }

  it('equal the central finite difference of the optimal objective in each active limit (1e-6)', () => {
    const h = 1e-5;
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const base = problem(seed);
      expect(base.status).toBe('optimal');
      const fd = (plus: ReturnType<typeof problem>, minus: ReturnType<typeof problem>): number =>
        (plus.objective - minus.objective) / (2 * h);
      base.shadowPrices.rows.forEach((price, r) => {
        if (price === 0) return;
        const d = fd(problem(seed, { row: [r, h] }), problem(seed, { row: [r, -h] }));
        expect(Math.abs(price - d)).toBeLessThan(1e-6 * (1 + Math.abs(d)));
        checked++;
      });
      base.shadowPrices.bounds.forEach((price, i) => {
        if (price === 0) return;
        const side = Math.abs(base.x[i]! - 0.25) < 1e-12 ? 'ub' : 'lb';
        const d = fd(problem(seed, { bound: [i, side, h] }), problem(seed, { bound: [i, side, -h] }));
        expect(Math.abs(price - d)).toBeLessThan(1e-6 * (1 + Math.abs(d)));
        checked++;
      });
      // slack limits price at 0: their objective does not move
      base.x.forEach((x, i) => {
        if (x > 0.01 + 1e-9 && x < 0.25 - 1e-9) expect(base.shadowPrices.bounds[i]).toBe(0);
      });
    }
    expect(checked).toBeGreaterThan(12);
  });
});
