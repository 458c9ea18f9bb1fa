/**
 * Failure census of every `keel` command, through the real binary (`node bin/keel.mjs`). The commands are
 * enumerated from the commander program (main.ts `buildProgram`), so a new command fails the coverage test until it
 * has cases here. Each command has at least one bad-input case, one with stdout on a full disk (`/dev/full`) and
 * one with stdout a pipe closed before it writes (EPIPE). Every case must print exactly one line on stderr starting
 * `error:`, exit 1 (failure) or 2 (usage), show no stack trace, and leave no temporary or partial output behind.
 * Cases writing to a full disk use a 48 KiB tmpfs when the test may mount one (root), and are skipped with a
 * message otherwise. src/cli/bad-input.test.ts holds the study-file corpus.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from './main.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-census-'));
const full = join(work, 'full'); // the tiny tmpfs mount point

type Stdout = 'pipe' | 'devfull' | 'epipe';
interface Case {
  /** The command path, e.g. "data synth" ("" for the program itself). */
  readonly command: string;
  readonly name: string;
  /** `$W` = this case's own folder, `$FULL` = a folder on the full tmpfs, `$URL` = the local test server. */
  readonly args: readonly string[];
  readonly code: 1 | 2;
  readonly stderr: RegExp;
  readonly stdout?: Stdout;
  readonly needsTmpfs?: boolean;
  /** Extra files in the case folder before the run (name → text). */
  readonly files?: Readonly<Record<string, string>>;
}

// ~300 business days of three assets, deterministic and varied enough for allocate, frontier and validate.
const pricesCsv = (() => {
  const lines = ['date,AAA,BBB,CCC'];
  const d = new Date(Date.UTC(2020, 0, 1));
  for (let i = 0; lines.length <= 300; i++, d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const p = (k: number) => (100 * Math.exp(0.0004 * k * i + 0.02 * Math.sin(i / (3 + k)))).toFixed(4);
    lines.push(`${d.toISOString().slice(0, 10)},${p(1)},${p(2)},${p(3)}`);
  }
  return `${lines.join('\n')}\n`;
})();
const smallStudy =
  'name: census\nseed: 1\ndata: { source: synthetic, market: { years: 1, stocks: 0 } }\n' +
  'backtest: { start: 2014-03-03, costs: { kind: none } }\nstrategies:\n  - { kind: equal-weight, name: ew }\n' +
  'baselines:\n  - { kind: equal-weight, name: "1/N" }\n';
const std = { 's.yaml': smallStudy, 'p.csv': pricesCsv };
const monitorStudy = `
name: monitor-census
data: { source: synthetic, market: { start: 2014-01-01, years: 2.5, stocks: 0 } }
backtest: { start: 2015-06-01, rebalance: monthly, costs: { kind: none } }
strategies:
  - { kind: ml-forecast, name: ridge, features: [{ kind: momentum, windows: [21] }], trainWindow: 200, minTrainDates: 30 }
baselines: []
`;
const tuneStudy =
  'name: census-tune\nseed: 1\ndata: { source: synthetic, market: { years: 1, stocks: 0 } }\n' +
  'backtest: { start: 2014-10-01, costs: { kind: none } }\nstrategies:\n  - { kind: inverse-volatility, name: iv, window: 21 }\n' +
  'baselines: []\ntune:\n  trials: 2\n  sampler: random\n  validation: { start: 2014-05-01, end: 2014-09-30 }\n' +
  '  space: { strategies.iv.window: { kind: int, low: 21, high: 42, step: 21 } }\n' +
  '  objective: { metric: sharpe, direction: maximize, strategy: iv }\n';
