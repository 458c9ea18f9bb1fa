/**
 * The allocation census: every allocator kind (allocatorKinds) × every constraint kind (constraintsSchema's keys,
 * plus none and one impossible setting) × every path a user takes — the library call, `keel allocate`, and a
 * backtest study through runStudy with a `kind: allocator` strategy. The table is enumerated from the kind tables,
 * so a new kind or constraint is covered (or fails here asking for a sample) without editing this file.
 *
 * Each cell must be one of:
 *   own      the method's own answer: status ok and the weights equal the method called alone (fallback: [])
 *            on the same window;
 *   finding  a fallback or cash, and a finding (allocator-fallback / cash-forced) names the asked method;
 *   error    (keel allocate) every link failed: one error line, exit 1;
 *   refused  refused before running with one line per problem (study validation, or keel allocate exit 2).
 * Anything else is `silent`, and the census fails listing those cells.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isKeelError, Matrix, type Finding } from '../core/index.ts';
import {
  allocationFindings,
  allocatorKinds,
  constraintProblems,
  constraintsSchema,
  type Allocation,
  type Allocator,
  type Constraints,
  type ReturnDistribution,
} from '../allocation/index.ts';
import { expectedReturnKinds, riskModelKinds, type ReturnsTable } from '../risk/index.ts';
import { trailingReturns } from '../strategies/index.ts';
import { isStudyError, validateStudy } from '../config/index.ts';
import { loadStudySteps, runStudy, type StudyStep } from '../study/index.ts';
import type { Panel } from '../data/index.ts';
import type { BacktestResult } from '../backtest/index.ts';
import { allocateCommand } from './commands/allocate.ts';
import { estimate } from './commands/allocate-shared.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-census-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

// ------------------------------------------------------------------ data: 5 seeded random walks, 150 weekdays
const ASSETS = ['A', 'B', 'C', 'D', 'E'];
const N_DATES = 150;
const WINDOW = 60;
const START_ROW = 80;
function prices(): { dates: string[]; rows: number[][] } {
  let s = 20260101;
  const u = (): number => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647;
  const gauss = (): number => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  const drift = [0.0008, 0.0004, 0.0006, 0.0002, -0.0001];
  const vol = [0.012, 0.006, 0.015, 0.004, 0.02];
  const dates: string[] = [];
  const rows: number[][] = [];
  let p = [100, 50, 80, 30, 20];
  for (let d = Date.UTC(2021, 0, 4); dates.length < N_DATES; d += 864e5) {
    const day = new Date(d).getUTCDay();
    if (day === 0 || day === 6) continue;
    const common = gauss();
    p = p.map((x, j) => x * (1 + drift[j]! + vol[j]! * (0.5 * common + 0.85 * gauss())));
    dates.push(new Date(d).toISOString().slice(0, 10));
    rows.push(p);
  }
  return { dates, rows };
}
const market = prices();
const csv = join(work, 'prices.csv');
writeFileSync(
  csv,
  [
    'date,' + ASSETS.join(','),
    ...market.rows.map((r, i) => `${market.dates[i]},${r.map((x) => x.toFixed(6)).join(',')}`),
  ].join('\n') + '\n',
);

// ------------------------------------------------------------------ the table's axes, from the kind tables
/** Parameters for kinds that cannot run on defaults. A new kind that needs some must add them here. */
const SAMPLE_PARAMS: Record<string, Record<string, unknown>> = {
  'fixed-mix': { weights: { A: 0.4, B: 0.3, C: 0.3 } },
  'efficient-risk': { targetVolatility: 0.12 },
  'efficient-return': { targetReturn: 0.08 },
  'efficient-cvar': { maxCVaR: 0.02 },
  'black-litterman': { views: { absolute: { A: 0.08, C: 0.02 } } },
};
/** One binding-ish sample per constraint kind. A new constraint key must add a sample here. */
const CONSTRAINT_SAMPLES: Record<string, Constraints> = {
  weightBounds: { weightBounds: [0, 0.4] },
  assetBounds: { assetBounds: { A: [0, 0.1] } },
  marketNeutral: { marketNeutral: true, weightBounds: [-1, 1] },
  groups: { groups: [{ name: 'AB', assets: ['A', 'B'], max: 0.3 }] },
  l2Gamma: { l2Gamma: 0.5 },
  maxVolatility: { maxVolatility: 0.1 },
  maxTurnover: { maxTurnover: 1.2 },
  transactionCost: { transactionCost: 0.002 },
  maxVaR: { maxVaR: { level: 0.95, max: 0.012, method: 'parametric' } },
  maxCVaR: { maxCVaR: { level: 0.95, max: 0.02 } },
  maxHoldings: { maxHoldings: 3 },
};
const KINDS = Object.keys(allocatorKinds);
const CONSTRAINT_KEYS = Object.keys(constraintsSchema.shape);
/** Rows of the table: no constraint, each constraint kind, and one setting no portfolio of 5 assets can meet. */
const CASES: readonly { readonly name: string; readonly c: Constraints }[] = [
  { name: 'none', c: {} },
  ...CONSTRAINT_KEYS.map((k) => ({ name: k, c: CONSTRAINT_SAMPLES[k] ?? {} })),
  { name: 'impossible (5 × 0.1 < 1)', c: { weightBounds: [0, 0.1] } },
];
const params = (kind: string): Record<string, unknown> => SAMPLE_PARAMS[kind] ?? {};

