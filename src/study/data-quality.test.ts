/**
 * Data that breaks the maths, through the path a user takes (a study file over a CSV, `runStudy`): an extreme value
 * stops the run at validation naming the asset and date; a lasting −99 % move runs with a `data-quality` finding;
 * a value that passes validation but overflows an estimator fails naming the strategy, the decision date, the asset
 * and the date of the return (not "covariance[1, 1] is Infinity"). No run folder is left behind on failure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.ts';
import { businessDays } from '../data/index.ts';
import { runStudyFile } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-dq-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 10, 20, 12, 0, 0));
const dates = businessDays('2015-01-01', '2017-12-31').slice(0, 600);

/** Two smooth price series; `a(i, p)` may replace asset A's price on day i. */
function writeCase(name: string, a: (i: number, p: number) => number, strategy = 'allocator', dataExtra = ''): string {
  let pa = 100;
  let pb = 50;
  const rows = dates.map((d, i) => {
    pa *= 1 + 0.01 * Math.sin(i * 1.3);
    pb *= 1 + 0.008 * Math.cos(i * 0.7);
    return `${d},${a(i, pa).toPrecision(10)},${pb.toPrecision(10)}`;
  });
  writeFileSync(join(work, `${name}.csv`), `date,A,B\n${rows.join('\n')}\n`);
  const strategies =
    strategy === 'allocator'
      ? '  - { name: minvar, kind: allocator, allocator: { kind: min-variance }, covariance: { kind: sample }, window: 63 }'
      : '  - { name: ivol, kind: inverse-volatility, window: 63 }';
  writeFileSync(
    join(work, `${name}.yaml`),
    [
      `name: ${name}`,
      'seed: 1',
      `data: { source: csv, path: ${name}.csv${dataExtra} }`,
      'backtest: { start: 2015-06-01, rebalance: monthly, costs: { kind: proportional, bps: 10 } }',
      ...(dataExtra ? ['baselines: []'] : []),
      'strategies:',
      strategies,
    ].join('\n') + '\n',
  );
  return join(work, `${name}.yaml`);
}

async function failure(study: string, out: string, strict = false): Promise<KeelError> {
  const e = await runStudyFile(study, { outDir: out, clock, strict }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(KeelError);
  expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // no run folder
  return e as KeelError;
}

describe('data that breaks the maths, through runStudy', () => {
  it('1e308 or 5e-324 in a series near 100 stops the run at validation, naming the asset and the date', async () => {
    for (const [k, bad] of [1e308, 5e-324].entries()) {
      const study = writeCase(`extreme${k}`, (i, p) => (i === 400 ? bad : p));
      const e = await failure(study, join(work, `out-extreme${k}`));
      expect(e.kind).toBe('data');
      expect(e.message).toMatch(
        new RegExp(
          `^the data is not usable: extreme-value A ${dates[400]}: asset "A" has 1 price more than 1000× above or below the median of its 21 nearest values: ${String(bad).replace('+', '\\+')} on ${dates[400]}`,
        ),
      );
    }
  });

  it('a lasting one-day −99 % move runs, with a data-quality finding naming the asset and the date', async () => {
    const study = writeCase('crash', (i, p) => (i >= 300 ? p * 0.01 : p));
    const r = await runStudyFile(study, { outDir: join(work, 'out-crash'), clock });
    const findings = JSON.parse(readFileSync(join(r.path, 'findings.json'), 'utf8')) as {
      severity: string;
      kind: string;
      asset?: string;
      date?: string;
      message: string;
    }[];
    const dq = findings.filter((f) => f.kind === 'data-quality');
    expect(dq).toHaveLength(1);
    expect(dq[0]).toMatchObject({ severity: 'warning', asset: 'A', date: dates[300] });
    expect(dq[0]!.message).toMatch(/^large-move: asset "A" has 1 one-period move beyond ±50 %: −99\.0 % on /);
  });

  it('a value that passes validation but overflows an estimator names the strategy, the decision, the asset and the date', async () => {
    // a 40-day level shift by 1e300: not an isolated spike (the rolling median follows it), so only a large-move
    // warning at validation; the covariance of the 63-return window would overflow
    for (const kind of ['allocator', 'inverse-volatility']) {
      const study = writeCase(`shift-${kind}`, (i, p) => (i >= 400 && i < 440 ? p * 1e300 : p), kind);
      const e = await failure(study, join(work, `out-shift-${kind}`));
      expect(e.kind).toBe('data');
      const name = kind === 'allocator' ? 'minvar' : 'ivol';
      expect(e.message).toMatch(
        new RegExp(
          `^strategy "${name}", decision of \\d{4}-\\d\\d-\\d\\d: asset "A" has a one-period return of \\+9\\.9\\d+e\\+299 \\(fraction\\) on ${dates[400]} in the 63-return window, which makes its variance overflow\\. Fix the price on or just before that date`,
        ),
      );
      expect(e.message).not.toContain('covariance[');
    }
  });

  it('data.quality.maxMove: a real +55 % day passes --strict at maxMove 0.6 with an info finding; 0.5 still warns', async () => {
    const jump = (i: number, p: number) => (i >= 300 ? p * 1.55 : p);
    const loose = writeCase('jump-loose', jump, 'allocator', ', quality: { maxMove: 0.6 }');
    const r = await runStudyFile(loose, { outDir: join(work, 'out-jump-loose'), clock, strict: true });
    const infos = r.findings.filter((f) => f.kind === 'data-quality-setting');
    expect(infos).toEqual([
      {
        severity: 'info',
        kind: 'data-quality-setting',
        message:
          'large-move threshold is ±60 % (data.quality.maxMove; default ±50 % on daily data): one-period moves within it are not reported',
      },
    ]);
    expect(r.findings.filter((f) => f.kind === 'data-quality')).toEqual([]);
    expect(JSON.parse(readFileSync(join(r.path, 'study.resolved.json'), 'utf8')).data.quality).toEqual({
      maxMove: 0.6,
    });
    // The same data at the default (and at an explicit 0.5) is a large-move warning, and --strict refuses it.
    for (const extra of [', missing: { policy: error }', ', quality: { maxMove: 0.5 }']) {
      const strict = writeCase(`jump-strict${extra.length}`, jump, 'allocator', extra);
      const e = await failure(strict, join(work, `out-jump-strict${extra.length}`), true);
      expect((e as KeelError & { problems: string[] }).problems.join('\n')).toMatch(
        /large-move: asset "A" has 1 one-period move beyond ±50 %: \+55\.\d % on /,
      );
    }
  });

  it('data.quality refuses unknown keys and non-positive thresholds at validation, one line naming the fix', async () => {
    for (const [extra, msg] of [
      [', quality: { maxmove: 0.6 }', /maxmove/],
      [
        ', quality: { maxMove: 0 }',
        /data\.quality\.maxMove must be a fraction > 0 \(0\.6 = 60 %\); use e\.g\. maxMove: 0\.6/,
      ],
      [', quality: { outlierMads: -1 }', /data\.quality\.outlierMads must be a number of scaled MADs > 0/],
    ] as const) {
      const study = writeCase(`bad-quality${extra.length}`, (_i, p) => p, 'allocator', extra);
      const e = await failure(study, join(work, `out-bad-quality${extra.length}`));
      expect(e.kind).toBe('config');
      expect(e.message).toMatch(msg);
      expect(e.message).not.toContain('\n');
    }
  });
});
