/** Internal units of numeric parameters: where TPE's kernels live (log for log scale, ±step/2 cells for ints). */
import type { ParamSpec } from './space.ts';

export interface Scale {
  readonly low: number;
  readonly high: number;
  readonly q: number;
  toInternal(v: number): number;
  fromInternal(x: number): number;
}

/** Internal units of a numeric parameter, as optuna's Parzen estimator bounds. */
export function numericScale(p: Exclude<ParamSpec, { kind: 'categorical' }>): Scale {
  const clamp = (v: number): number => (v < p.low ? p.low : v > p.high ? p.high : v);
  if (p.kind === 'float') {
    return p.log
      ? {
          low: Math.log(p.low),
          high: Math.log(p.high),
          q: 0,
          toInternal: Math.log,
          fromInternal: (x) => clamp(Math.exp(x)),
        }
      : { low: p.low, high: p.high, q: 0, toInternal: (v) => v, fromInternal: clamp };
  }
  if (p.log) {
    return {
      low: Math.log(p.low - 0.5),
      high: Math.log(p.high + 0.5),
      q: 0,
      toInternal: Math.log,
      fromInternal: (x) => clamp(Math.round(Math.exp(x))),
    };
  }
  const q = p.step ?? 1;
  return {
    low: p.low - q / 2,
    high: p.high + q / 2,
    q,
    toInternal: (v) => v,
    fromInternal: (x) => clamp(Math.round((x - p.low) / q) * q + p.low),
  };
}
