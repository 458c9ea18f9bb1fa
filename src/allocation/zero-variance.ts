/**
 * Assets whose returns do not vary over an estimation window (a price that stopped moving: suspended, delisted,
 * stale). A zero-variance asset looks riskless to every risk-based allocator: min-variance puts 100 % in it and
 * HRP / risk parity divide by its variance. `keel allocate` and the allocator strategy both leave such assets out
 * of the problem (weight 0) and say so with one `zero-variance-asset` finding per asset, instead of letting the
 * allocator decide silently.
 */
import type { FindingDraft } from '../core/index.ts';

/**
 * Indices of the columns of `values` (nDates × nAssets, row-major simple returns) whose finite returns are all
 * equal (sample variance exactly 0). Columns with fewer than 2 finite returns count as zero variance too.
 */
export function zeroVarianceAssets(values: Float64Array, nDates: number, nAssets: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < nAssets; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    let k = 0;
    for (let t = 0; t < nDates; t++) {
      const v = values[t * nAssets + a]!;
      if (!Number.isFinite(v)) continue;
      k++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (k < 2 || hi - lo === 0) out.push(a);
  }
  return out;
}

/** The finding for one excluded asset; `what` names the window ("the 63-return window", "the price file"). */
export function zeroVarianceFinding(asset: string, what: string, allocator: string): FindingDraft {
  return {
    severity: 'warning',
    kind: 'zero-variance-asset',
    asset,
    message: `${asset} has zero return variance over ${what} (its price does not move), so ${allocator} left it out with weight 0`,
    fix: `drop ${asset} from the universe, or check its prices (a suspended or stale series)`,
  };
}
