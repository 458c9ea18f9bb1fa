/**
 * Turn weight functions into `Allocation` values: validate, solve, re-check every constraint, and record the trail.
 * A fallback chain tries allocators in order; the first whose weights pass every check wins. If none does the
 * status is 'failed' and the weights are all zero (all cash), never NaN.
 */
import { isKeelError } from '../core/index.ts';
import { checkConstraints, type Constraints, type Violation } from './constraints.ts';
import { portfolioPerformance } from './performance.ts';
import type { Allocation, Allocator, ReturnDistribution, TrailEntry } from './types.ts';

export type WeightFunction = (dist: ReturnDistribution, constraints: Constraints) => Float64Array;

export interface AllocatorOptions {
  /** Weights may sum to less than the budget (the rest is cash), e.g. volatility targeting. */
  readonly allowCash?: boolean;
  /** Constraint kinds this allocator cannot honour (checked after solving anyway). */
  readonly extraDiagnostics?: (w: Float64Array, dist: ReturnDistribution) => Record<string, number | string>;
  /** A link of a chain that only some constraints call for (e.g. a VaR cap's CVaR bound); skipped, unrecorded, otherwise. */
  readonly appliesTo?: (c: Constraints) => boolean;
}

function describe(v: readonly Violation[]): string {
  return v
    .slice(0, 3)
    .map((x) => `${x.rule}: got ${fmt(x.value)}, limit ${fmt(x.limit)}`)
    .join('; ');
}

const fmt = (x: number): string =>
  Math.abs(x) >= 1e-4 || x === 0 ? String(Math.round(x * 1e8) / 1e8) : x.toExponential(3);

/** Run one weight function and check it; throws nothing. */
export function attempt(
  kind: string,
  fn: WeightFunction,
  dist: ReturnDistribution,
  constraints: Constraints,
  options: AllocatorOptions = {},
): { weights: Float64Array | null; outcome: string; diagnostics: Record<string, number | string> } {
  try {
    const frozenMu = dist.mu.slice();
    const w = fn(dist, constraints);
    for (let i = 0; i < w.length; i++) if (Object.is(w[i], -0)) w[i] = 0;
    let violations = checkConstraints(w, dist, constraints);
    if (options.allowCash) violations = violations.filter((v) => v.rule !== 'sum of weights');
    if (violations.length > 0)
      return { weights: null, outcome: `constraint check failed: ${describe(violations)}`, diagnostics: {} };
    if (!dist.mu.every((v, i) => Object.is(v, frozenMu[i]))) throw new Error(`${kind} mutated its input`);
    const perf = portfolioPerformance(w, dist.mu, dist.cov, dist.riskFreeRate ?? 0.02);
    return {
      weights: w,
      outcome: 'ok',
      diagnostics: {
        expectedReturn: perf.expectedReturn,
        volatility: perf.volatility,
        sharpe: perf.sharpe,
        ...(options.extraDiagnostics ? options.extraDiagnostics(w, dist) : {}),
      },
    };
  } catch (e) {
    if (isKeelError(e)) return { weights: null, outcome: `${e.kind}: ${e.message}`, diagnostics: {} };
    return { weights: null, outcome: `error: ${e instanceof Error ? e.message : String(e)}`, diagnostics: {} };
  }
}

/** An allocator from one weight function (no fallback: failure gives status 'failed'). */
export function makeAllocator(
  kind: string,
  fn: WeightFunction,
  options: AllocatorOptions = {},
): Allocator & { readonly fn: WeightFunction; readonly options: AllocatorOptions } {
  return {
    kind,
    fn,
    options,
    allocate(dist: ReturnDistribution, constraints: Constraints = {}): Allocation {
      return chain([{ kind, fn, options }], dist, constraints);
    },
  };
}

export interface ChainLink {
  readonly kind: string;
  readonly fn: WeightFunction;
  readonly options?: AllocatorOptions;
}

/** Try each link in order; first success wins. */
export function chain(
  links: readonly ChainLink[],
  dist: ReturnDistribution,
  constraints: Constraints = {},
): Allocation {
  const trail: TrailEntry[] = [];
  for (let k = 0; k < links.length; k++) {
    const link = links[k]!;
    if (link.options?.appliesTo && !link.options.appliesTo(constraints)) continue;
    const r = attempt(link.kind, link.fn, dist, constraints, link.options);
    trail.push({ by: link.kind, outcome: r.outcome });
    if (r.weights) {
      return {
        weights: r.weights,
        status: k === 0 ? 'ok' : 'fallback',
        trail,
        diagnostics: { method: link.kind, ...r.diagnostics },
      };
    }
  }
  return {
    weights: new Float64Array(dist.assets.length),
    status: 'failed',
    trail,
    diagnostics: { method: 'none', reason: 'every allocator in the chain failed; weights are all cash' },
  };
}

/** Wrap allocators into a fallback chain (e.g. max-sharpe → min-variance → inverse-volatility → equal-weight). */
export function withFallback(
  allocators: readonly (Allocator & { readonly fn: WeightFunction; readonly options: AllocatorOptions })[],
): Allocator {
  const kind = allocators.map((a) => a.kind).join(' → ');
  return {
    kind,
    allocate: (dist, constraints = {}) =>
      chain(
        allocators.map((a) => ({ kind: a.kind, fn: a.fn, options: a.options })),
        dist,
        constraints,
      ),
  };
}