type Entry = { schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }; create(p: unknown): Allocator };
const entry = (kind: string): Entry => (allocatorKinds as unknown as Record<string, Entry>)[kind]!;
const make = (kind: string): Allocator => entry(kind).create(entry(kind).schema.safeParse(params(kind)).data);
/** The method alone: its kind with an empty fallback chain when it has one. */
function alone(kind: string): Allocator {
  const withEmpty = entry(kind).schema.safeParse({ ...params(kind), fallback: [] });
  return entry(kind).create(withEmpty.success ? withEmpty.data : entry(kind).schema.safeParse(params(kind)).data);
}

type Outcome = 'own' | 'finding' | 'error' | 'refused' | 'silent';
interface Cell {
  readonly kind: string;
  readonly constraint: string;
  readonly path: 'library' | 'cli' | 'study';
  readonly outcome: Outcome;
  readonly why?: string;
}
const cells: Cell[] = [];

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9): boolean =>
  a.length === b.length && Array.from(a).every((x, i) => Math.abs(x - b[i]!) <= tol);

/** own / finding / silent for one allocation against the method alone on the same distribution. */
function judge(
  kind: string,
  got: { status: string; weights: ArrayLike<number> },
  findings: readonly { kind: string; message: string }[],
  reference: Allocation,
): { outcome: Outcome; why?: string } {
  const named = findings.some(
    (f) => (f.kind === 'allocator-fallback' || f.kind === 'cash-forced') && f.message.includes(kind),
  );
  const why = findings.map((f) => `${f.kind}: ${f.message}`.slice(0, 220)).join(' | ');
  if (got.status === 'ok') {
    if (reference.status === 'ok' && close(got.weights, reference.weights)) return { outcome: 'own' };
    // e.g. the engine scaled the target: a warning at that date says the result is not the method's own
    if (findings.some((f) => (f as { severity?: string }).severity !== 'info')) return { outcome: 'finding', why };
    return {
      outcome: 'silent',
      why: `status ok but weights ${Array.from(got.weights, (x) => x.toFixed(4)).join(',')} ≠ the method alone (${reference.status}: ${Array.from(reference.weights, (x) => x.toFixed(4)).join(',')})`,
    };
  }
  return named
    ? { outcome: 'finding', why }
    : { outcome: 'silent', why: `status ${got.status} without a finding naming ${kind}` };
}

/** Long-only cells must never hold more than 100 % of one asset (the HRP 1.0005 guard) nor a non-finite weight. */
function sane(c: Constraints, w: ArrayLike<number>): boolean {
  const hi = c.weightBounds?.[1] ?? 1;
  return Array.from(w).every((x) => Number.isFinite(x) && x <= (hi ?? 1) + 1e-8);
}

// ------------------------------------------------------------------ the study window's distribution (first decision)
type MuKind = { create(p: unknown): { estimate(t: ReturnsTable): Float64Array } };
type CovKind = { create(p: unknown): { estimate(t: ReturnsTable): { matrix: Matrix } } };
/** What the allocator strategy builds from a window (mean μ, sample Σ, from cash, rf 0), plus the window as scenarios. */
function distributionOf(table: ReturnsTable): ReturnDistribution {
  const mu = (expectedReturnKinds as unknown as Record<string, MuKind>)['mean']!.create({}).estimate(table);
  const cov = (riskModelKinds as unknown as Record<string, CovKind>)['sample']!.create({}).estimate(table).matrix;
  return {
    assets: table.assets,
    mu,
    cov,
    scenarios: new Matrix(table.nDates, table.nAssets, table.values),
    previousWeights: new Float64Array(table.nAssets),
    riskFreeRate: 0,
  };
}

function windowDistribution(panel: Panel, dateIndex: number): ReturnDistribution {
  const view = panel.upTo(panel.dates[dateIndex]!);
  const { values, rows } = trailingReturns(view, WINDOW, 'close');
  return distributionOf({ values, nDates: rows, nAssets: view.nAssets, assets: view.assets });
}

