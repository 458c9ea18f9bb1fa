/**
 * The forecast-tilted 1/N (`method: tilt`): 1/N over the assets with a forecast, each weight moved by the asset's
 * cross-sectional score, w_a ∝ max(0, 1 + s·z_a) with z_a the z-score of its forecast across the universe (clipped
 * at ±3) and s = `tiltStrength`; then the caps (each weight ≤ maxWeight, each group ≤ its cap, the excess spread
 * over the assets below their caps pro rata, cash only when every asset is capped). This is Grinold and Kahn's
 * "score" portfolio around the benchmark: a modest IC becomes active return at a tracking error set by s, with
 * no optimiser to turn forecast noise into corner solutions. s = 0 is 1/N (capped).
 */

/** z-score of the finite forecasts (NaN elsewhere), clipped at ±3; all 0 when they do not vary. */
export function forecastScores(forecast: ArrayLike<number>): Float64Array {
  const n = forecast.length;
  let m = 0;
  let k = 0;
  for (let a = 0; a < n; a++)
    if (Number.isFinite(forecast[a]!)) {
      m += forecast[a]!;
      k++;
    }
  const z = new Float64Array(n).fill(NaN);
  if (k === 0) return z;
  m /= k;
  let ss = 0;
  for (let a = 0; a < n; a++) if (Number.isFinite(forecast[a]!)) ss += (forecast[a]! - m) ** 2;
  const sd = Math.sqrt(ss / k);
  // Equal forecasts (up to rounding) carry no ranking: every score 0, i.e. 1/N.
  const flat = !(sd > 1e-12 * Math.abs(m));
  for (let a = 0; a < n; a++) if (Number.isFinite(forecast[a]!)) z[a] = flat ? 0 : clip((forecast[a]! - m) / sd);
  return z;
}

const clip = (x: number): number => Math.max(-3, Math.min(3, x));

/**
 * Weights ∝ `base` (≥ 0) under a per-asset cap and group caps: w_a = min(maxWeight, λ_g·base_a) with one λ for the
 * uncapped assets and one per binding group, chosen so the weights sum to 1 (or every asset sits at a cap).
 * `group[a]` indexes `groupCaps` (−1 = no group).
 */
export function cappedProportional(
  base: ArrayLike<number>,
  maxWeight: number,
  group: readonly number[] = [],
  groupCaps: readonly number[] = [],
): Float64Array {
  const n = base.length;
  const w = new Float64Array(n);
  const binding = new Set<number>();
  const members = (g: number | undefined): number[] =>
    Array.from({ length: n }, (_, a) => a).filter((a) =>
      g === undefined ? !binding.has(group[a] ?? -1) : (group[a] ?? -1) === g,
    );
  // Σ min(cap, λ·b) over `ids` = target, by bisection on λ (monotone); every asset capped when it cannot reach it.
  const fill = (ids: readonly number[], target: number): void => {
    const sum = (l: number): number => ids.reduce((s, a) => s + Math.min(maxWeight, l * Math.max(0, base[a]!)), 0);
    if (!(target > 0) || ids.length === 0) {
      for (const a of ids) w[a] = 0;
      return;
    }
    let hi = 1;
    while (sum(hi) < target && hi < 1e12) hi *= 2;
    let lo = 0;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (sum(mid) < target) lo = mid;
      else hi = mid;
    }
    for (const a of ids) w[a] = Math.min(maxWeight, hi * Math.max(0, base[a]!));
  };
  for (let iter = 0; iter <= groupCaps.length; iter++) {
    for (const g of binding) fill(members(g), groupCaps[g]!);
    const free = members(undefined);
    const taken = [...binding].reduce((s, g) => s + members(g).reduce((t, a) => t + w[a]!, 0), 0);
    fill(free, 1 - taken);
    // The most over-full group binds next (fixing it can only lower the others' need).
    let worst = -1;
    let excess = 1e-12;
    groupCaps.forEach((cap, g) => {
      if (binding.has(g)) return;
      const total = free.filter((a) => group[a] === g).reduce((s, a) => s + w[a]!, 0);
      if (total - cap > excess) {
        excess = total - cap;
        worst = g;
      }
    });
    if (worst < 0) break;
    binding.add(worst);
  }
  return w;
}

/** The tilted 1/N: 1/N over the assets with a finite forecast, tilted by their scores, capped (see the file note). */
export function tiltedEqualWeight(
  forecast: ArrayLike<number>,
  strength: number,
  maxWeight = 1,
  group: readonly number[] = [],
  groupCaps: readonly number[] = [],
): Float64Array {
  const z = forecastScores(forecast);
  const base = Array.from(z, (s) => (Number.isFinite(s) ? Math.max(0, 1 + strength * s) : 0));
  return cappedProportional(base, maxWeight, group, groupCaps);
}
