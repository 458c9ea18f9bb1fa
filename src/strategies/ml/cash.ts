/**
 * Mean-variance for `ml-forecast` when the volatility target is below every fully invested portfolio.
 *
 * Efficient-risk is max wᵀμ s.t. √(wᵀΣw) ≤ target, Σw = 1, bounds and sector caps. When even the least volatile
 * fully invested portfolio is above the target (four assets capped at 60 %, or 24 stocks capped at 10 % and 30 % per
 * sector, against a 10 % target), the problem is infeasible and the allocator's fallback chain used to return the
 * min-variance portfolio — which ignores the forecasts entirely (swapping the model changed nothing) — and the
 * volatility cap then parked the rest in cash. The choices were:
 *  - raise the target to the minimum: at σ = σ_min the only feasible portfolio IS min-variance, so the forecasts
 *    would still be ignored;
 *  - scale a fully invested forecast-optimal portfolio down into cash: forecast-driven, but the caps then bind on
 *    the risky sleeve rather than on the portfolio, so it is not the best portfolio the constraints allow;
 *  - solve the same problem with cash as one more asset (μ = the distribution's risk-free rate 0, σ = 0, weight in
 *    [0, 1], in no sector): the exact forecast-optimal portfolio that meets the target under the stated caps.
 * We take the third. It is used only when the fully invested problem is infeasible because of the target (so a
 * feasible study keeps its fully invested answer); the decision records an `info` finding
 * `volatility-target-cash` with the minimum volatility and the cash share, since this is the documented rule.
 * If the cash problem fails too, the fully invested allocation (and its fallback, reported by the engine) stands.
 */
import {
  allocatorKinds,
  efficientRiskShadowPrices,
  type Allocation,
  type Constraints,
  type ReturnDistribution,
  type ShadowPrices,
} from '../../allocation/index.ts';
import { Matrix, type FindingDraft } from '../../core/index.ts';
import { portfolioVol } from './signals.ts';

/** Id of the cash asset added to the distribution (not a valid ticker, so it cannot clash with a real asset). */
const CASH = '(cash)';

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

/** Volatility of the least volatile fully invested portfolio under the bounds and groups (NaN if none is found). */
function minimumVolatility(dist: ReturnDistribution, c: Constraints): number {
  const plain: Constraints = {
    ...(c.weightBounds ? { weightBounds: c.weightBounds } : {}),
    ...(c.assetBounds ? { assetBounds: c.assetBounds } : {}),
    ...(c.groups ? { groups: c.groups } : {}),
  };
  const mv = allocatorKinds['min-variance'].create({ fallback: [] }).allocate(dist, plain);
  return mv.status === 'ok' ? portfolioVol(mv.weights, dist.cov) : NaN;
}

/** The distribution and constraints with a cash asset appended (last). */
function withCashAsset(
  dist: ReturnDistribution,
  c: Constraints,
): { dist: ReturnDistribution; constraints: Constraints } {
  const n = dist.assets.length;
  const cov = new Matrix(n + 1, n + 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cov.data[i * (n + 1) + j] = dist.cov.data[i * n + j]!;
  const mu = new Float64Array(n + 1);
  mu.set(dist.mu);
  mu[n] = dist.riskFreeRate ?? 0;
  let previous: Float64Array | undefined;
  if (dist.previousWeights) {
    previous = new Float64Array(n + 1);
    previous.set(dist.previousWeights);
    let held = 0;
    for (let i = 0; i < n; i++) held += dist.previousWeights[i]!;
    // Cash after costs can be slightly negative (fills are sized on the pre-cost NAV): hold it at 0 here.
    previous[n] = Math.max(0, 1 - held);
  }
  const [lo, hi] = c.weightBounds ?? [0, 1];
  // The default bounds stay on the risky assets; cash gets [0, 1] (the budget row keeps Σ = 1 over all n + 1).
  const assetBounds: Record<string, [number | null, number | null]> = {
    ...Object.fromEntries(dist.assets.map((id) => [id, [lo, hi] as [number | null, number | null]])),
    ...(c.assetBounds ?? {}),
    [CASH]: [0, 1],
  };
  return {
    dist: {
      ...dist,
      assets: [...dist.assets, CASH],
      mu,
      cov,
      ...(previous ? { previousWeights: previous } : {}),
    },
    constraints: { ...c, assetBounds },
  };
}

export interface TargetedAllocation {
  readonly allocation: Allocation;
  readonly findings: readonly FindingDraft[];
}

/**
 * Efficient-risk at `target` (annualised), fully invested when that is feasible, otherwise with cash as an asset
 * (see the file comment). Weights are per asset of `dist`; cash = 1 − Σw.
 */
export function efficientRiskAllowingCash(
  dist: ReturnDistribution,
  constraints: Constraints,
  target: number,
): TargetedAllocation {
  const allocator = allocatorKinds['efficient-risk'].create({ targetVolatility: target });
  const full = allocator.allocate(dist, constraints);
  if (full.status === 'ok') return { allocation: full, findings: [] };
  const floor = minimumVolatility(dist, constraints);
  // Another cause (bad inputs, a numerical failure): keep the fallback, which the engine reports as it is.
  if (!(floor > target)) return { allocation: full, findings: [] };
  const aug = withCashAsset(dist, constraints);
  const cash = allocator.allocate(aug.dist, aug.constraints);
  if (cash.status !== 'ok') return { allocation: full, findings: [] };
  const n = dist.assets.length;
  const weights = cash.weights.slice(0, n);
  const share = Math.max(0, 1 - weights.reduce((a, b) => a + b, 0));
  const allocation: Allocation = {
    weights,
    status: 'ok',
    trail: [
      { by: 'efficient-risk', outcome: full.trail[0]?.outcome ?? 'infeasible' },
      { by: 'efficient-risk with cash', outcome: `ok: ${pct(share)} in cash` },
    ],
    diagnostics: { ...cash.diagnostics, method: 'efficient-risk with cash', minimumVolatility: floor, cash: share },
  };
  return {
    allocation,
    findings: [
      {
        severity: 'info',
        kind: 'volatility-target-cash',
        message: `the volatility target ${pct(target)} is below the least volatile fully invested portfolio (${pct(floor)} under the weight and sector caps), so the forecast-optimal portfolio meeting it holds ${pct(share)} in cash`,
        fix: `to stay fully invested, raise portfolio.targetVolatility to at least ${pct(floor)} or loosen maxWeight / sectorCap`,
      },
    ],
  };
}

/**
 * The shadow prices of the problem `efficientRiskAllowingCash` solved for `allocation` (fully invested, or with the
 * cash asset, whose minimum-weight price says what being unable to hold less cash costs). A fallback's weights come
 * from another method, so its multipliers would not be the study's: `available: false`.
 */
export function allowingCashShadowPrices(
  dist: ReturnDistribution,
  constraints: Constraints,
  target: number,
  allocation: Allocation,
): ShadowPrices {
  if (allocation.status !== 'ok')
    return {
      available: false,
      weights: allocation.weights,
      reason: `efficient-risk did not produce the weights (${allocation.trail.map((t) => `${t.by}: ${t.outcome}`).join('; ')})`,
    };
  if (allocation.diagnostics['method'] !== 'efficient-risk with cash')
    return efficientRiskShadowPrices(dist, target, constraints);
  const aug = withCashAsset(dist, constraints);
  const r = efficientRiskShadowPrices(aug.dist, target, aug.constraints);
  return { ...r, weights: r.weights.slice(0, dist.assets.length) };
}