async function cli(args: string[]): Promise<{ out: string; error?: string; kind?: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const cmd = allocateCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} });
  try {
    await cmd.parseAsync(args, { from: 'user' });
    return { out };
  } catch (e) {
    if (isKeelError(e)) return { out, error: e.message, kind: e.kind };
    return { out, error: e instanceof Error ? e.message : String(e), kind: 'commander' };
  } finally {
    spy.mockRestore();
  }
}

describe('allocation census: allocator kinds × constraint kinds × (library, keel allocate, study)', () => {
  it('every kind and constraint has a runnable sample', () => {
    for (const k of KINDS)
      expect(entry(k).schema.safeParse(params(k)).success, `add sample params for allocator kind ${k}`).toBe(true);
    for (const k of CONSTRAINT_KEYS)
      expect(CONSTRAINT_SAMPLES[k], `add a sample for constraint ${k} to CONSTRAINT_SAMPLES`).toBeDefined();
  });

  it('the study path: validation refuses in one line, every run is the method or a finding names the substitution', async () => {
    const base = {
      name: 'census',
      data: { source: 'csv', path: csv, universe: ASSETS },
      // market-neutral portfolios are long/short: allow their gross exposure (the default maxGross 1 stops the run)
      backtest: {
        costs: { kind: 'none' },
        start: market.dates[START_ROW],
        rebalance: 'monthly',
        leverage: { maxGross: 20 },
      },
      baselines: [],
      report: { html: false },
    };
    const strategy = (kind: string, c: Constraints) => ({
      name: kind,
      kind: 'allocator',
      window: WINDOW,
      allocator: { kind, ...params(kind) },
      ...(Object.keys(c).length > 0 ? { constraints: c } : {}),
    });
    const steps = await loadStudySteps();
    for (const { name, c } of CASES) {
      // one validation per row: a refused strategy is named by its index, one line per problem
      const refused = new Set<number>();
      try {
        validateStudy({ ...base, strategies: KINDS.map((k) => strategy(k, c)) });
      } catch (e) {
        expect(isStudyError(e), String(e)).toBe(true);
        for (const p of (e as { problems: string[] }).problems) {
          expect(p).not.toContain('\n');
          const m = /strategies\[(\d+)\]/.exec(p);
          expect(m, p).not.toBeNull();
          refused.add(Number(m![1]));
        }
      }
      KINDS.forEach((kind, i) => {
        if (refused.has(i)) cells.push({ kind, constraint: name, path: 'study', outcome: 'refused' });
      });
      const runnable = KINDS.filter((_, i) => !refused.has(i));
      if (runnable.length === 0) continue;
      let seen: { runs: { name: string; result: BacktestResult }[]; panel: Panel } | undefined;
      const probe: StudyStep = {
        name: 'census-probe',
        sections: [],
        applies: () => true,
        run: (ctx) => {
          seen = { runs: ctx.state.extra['backtests'] as never, panel: ctx.state.panel as Panel };
        },
      };
      const run = await runStudy(
        { ...base, strategies: runnable.map((k) => strategy(k, c)) },
        { outDir: join(work, 'runs'), steps: [...steps, probe], clock: () => new Date(Date.UTC(2026, 0, 1)) },
      );
      rmSync(run.path, { recursive: true, force: true });
      for (const kind of runnable) {
        const r = seen!.runs.find((x) => x.name === kind)!.result;
        const decisions = r.decisions.filter((d) => d.allocationStatus !== undefined);
        expect(decisions.length, `${kind} × ${name}: no allocation decision`).toBeGreaterThan(1);
        // every decision that did not use the method says so at its date
        for (const d of decisions) {
          const at = r.findings.filter((f: Finding) => f.date === r.dates[d.dateIndex]);
          if (d.allocationStatus !== 'ok')
            expect(at.some((f) => f.kind === 'allocator-fallback' || f.kind === 'cash-forced')).toBe(true);
          expect(sane(c, d.target), `${kind} × ${name}: weight out of range`).toBe(true);
        }
        // the first decision starts from cash, so the method alone can be replayed on its window
        const first = decisions[0]!;
        const panelIndex = seen!.panel.dates.indexOf(r.dates[first.dateIndex]!);
        const dist = windowDistribution(seen!.panel, panelIndex);
        const at = r.findings.filter((f) => f.date === r.dates[first.dateIndex]);
        // Building the book from cash is exempt from a turnover cap, and an info `turnover-exempt` finding says so
        // (strategies/turnover-rule.ts): the method's own answer there is the one without the cap.
        const exempt = at.some((f) => f.kind === 'turnover-exempt');
        const { maxTurnover: _cap, ...uncapped } = c;
        const reference = alone(kind).allocate(dist, exempt ? uncapped : c);
        const verdict = judge(kind, { status: first.allocationStatus!, weights: first.target }, at, reference);
        cells.push({ kind, constraint: name, path: 'study', ...verdict });
      }
    }
  }, 60_000);

  it('the library path: the method, a finding, or refused by constraintProblems', () => {
    // the study's first decision window, rebuilt from the CSV values
    const n = ASSETS.length;
    const values = new Float64Array(WINDOW * n);
    for (let i = 0; i < WINDOW; i++)
      for (let a = 0; a < n; a++) {
        const t = START_ROW - WINDOW + i + 1;
        values[i * n + a] = market.rows[t]![a]! / market.rows[t - 1]![a]! - 1;
      }
    const dist = distributionOf({ values, nDates: WINDOW, nAssets: n, assets: ASSETS });
    for (const { name, c } of CASES)
      for (const kind of KINDS) {
        const problems = constraintProblems(ASSETS, c);
        if (problems.length > 0) {
          expect(problems.every((p) => !p.includes('\n'))).toBe(true);
          cells.push({ kind, constraint: name, path: 'library', outcome: 'refused' });
          continue;
        }
        const a = make(kind).allocate(dist, c);
        expect(sane(c, a.weights), `${kind} × ${name}: weight out of range`).toBe(true);
        const verdict = judge(kind, a, allocationFindings(a), alone(kind).allocate(dist, c));
        cells.push({ kind, constraint: name, path: 'library', ...verdict });
      }
  });

  it('the keel allocate path: the method, a finding, one error line (exit 1) or a one-line refusal (exit 2)', async () => {
    const est = await estimate(csv, { rf: '0.02', frequency: '252', cov: 'sample', mu: 'cagr' });
    for (const { name, c } of CASES)
      for (const kind of KINDS) {
        const r = await cli([
          csv,
          '--method',
          kind,
          '--params',
          JSON.stringify(params(kind)),
          '--constraints',
          JSON.stringify(c),
          '--json',
        ]);
        if (r.error !== undefined) {
          expect(r.error.includes('\n'), r.error).toBe(false);
          expect(r.kind === 'usage' || r.kind === 'data', `${kind} × ${name}: ${r.kind} ${r.error}`).toBe(true);
          const outcome: Outcome = r.kind === 'usage' ? 'refused' : 'error';
          if (outcome === 'refused') expect(r.out).toBe('');
          cells.push({ kind, constraint: name, path: 'cli', outcome, why: r.error });
          continue;
        }
        const j = JSON.parse(r.out) as {
          status: string;
          weights: Record<string, number>;
          findings: { kind: string; message: string }[];
        };
        const w = est.dist.assets.map((id) => j.weights[id]!);
        expect(sane(c, w), `${kind} × ${name}: weight out of range`).toBe(true);
        const verdict = judge(kind, { status: j.status, weights: w }, j.findings, alone(kind).allocate(est.dist, c));
        cells.push({ kind, constraint: name, path: 'cli', ...verdict });
      }
  }, 60_000);

  it('no cell is silent; the counts', () => {
    const paths = ['library', 'cli', 'study'] as const;
    expect(cells.length).toBe(KINDS.length * CASES.length * paths.length);
    const count = (o: Outcome, p?: string) => cells.filter((c) => c.outcome === o && (!p || c.path === p)).length;
    const lines = [
      `allocation census: ${KINDS.length} allocator kinds × ${CASES.length} constraint cases (none, ${CONSTRAINT_KEYS.length} kinds, 1 impossible) × ${paths.length} paths = ${cells.length} cells`,
      ...paths.map(
        (p) =>
          `  ${p.padEnd(7)} own ${count('own', p)}, fallback with finding ${count('finding', p)}, error line ${count('error', p)}, refused ${count('refused', p)}, silent ${count('silent', p)}`,
      ),
      `  total   own ${count('own')}, fallback with finding ${count('finding')}, error line ${count('error')}, refused ${count('refused')}, silent ${count('silent')}`,
    ];
    process.stderr.write(lines.join('\n') + '\n');
    // KEEL_CENSUS_DETAIL=1 lists every cell that did not give the method's own answer, with its reason
    if (process.env['KEEL_CENSUS_DETAIL'])
      for (const c of cells.filter((x) => x.outcome !== 'own'))
        process.stderr.write(`${c.path} ${c.kind} × ${c.constraint}: ${c.outcome}${c.why ? ` (${c.why})` : ''}\n`);
    const silent = cells
      .filter((c) => c.outcome === 'silent')
      .map((c) => `${c.path} ${c.kind} × ${c.constraint}: ${c.why}`);
    expect(silent).toEqual([]);
  });
});
