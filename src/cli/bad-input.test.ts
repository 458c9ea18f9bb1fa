/**
 * Bad-input corpus for study files and CLI usage: the real CLI (`node bin/keel.mjs …`) is spawned for every case,
 * all in parallel, and each must print exactly the expected one-line message(s) on stderr, exit with the right code,
 * show no stack trace and leave no run folder behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-bad-input-'));
const out = join(work, 'runs');

interface Case {
  readonly name: string;
  /** File name → content, written into the work folder before running. */
  readonly files?: Readonly<Record<string, string>>;
  /** Arguments; `$W` is replaced by the work folder. */
  readonly args: readonly string[];
  readonly code: number;
  /** Each stderr line (in order) must match the corresponding pattern; there must be no other lines. */
  readonly stderr: readonly RegExp[];
  /** Instead: one or more lines, each matching this (e.g. every YAML syntax error found). */
  readonly everyLine?: RegExp;
}

const study = (body: string) => `name: bad\n${body}`;

/** 40 weekdays of 4 seeded random walks (wide CSV); D's price never moves when `flatD`. */
function pricesCsv(flatD = false): string {
  let s = 7;
  const u = (): number => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647 - 0.5;
  const lines = ['date,A,B,C,D'];
  let p = [100, 50, 80, 30];
  for (let i = 0; i < 40; i++) {
    p = p.map((x, j) => (flatD && j === 3 ? x : x * (1 + 0.0005 + 0.02 * u())));
    lines.push(
      `${new Date(Date.UTC(2021, 0, 4 + i)).toISOString().slice(0, 10)},${p.map((x) => x.toFixed(6)).join(',')}`,
    );
  }
  return lines.join('\n') + '\n';
}

