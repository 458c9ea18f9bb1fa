import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataError } from '../core/index.ts';
import { parseStudyText } from '../config/index.ts';
import { runStudy, runStudyFile } from './run-study.ts';
import { studySteps } from './steps/index.ts';
import type { StudyStep } from './context.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-study-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 10, 20, 12, 0, 0));
const small = { name: 'small', seed: 7, data: { source: 'synthetic', market: { years: 1, stocks: 2 } } };
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('runStudy findings', () => {
  // Min-variance over a rolling window under a 0.1 % volatility cap that 2 risky assets cannot meet: every decision fails and holds
  // cash. The run must say so (findings.json, summary, report panel), and --strict must refuse it with no folder.
  const cashStudy = {
    name: 'cash',
    seed: 3,
    data: { source: 'synthetic', market: { years: 2, stocks: 0 }, universe: ['EQ_BROAD', 'BOND_LONG'] },
    backtest: { costs: { kind: 'none' }, start: '2015-01-02', rebalance: 'monthly' },
    strategies: [
      {
        name: 'capped',
        kind: 'allocator',
        window: 63,
        allocator: { kind: 'min-variance' },
        constraints: { maxVolatility: 0.001 },
      },
    ],
    baselines: [{ kind: 'equal-weight', name: '1/N' }],
  };

  it('records cash forced by a failed allocation in findings.json, summary.json and report.html', async () => {
    const out = join(work, 'f1');
    const r = await runStudy(cashStudy, { outDir: out, clock });
    const findings = JSON.parse(read(r.path, 'findings.json')) as { kind: string; strategy?: string; date?: string }[];
    const cash = findings.filter((f) => f.kind === 'cash-forced');
    expect(cash.length).toBeGreaterThan(0);
    expect(cash.every((f) => f.strategy === 'capped' && /^\d{4}-\d{2}-\d{2}$/.test(f.date ?? ''))).toBe(true);
    expect(findings.some((f) => f.strategy === '1/N')).toBe(false);
    const summary = JSON.parse(read(r.path, 'summary.json'));
    expect(summary.findings.byStrategy.capped['cash-forced']).toBe(cash.length);
    expect(summary.findings.bySeverity.warning).toBeGreaterThanOrEqual(cash.length);
    const html = read(r.path, 'report.html');
    expect(html.indexOf('id="findings"')).toBeGreaterThan(-1);
    expect(html.indexOf('id="findings"')).toBeLessThan(html.indexOf('id="backtest"'));
    expect(html).toContain('cash-forced');
  });

  it('--strict fails with one problem line per finding group and leaves no run folder', async () => {
    const out = join(work, 'f2');
    const err = await runStudy(cashStudy, { outDir: out, clock, strict: true }).catch((e: unknown) => e);
    expect((err as { kind?: string }).kind).toBe('strict');
    expect((err as { exitCode?: number }).exitCode).toBe(1);
    const problems = (err as { problems: string[] }).problems;
    expect(problems.some((p) => p.includes('cash-forced') && p.includes('[capped]'))).toBe(true);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a run that did exactly what it asked has an empty findings.json and passes --strict', async () => {
    const out = join(work, 'f3');
    const r = await runStudy(
      {
        ...cashStudy,
        backtest: { ...cashStudy.backtest, periodsPerYear: 252 },
        strategies: [{ ...cashStudy.strategies[0]!, constraints: { maxVolatility: 5 } }],
      },
      { outDir: out, clock, strict: true },
    );
    expect(JSON.parse(read(r.path, 'findings.json'))).toEqual([]);
    expect(read(r.path, 'report.html')).toContain('None: every strategy ran the methods the study names');
  });
});

