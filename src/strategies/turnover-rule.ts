/** The turnover cap of a `kind: allocator` strategy against the book's drifted weights (see allocateWithTurnover). */
import type { FindingDraft } from '../core/index.ts';
import { checkConstraints } from '../allocation/index.ts';
import type { Allocation, Allocator, Constraints, ReturnDistribution } from '../allocation/index.ts';

/**
 * The turnover rule of a backtest, against the drifted weights the book holds before this decision:
 *  1. Building the book from all cash (the first decision, or after a decision in cash) is exempt: forming a
 *     portfolio is not turnover, and with the cap every first decision would need turnover 1 > cap and fail to cash
 *     forever (the defect this fixes). Reported as info `turnover-exempt` (documented rule, asked for by the study).
 *  2. Otherwise the cap is a constraint of the optimisation (trade space: w = w_prev + buys − sells).
 *     When it binds, the study got what it asked for: info `turnover-capped`.
 *  3. When the allocator finds no portfolio within the cap (a method that cannot carry it, such as hrp, or a drifted
 *     book outside a bound or group by more than the cap can repair), it solves without the cap and the book moves
 *     from the drifted weights toward that target as far as the cap allows, w = w_prev + λ(target − w_prev) with
 *     λ = cap / Σ|target − w_prev| — instead of the old failure into 100 % cash. `turnover-capped` names λ: info
 *     when that book meets the other constraints, warning when it still breaks one.
 */
export function allocateWithTurnover(
  allocator: Allocator,
  dist: ReturnDistribution,
  c: Constraints | undefined,
  drifted: Float64Array,
): { weights: Float64Array; allocation: Allocation; findings: FindingDraft[] } {
  const cap = c?.maxTurnover;
  if (c === undefined || cap === undefined) return { ...plain(allocator.allocate(dist, c)), findings: [] };
  const { maxTurnover: _, ...uncapped } = c;
  let gross = 0;
  for (const v of drifted) gross += Math.abs(v);
  if (gross < 1e-12) {
    const a = allocator.allocate(dist, uncapped);
    const t = turnover(a.weights, dist.previousWeights!);
    const findings: FindingDraft[] =
      a.status === 'failed'
        ? []
        : [
            {
              severity: 'info',
              kind: 'turnover-exempt',
              message: `the book was all cash, so buying it (turnover ${pct(t)}) was exempt from maxTurnover ${cap}; the cap binds from the next rebalance on`,
            },
          ];
    return { ...plain(a), findings };
  }
  const capped = allocator.allocate(dist, c);
  const prev = dist.previousWeights!;
  if (capped.status === 'ok') {
    const t = turnover(capped.weights, prev);
    const findings: FindingDraft[] =
      t >= cap - 1e-9
        ? [
            {
              severity: 'info',
              kind: 'turnover-capped',
              message: `maxTurnover ${cap} bound: the allocator traded ${pct(t)} of NAV, the most the cap allows`,
            },
          ]
        : [];
    return { ...plain(capped), findings };
  }
  const free = allocator.allocate(dist, uncapped);
  if (free.status !== 'ok') return { ...plain(capped), findings: [] };
  const t = turnover(free.weights, prev);
  if (t <= cap + 1e-12) return { ...plain(free), findings: [] };
  const lambda = cap / t;
  const w = Float64Array.from(free.weights, (x, i) => prev[i]! + lambda * (x - prev[i]!));
  const allocation: Allocation = {
    ...free,
    weights: w,
    trail: [
      ...capped.trail,
      { by: `${capped.trail[0]?.by ?? 'allocator'} without maxTurnover`, outcome: 'ok' },
      { by: 'turnover cap', outcome: `moved ${pct(lambda)} of the way from the drifted weights to that target` },
    ],
    diagnostics: { ...free.diagnostics, turnoverFraction: lambda },
  };
  // Severity: info when the truncated book meets every other constraint of the study (a heuristic method such as
  // hrp cannot carry the cap, so moving toward its target is the documented way to honour it); warning when the
  // book still breaks one (the drifted book was outside a bound or group by more than the cap can repair), since
  // then the study's constraints do not hold. Cash left by costs (< 0.1 %) does not count as breaking the budget.
  const broken = checkConstraints(w, dist, uncapped).filter(
    (v) => !(v.rule === 'sum of weights' && Math.abs(v.value - v.limit) < 1e-3),
  );
  const head = `${capped.trail[0]?.by ?? 'the allocator'} found no portfolio within maxTurnover ${cap} of the drifted book (${capped.trail[0]?.outcome ?? 'failed'}), so the book moved ${pct(lambda)} of the way to its uncapped target (which needs turnover ${pct(t)})`;
  const finding: FindingDraft =
    broken.length === 0
      ? { severity: 'info', kind: 'turnover-capped', message: head }
      : {
          severity: 'warning',
          kind: 'turnover-capped',
          message: `${head}; the book still breaks ${broken[0]!.rule} (${round(broken[0]!.value)}, limit ${broken[0]!.limit})`,
          fix: `raise maxTurnover to at least ${Math.ceil(t * 100) / 100} or loosen the constraint the drifted book breaks`,
        };
  return { weights: w, allocation, findings: [finding] };
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

const plain = (a: Allocation): { weights: Float64Array; allocation: Allocation } => ({
  weights: a.weights,
  allocation: a,
});

function turnover(w: Float64Array, prev: Float64Array): number {
  let t = 0;
  for (let i = 0; i < w.length; i++) t += Math.abs(w[i]! - prev[i]!);
  return t;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
