/**
 * `kind: allocator` strategies run the method the study names, through the real path (runStudy → run folder):
 * scenario allocators optimise the window's returns (not min-variance in disguise), Black-Litterman needs views up
 * front, turnover caps trade instead of sitting in cash, CVaR caps are optimised, a historical VaR cap falls back to
 * its CVaR bound and says so, and cash for lack of history is a finding. Each block failed on the old code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Matrix, type Finding } from '../core/index.ts';
import { allocatorKinds, historicalCVaR, valueAtRisk, type ReturnDistribution } from '../allocation/index.ts';
import type { Panel } from '../data/index.ts';
import { expectedReturnKinds, riskModelKinds } from '../risk/index.ts';
import { trailingReturns } from '../strategies/index.ts';
import { runStudy } from './run-study.ts';
import { studySteps } from './steps/index.ts';
import type { StudyStep } from './context.ts';
import type { StrategyRun } from './steps/backtest.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-alloc-strat-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 5, 12, 0, 0));

const UNIVERSE = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'];
const WINDOW = 63;
const CVAR_CAP = 0.0145;
const VAR_CAP = 0.012;

const strategy = (name: string, allocator: object, constraints?: object, window = WINDOW) => ({
  name,
  kind: 'allocator',
  window,
  allocator,
  ...(constraints ? { constraints } : {}),
});

const study = (strategies: object[], start = '2015-06-01') => ({
  name: 'alloc-strat',
  seed: 3,
  data: { source: 'synthetic', market: { years: 3, stocks: 0 }, universe: UNIVERSE },
  backtest: { costs: { kind: 'proportional', bps: 5 }, start, rebalance: 'monthly' },
  strategies,
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
});

/** Runs a study and keeps the panel and every strategy's backtest result. */
async function run(s: object, dir: string, strict = false) {
  const got: { runs: readonly StrategyRun[]; panel?: Panel } = { runs: [] };
  const capture: StudyStep = {
    name: 'capture',
    sections: [],
    applies: () => true,
    run: (ctx) => {
      got.runs = (ctx.state.extra['backtests'] as readonly StrategyRun[] | undefined) ?? [];
      got.panel = ctx.state.panel as Panel;
    },
  };
  const r = await runStudy(s, { outDir: join(work, dir), clock, strict, steps: [...studySteps, capture] });
  return { r, ...got };
}

const byStrategy = (fs: readonly Finding[], name: string) => fs.filter((f) => f.strategy === name);

/** The return distribution the strategy saw at `date`: its window from the panel, all four assets complete. */
function windowAt(panel: Panel, date: string): ReturnDistribution & { scenarios: Matrix } {
  const view = panel.upTo(date);
  const { values, rows } = trailingReturns(view, WINDOW);
  expect(values.every(Number.isFinite)).toBe(true);
  // the strategy's default estimators (mean, sample), built from the risk stage's own kind tables
  const table = { values, nDates: rows, nAssets: view.nAssets, assets: view.assets };
  return {
    assets: view.assets,
    mu: expectedReturnKinds.mean.create({}).estimate(table),
    cov: riskModelKinds.sample.create({}).estimate(table).matrix,
    scenarios: new Matrix(rows, view.nAssets, values),
    riskFreeRate: 0,
  };
}