describe('runStudy', () => {
  it('runs data → validate → market summary and writes a complete run folder', async () => {
    const out = join(work, 'a');
    const events: string[] = [];
    const r = await runStudy(small, {
      outDir: out,
      clock,
      onProgress: (e) => events.push(`${e.index}/${e.count} ${e.step}`),
    });
    expect(r.runId).toMatch(/^20261120-120000-small-[0-9a-f]{8}$/);
    expect(readdirSync(out)).toEqual([r.runId]);
    expect([...r.artefacts].sort()).toEqual(
      [
        'data-hashes.json',
        'findings.json',
        'log.txt',
        'market-summary.csv',
        'seeds.json',
        'study.resolved.json',
        'summary.json',
        'truth.json',
      ].sort(),
    );
    expect(new Set(events)).toEqual(new Set(['1/3 data', '2/3 validate', '3/3 market-summary']));
    const resolved = JSON.parse(read(r.path, 'study.resolved.json'));
    expect(resolved.data.missing).toEqual({ policy: 'error' });
    expect(JSON.parse(read(r.path, 'seeds.json'))).toEqual({ master: 7, 'data.synthetic': 7 });
    expect(JSON.parse(read(r.path, 'data-hashes.json'))['generated:panel']).toMatch(/^[0-9a-f]{64}$/);
    expect(read(r.path, 'log.txt')).toMatch(/data quality: 0 error\(s\)/);
    const csv = read(r.path, 'market-summary.csv').trim().split('\n');
    expect(csv[0]).toBe('asset,first,last,returns,annual_return,annual_volatility,max_drawdown');
    expect(csv).toHaveLength(1 + 6); // 4 core assets + 2 stocks
  });

  it('same study, seed and clock → identical bytes; another seed → another market and id', async () => {
    const a = await runStudy(small, { outDir: join(work, 'b1'), clock });
    const b = await runStudy(small, { outDir: join(work, 'b2'), clock });
    expect(b.runId).toBe(a.runId);
    for (const f of ['study.resolved.json', 'data-hashes.json', 'summary.json', 'market-summary.csv', 'truth.json']) {
      expect(read(b.path, f)).toBe(read(a.path, f));
    }
    const c = await runStudy(small, { outDir: join(work, 'b3'), clock, seed: 8 });
    expect(c.runId).not.toBe(a.runId);
    expect(read(c.path, 'data-hashes.json')).not.toBe(read(a.path, 'data-hashes.json'));
  });

  it('leaves no output at all when a step fails', async () => {
    const out = join(work, 'c');
    const failing: StudyStep = {
      name: 'explode',
      sections: [],
      applies: () => true,
      run: (ctx) => {
        ctx.artefacts.writeText('partial.txt', 'half');
        throw dataError('explode: boom');
      },
    };
    await expect(runStudy(small, { outDir: out, clock, steps: [...studySteps, failing] })).rejects.toThrow(
      'explode: boom',
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a study section that no step executes instead of skipping it silently', async () => {
    const noSummary = studySteps.filter((s) => s.name !== 'market-summary');
    await expect(runStudy(small, { outDir: join(work, 'd'), clock, steps: noSummary })).rejects.toThrow(
      /section "report" cannot run in this build yet/,
    );
  });

  it('a top-level features/model/risk/allocation section is an unknown key pointing at strategies (exit 2)', async () => {
    const out = join(work, 'moved');
    const run = runStudy({ ...small, allocation: { kind: 'min-variance' } }, { outDir: out, clock });
    await expect(run).rejects.toThrow(/unknown key "allocation"; did you mean "strategies"\? an allocator goes inside/);
    await expect(run).rejects.toMatchObject({ exitCode: 2 });
  });

  it('reads a CSV study file, resolves data paths against it, hashes the file and logs every fix', async () => {
    const dir = join(work, 'csv');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'p.csv'),
      'date,A,B\n2024-01-01,10,20\n2024-01-02,,21\n2024-01-03,11,22\n2024-01-04,12,23\n',
    );
    writeFileSync(
      join(dir, 's.yaml'),
      'name: csv\ndata: { source: csv, path: p.csv, missing: { policy: forward-fill, limit: 1 } }\n',
    );
    const r = await runStudyFile(join(dir, 's.yaml'), { outDir: join(work, 'e'), clock });
    const hashes = JSON.parse(read(r.path, 'data-hashes.json'));
    expect(Object.keys(hashes).sort()).toEqual(['file:p.csv', 'generated:panel', `study:${join(dir, 's.yaml')}`]);
    expect(read(r.path, 'log.txt')).toMatch(/fill/i);
    const market = r.summary['market'] as { asset: string; returns: number }[];
    expect(market.map((m) => [m.asset, m.returns])).toEqual([
      ['A', 3],
      ['B', 3],
    ]);
  });
});

