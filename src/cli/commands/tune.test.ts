/** `keel tune` through the CLI: the example tunes and its best study runs; refusals are one line, exit 2. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'tune-ml.yaml');

async function keel(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runInProcess(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('keel tune', () => {
  it('examples/tune-ml.yaml: keel run ignores tune:, keel tune writes the run folder, best.study.yaml runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keel-tune-cli-'));
    const run = await keel(['run', example, '--out', out, '--json']);
    expect(run.code, run.err).toBe(0);
    const r = await keel(['tune', example, '--out', out, '--json', '--verbose']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/trial 6\/6: .*best so far/);
    const j = JSON.parse(r.out) as { path: string; trials: { findings: number }[]; pbo: { pbo: number } };
    expect(j.trials).toHaveLength(6);
    expect(readdirSync(j.path).sort()).toEqual([
      'best.study.yaml',
      'log.txt',
      'report.html',
      'trials.csv',
      'tune.json',
    ]);
    expect(readFileSync(join(j.path, 'trials.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
    expect(j.pbo.pbo).toBeGreaterThanOrEqual(0);
    const best = await keel(['run', join(j.path, 'best.study.yaml'), '--out', out, '--json']);
    expect(best.code, best.err).toBe(0);
  }, 120_000);

  it('numbers trials from 1 everywhere: terminal best, trials.csv, tune.json, log.txt, best.study.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-tune-cli-numbers-'));
    const args = ['tune', example, '--out', join(dir, 'runs'), '--trials', '3', '--sampler', 'random'];
    const r = await keel(args);
    expect(r.code, r.err).toBe(0);
    const shown = Number(/best: \S+ at trial (\d+):/.exec(r.out)![1]);
    const path = /written to (\S+)/.exec(r.out)![1]!;
    const rows = readFileSync(join(path, 'trials.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((row) => row.split(',')[0])).toEqual(['1', '2', '3']);
    const objective = rows[0]!.split(',').length - 4; // …, objective, fold1, fold2, findings, error
    const values = rows.map((row) => Number(row.split(',')[objective]));
    expect(values[shown - 1]).toBe(Math.max(...values));
    const tune = JSON.parse(readFileSync(join(path, 'tune.json'), 'utf8')) as {
      best: { number: number };
      trialsRun: { number: number }[];
    };
    expect(tune.best.number).toBe(shown);
    expect(tune.trialsRun.map((t) => t.number)).toEqual([1, 2, 3]);
    expect(readFileSync(join(path, 'log.txt'), 'utf8')).toMatch(/trial 1: [\s\S]*trial 3: /);
    expect(readFileSync(join(path, 'best.study.yaml'), 'utf8')).toMatch(
      new RegExp(`^# Best: trial ${shown} of 3 \\(`, 'm'),
    );
  }, 120_000);

  it('objective ic reads the mean forecast IC of the ml-forecast strategy (one per fold, mean in objective)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-tune-cli-ic-'));
    const file = join(dir, 'ic.yaml');
    writeFileSync(file, readFileSync(example, 'utf8').replace('metric: sharpe', 'metric: ic'));
    const r = await keel(['tune', file, '--out', join(dir, 'runs'), '--trials', '2', '--sampler', 'random', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { trials: { value: number; foldScores: number[]; error?: string }[] };
    expect(j.trials).toHaveLength(2);
    for (const t of j.trials) {
      expect(t.error).toBeUndefined();
      expect(t.foldScores).toHaveLength(2);
      expect(Math.abs(t.value)).toBeLessThan(1);
      expect(t.value).toBeCloseTo((t.foldScores[0]! + t.foldScores[1]!) / 2, 12);
    }
  }, 120_000);

  it('--strict: a trial whose run has a warning finding fails with it, and is never the best', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-tune-cli-strict-'));
    const file = join(dir, 'short.yaml');
    // History from 2014 only: the model is not fitted before 2016, so fold 1 holds 1/N (short-history warnings).
    writeFileSync(
      file,
      readFileSync(example, 'utf8').replace('start: 2012-01-01, years: 7', 'start: 2014-01-01, years: 5'),
    );
    const args = ['tune', file, '--out', join(dir, 'runs'), '--trials', '2', '--sampler', 'random', '--json'];
    const loose = JSON.parse((await keel(args)).out) as { trials: { error?: string }[] };
    expect(loose.trials.every((t) => t.error === undefined)).toBe(true);
    const r = await keel([...args, '--strict']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { best: unknown; trials: { error?: string }[] };
    expect(j.best).toBeNull();
    for (const t of j.trials) expect(t.error).toMatch(/short-history/);
  }, 120_000);

  it('refuses a validation period overlapping the backtest and an unknown path: one line, exit 2, no folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-tune-cli-bad-'));
    const text = readFileSync(example, 'utf8');
    const overlap = join(dir, 'overlap.yaml');
    writeFileSync(overlap, text.replace('end: 2016-12-30', 'end: 2017-03-01'));
    const a = await keel(['tune', overlap, '--out', join(dir, 'runs')]);
    expect(a.code).toBe(2);
    expect(a.err.trim().split('\n')).toHaveLength(1);
    expect(a.err).toMatch(/2017-03-01 is not before backtest.start 2017-01-02/);
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, text.replace('model.alpha:', 'model.alpah:'));
    const b = await keel(['tune', typo, '--out', join(dir, 'runs')]);
    expect(b.code).toBe(2);
    expect(b.err.trim().split('\n')).toHaveLength(1);
    expect(b.err).toMatch(/did you mean "alpha"\?/);
    const none = await keel(['tune', join(import.meta.dirname, '..', '..', '..', 'examples', 'equal-weight.yaml')]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no tune: section/);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });
});
