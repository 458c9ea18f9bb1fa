import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIVE_PROGRESS_FILE, type LiveProgress } from './live-progress.ts';
import { runStudy } from './run-study.ts';
import { parseGridAxis, sweepStudy } from './sweep.ts';
import { tuneStudy } from './tune-study.ts';

const study = {
  name: 'live',
  seed: 4,
  data: { source: 'synthetic', market: { start: '2015-01-01', years: 2, stocks: 2 } },
  backtest: { periodsPerYear: 252, start: '2015-07-01', rebalance: 'monthly', costs: { kind: 'none' } },
  strategies: [{ kind: 'equal-weight', name: 'ew' }],
  baselines: [],
};

describe('live progress file', () => {
  it('exists in the temporary run folder while the study runs, and never in the committed run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keel-live-'));
    const seen: LiveProgress[] = [];
    const r = await runStudy(study, {
      outDir: out,
      onProgress: () => {
        for (const d of readdirSync(out).filter((n) => n.startsWith('.tmp-'))) {
          const f = join(out, d, LIVE_PROGRESS_FILE);
          if (existsSync(f)) seen.push(JSON.parse(readFileSync(f, 'utf8')) as LiveProgress);
        }
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ study: 'live', pid: process.pid });
    expect(new Set(seen.map((s) => s.step)).size).toBeGreaterThan(1);
    expect(readdirSync(r.path)).not.toContain(LIVE_PROGRESS_FILE);
    expect(r.artefacts).not.toContain(LIVE_PROGRESS_FILE);
    expect(readdirSync(out).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    rmSync(out, { recursive: true, force: true });
  });
});

/** The progress files in `out`'s temporary run folders now. */
function progressIn(out: string): LiveProgress[] {
  return readdirSync(out)
    .filter((n) => n.startsWith('.tmp-'))
    .map((d) => join(out, d, LIVE_PROGRESS_FILE))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as LiveProgress);
}

describe('live progress of sweeps and tunes (what keel serve shows while they run)', () => {
  it('a sweep counts its trials in the temporary run folder, and the committed run has no progress file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keel-live-'));
    const seen: LiveProgress[] = [];
    const r = await sweepStudy(study, [parseGridAxis('backtest.rebalance=monthly,quarterly')], {
      outDir: out,
      onResult: () => seen.push(...progressIn(out)),
    });
    expect(seen.map((s) => [s.study, s.step, s.done, s.total])).toEqual([
      ['live-sweep', 'trials', 1, 2],
      ['live-sweep', 'trials', 2, 2],
    ]);
    expect(readdirSync(r.path)).not.toContain(LIVE_PROGRESS_FILE);
    expect(readdirSync(out).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    rmSync(out, { recursive: true, force: true });
  });

  it('a tune counts its trials the same way', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keel-live-'));
    const seen: LiveProgress[] = [];
    const tuned = {
      ...study,
      strategies: [{ kind: 'allocator', name: 'mv', allocator: { kind: 'min-variance' }, window: 63 }],
      backtest: { ...study.backtest, start: '2016-01-04' },
      tune: {
        trials: 3,
        sampler: 'random',
        validation: { start: '2015-07-01', end: '2015-12-31' },
        folds: 1,
        space: { 'strategies.mv.window': { kind: 'int', low: 21, high: 63, step: 21 } },
        objective: { metric: 'sharpe', direction: 'maximize', strategy: 'mv' },
      },
    };
    const r = await tuneStudy(tuned, { outDir: out, onTrial: () => seen.push(...progressIn(out)) });
    // onTrial runs just before the trial's progress line is written, so trial k sees k − 1 done.
    expect(seen.map((s) => [s.study, s.done, s.total])).toEqual([
      ['live-tune', 0, 3],
      ['live-tune', 1, 3],
      ['live-tune', 2, 3],
    ]);
    expect(readdirSync(r.path)).not.toContain(LIVE_PROGRESS_FILE);
    rmSync(out, { recursive: true, force: true });
  });
});