const synthSmall = ['--years', '1', '--assets', '6'];
// a run folder's explanations.json with one ML strategy and one explained decision (keel explain reads only this)
const explainRun = {
  'explanations.json':
    '{"v":1,"strategies":{"m":{"model":"ridge","universe":["A","B"],"sectors":[null,null],"featureNames":["f1","f2"],"portfolio":{"method":"mean-variance","maxWeight":1,"targetVolatility":0.1,"transactionCost":0,"l2Gamma":0},"decisions":[{"date":"2020-01-02","fitDate":"2020-01-02","refit":true,"forecast":[0.01,0.02],"mu":[0.1,0.2],"covUpper":[0.04,0.01,0.09],"held":[0.5,0.5],"target":[0.5,0.5],"explain":{"v":1,"method":"linear","rows":["A","B"],"base":[0.015,0.015],"top":[[[0,-0.003],[1,-0.002]],[[1,0.004],[0,0.001]]],"rest":[0,0],"meanAbs":[0.002,0.003]}}]}}}\n',
};
const fetchArgs = ['data', 'fetch', '--provider', 'fred', 'DGS10', '--base-url', '$URL', '--cache', '$W/cache'];

const STDOUT_FULL = /^error: cannot write to stdout \(ENOSPC\): no space left/;
const STDOUT_EPIPE = /^error: cannot write to stdout \(EPIPE\): the reading end of the pipe was closed early/;

// Trading ledgers for the trade/paper cases: one planned base ledger, copied per mutating case (approve, reject,
// submit, halt, resume and reconcile write events) so the parallel cases never share state.
const tradeDir = join(work, 'trade');
const T = (name: string): string => join(tradeDir, `${name}.sqlite`);
const tradeStudy =
  'name: census-trade\nseed: 1\ndata: { source: synthetic, market: { years: 1, stocks: 0 } }\n' +
  'backtest: { costs: { kind: none } }\nstrategies:\n  - { kind: equal-weight, name: ew }\n';