const CASES: readonly Case[] = [
  {
    name: 'unknown top-level key, with did-you-mean',
    files: { 's.yaml': 'nmae: x\nname: y\ndata: { source: synthetic }\n' },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [/^error: .*s\.yaml: \(top level\): unknown key "nmae"; did you mean "name"\?$/],
  },
  {
    name: 'unknown nested key, with did-you-mean',
    files: { 's.yaml': study('data: { source: synthetic, misisng: { policy: error } }\n') },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [/^error: .*s\.yaml: data: unknown key "misisng"; did you mean "missing"\?$/],
  },
  {
    name: 'unknown enum value, with did-you-mean',
    files: { 's.yaml': study('data: { source: synthetc }\n') },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [
      /^error: .*s\.yaml: data\.source: unknown source "synthetc"; did you mean "synthetic"\? \(available: synthetic, csv, french, parquet\)$/,
    ],
  },
  {
    name: 'wrong types: every problem on its own line, each naming its path',
    files: { 's.yaml': 'name: x\nseed: ten\ndata: { source: csv, path: a.csv, layout: wid }\nreport: { html: yes }\n' },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [
      /^error: .*s\.yaml: seed: expected an integer ≥ 0 and ≤ 4294967295, got "ten"$/,
      /^error: .*s\.yaml: data\.layout: expected one of "wide", "long", got "wid"; did you mean "wide"\?$/,
      /^error: .*s\.yaml: report\.html: expected true or false, got "yes"$/,
    ],
  },
  {
    name: 'number out of range',
    files: { 's.yaml': study('seed: -1\ndata: { source: synthetic }\n') },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [/^error: .*s\.yaml: seed: expected a number ≥ 0, got -1$/],
  },
  {
    name: 'missing required section',
    files: { 's.yaml': 'name: x\n' },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [
      /^error: .*s\.yaml: data: required: expected a mapping with source: synthetic \| csv \| parquet|^error: .*s\.yaml: data: required/,
    ],
  },
  {
    name: 'invalid YAML names line and column',
    files: { 's.yaml': 'name: x\ndata:\n  source: synthetic\n bad: [1, 2\n' },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [],
    everyLine: /^error: .*s\.yaml:\d+:\d+: invalid YAML: .+$/,
  },
  {
    name: 'empty file',
    files: { 's.yaml': '' },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [/^error: .*s\.yaml: the file is empty; a study needs at least "name" and "data"/],
  },
  {
    name: 'a list instead of a mapping',
    files: { 's.yaml': '- name\n- data\n' },
    args: ['run', '$W/s.yaml'],
    code: 2,
    stderr: [/^error: .*s\.yaml: expected a mapping \(key: value\) at the top level, got a list$/],
  },
  {
    name: 'missing study file',
    args: ['run', '$W/does-not-exist.yaml'],
    code: 2,
    stderr: [/^error: .*does-not-exist\.yaml: study file not found/],
  },
  {
    name: 'a directory instead of a file',
    args: ['run', '$W'],
    code: 2,
    stderr: [/^error: .*: is a directory; expected a study file/],
  },
  {
    name: 'unknown command, with did-you-mean',
    args: ['rn', 'x.yaml'],
    code: 2,
    stderr: [/^error: unknown command 'rn'; did you mean run\? \(see keel --help\)$/],
  },
  {
    name: 'unknown flag, with did-you-mean',
    args: ['run', 'x.yaml', '--jsn'],
    code: 2,
    stderr: [/^error: unknown option '--jsn'; did you mean --json\? \(see keel --help\)$/],
  },
  {
    name: 'bad seed',
    args: ['run', 'x.yaml', '--seed', 'abc'],
    code: 2,
    stderr: [
      /^error: option '--seed <n>' argument 'abc' is invalid\. expected an integer from 0 to 4294967295, got "abc"/,
    ],
  },
  {
    name: 'bad worker count',
    args: ['run', 'x.yaml', '--workers', '0'],
    code: 2,
    stderr: [/^error: option '--workers <n>' argument '0' is invalid\. expected an integer from 1 to 64, got "0"/],
  },
  {
    name: 'missing argument',
    args: ['run'],
    code: 2,
    stderr: [/^error: missing required argument 'study'/],
  },
  {
    name: 'a valid study whose data file is missing fails at run time (exit 1), leaving nothing behind',
    files: { 's.yaml': study('data: { source: csv, path: nowhere.csv }\n') },
    args: ['run', '$W/s.yaml'],
    code: 1,
    stderr: [/^error: .*nowhere\.csv: file not found/],
  },
  {
    name: 'keel allocate: bounds no portfolio of the file can meet are a usage error with the arithmetic',
    files: { 'p.csv': pricesCsv() },
    args: ['allocate', '$W/p.csv', '--method', 'min-variance', '--bounds', '0,0.1'],
    code: 2,
    stderr: [
      /^error: constraints cannot be met by the 4 assets of .*p\.csv: 4 assets × max weight 0\.1 = 0\.4 < 1, so the weights cannot sum to 1; raise the upper bound to ≥ 0\.25 or use more assets\.$/,
    ],
  },
  {
    name: 'keel allocate: --market-neutral with bounds 0,1 can only be all zeros and is refused',
    files: { 'p.csv': pricesCsv() },
    args: ['allocate', '$W/p.csv', '--market-neutral', '--bounds', '0,1'],
    code: 2,
    stderr: [
      /^error: constraints cannot be met .*marketNeutral weights must sum to 0, but weightBounds \[0, 1\] allows no short positions, so the only portfolio is all zeros; use weightBounds \[-1, 1\]/,
    ],
  },
  {
    name: 'keel allocate: a failed allocation is one error line on stderr (exit 1)',
    files: { 'p.csv': pricesCsv() },
    args: ['allocate', '$W/p.csv', '--method', 'min-variance', '--max-volatility', '0.0001'],
    code: 1,
    stderr: [/^error: min-variance found no portfolio \(min-variance: .*maxVolatility.*\); loosen the constraints/],
  },
  {
    name: 'keel allocate --strict: a left-out zero-variance asset fails with its finding (exit 1)',
    files: { 'p.csv': pricesCsv(true) },
    args: ['allocate', '$W/p.csv', '--method', 'min-variance', '--strict'],
    code: 1,
    stderr: [
      /^error: strict: warning zero-variance-asset: D has zero return variance over the price file .* Fix: drop D/,
      /^error: keel allocate failed under --strict: 1 finding/,
    ],
  },
];

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const outcomes = new Map<string, Outcome>();