describe('kind: allocator runs what the study names (runStudy)', () => {
  const scenarioKinds: [string, Record<string, unknown>][] = [
    ['cvar', { kind: 'min-cvar', beta: 0.9 }],
    ['ecvar', { kind: 'efficient-cvar', maxCVaR: 0.02 }],
    ['cdar', { kind: 'min-cdar' }],
    ['semi', { kind: 'semivariance' }],
  ];
  let res: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    res = await run(
      study([
        strategy('mv', { kind: 'min-variance' }),
        ...scenarioKinds.map(([n, a]) => strategy(n, a)),
        strategy('turn', { kind: 'min-variance' }, { maxTurnover: 0.2 }),
        strategy(
          'capc',
          { kind: 'max-quadratic-utility', riskAversion: 0.5 },
          { maxCVaR: { level: 0.95, max: CVAR_CAP } },
        ),
        strategy('capv', { kind: 'max-sharpe' }, { maxVaR: { level: 0.95, max: VAR_CAP, method: 'historical' } }),
        strategy('bl', { kind: 'black-litterman', views: { absolute: { GOLD: 0.3 } }, weights: 'min-variance' }),
      ]),
      'main',
    );
  }, 120_000);
  const result = (name: string) => res.runs.find((x) => x.name === name)!.result;
  const weightsCsv = (name: string) => readFileSync(join(res.r.path, name, 'weights.csv'), 'utf8');

  it('min-cvar, efficient-cvar, min-cdar and semivariance optimise the window scenarios: no fallback, not min-variance', () => {
    for (const [name] of scenarioKinds) {
      expect(byStrategy(res.r.findings, name), name).toEqual([]);
      expect(weightsCsv(name), name).not.toBe(weightsCsv('mv'));
      const r = result(name);
      expect(r.decisions.length).toBeGreaterThan(10);
      expect(r.decisions.every((d) => d.allocationStatus === 'ok')).toBe(true);
    }
  });

  it("each scenario decision equals the allocator called directly on that decision's window (to 1e-12)", () => {
    // Same window, same LP/QP, same bytes in: any difference beyond rounding would mean the backtest fed the
    // allocator something else (the old code fed it no scenarios and min-variance answered).
    for (const [name, params] of scenarioKinds) {
      const { kind, ...p } = params;
      const allocator = (
        allocatorKinds[kind as keyof typeof allocatorKinds].create as (x: object) => {
          allocate: (d: ReturnDistribution) => { weights: Float64Array; status: string };
        }
      )(p);
      const r = result(name);
      for (const d of r.decisions.filter((_, k) => k % 4 === 0)) {
        const direct = allocator.allocate(windowAt(res.panel!, r.dates[d.dateIndex]!));
        expect(direct.status).toBe('ok');
        let diff = 0;
        direct.weights.forEach((w, i) => (diff = Math.max(diff, Math.abs(w - d.target[i]!))));
        expect(diff, `${name} ${r.dates[d.dateIndex]}`).toBeLessThan(1e-12);
      }
    }
  });

  it('a turnover cap below 1 trades (exempt from cash once, then within the cap against the drifted weights)', () => {
    const r = result('turn');
    const f = byStrategy(res.r.findings, 'turn');
    expect(f.filter((x) => x.kind === 'cash-forced')).toEqual([]);
    expect(f.filter((x) => x.kind === 'turnover-exempt').map((x) => x.date)).toEqual([
      r.dates[r.decisions[0]!.dateIndex],
    ]);
    expect(r.ledger.length).toBeGreaterThan(4);
    expect(r.nav[r.nav.length - 1]).not.toBe(1);
    const n = r.assets.length;
    for (const d of r.decisions.slice(1)) {
      let gross = 0;
      let t = 0;
      for (let i = 0; i < n; i++) {
        gross += d.target[i]!;
        t += Math.abs(d.target[i]! - r.weights[d.dateIndex * n + i]!);
      }
      expect(gross).toBeGreaterThan(0.99);
      expect(t, r.dates[d.dateIndex]).toBeLessThanOrEqual(0.2 + 1e-9);
    }
    expect(f.some((x) => x.kind === 'turnover-capped' && x.severity === 'info')).toBe(true);
  });

  it('a historical CVaR cap is optimised: every decision meets it, and it binds where the uncapped answer breaks it', () => {
    const r = result('capc');
    expect(byStrategy(res.r.findings, 'capc').filter((x) => x.severity !== 'info')).toEqual([]);
    let binding = 0;
    for (const d of r.decisions) {
      expect(d.allocationStatus).toBe('ok');
      const c = historicalCVaR(d.target, windowAt(res.panel!, r.dates[d.dateIndex]!), 0.95);
      expect(c).toBeLessThanOrEqual(CVAR_CAP + 1e-8);
      if (c > CVAR_CAP - 1e-9) binding++;
    }
    expect(binding).toBeGreaterThan(0);
  });

  it('a historical VaR cap (not convex) falls back to its CVaR bound with a finding that says so', () => {
    const r = result('capv');
    const fb = byStrategy(res.r.findings, 'capv').filter((x) => x.kind === 'allocator-fallback');
    expect(fb.length).toBeGreaterThan(0);
    expect(fb[0]!.message).toContain('not convex');
    expect(fb[0]!.message).toContain('max-sharpe under CVaR ≤ maxVaR');
    expect(fb[0]!.fix).toMatch(/write maxCVaR \{ level, max \} instead/);
    expect(byStrategy(res.r.findings, 'capv').filter((x) => x.kind === 'cash-forced')).toEqual([]);
    for (const d of r.decisions)
      expect(
        valueAtRisk(d.target, windowAt(res.panel!, r.dates[d.dateIndex]!), 0.95, 'historical'),
      ).toBeLessThanOrEqual(VAR_CAP + 1e-8);
  });

  it('black-litterman with views from the study runs without falling back', () => {
    expect(byStrategy(res.r.findings, 'bl')).toEqual([]);
    expect(weightsCsv('bl')).not.toBe(weightsCsv('mv'));
  });
});

describe('kind: allocator refuses or reports what it cannot do (runStudy)', () => {
  it('black-litterman without views is refused at validation with one line saying how to give them', async () => {
    const err = await runStudy(study([strategy('bl', { kind: 'black-litterman' })]), {
      outDir: join(work, 'bl'),
      clock,
    }).catch((e: unknown) => e as Error);
    expect((err as { exitCode?: number }).exitCode).toBe(2);
    expect((err as Error).message).toMatch(
      /strategies\[0\]\.allocator\.views: black-litterman needs views: give views:/,
    );
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('decisions in cash while the window fills carry warm-up-cash warnings, and --strict refuses the run', async () => {
    const s = study([strategy('late', { kind: 'min-variance' }, undefined, 400)], '2015-01-02');
    const { r } = await run(s, 'warm');
    const warm = byStrategy(r.findings, 'late').filter((x) => x.kind === 'warm-up-cash');
    expect(warm.length).toBeGreaterThan(0);
    expect(warm.every((x) => x.severity === 'warning' && /^\d{4}-\d{2}-\d{2}$/.test(x.date ?? ''))).toBe(true);
    expect(warm[0]!.message).toMatch(/of the 400 returns/);
    const err = await runStudy(s, { outDir: join(work, 'warm-strict'), clock, strict: true }).catch((e: unknown) => e);
    expect((err as { problems?: string[] }).problems?.some((p) => p.includes('warm-up-cash'))).toBe(true);
  }, 60_000);
});