function tradeCases(): Case[] {
  const missing = /^error: ledger .*nope\.sqlite does not exist; create it with keel trade plan or keel paper$/;
  const outCases = (command: string, args: (tag: string) => string[]): Case[] => [
    { command, name: 'stdout to a full disk', args: args('full'), code: 1, stderr: STDOUT_FULL, stdout: 'devfull' },
    { command, name: 'stdout into a closed pipe', args: args('pipe'), code: 1, stderr: STDOUT_EPIPE, stdout: 'epipe' },
  ];
  const study = { 't.yaml': tradeStudy };
  return [
    {
      command: 'paper',
      name: 'a --from that is not a trading date',
      files: study,
      args: ['paper', '$W/t.yaml', '--from', '2014-03-01', '--to', '2014-03-10', '--ledger', '$W/l.sqlite'],
      code: 1,
      stderr: /^error: --from 2014-03-01 is not a date of the study's data/,
    },
    ...outCases('paper', () => [
      'paper',
      '$W/t.yaml',
      '--from',
      '2014-03-03',
      '--to',
      '2014-03-05',
      '--ledger',
      '$W/l.sqlite',
    ]).map((c) => ({ ...c, files: study })),
    {
      command: 'trade plan',
      name: 'an impossible --as-of date',
      files: study,
      args: ['trade', 'plan', '$W/t.yaml', '--as-of', '2014-13-45', '--ledger', '$W/l.sqlite'],
      code: 2,
      stderr: /^error: .*--as-of.*expected a date YYYY-MM-DD, got "2014-13-45"/,
    },
    ...outCases('trade plan', () => [
      'trade',
      'plan',
      '$W/t.yaml',
      '--as-of',
      '2014-03-03',
      '--ledger',
      '$W/l.sqlite',
    ]).map((c) => ({ ...c, files: study })),
    {
      command: 'trade approve',
      name: 'an unknown plan',
      args: ['trade', 'approve', 'NOPE', '--ledger', T('ro')],
      code: 1,
      stderr: /^error: no plan NOPE in /,
    },
    ...outCases('trade approve', (tag) => ['trade', 'approve', 'P-2014-03-03-1', '--ledger', T(`approve-${tag}`)]),
    {
      command: 'trade reject',
      name: 'an unknown plan',
      args: ['trade', 'reject', 'NOPE', '--ledger', T('ro')],
      code: 1,
      stderr: /^error: no plan NOPE in /,
    },
    {
      command: 'trade reject',
      name: 'a reason over 500 characters',
      args: ['trade', 'reject', 'P-2014-03-03-1', '--ledger', T('ro'), '--reason', 'x'.repeat(501)],
      code: 2,
      stderr: /^error: the reason for rejecting plan P-2014-03-03-1 is 501 characters; keep it to 500 or fewer$/,
    },
    ...outCases('trade reject', (tag) => ['trade', 'reject', 'P-2014-03-03-1', '--ledger', T(`reject-${tag}`)]),
    {
      command: 'trade submit',
      name: 'an unknown plan',
      args: ['trade', 'submit', 'NOPE', '--ledger', T('ro')],
      code: 1,
      stderr: /^error: no plan NOPE in /,
    },
    ...outCases('trade submit', (tag) => ['trade', 'submit', 'P-2014-03-03-1', '--ledger', T(`submit-${tag}`)]),
    {
      command: 'trade status',
      name: 'a missing ledger',
      args: ['trade', 'status', '--ledger', '$W/nope.sqlite'],
      code: 1,
      stderr: missing,
    },
    ...outCases('trade status', () => ['trade', 'status', '--ledger', T('ro')]),
    {
      command: 'trade reconcile',
      name: 'a missing ledger',
      args: ['trade', 'reconcile', '--ledger', '$W/nope.sqlite'],
      code: 1,
      stderr: missing,
    },
    ...outCases('trade reconcile', (tag) => ['trade', 'reconcile', '--ledger', T(`reconcile-${tag}`)]),
    {
      command: 'trade history',
      name: 'a missing ledger',
      args: ['trade', 'history', '--ledger', '$W/nope.sqlite'],
      code: 1,
      stderr: missing,
    },
    ...outCases('trade history', () => ['trade', 'history', '--ledger', T('ro')]),
    {
      command: 'trade halt',
      name: 'a missing ledger',
      args: ['trade', 'halt', '--ledger', '$W/nope.sqlite'],
      code: 1,
      stderr: missing,
    },
    ...outCases('trade halt', (tag) => ['trade', 'halt', '--ledger', T(`halt-${tag}`)]),
    {
      command: 'trade resume',
      name: 'trading is not halted',
      args: ['trade', 'resume', '--ledger', T('ro')],
      code: 1,
      stderr: /^error: trading is not halted; nothing to resume$/,
    },
    ...outCases('trade resume', (tag) => ['trade', 'resume', '--ledger', T(`resume-${tag}`)]),
    {
      command: 'trade audit',
      name: 'a file that is not a database',
      files: { 'bad.sqlite': 'not a database\n' },
      args: ['trade', 'audit', '--verify', '--ledger', '$W/bad.sqlite'],
      code: 1,
      stderr: /^error: ledger .*bad\.sqlite is not a readable SQLite database/,
    },
    ...outCases('trade audit', () => ['trade', 'audit', '--verify', '--ledger', T('ro')]),
  ];
}

/** The base ledger (one planned plan, not approved), and a copy per mutating case in the state it needs. */
async function prepareTradeLedgers(): Promise<void> {
  const t = await import('../trading/index.ts');
  mkdirSync(tradeDir, { recursive: true });
  writeFileSync(join(tradeDir, 't.yaml'), tradeStudy);
  const ts = await t.loadTradingStudy(join(tradeDir, 't.yaml'));
  const make = async (name: string, state: 'planned' | 'approved' | 'halted'): Promise<void> => {
    const s = t.openStudySession(ts, T(name));
    await s.broker.openDay('2014-03-03');
    t.recordPlan(
      s.ledger,
      t.makePlan(ts, s.ledger, {
        id: 'P-2014-03-03-1',
        asOf: ts.indexOf('2014-03-03', 'as-of'),
        priceAt: ts.indexOf('2014-03-03', 'as-of'),
      })!,
    );
    if (state === 'approved') t.approvePlan(s.ledger, 'P-2014-03-03-1', '2014-03-03');
    if (state === 'halted') await t.halt(s.ledger, s.broker, '2014-03-03', 'census');
    s.end(false);
  };
  await make('ro', 'planned');
  for (const tag of ['full', 'pipe']) {
    await make(`approve-${tag}`, 'planned');
    await make(`reject-${tag}`, 'planned');
    await make(`submit-${tag}`, 'approved');
    await make(`reconcile-${tag}`, 'planned');
    await make(`halt-${tag}`, 'planned');
    await make(`resume-${tag}`, 'halted');
  }
}

