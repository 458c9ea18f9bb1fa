/**
 * Risk budgeting: long-only weights whose risk contributions w_i(Σw)_i / wᵀΣw equal the budgets b_i (equal risk
 * contribution when b = 1/n). Solved by cyclical coordinate descent on ½wᵀΣw − Σ b_i log w_i (Griveau-Billion,
 * Richard & Roncalli 2013), whose minimiser normalised to Σw = 1 is the risk-budgeting portfolio; each coordinate
 * step is the closed-form positive root of a quadratic. Converges to max |RC_i − b_i| < 1e-12.
 */
import { dataError } from '../core/index.ts';
import type { ReturnDistribution } from './types.ts';

export function riskBudgeting(dist: ReturnDistribution, budgets?: ArrayLike<number>): Float64Array {
  const n = dist.assets.length;
  const S = dist.cov.data;
  const b = new Float64Array(n);
  if (budgets) {
    if (budgets.length !== n) throw dataError(`risk budgets have ${budgets.length} values but there are ${n} assets.`);
    let s = 0;
    for (let i = 0; i < n; i++) {
      if (!(budgets[i]! > 0))
        throw dataError(`risk budget of ${dist.assets[i]} is ${budgets[i]}; budgets must be > 0.`);
      s += budgets[i]!;
    }
    for (let i = 0; i < n; i++) b[i] = budgets[i]! / s;
  } else b.fill(1 / n);
  for (let i = 0; i < n; i++)
    if (!(S[i * n + i]! > 0))
      throw dataError(`variance of ${dist.assets[i]} is ${S[i * n + i]}; risk budgeting needs every variance > 0.`);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 1 / Math.sqrt(S[i * n + i]!);
  const Sw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += S[i * n + j]! * w[j]!;
    Sw[i] = s;
  }
  for (let sweep = 0; sweep < 10000; sweep++) {
    for (let i = 0; i < n; i++) {
      const sii = S[i * n + i]!;
      const c = Sw[i]! - sii * w[i]!;
      const wi = (-c + Math.sqrt(c * c + 4 * sii * b[i]!)) / (2 * sii);
      const d = wi - w[i]!;
      if (d !== 0) {
        for (let j = 0; j < n; j++) Sw[j] = Sw[j]! + S[j * n + i]! * d;
        w[i] = wi;
      }
    }
    // convergence on normalised risk contributions
    let v = 0;
    for (let i = 0; i < n; i++) v += w[i]! * Sw[i]!;
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs((w[i]! * Sw[i]!) / v - b[i]!));
    if (err < 1e-12) break;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i]!;
  for (let i = 0; i < n; i++) w[i] = w[i]! / s;
  return w;
}

/** Risk contributions w_i(Σw)_i / wᵀΣw (sum to 1). */
export function riskContributions(w: ArrayLike<number>, dist: ReturnDistribution): Float64Array {
  const n = w.length;
  const S = dist.cov.data;
  const out = new Float64Array(n);
  let v = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += S[i * n + j]! * w[j]!;
    out[i] = w[i]! * s;
    v += out[i]!;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / v;
  return out;
}