function spawnKeel(args: readonly string[]): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repo, 'bin', 'keel.mjs'), ...args, ...(args[0] === 'run' ? ['--out', out] : [])],
      { cwd: work, env: { ...process.env, KEEL_DEBUG: '' }, timeout: 180_000 },
      (error, stdout, stderr) => {
        if (error?.killed) {
          done({ code: -1, stdout, stderr: `(keel ${args.join(' ')} timed out after 180 s)\n${stderr}` });
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

// A few at a time: each spawn loads the CLI (~1 s of CPU), and the suite shares a small machine with other tests.
const CONCURRENCY = 4;

beforeAll(async () => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < CASES.length) {
      const i = next++;
      const c = CASES[i]!;
      const dir = join(work, `case-${i}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
      outcomes.set(c.name, await spawnKeel(c.args.map((a) => a.replaceAll('$W', dir))));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`bad input: ${CASES.length} malformed studies and command lines`, () => {
  for (const c of CASES) {
    it(c.name, () => {
      const o = outcomes.get(c.name)!;
      const lines = o.stderr.split('\n').filter((l) => l !== '');
      if (c.everyLine) {
        expect(lines.length, o.stderr).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatch(c.everyLine);
      } else {
        expect(lines.length, o.stderr).toBe(c.stderr.length);
        c.stderr.forEach((re, i) => expect(lines[i], o.stderr).toMatch(re));
      }
      expect(o.code, o.stderr).toBe(c.code);
      expect(o.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
      expect(o.stdout).toBe('');
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // no run folder, no temp folder
    });
  }
});

describe('good input: the same CLI succeeds', () => {
  it('keel allocate prints a fallback and a left-out asset as findings, in the keel run format', async () => {
    const dir = join(work, 'alloc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'p.csv'), pricesCsv(true));
    const text = await spawnKeel(['allocate', join(dir, 'p.csv'), '--market-neutral', '--bounds', '-1,1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^method max-sharpe: fallback$/m);
    expect(text.stdout).toMatch(/^finding: warning zero-variance-asset: D has zero return variance/m);
    expect(text.stdout).toMatch(
      /^finding: warning allocator-fallback: min-variance produced the weights instead of max-sharpe/m,
    );
    const json = await spawnKeel(['allocate', join(dir, 'p.csv'), '--method', 'min-variance', '--json']);
    const j = JSON.parse(json.stdout) as {
      weights: Record<string, number>;
      findings: { kind: string; asset?: string }[];
    };
    expect(j.weights['D']).toBe(0);
    expect(j.findings).toEqual([expect.objectContaining({ kind: 'zero-variance-asset', asset: 'D' })]);
  });

  it('keel run --json writes one run folder and prints its id, path and files as JSON; keel schema prints JSON Schema', async () => {
    const dir = join(work, 'good');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 's.yaml'),
      'name: good\nseed: 5\ndata: { source: synthetic, market: { years: 1, stocks: 0 } }\n',
    );
    const goodOut = join(dir, 'runs');
    const [run, schema] = await Promise.all([
      new Promise<Outcome>((done) =>
        execFile(
          process.execPath,
          [join(repo, 'bin', 'keel.mjs'), 'run', join(dir, 's.yaml'), '--json', '--out', goodOut],
          { cwd: dir, timeout: 180_000 },
          (e, stdout, stderr) => done({ code: e ? 1 : 0, stdout, stderr }),
        ),
      ),
      spawnKeel(['schema']),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // not a terminal, not --verbose: no progress output
    const result = JSON.parse(run.stdout) as { runId: string; path: string; artefacts: string[] };
    expect(readdirSync(goodOut)).toEqual([result.runId]);
    expect(result.artefacts).toContain('study.resolved.json');
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout)).toMatchObject({ type: 'object', required: ['name', 'data'] });
  }, 300_000);
});
