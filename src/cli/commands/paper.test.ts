/**
 * `keel paper` through the CLI: with slicing off its NAV equals the backtest NAV of the same strategy, costs and
 * fills (`keel run` of the same study, nav.csv) to 1e-9 relative, on every day; and examples/paper-60-40.yaml runs.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';
import { tempDir } from '../../../test/support/trading-studies.ts';

const repo = resolve(import.meta.dirname, '..', '..', '..');

interface PaperJson {
  marks: { date: string; nav: number; cash: number }[];
  notes: unknown[];
  reconciled: boolean;
}

/** date → NAV of one strategy from `keel run`'s nav.csv. */
async function backtestNav(study: string, out: string, folder: string): Promise<Map<string, number>> {
  const r = await runInProcess(['run', study, '--out', out]);
  expect(r.code).toBe(0);
  const run = readdirSync(out)[0]!;
  const rows = readFileSync(join(out, run, folder, 'nav.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return new Map(rows.map((l) => [l.split(',')[0]!, Number(l.split(',')[1])]));
}

function compare(marks: PaperJson['marks'], nav: Map<string, number>): { maxAbs: number; maxRel: number } {
  expect(marks.map((m) => m.date)).toEqual([...nav.keys()]);
  let maxAbs = 0;
  let maxRel = 0;
  for (const m of marks) {
    const d = Math.abs(m.nav - nav.get(m.date)!);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / nav.get(m.date)!);
  }
  return { maxAbs, maxRel };
}

describe('keel paper', () => {
  it(
    'equals the backtest NAV of the same strategy, costs and fills to 1e-9 (inverse volatility, weekly)',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('paper-nav');
      const study = join(dir, 'iv.yaml');
      writeFileSync(
        study,
        `name: paper-iv
seed: 7
data:
  source: synthetic
  market: { start: 2014-01-01, years: 2, stocks: 4 }
backtest:
  start: 2015-01-02
  end: 2015-09-30
  periodsPerYear: 252
  rebalance: weekly
  fill: next-close
  initialCapital: 1000000
  costs: { kind: composite, models: [{ kind: proportional, bps: 5 }, { kind: half-spread, bps: 2 }] }
strategies:
  - kind: inverse-volatility
    name: iv
    window: 40
baselines: []
trading:
  approval: { auto: true, maxTurnover: 2 }
`,
      );
      const r = await runInProcess([
        'paper',
        study,
        '--from',
        '2015-01-02',
        '--to',
        '2015-09-30',
        '--ledger',
        join(dir, 'p.sqlite'),
        '--json',
      ]);
      expect(r.stderr).toBe('');
      const paper = JSON.parse(r.stdout) as PaperJson;
      expect(paper.notes).toEqual([]);
      expect(paper.reconciled).toBe(true);
      const { maxAbs, maxRel } = compare(paper.marks, await backtestNav(study, join(dir, 'runs'), 'iv'));
      console.log(
        `paper vs backtest (inverse volatility, ${paper.marks.length} days): max |ΔNAV| ${maxAbs}, max relative ${maxRel}`,
      );
      expect(maxRel).toBeLessThan(1e-9);
    },
  );

  for (const [file, strategy, what] of [
    ['paper-60-40.yaml', '60-40-bands', '60/40, 5-point bands'],
    ['paper-ml.yaml', 'ridge-mv', 'ridge forecasts into mean-variance, monthly'],
  ] as const)
    it(`runs examples/${file} (${what}) and matches its backtest`, { timeout: 120_000 }, async () => {
      const dir = tempDir('paper-example');
      const example = readFileSync(join(repo, 'examples', file), 'utf8');
      // keel run over the same window, for the backtest NAV.
      const study = join(dir, file);
      writeFileSync(
        study,
        example
          .replace('  periodsPerYear: 252', '  periodsPerYear: 252\n  start: 2016-01-04\n  end: 2016-12-30')
          .replace('strategies:', 'baselines: []\nstrategies:'),
      );
      const L = join(dir, 'book.sqlite');
      const r = await runInProcess([
        'paper',
        join(repo, 'examples', file),
        '--from',
        '2016-01-04',
        '--to',
        '2016-12-30',
        '--ledger',
        L,
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(
        new RegExp(
          `^paper ${strategy} 2016-01-04 … 2016-12-30: 260 days marked, \\d+ plans, \\d+ fills; NAV [\\d.]+; broker reconciled\\n$`,
        ),
      );
      const json = await runInProcess([
        'paper',
        join(repo, 'examples', file),
        '--from',
        '2016-01-04',
        '--to',
        '2016-12-30',
        '--ledger',
        L,
        '--json',
      ]);
      const paper = JSON.parse(json.stdout) as PaperJson;
      expect(paper.marks).toHaveLength(260);
      if (file === 'paper-ml.yaml') {
        // ML studies run through the ML job, whose report.json keeps each strategy's NAV as growth of 1 from the
        // first fill day, to 10 significant digits: compare growth from that day, within that rounding.
        const r2 = await runInProcess(['run', study, '--out', join(dir, 'runs')]);
        expect(r2.code).toBe(0);
        const run = readdirSync(join(dir, 'runs'))[0]!;
        const rep = JSON.parse(readFileSync(join(dir, 'runs', run, 'report.json'), 'utf8')) as {
          sections: { strategies: { name: string; dates: string[]; nav: number[] }[] }[];
        };
        const s = rep.sections[0]!.strategies.find((x) => x.name === strategy)!;
        const marks = new Map(paper.marks.map((m) => [m.date, m.nav]));
        expect(s.dates.every((d) => marks.has(d))).toBe(true);
        expect(s.dates.length).toBe(259); // every paper day after the first decision
        const base = marks.get(s.dates[0]!)!;
        const rel = s.dates.map((d, i) => Math.abs(marks.get(d)! / base / (s.nav[i]! / s.nav[0]!) - 1));
        expect(Math.max(...rel)).toBeLessThan(1e-9);
      } else {
        const { maxRel } = compare(paper.marks, await backtestNav(study, join(dir, 'runs'), strategy));
        expect(maxRel).toBeLessThan(1e-9);
      }
      expect((await runInProcess(['trade', 'audit', '--verify', '--ledger', L])).code).toBe(0);
    });
});
