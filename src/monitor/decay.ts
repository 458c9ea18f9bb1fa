/**
 * Forecast-quality decay and risk-model checks over plain arrays.
 * - Rolling IC: z = (mean of the last `window` daily ICs − reference mean IC) / (reference sd / √window); drifted when
 *   z ≤ −threshold (default 3: the IC fell by three standard errors). Reported as a distance −z so that bigger is worse.
 * - Volatility ratio: realised volatility of the last `window` portfolio returns over the ex-ante volatility the risk
 *   model promised (both annualised alike); drifted when ratio ≥ threshold (default 1.5) or ≤ 1 / threshold.
 */
import { distanceResult, type DriftResult } from './types.ts';

export const ROLLING_IC_DEFAULTS = { window: 63, threshold: 3 } as const;
export const VOL_RATIO_DEFAULTS = { window: 63, threshold: 1.5 } as const;

export function rollingIcDecay(
  ics: ArrayLike<number>,
  reference: { readonly mean: number; readonly sd: number },
  options: { window?: number; threshold?: number } = {},
): DriftResult & { readonly rollingIc: number } {
  const w = options.window ?? ROLLING_IC_DEFAULTS.window;
  const thr = options.threshold ?? ROLLING_IC_DEFAULTS.threshold;
  let s = 0;
  let n = 0;
  for (let i = Math.max(0, ics.length - w); i < ics.length; i++)
    if (Number.isFinite(ics[i]!)) {
      s += ics[i]!;
      n++;
    }
  if (n === 0 || !(reference.sd > 0))
    return { statistic: NaN, kind: 'distance', threshold: thr, drifted: false, rollingIc: NaN };
  const m = s / n;
  const drop = (reference.mean - m) / (reference.sd / Math.sqrt(n));
  return { ...distanceResult(drop, thr), rollingIc: m };
}

/** Realised over ex-ante volatility; `returns` are per-period portfolio returns, `exAnte` the same-period forecast σ. */
export function volatilityRatio(
  returns: ArrayLike<number>,
  exAnte: number,
  options: { window?: number; threshold?: number } = {},
): DriftResult {
  const w = options.window ?? VOL_RATIO_DEFAULTS.window;
  const thr = options.threshold ?? VOL_RATIO_DEFAULTS.threshold;
  const start = Math.max(0, returns.length - w);
  let n = 0;
  let mu = 0;
  let m2 = 0; // Welford
  for (let i = start; i < returns.length; i++) {
    const r = returns[i]!;
    if (!Number.isFinite(r)) continue;
    n++;
    const d = r - mu;
    mu += d / n;
    m2 += d * (r - mu);
  }
  if (n < 2 || !(exAnte > 0)) return { statistic: NaN, kind: 'distance', threshold: thr, drifted: false };
  const ratio = Math.sqrt(m2 / (n - 1)) / exAnte;
  return { statistic: ratio, kind: 'distance', threshold: thr, drifted: ratio >= thr || ratio <= 1 / thr };
}
