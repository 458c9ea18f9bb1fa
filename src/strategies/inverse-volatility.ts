/**
 * Inverse volatility: wₐ ∝ 1/σₐ, σₐ the sd (ddof 1) of the last `window` simple returns (data ≤ asOf). Assets
 * with fewer than `minObservations` returns in the window, or σ = 0, get no weight. Fully invested (Σw = 1).
 */
import type { RebalanceSpec, Strategy } from '../backtest/index.ts';
import { assertFiniteReturns, trailingReturns } from './weights.ts';

export interface InverseVolatilityParams {
  /** Trailing returns used, periods (default 63, about a quarter of daily data). */
  readonly window?: number;
  readonly minObservations?: number;
  readonly field?: string;
  readonly rebalance?: RebalanceSpec;
}

export function inverseVolatility(p: InverseVolatilityParams = {}, name = 'inverse-volatility'): Strategy {
  const window = p.window ?? 63;
  const minObs = p.minObservations ?? Math.max(2, Math.floor(window / 2));
  return {
    name,
    ...(p.rebalance === undefined ? {} : { rebalance: p.rebalance }),
    decide(view) {
      const { values, rows } = trailingReturns(view, window, p.field ?? 'close');
      const n = view.nAssets;
      assertFiniteReturns(values, rows, view.assets, (i) => view.dates[view.nDates - rows + i]!);
      const inv = new Float64Array(n);
      let total = 0;
      for (let a = 0; a < n; a++) {
        let k = 0;
        let m = 0;
        for (let i = 0; i < rows; i++) {
          const r = values[i * n + a]!;
          if (Number.isFinite(r)) {
            k++;
            m += r;
          }
        }
        if (k < minObs) continue;
        m /= k;
        let ss = 0;
        for (let i = 0; i < rows; i++) {
          const r = values[i * n + a]!;
          if (Number.isFinite(r)) ss += (r - m) * (r - m);
        }
        const sd = Math.sqrt(ss / (k - 1));
        if (sd > 0) {
          inv[a] = 1 / sd;
          total += inv[a]!;
        }
      }
      const w = new Float64Array(n);
      if (total > 0) for (let a = 0; a < n; a++) w[a] = inv[a]! / total;
      return { weights: w };
    },
  };
}
