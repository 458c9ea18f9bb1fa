/**
 * The findings contract as a property: a random valid study either is refused up front (one-line StudyError /
 * KeelError) or runs, and then every decision that did not come from the method the study names — an allocator
 * fallback, a failed allocation, an all-cash decision from a fully-invested method — has a finding with that
 * strategy and date. A silent substitution anywhere in the allocator path fails this test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isKeelError, type Finding } from '../core/index.ts';
import { allocatorKinds } from '../allocation/index.ts';
import { runStudy } from './run-study.ts';
import { studySteps } from './steps/index.ts';
import type { StudyStep } from './context.ts';
import type { StrategyRun } from './steps/backtest.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-findings-prop-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 5, 12, 0, 0));

const CORE = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'] as const;
/** Allocators whose weights may legitimately sum to less than 1 (the rest is cash by design). */
const CASH_BY_DESIGN = new Set(['volatility-target', 'forecast-proportional']);

const kindParams = (kind: string, universe: readonly string[]): fc.Arbitrary<Record<string, unknown>> => {
  if (kind === 'efficient-risk') return fc.record({ targetVolatility: fc.constantFrom(0.02, 0.08, 0.15, 0.4) });
  if (kind === 'efficient-return') return fc.record({ targetReturn: fc.constantFrom(-0.05, 0.03, 0.1, 0.5) });
  if (kind === 'fixed-mix')
    return fc.constant({ weights: Object.fromEntries(universe.map((a) => [a, 1 / universe.length])) });
  return fc.constant({});
};

const constraintsArb = (universe: readonly string[]): fc.Arbitrary<Record<string, unknown> | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.record({ weightBounds: fc.constantFrom([0, 1], [0, 0.6], [0.05, 0.5], [0, 0.2]) }),
    fc.record({ maxVolatility: fc.constantFrom(0.01, 0.1, 0.3) }),
    fc.record({ maxTurnover: fc.constantFrom(0.2, 0.5, 2) }),
    fc.record({ maxCVaR: fc.record({ level: fc.constant(0.95), max: fc.constantFrom(0.01, 0.05) }) }),
    fc.record({
      maxVaR: fc.record({
        level: fc.constant(0.95),
        max: fc.constant(0.03),
        method: fc.constantFrom('parametric', 'historical'),
      }),
    }),
    fc.record({ groups: fc.constant([{ name: 'g', assets: [universe[0]!], max: 0.3 }]) }),
    fc.record({ l2Gamma: fc.constantFrom(0.1, 1) }),
  );

const studyArb = fc
  .record({
    universe: fc.subarray([...CORE], { minLength: 2 }),
    kind: fc.constantFrom(...Object.keys(allocatorKinds)),
    window: fc.constantFrom(21, 63, 126, 400),
    start: fc.constantFrom('2015-01-02', '2015-06-01'),
    costs: fc.constantFrom({ kind: 'none' }, { kind: 'proportional', bps: 10 }),
  })
  .chain((s) =>
    fc.record({
      base: fc.constant(s),
      params: kindParams(s.kind, s.universe),
      constraints: constraintsArb(s.universe),
    }),
  )
  .map(({ base, params, constraints }) => ({
    name: 'prop',
    seed: 11,
    data: { source: 'synthetic', market: { years: 2.5, stocks: 0 }, universe: base.universe },
    backtest: { costs: base.costs, start: base.start, rebalance: 'monthly' },
    strategies: [
      {
        name: 'S',
        kind: 'allocator',
        window: base.window,
        allocator: { kind: base.kind, ...params },
        ...(constraints ? { constraints } : {}),
      },
    ],
    baselines: [{ kind: 'equal-weight', name: '1/N' }],
  }));

describe('findings property: random valid studies run what they name or say why', () => {
  it('every non-ok decision of a random allocator study has a finding with its strategy and date', async () => {
    let captured: readonly StrategyRun[] = [];
    const capture: StudyStep = {
      name: 'capture',
      sections: [],
      applies: () => true,
      run: (ctx) => {
        captured = (ctx.state.extra['backtests'] as readonly StrategyRun[] | undefined) ?? [];
      },
    };
    const tally = { ran: 0, refused: 0, withFindings: 0 };
    let k = 0;
    await fc.assert(
      fc.asyncProperty(studyArb, async (study) => {
        captured = [];
        let findings: readonly Finding[];
        try {
          const r = await runStudy(study, { outDir: join(work, String(k++)), clock, steps: [...studySteps, capture] });
          findings = r.findings;
        } catch (e) {
          // Refusals are allowed, but only as one-line Keel errors (never an internal failure).
          expect(isKeelError(e), String(e)).toBe(true);
          expect((e as Error).message).not.toMatch(/\n/);
          tally.refused++;
          return;
        }
        tally.ran++;
        if (findings.length > 0) tally.withFindings++;
        const flagged = new Set(findings.map((f) => `${f.strategy}|${f.date}`));
        const kind = (study.strategies[0]!.allocator as { kind: string }).kind;
        for (const run of captured) {
          if (run.baseline) continue;
          const r = run.result;
          for (const d of r.decisions) {
            const date = r.dates[d.dateIndex]!;
            let gross = 0;
            for (const w of d.target) gross += Math.abs(w);
            const substituted = d.allocationStatus !== undefined && d.allocationStatus !== 'ok';
            const allCash = gross < 1e-9 && !CASH_BY_DESIGN.has(kind);
            if (substituted || allCash || d.allocationStatus === undefined)
              expect(
                flagged.has(`${run.name}|${date}`),
                `${kind} ${run.name} ${date}: ${d.allocationStatus ?? 'no allocation'} without a finding`,
              ).toBe(true);
          }
        }
      }),
      { numRuns: 30, seed: 20261205, endOnFailure: true },
    );
    // The generator must exercise both paths, or the property says little.
    expect(tally.ran).toBeGreaterThan(10);
    expect(tally.withFindings).toBeGreaterThan(0);
  }, 120_000);
});
