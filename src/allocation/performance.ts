import type { Matrix } from '../core/index.ts';
import type { Performance } from './types.ts';

/** wᵀμ, √(wᵀΣw) and (wᵀμ − rf)/√(wᵀΣw), all annualised fractions. */
export function portfolioPerformance(
  w: ArrayLike<number>,
  mu: ArrayLike<number>,
  cov: Matrix,
  riskFreeRate = 0.02,
): Performance {
  const n = w.length;
  let ret = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    ret += w[i]! * mu[i]!;
    let s = 0;
    const off = i * n;
    for (let j = 0; j < n; j++) s += cov.data[off + j]! * w[j]!;
    v += w[i]! * s;
  }
  const volatility = Math.sqrt(Math.max(v, 0));
  return { expectedReturn: ret, volatility, sharpe: (ret - riskFreeRate) / volatility };
}

/** wᵀΣw. */
export function portfolioVariance(w: ArrayLike<number>, cov: Matrix): number {
  const n = w.length;
  let v = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * n;
    for (let j = 0; j < n; j++) s += cov.data[off + j]! * w[j]!;
    v += w[i]! * s;
  }
  return v;
}
