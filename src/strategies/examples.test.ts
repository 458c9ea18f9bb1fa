/**
 * Every example study with strategies (examples/*.yaml) runs here end to end through the library API the study
 * runner uses: data → `runStudyBacktests` → `backtestArtefacts`. Synthetic-data examples always run; examples on
 * ../shared data run when it is present (describeShared).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Panel } from '../data/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { parseFrenchCsv } from '../io/index.ts';
import { backtestArtefacts, excessReturnsPanel, withPriceIndex } from '../backtest/index.ts';
import { describeShared, repoRoot } from '../../test/support/shared.ts';
import { runStudyBacktests } from './index.ts';
import type { StrategySpec } from './index.ts';

interface ExampleStudy {
  name: string;
  seed?: number;
  data: {
    source: string;
    market?: object;
    path?: string;
    section?: string;
    factors?: { path: string; excessOver: string; include?: string[] };
    start?: string;
    end?: string;
  };
  backtest: unknown;
  strategies: StrategySpec[];
  baselines?: StrategySpec[];
}

const dir = join(repoRoot, 'examples');
const allExamples = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, study: parse(readFileSync(join(dir, f), 'utf8')) as ExampleStudy }))
  .filter((e) => Array.isArray(e.study.strategies) && e.study.strategies.length > 0 && e.study.backtest !== undefined);
// Studies with an ml-forecast strategy run through runStudy in their own tests (the ML job; rl-allocation.yaml in
// src/study/rl-agent-study.test.ts).
const examples = allExamples.filter((e) => e.study.strategies.every((s) => s.kind !== 'ml-forecast'));

let lastRecords: unknown;

function loadPanel(s: ExampleStudy): Panel {
  const d = s.data;
  lastRecords = undefined;
  if (d.source === 'synthetic') {
    const m = synthesizeMarket({ ...(d.market ?? {}), seed: s.seed ?? 42 });
    lastRecords = { macro: m.macro, headlines: m.headlines, fundamentals: m.fundamentals };
    return m.panel;
  }
  if (d.source === 'french') {
    const at = (p: string) => readFileSync(resolve(dir, p), 'utf8');
    let panel = parseFrenchCsv(at(d.path!), { section: d.section ?? 'monthly' }).panel;
    if (d.factors) {
      const f = parseFrenchCsv(at(d.factors.path), { section: 'monthly' }).panel;
      panel = excessReturnsPanel(panel, f, { excessOver: d.factors.excessOver, include: d.factors.include ?? [] });
    }
    const from = d.start ?? '0000';
    const to = d.end ?? '9999';
    const dates = panel.dates;
    const i0 = dates.findIndex((x) => x >= from);
    const i1 = panel.lastIndexOnOrBefore(to);
    return withPriceIndex(panel.sliceRows(i0, i1 + 1));
  }
  throw new Error(`example data source ${d.source} is not handled by this test`);
}

function check(file: string, s: ExampleStudy): void {
  const panel = loadPanel(s);
  const results = runStudyBacktests(panel, s, { seed: s.seed ?? 42, ...(lastRecords ? { records: lastRecords } : {}) });
  expect(results.length).toBe(s.strategies.length + (s.baselines?.length ?? 0));
  for (const r of results) {
    expect(
      r.nav.every((v) => Number.isFinite(v) && v > 0),
      `${file} ${r.strategy}: NAV finite and positive`,
    ).toBe(true);
    expect(Number.isFinite(r.metrics.sharpe), `${file} ${r.strategy}: Sharpe finite`).toBe(true);
    expect(r.ledger.length).toBeGreaterThan(0);
    expect(r.settings.sameBarFill).toBe(false);
    expect(r.metrics.nTrials).toBe(results.length);
    const files = backtestArtefacts(r, `${r.strategy}/`);
    expect(files[`${r.strategy}/ledger.csv`]!.split('\n')[0]).toBe('date,asset,side,quantity,price,notional,cost');
    expect(JSON.parse(files[`${r.strategy}/metrics.json`]!).metrics.periods).toBe(r.metrics.periods);
  }
}

describe('example studies run end to end', () => {
  for (const { file, study } of examples.filter((e) => e.study.data.source !== 'french'))
    it(file, () => check(file, study));
});

describeShared('example studies on ../shared data', ['data', 'kenneth_french', '10_Industry_Portfolios.CSV'], () => {
  for (const { file, study } of examples.filter((e) => e.study.data.source === 'french')) {
    it(file, () => {
      check(file, study);
      const r = runStudyBacktests(loadPanel(study), study)[0]!;
      if (file === 'dgu-1n-industry.yaml')
        expect(Math.abs(r.metrics.sharpePerPeriod - 0.1361)).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('examples list', () => {
  it('covers every strategy kind shipped by the backtest engineer', () => {
    const kinds = new Set(
      allExamples.flatMap((e) => [...e.study.strategies, ...(e.study.baselines ?? [])].map((s) => s.kind)),
    );
    for (const k of ['fixed-mix', 'buy-and-hold', 'equal-weight', 'inverse-volatility', 'dynamic', 'allocator'])
      expect(kinds.has(k), k).toBe(true);
    const signals = new Set(
      allExamples.flatMap((e) => e.study.strategies.map((x) => (x as { signal?: { kind: string } }).signal?.kind)),
    );
    for (const k of ['trend', 'volatility', 'macro']) expect(signals.has(k), k).toBe(true);
    expect(kinds.has('rl-agent'), 'rl-agent (examples/rl-allocation.yaml)').toBe(true);
    expect(dirname(dir)).toBe(repoRoot);
  });
});
