/**
 * Benchmark-relative mean-variance for `ml-forecast` (`method: active`; Grinold & Kahn, Active Portfolio Management,
 * ch. 14): the benchmark b is the yardstick the job is judged against — 1/N scaled to the strategy's volatility
 * target by its own risk model (static.ts `equalWeightAtVolatility`, the "1/N @ vol" baseline's rule) — and the
 * optimiser chooses the active weights d = w − b:
 *
 *   max μᵀd − k·Σ|w − w_prev|  s.t.  √(dᵀΣd) ≤ trackingError,  0 ≤ b + d ≤ maxWeight,  sector caps on b + d,  Σd = 0.
 *
 * This is the allocation stage's efficient-risk problem in d-space (bounds shifted by −b, budget 0, group limits
 * shifted by the benchmark's group weight, held weights w_prev − b), so the solver, its constraint check and its
 * fallback chain are the ones mean-variance uses; the allocator-fallback / cash-forced findings fire as they do
 * there. μᵀd does not depend on μ's level (Σd = 0) nor, at a binding tracking error, on its scale: no risk aversion.
 * Σw = Σb keeps the benchmark's cash share; the portfolio's volatility is the benchmark's give or take the tracking
 * error (no separate volatility cap, which would scale the active bet into a different benchmark).
 */
import {
  allocatorKinds,
  type Allocation,
  type Constraints,
  type GroupConstraint,
  type ReturnDistribution,
} from '../../allocation/index.ts';
import type { FindingDraft, Matrix } from '../../core/index.ts';
import { equalWeightAtVolatility } from '../static.ts';
import { portfolioVol } from './signals.ts';

/** Slack on the benchmark's own feasibility (weight units, the allocation stage's CONSTRAINT_TOL). */
const TOL = 1e-8;

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

export interface ActivePortfolio {
  /** Weights per asset (cash = 1 − Σw = the benchmark's cash). */
  readonly w: Float64Array;
  /** The benchmark b (1/N at the volatility target on `cov`). */
  readonly benchmark: Float64Array;
  readonly allocation: Allocation;
  readonly findings: readonly FindingDraft[];
}

/** Per-asset [lo, hi] of the w-space constraints (weightBounds, then assetBounds overrides; null = ∓1). */
function boundsOf(assets: readonly string[], c: Constraints): [number, number][] {
  const [lo, hi] = c.weightBounds ?? [0, 1];
  return assets.map((id) => {
    const own = c.assetBounds?.[id];
    return [(own ? own[0] : lo) ?? -1, (own ? own[1] : hi) ?? 1];
  });
}

/**
 * The active portfolio of `mu` (annualised, per asset), `cov` (annualised risk model), the held weights and the
 * w-space `constraints` (bounds, sector groups, transactionCost, l2Gamma — the latter penalising ‖d‖²) at tracking
 * error `trackingError` around 1/N scaled to `targetVolatility`.
 */
export function activePortfolio(
  assets: readonly string[],
  mu: Float64Array,
  cov: Matrix,
  previous: Float64Array,
  constraints: Constraints,
  trackingError: number,
  targetVolatility: number,
): ActivePortfolio {
  const n = assets.length;
  const b = equalWeightAtVolatility(cov, targetVolatility);
  const bounds = boundsOf(assets, constraints);
  const findings: FindingDraft[] = [];
  // The benchmark itself must fit the caps, or d = 0 is not a choice and the tracking error has a floor above 0.
  const over: string[] = [];
  bounds.forEach(([lo, hi], a) => {
    if (b[a]! > hi + TOL || b[a]! < lo - TOL) over.push(`${assets[a]} ${pct(b[a]!)} outside [${pct(lo)}, ${pct(hi)}]`);
  });
  const groups: GroupConstraint[] = (constraints.groups ?? []).map((g) => {
    const inB = g.assets.reduce((s, id) => s + b[assets.indexOf(id)]!, 0);
    if ((g.max !== undefined && inB > g.max + TOL) || (g.min !== undefined && inB < g.min - TOL))
      over.push(`${g.name} ${pct(inB)} above its cap ${pct(g.max ?? NaN)}`);
    return {
      name: g.name,
      assets: g.assets,
      ...(g.min === undefined ? {} : { min: g.min - inB }),
      ...(g.max === undefined ? {} : { max: g.max - inB }),
    };
  });
  if (over.length > 0)
    findings.push({
      severity: 'warning',
      kind: 'active-benchmark-outside-caps',
      message: `the benchmark (1/N at ${pct(targetVolatility)} volatility) breaks the portfolio's caps (${over.slice(0, 3).join('; ')}${over.length > 3 ? '; …' : ''}), so the active portfolio must deviate from it whatever the forecasts say`,
      fix: 'raise maxWeight / sectorCap to at least the benchmark weights, or start the backtest once every asset has a forecast (a missing forecast pins the asset at 0)',
    });
  const dBounds: Record<string, [number, number]> = {};
  assets.forEach((id, a) => (dBounds[id] = [bounds[a]![0] - b[a]!, bounds[a]![1] - b[a]!]));
  const previousActive = previous.map((x, a) => x - b[a]!);
  const dist: ReturnDistribution = { assets, mu, cov, previousWeights: previousActive, riskFreeRate: 0 };
  const dSpace: Constraints = {
    assetBounds: dBounds,
    marketNeutral: true,
    ...(groups.length > 0 ? { groups } : {}),
    ...(constraints.transactionCost ? { transactionCost: constraints.transactionCost } : {}),
    ...(constraints.l2Gamma ? { l2Gamma: constraints.l2Gamma } : {}),
  };
  let spread = 0;
  for (let a = 0; a < n; a++) spread = Math.max(spread, Math.abs(mu[a]! - mu[0]!));
  let active: Allocation;
  if (!(spread > 1e-12 * Math.max(1e-12, Math.abs(mu[0]!))) && over.length === 0) {
    // No ranking across assets: μᵀd ≡ 0 on Σd = 0, so no active bet is worth its risk — hold the benchmark.
    active = {
      weights: new Float64Array(n),
      status: 'ok',
      trail: [{ by: 'efficient-risk', outcome: 'ok' }],
      diagnostics: { method: 'efficient-risk', note: 'forecasts equal across assets: d = 0' },
    };
  } else active = allocatorKinds['efficient-risk'].create({ targetVolatility: trackingError }).allocate(dist, dSpace);
  const failed = active.status === 'failed';
  // A failed solve is reported by the engine as 100 % cash, so it holds cash (not the benchmark) to say what ran.
  const w = new Float64Array(n);
  if (!failed)
    for (let a = 0; a < n; a++) w[a] = Math.min(bounds[a]![1], Math.max(bounds[a]![0], b[a]! + active.weights[a]!));
  const d = w.map((x, a) => x - b[a]!);
  const allocation: Allocation = {
    weights: w,
    status: active.status,
    // The trail says each method ran on the active weights; its "volatility target" is the tracking-error target.
    trail: active.trail.map((t) => ({
      by: `${t.by} of w − 1/N@vol`,
      outcome: t.outcome.replace(/volatility target/g, 'tracking-error target'),
    })),
    diagnostics: {
      ...active.diagnostics,
      method: `${String(active.diagnostics['method'] ?? 'none')} of w − 1/N@vol`,
      trackingError: portfolioVol(d, cov),
      benchmarkVolatility: portfolioVol(b, cov),
      volatility: portfolioVol(w, cov),
    },
  };
  return { w, benchmark: b, allocation, findings };
}
