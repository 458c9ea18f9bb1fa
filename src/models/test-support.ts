/** Small helpers shared by the models tests (test-only). */
import type { Dataset } from './estimator.ts';
import { modelRng } from './internal/rng.ts';

export const FAR = '9999-12-31';

export function dataset(X: Float64Array | number[][], y: ArrayLike<number>): Dataset {
  const rows = X instanceof Float64Array ? null : X;
  const n = y.length;
  const flat = rows === null ? (X as Float64Array) : Float64Array.from(rows.flat());
  const p = flat.length / n;
  return { X: flat, y: Float64Array.from(y), n, p, featureNames: Array.from({ length: p }, (_, j) => `x${j}`) };
}

/** Friedman #1 regression data (5 informative of p features, noise sd 1). */
export function friedman1(n: number, p: number, seed: number): Dataset {
  const r = modelRng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = r.uniform();
    const o = i * p;
    y[i] =
      10 * Math.sin(Math.PI * X[o]! * X[o + 1]!) +
      20 * (X[o + 2]! - 0.5) ** 2 +
      10 * X[o + 3]! +
      5 * X[o + 4]! +
      r.normal();
  }
  return { X, y, n, p, featureNames: Array.from({ length: p }, (_, j) => `x${j}`) };
}

export function r2(y: ArrayLike<number>, f: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i]!;
  m /= y.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    a += (y[i]! - f[i]!) ** 2;
    b += (y[i]! - m) ** 2;
  }
  return 1 - a / b;
}

/** Solves A x = b (n × n, row-major) by Gauss–Jordan with partial pivoting — an oracle independent of Cholesky. */
export function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k] = M[r]![k]! - f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}