const CASES: readonly Case[] = [
  // the program itself
  { command: '', name: '--help to a full disk', args: ['--help'], code: 1, stderr: STDOUT_FULL, stdout: 'devfull' },
  { command: '', name: '--help into a closed pipe', args: ['--help'], code: 1, stderr: STDOUT_EPIPE, stdout: 'epipe' },
  // run
  {
    command: 'run',
    name: 'strategies "a b" and "a-b" share a folder',
    files: { 'c.yaml': smallStudy.replace('name: ew }', 'name: a b }\n  - { kind: equal-weight, name: a-b }') },
    args: ['run', '$W/c.yaml', '--out', '$W/runs'],
    code: 2,
    stderr:
      /^error: .*c\.yaml: strategies\[1\]\.name: strategy "a-b" and strategy "a b" would both write their files to the folder a-b\/ .*rename one of them$/,
  },
  {
    command: 'run',
    name: 'baseline "1-N" and strategy "1/N" share a folder',
    files: { 'c.yaml': smallStudy.replace('name: ew', 'name: 1/N').replace('name: "1/N"', 'name: 1-N') },
    args: ['run', '$W/c.yaml', '--out', '$W/runs'],
    code: 2,
    stderr:
      /^error: .*baselines\[0\]\.name: baseline "1-N" and strategy "1\/N" would both write their files to the folder 1-N\//,
  },
  {
    command: 'run',
    name: '--out names a file',
    files: { ...std, 'afile.txt': 'mine\n' },
    args: ['run', '$W/s.yaml', '--out', '$W/afile.txt'],
    code: 1,
    stderr: /^error: cannot create the runs folder .*afile\.txt: EEXIST; choose another with --out$/,
  },
  {
    command: 'run',
    name: 'the output disk fills up',
    files: std,
    args: ['run', '$W/s.yaml', '--out', '$FULL'],
    code: 1,
    needsTmpfs: true,
    stderr: /^error: cannot write .* in the run folder: ENOSPC$/,
  },
  {
    command: 'run',
    name: 'stdout to a full disk',
    files: std,
    args: ['run', '$W/s.yaml', '--out', '$W/runs'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'run',
    name: 'stdout into a closed pipe',
    files: std,
    args: ['run', '$W/s.yaml', '--out', '$W/runs'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // data validate
  {
    command: 'data validate',
    name: 'a missing file',
    args: ['data', 'validate', '$W/nope.csv'],
    code: 1,
    stderr: /^error: .*nope\.csv: file not found/,
  },
  {
    command: 'data validate',
    name: 'stdout to a full disk',
    files: std,
    args: ['data', 'validate', '$W/p.csv'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'data validate',
    name: 'stdout into a closed pipe',
    files: std,
    args: ['data', 'validate', '$W/p.csv'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // data synth
  {
    command: 'data synth',
    name: '--force on a folder holding files Keel did not write',
    files: { 'm/close.csv': 'date,A\n', 'm/notes.txt': 'mine\n' },
    args: ['data', 'synth', '--out', '$W/m', '--force', ...synthSmall],
    code: 2,
    stderr:
      /^error: --out .*m holds 1 file keel data synth did not write \(notes\.txt\); --force replaces only its own tables/,
  },
  {
    command: 'data synth',
    name: 'the output disk fills up',
    args: ['data', 'synth', '--out', '$FULL/market', ...synthSmall],
    code: 1,
    needsTmpfs: true,
    stderr: /^error: .*market: cannot write the synthetic market \(ENOSPC\)/,
  },
  {
    command: 'data synth',
    name: 'stdout to a full disk',
    args: ['data', 'synth', '--out', '$W/m', ...synthSmall],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'data synth',
    name: 'stdout into a closed pipe',
    args: ['data', 'synth', '--out', '$W/m', ...synthSmall],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // data fetch
  {
    command: 'data fetch',
    name: 'an impossible --start date is refused, not rolled over',
    args: ['data', 'fetch', 'SPY', '--start', '2020-13-45', '--offline'],
    code: 2,
    stderr: /^error: --start must be a real calendar date YYYY-MM-DD, got "2020-13-45"/,
  },
  {
    command: 'data fetch',
    name: 'a data: URL as --base-url',
    args: ['data', 'fetch', 'SPY', '--base-url', 'data:text/plain,1', '--offline'],
    code: 2,
    stderr: /^error: --base-url must be an http:\/\/ or https:\/\/ URL, got a data: URL/,
  },
  {
    command: 'data fetch',
    name: '--out onto a file Keel did not write (refused before any download, file untouched)',
    args: [...fetchArgs, '--out', '$W/mine.csv'],
    code: 2,
    stderr: /^error: --out .*mine\.csv already exists; choose another file, or add --force to replace it\.$/,
    files: { 'mine.csv': 'my own notes\n' },
  },
  {
    command: 'data fetch',
    name: 'offline and not cached',
    args: ['data', 'fetch', '--provider', 'fred', 'UNRATE', '--offline', '--cache', '$W/cache'],
    code: 1,
    stderr: /^error: offline and .*UNRATE is not in the cache/,
  },
  {
    command: 'data fetch',
    name: 'stdout to a full disk',
    args: fetchArgs,
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'data fetch',
    name: 'stdout into a closed pipe',
    args: fetchArgs,
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // schema
  {
    command: 'schema',
    name: 'an extra argument',
    args: ['schema', 'extra'],
    code: 2,
    stderr: /^error: too many arguments for 'schema'/,
  },
  {
    command: 'schema',
    name: 'stdout to a full disk',
    args: ['schema'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'schema',
    name: 'stdout into a closed pipe',
    args: ['schema'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // allocate
  {
    command: 'allocate',
    name: 'a missing price file',
    args: ['allocate', '$W/nope.csv'],
    code: 1,
    stderr: /^error: .*nope\.csv: file not found/,
  },
  {
    command: 'allocate',
    name: 'stdout to a full disk',
    files: std,
    args: ['allocate', '$W/p.csv'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'allocate',
    name: 'stdout into a closed pipe',
    files: std,
    args: ['allocate', '$W/p.csv'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // frontier
  {
    command: 'frontier',
    name: 'a bad --points',
    args: ['frontier', '$W/p.csv', '--points', 'x'],
    files: std,
    code: 2,
    stderr: /^error: --points must be a number, got "x"/,
  },
  {
    command: 'frontier',
    name: 'stdout to a full disk',
    files: std,
    args: ['frontier', '$W/p.csv', '--points', '3'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'frontier',
    name: 'stdout into a closed pipe',
    files: std,
    args: ['frontier', '$W/p.csv', '--points', '3'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // tune
  {
    command: 'tune',
    name: 'a bad --trials',
    files: { 't.yaml': tuneStudy },
    args: ['tune', '$W/t.yaml', '--trials', '0'],
    code: 2,
    stderr: /^error: .*--trials.*expected an integer from 1 to 100000, got "0"/,
  },
  {
    command: 'tune',
    name: 'stdout to a full disk',
    files: { 't.yaml': tuneStudy },
    args: ['tune', '$W/t.yaml', '--out', '$W/runs'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'tune',
    name: 'stdout into a closed pipe',
    files: { 't.yaml': tuneStudy },
    args: ['tune', '$W/t.yaml', '--out', '$W/runs'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // sweep
  {
    command: 'sweep',
    name: 'a misspelt grid path',
    files: { 't.yaml': tuneStudy },
    args: ['sweep', '$W/t.yaml', '--grid', 'strategies.iv.windw=21,42', '--out', '$W/runs'],
    code: 2,
    stderr: /^error: --grid: .*windw/,
  },
  {
    command: 'sweep',
    name: 'stdout to a full disk',
    files: { 't.yaml': tuneStudy },
    args: ['sweep', '$W/t.yaml', '--grid', 'strategies.iv.window=21', '--out', '$W/runs'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'sweep',
    name: 'stdout into a closed pipe',
    files: { 't.yaml': tuneStudy },
    args: ['sweep', '$W/t.yaml', '--grid', 'strategies.iv.window=21', '--out', '$W/runs'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // worker (prints where it connects before it connects)
  {
    command: 'worker',
    name: 'a queue URL that is not redis://',
    args: ['worker', '--queue', 'http://127.0.0.1:6379'],
    code: 2,
    stderr: /^error: --queue "http:\/\/127\.0\.0\.1:6379": only redis:\/\/ URLs are supported/,
  },
  {
    command: 'worker',
    name: 'stdout to a full disk',
    args: ['worker', '--queue', 'redis://127.0.0.1:1'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'worker',
    name: 'stdout into a closed pipe',
    args: ['worker', '--queue', 'redis://127.0.0.1:1'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // serve (prints its URL once listening)
  {
    command: 'serve',
    name: 'a runs folder that does not exist',
    args: ['serve', '--runs', '$W/nope', '--port', '0'],
    code: 2,
    stderr: /^error: --runs .*nope is not a folder/,
  },
  {
    command: 'serve',
    name: 'stdout to a full disk',
    args: ['serve', '--runs', '$W', '--port', '0'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'serve',
    name: 'stdout into a closed pipe',
    args: ['serve', '--runs', '$W', '--port', '0'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // audit
  {
    command: 'audit',
    name: 'a missing study file',
    args: ['audit', '$W/nope.yaml'],
    code: 2,
    stderr: /^error: .*nope\.yaml: study file not found/,
  },
  {
    command: 'audit',
    name: 'a folder instead of a study file',
    args: ['audit', '$W'],
    code: 2,
    stderr: /^error: .*: is a directory; expected a study file/,
  },
  {
    command: 'audit',
    name: 'stdout to a full disk',
    files: std,
    args: ['audit', '$W/s.yaml', '--at', '2014-09-30'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'audit',
    name: 'stdout into a closed pipe',
    files: std,
    args: ['audit', '$W/s.yaml', '--at', '2014-09-30'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  ...tradeCases(),
  // keel explain
  {
    command: 'explain',
    name: 'a missing run folder',
    args: ['explain', '$W/nope'],
    code: 2,
    stderr: /^error: run folder .*nope does not exist; pass the folder keel run printed/,
  },
  {
    command: 'explain',
    name: 'stdout to a full disk',
    files: explainRun,
    args: ['explain', '$W'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'explain',
    name: 'stdout into a closed pipe',
    files: explainRun,
    args: ['explain', '$W'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
  // monitor
  {
    command: 'monitor',
    name: 'an impossible --as-of date',
    files: { 'm.yaml': monitorStudy },
    args: ['monitor', '$W/m.yaml', '--as-of', '2016-02-30'],
    code: 2,
    stderr: /^error: --as-of expects a real date YYYY-MM-DD, got "2016-02-30"/,
  },
  {
    command: 'monitor',
    name: 'stdout to a full disk',
    files: { 'm.yaml': monitorStudy },
    args: ['monitor', '$W/m.yaml', '--as-of', '2016-03-31'],
    code: 1,
    stderr: STDOUT_FULL,
    stdout: 'devfull',
  },
  {
    command: 'monitor',
    name: 'stdout into a closed pipe',
    files: { 'm.yaml': monitorStudy },
    args: ['monitor', '$W/m.yaml', '--as-of', '2016-03-31'],
    code: 1,
    stderr: STDOUT_EPIPE,
    stdout: 'epipe',
  },
];

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** Every path under `dir`, relative, sorted (what a case leaves behind). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

const hasDevFull = existsSync('/dev/full');
let tmpfs = false;
let server: Server | undefined;
let url = '';
const outcomes = new Map<Case, Outcome>();

function runCase(c: Case, i: number): Promise<Outcome> {
  const dir = join(work, `case-${i}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const fullDir = join(full, `case-${i}`);
  if (c.needsTmpfs) mkdirSync(fullDir, { recursive: true });
  const args = c.args.map((a) => a.replaceAll('$W', dir).replaceAll('$FULL', fullDir).replaceAll('$URL', url));
  const watched = c.needsTmpfs ? fullDir : dir;
  const before = tree(watched);
  const fd = c.stdout === 'devfull' ? openSync('/dev/full', 'w') : undefined;
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'keel.mjs'), ...args], {
      cwd: dir,
      env: { ...process.env, KEEL_DEBUG: '' },
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    // A reader that went away before the command wrote anything: its writes fail with EPIPE.
    if (c.stdout === 'epipe') child.stdout!.destroy();
    else child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, before, after: tree(watched) });
    });
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/graph/fredgraph.csv?id=DGS10') ? 200 : 404);
    res.end('observation_date,DGS10\n2024-01-02,3.95\n2024-01-03,.\n2024-01-04,4.01\n');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(full);
  await prepareTradeLedgers();
  tmpfs = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', full], { stdio: 'ignore' }).status === 0;
  const todo = CASES.map((c, i) => [c, i] as const).filter(
    ([c]) => (!c.needsTmpfs || tmpfs) && (c.stdout !== 'devfull' || hasDevFull),
  );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const [c, i] = todo[next++]!;
      outcomes.set(c, await runCase(c, i));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker)); // each spawn is ~1 s of CPU on a shared machine
}, 300_000);

afterAll(async () => {
  if (tmpfs) spawnSync('umount', [full], { stdio: 'ignore' });
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(work, { recursive: true, force: true });
});

/** The leaf commands of the program, as "data synth"-style paths. */
async function leafCommands(): Promise<string[]> {
  const program = await buildProgram(() => {});
  const leaves: string[] = [];
  const walk = (cmd: Command, path: string[]): void => {
    if (cmd.commands.length === 0) leaves.push(path.join(' '));
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  for (const sub of program.commands) walk(sub, [sub.name()]);
  return leaves.sort();
}

describe(`CLI failure census: ${CASES.length} cases over every command`, () => {
  it('covers every command of the program: a bad-input case, stdout on a full disk, stdout into a closed pipe', async () => {
    const leaves = await leafCommands();
    expect(leaves.length).toBeGreaterThanOrEqual(8);
    for (const cmd of ['', ...leaves]) {
      const mine = CASES.filter((c) => c.command === cmd);
      expect(
        mine.some((c) => c.stdout === 'devfull'),
        `${cmd || 'keel'}: no /dev/full case`,
      ).toBe(true);
      expect(
        mine.some((c) => c.stdout === 'epipe'),
        `${cmd || 'keel'}: no closed-pipe case`,
      ).toBe(true);
      if (cmd !== '')
        expect(
          mine.some((c) => c.stdout === undefined),
          `${cmd}: no bad-input case`,
        ).toBe(true);
    }
    for (const c of CASES) expect(['', ...leaves], c.name).toContain(c.command);
  });

  if (!hasDevFull) it.skip('stdout to a full disk: /dev/full is missing on this system', () => {});
  for (const c of CASES) {
    it(`keel ${c.command || '(program)'}: ${c.name}`, (ctx) => {
      const o = outcomes.get(c);
      if ((c.needsTmpfs && !tmpfs) || (c.stdout === 'devfull' && !hasDevFull) || !o) {
        ctx.skip(); // the full-disk cases need a tmpfs (root) — see the file comment
        return;
      }
      const lines = o.stderr.split('\n').filter((l) => l !== '');
      expect(lines, o.stderr).toHaveLength(1);
      expect(lines[0], o.stderr).toMatch(c.stderr);
      expect(o.code, o.stderr).toBe(c.code);
      expect(o.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      // Nothing temporary is left; a failure before output leaves the case folder as it was.
      expect(o.after.filter((p) => /(^|\/)\.tmp-|\.partial$/.test(p))).toEqual([]);
      if (c.stdout === undefined) expect(o.after).toEqual(o.before);
    });
  }
});
