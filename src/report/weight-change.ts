/**
 * Why an ML strategy's weights changed between decision k − 1 and k, from its stored explanations: the Shapley
 * split of Δw into drift, forecasts, risk and constraints (src/explain `whyWeights`) with the strategy's own
 * portfolio rule as the black box, the constraints binding at k and their shadow prices. `keel explain
 * --why-weights` prints it; the report shows it for the best ML strategy's last rebalance.
 */
import { Matrix, usageError } from '../core/index.ts';
import type { ShadowPrices } from '../allocation/index.ts';
import { bindingConstraints, whyWeights, type WeightChange } from '../explain/index.ts';
import { mlPortfolioAllocator, mlShadowPrices, signalInputOf, weightChangeMeaning } from '../strategies/index.ts';
import type { ExplainedDecision, ExplainedStrategy } from './explanations.ts';

export interface WeightChangeAt {
  readonly from: string;
  readonly to: string;
  readonly change: WeightChange;
  readonly meaning: ReturnType<typeof weightChangeMeaning>;
  readonly binding: readonly string[];
  readonly shadow: ShadowPrices;
  /** max |recomputed target − the run's target| over assets and both dates (≈ 0: the stored inputs reproduce the run). */
  readonly recomputeDifference: number;
}

/** The allocator's inputs at decision d: its signal input (μ, the h-period forecasts, or band signals), Σ, held. */
export function allocatorInputs(s: ExplainedStrategy, d: ExplainedDecision) {
  const n = s.universe.length;
  const cov = new Matrix(n, n);
  let q = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = d.covUpper[q++]!;
      cov.data[i * n + j] = v;
      cov.data[j * n + i] = v;
    }
  const input = signalInputOf(s.portfolio.method);
  if (input === 'signals' && !d.signals)
    throw usageError(
      `this run's explanations.json does not record the volatility-band signals of ${d.date}; rerun the study with this version of keel.`,
    );
  const mu =
    input === 'signals'
      ? Float64Array.from(d.signals!)
      : input === 'forecast'
        ? Float64Array.from(d.forecast, (f) => f ?? NaN)
        : Float64Array.from(d.mu);
  return { mu, cov, previous: Float64Array.from(d.held) };
}

/** Decision k against k − 1 (k ≥ 1). Throws a usage error for a method it cannot recompute (volatility-band). */
export function weightChangeAt(s: ExplainedStrategy, k: number): WeightChangeAt {
  const prev = s.decisions[k - 1]!;
  const cur = s.decisions[k]!;
  // assets without a forecast at either date are pinned at 0 by the strategy; keep them pinned in both solves
  const has = s.universe.map((_, a) => prev.forecast[a] !== null && cur.forecast[a] !== null);
  const sectors = s.sectors.map((x) => x ?? undefined);
  const f = mlPortfolioAllocator(s.portfolio, s.universe, sectors, has);
  const change = whyWeights(f, allocatorInputs(s, prev), allocatorInputs(s, cur));
  let diff = 0;
  s.universe.forEach((_, a) => {
    diff = Math.max(diff, Math.abs(change.before[a]! - prev.target[a]!), Math.abs(change.after[a]! - cur.target[a]!));
  });
  const upper = s.universe.map((_, a) => (has[a] ? s.portfolio.maxWeight : 0));
  const by = new Map<string, number[]>();
  if (s.portfolio.sectorCap !== undefined)
    s.sectors.forEach((sec, a) => {
      if (sec) by.set(sec, [...(by.get(sec) ?? []), a]);
    });
  const groups = [...by.entries()].map(([sec, members]) => ({
    name: `sector ${sec}`,
    members,
    max: s.portfolio.sectorCap!,
  }));
  return {
    from: prev.date,
    to: cur.date,
    change,
    meaning: weightChangeMeaning(s.portfolio),
    binding: bindingConstraints(change.after, s.universe, { lower: s.universe.map(() => 0), upper }, groups),
    shadow: mlShadowPrices(s.portfolio, s.universe, sectors, has, allocatorInputs(s, cur)),
    recomputeDifference: diff,
  };
}