describe('backtest step', () => {
  it('runs the study strategies and the default baselines (1/N, 60/40) under the same costs', async () => {
    const study = {
      name: 'bt',
      seed: 3,
      data: { source: 'synthetic', market: { years: 1.5, stocks: 0 } },
      backtest: { start: '2014-07-01', costs: { kind: 'proportional', bps: 10 } },
      strategies: [{ name: 'ivol', kind: 'inverse-volatility', window: 20 }],
    };
    const r = await runStudy(study, { outDir: join(work, 'bt'), clock });
    const bt = r.summary['backtest'] as { name: string; baseline: boolean }[];
    expect(bt.map((b) => [b.name, b.baseline])).toEqual([
      ['ivol', false],
      ['1/N', true],
      ['60/40', true],
    ]);
    for (const folder of ['ivol', '1-N', '60-40']) {
      for (const f of ['ledger.csv', 'nav.csv', 'weights.csv', 'metrics.json'])
        expect(r.artefacts).toContain(join(folder, f));
    }
    const metrics = JSON.parse(read(r.path, 'metrics.json')).strategies;
    for (const name of ['ivol', '1/N', '60/40']) expect(metrics[name].settings.costModel).toMatch(/proportional/);
    expect(JSON.parse(read(r.path, join('60-40', 'metrics.json'))).strategy).toBe('60/40');
    // report.json: one section, every strategy rebased to 1, the edge over 1/N deflated for the trials
    const report = JSON.parse(read(r.path, 'report.json'));
    const series = report.sections[0].strategies as {
      name: string;
      nav: number[];
      metrics: Record<string, number | null>;
    }[];
    expect(series.map((x) => x.name)).toEqual(['ivol', '1/N', '60/40']);
    for (const x of series) expect(x.nav[0]).toBe(1);
    expect(series[0]!.metrics['deflatedSharpeVsEqualWeight']).toBeGreaterThanOrEqual(0);
    expect(series[1]!.metrics['deflatedSharpeVsEqualWeight']).toBeNull(); // 1/N against itself
    expect(r.artefacts).toContain('report.html');
  });
});

describe('strategy folders: no two strategies or baselines write to one folder', () => {
  const base = {
    seed: 3,
    data: { source: 'synthetic', market: { years: 1, stocks: 0 } },
    backtest: { start: '2014-06-02', costs: { kind: 'none' } },
  };

  it('refuses, at validation, names that map to one folder (a b / a-b, 1/N / 1-N, case) or repeat across strategies and baselines', async () => {
    const refuse = async (strategies: object[], baselines?: object[]) => {
      const out = join(work, 'collide');
      const study = { name: 'collide', ...base, strategies, ...(baselines ? { baselines } : {}) };
      const e = await runStudy(study, { outDir: out, clock }).then(
        () => undefined,
        (x: unknown) => x as { problems: string[]; exitCode: number },
      );
      expect(e?.exitCode).toBe(2);
      expect(readdirSync(work)).not.toContain('collide');
      return e!.problems;
    };
    expect(
      await refuse([
        { kind: 'equal-weight', name: 'a b' },
        { kind: 'equal-weight', name: 'a-b' },
      ]),
    ).toEqual([
      'study: strategies[1].name: strategy "a-b" and strategy "a b" would both write their files to the folder a-b/ (names map to folders by turning every character other than letters, digits, . _ - into -, ignoring case); rename one of them',
    ]);
    expect(await refuse([{ kind: 'equal-weight', name: '1/N' }], [{ kind: 'equal-weight', name: '1-n' }])).toEqual([
      'study: baselines[0].name: baseline "1-n" and strategy "1/N" would both write their files to the folder 1-n/ (names map to folders by turning every character other than letters, digits, . _ - into -, ignoring case); rename one of them',
    ]);
    // The ML job keys weights.csv, trades.csv and the report by name: a baseline named like a strategy is refused too.
    expect(
      await refuse(
        [{ kind: 'equal-weight', name: 'ew' }],
        [
          { kind: 'equal-weight', name: 'ew' },
          { kind: 'equal-weight', name: 'ew' },
        ],
      ),
    ).toEqual([
      'study: baselines[0].name: baseline "ew" has the same name as strategy "ew"; give each strategy and baseline a distinct name',
      'study: baselines[1].name: baseline "ew" has the same name as strategy "ew"; give each strategy and baseline a distinct name',
    ]);
    // A strategy folder named like one of the run's own files (was an EISDIR failure at commit).
    expect(await refuse([{ kind: 'equal-weight', name: 'Log.txt' }])).toEqual([
      'study: strategies[0].name: strategy "Log.txt" would write its files to a folder Log.txt/ where the run writes the run\'s own file log.txt; rename it',
    ]);
  });

  it('a default baseline whose folder a strategy uses runs as baseline-<name>, in its own folder, with an info finding', async () => {
    const study = { name: 'dflt', ...base, strategies: [{ kind: 'inverse-volatility', name: '1-N', window: 20 }] };
    const r = await runStudy(study, { outDir: join(work, 'dflt'), clock });
    const bt = r.summary['backtest'] as { name: string; baseline: boolean }[];
    expect(bt.map((b) => b.name)).toEqual(['1-N', 'baseline-1/N', '60/40']);
    expect(JSON.parse(read(r.path, join('1-N', 'metrics.json'))).strategy).toBe('1-N');
    expect(JSON.parse(read(r.path, join('baseline-1-N', 'metrics.json'))).strategy).toBe('baseline-1/N');
    expect(new Set(r.artefacts).size).toBe(r.artefacts.length); // no file written twice
    expect(r.findings.filter((f) => f.kind === 'baseline-renamed')).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: expect.stringMatching(/default baseline 1\/N runs as "baseline-1\/N"/),
      }),
    ]);
  });
});

