/**
 * Truncated-normal kernels in standardised units (z = (x − μ)/σ), the pieces a Parzen estimator needs: the log of
 * the Gaussian mass between two points (accurate in both tails, where Φ itself underflows) and inverse-CDF sampling.
 */
import { normCdf, normInv } from '../metrics/index.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Φ(z); below −20 Φ leaves the range where normCdf stays accurate, so use the asymptotic series. */
export function logNormCdf(z: number): number {
  if (z > 5) return Math.log1p(-normCdf(-z));
  if (z > -20) return Math.log(normCdf(z));
  // Φ(z) = φ(z)/|z| · (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ …); at |z| ≥ 20 five terms reach ~1e-13.
  const r = 1 / (z * z);
  const series = 1 - r * (1 - 3 * r * (1 - 5 * r * (1 - 7 * r)));
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(-z) + Math.log(series);
}

/** log(Φ(b) − Φ(a)) for a ≤ b, without cancellation in either tail. */
export function logGaussMass(a: number, b: number): number {
  if (!(b > a)) return -Infinity;
  if (b <= 0) {
    const lb = logNormCdf(b);
    return lb + Math.log1p(-Math.exp(logNormCdf(a) - lb));
  }
  if (a >= 0) return logGaussMass(-b, -a);
  return Math.log1p(-normCdf(a) - normCdf(-b));
}

/** log density of the standard normal truncated to [a, b], at z (assumed inside). */
export function truncLogPdf(z: number, logMass: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI - logMass;
}

/** Inverse CDF of the standard normal truncated to [a, b] at quantile u ∈ [0, 1); mirrored so Φ is read in its accurate (lower) tail. */
export function truncPpf(u: number, a: number, b: number): number {
  if (a >= 0) return -truncPpf(1 - u, -b, -a);
  const pa = normCdf(a);
  const pb = normCdf(b);
  const z = normInv(pa + u * (pb - pa));
  return z < a ? a : z > b ? b : z;
}
