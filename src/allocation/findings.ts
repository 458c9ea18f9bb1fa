/**
 * An allocation's status as findings: a fallback says which method produced the weights instead of the one asked
 * for and why (the trail); a failure says the decision ended in cash. 'ok' gives none.
 */
import type { FindingDraft } from '../core/index.ts';
import type { Allocation } from './types.ts';

const trailText = (a: Pick<Allocation, 'trail'>): string => a.trail.map((s) => `${s.by}: ${s.outcome}`).join('; ');

export function allocationFindings(a: Pick<Allocation, 'status' | 'trail' | 'diagnostics'>): FindingDraft[] {
  if (a.status === 'ok') return [];
  const asked = a.trail[0]?.by ?? 'the allocator';
  if (a.status === 'fallback') {
    const used = String(a.diagnostics['method'] ?? a.trail.at(-1)?.by ?? 'a fallback');
    return [
      {
        severity: 'warning',
        kind: 'allocator-fallback',
        message: `${used} produced the weights instead of ${asked} (${trailText(a)})`,
        fix: used.endsWith(' under CVaR ≤ maxVaR')
          ? 'a historical VaR cap is not convex and is never optimised: write maxCVaR { level, max } instead (it implies the VaR cap) to ask for what ran'
          : `give ${asked} what it needs (inputs, feasible constraints) or name ${used} in the study`,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      kind: 'cash-forced',
      message: `${asked} found no portfolio, so the decision holds 100 % cash (${trailText(a)})`,
      fix: 'loosen the constraints that fail, or give the allocator a longer estimation window',
    },
  ];
}