describe('example studies', () => {
  const examplesDir = join(import.meta.dirname, '..', '..', 'examples');
  it('every study in examples/ validates', () => {
    const files = readdirSync(examplesDir).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => parseStudyText(read(examplesDir, f), f), f).not.toThrow();
  });

  for (const example of ['market-summary.yaml', 'backtest-baselines.yaml']) {
    it(`examples/${example} runs`, async () => {
      const r = await runStudyFile(join(import.meta.dirname, '..', '..', 'examples', example), {
        outDir: join(work, 'ex'),
        clock,
      });
      expect(r.artefacts).toContain('study.resolved.json');
    });
  }
});

describe('Kenneth French source', () => {
  it('loads percent returns, subtracts the risk-free column, builds a price index and backtests 1/N', async () => {
    const dir = join(work, 'french');
    mkdirSync(dir, { recursive: true });
    const months = ['202001', '202002', '202003', '202004', '202005', '202006'];
    writeFileSync(
      join(dir, 'ind.csv'),
      ['Two toy industries.', '', '  Average Value Weighted Returns -- Monthly', ',A,B']
        .concat(months.map((m, i) => `${m},   ${(1 + i * 0.5).toFixed(2)},  ${(-0.5 + i).toFixed(2)}`))
        .join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'ff.csv'),
      ['Factors.', '', ',Mkt-RF,RF'].concat(months.map((m) => `${m},    0.50,    0.10`)).join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 's.yaml'),
      [
        'name: french',
        'data: { source: french, path: ind.csv, factors: { path: ff.csv, excessOver: RF, include: [Mkt-RF] } }',
        'backtest: { costs: { kind: none }, rebalance: monthly }',
        'baselines: [{ kind: equal-weight }]',
      ].join('\n') + '\n',
    );
    const r = await runStudyFile(join(dir, 's.yaml'), { outDir: join(work, 'fr'), clock });
    // 6 months of returns and the price index's base row (2019-12-31), so January's return is not lost.
    expect(r.summary['data']).toMatchObject({ source: 'french', assets: 3, dates: 7, first: '2019-12-31' });
    expect(Object.keys(JSON.parse(read(r.path, 'data-hashes.json')))).toEqual(
      expect.arrayContaining(['file:ind.csv', 'file:ff.csv']),
    );
    expect(read(r.path, 'log.txt')).toMatch(/annualised with 12 periods per year/);
    const market = r.summary['market'] as { asset: string; returns: number }[];
    expect(market.map((m) => m.asset)).toEqual(['A', 'B', 'Mkt-RF']);
    expect(r.artefacts).toContain(join('equal-weight', 'nav.csv'));
  });

  it('loses no return: a 3-month inverse-vol decided after 3 months of data is invested, not silently in cash', async () => {
    // data.start cuts the file to Feb…Jun; the price index gets its base row at 2020-01-31, so the decision at the
    // close of April sees the returns of Feb, Mar and Apr. Before the fix the index began at the close of February
    // (February's return lost) and the strategy, short of its minimum of 3, held cash without a word.
    const dir = join(work, 'french-base');
    mkdirSync(dir, { recursive: true });
    const months = ['202001', '202002', '202003', '202004', '202005', '202006'];
    writeFileSync(
      join(dir, 'ind.csv'),
      ['Toy.', '', '  Average Value Weighted Returns -- Monthly', ',A,B']
        .concat(months.map((m, i) => `${m},   ${(1 + i * 0.7).toFixed(2)},  ${(-0.5 + (i % 3)).toFixed(2)}`))
        .join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 's.yaml'),
      [
        'name: french-base',
        'data: { source: french, path: ind.csv, start: 2020-02-01 }',
        'backtest: { costs: { kind: none }, rebalance: monthly, start: 2020-04-30 }',
        'strategies: [{ kind: inverse-volatility, name: ivol, window: 3, minObservations: 3 }]',
        'baselines: []',
      ].join('\n') + '\n',
    );
    const r = await runStudyFile(join(dir, 's.yaml'), { outDir: join(work, 'fr-base'), clock });
    const ledger = read(r.path, join('ivol', 'ledger.csv')).trim().split('\n');
    // Decided at the close of April, filled at the close of May (next-close), in both assets.
    expect(ledger.slice(1, 3).map((l) => l.split(',')[0])).toEqual(['2020-05-31', '2020-05-31']);
    expect(r.summary['data']).toMatchObject({ dates: 6, first: '2020-01-31', last: '2020-06-30' });
  });
});
