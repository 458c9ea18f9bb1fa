/**
 * Progress of the ML job through the real path (`runStudyFile` / `runStudy` with `onProgress`): it moves per refit
 * and per epoch or tree inside a task, never backwards, on the main thread and from worker threads, and it changes
 * no byte of the results. Before, a task reported only when it started, so a 4-minute LSTM sat at 0 %.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy, runStudyFile } from './run-study.ts';
import type { StudyProgressEvent } from './context.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 10, 20, 12, 0, 0));

function mlJobEvents(events: StudyProgressEvent[]): StudyProgressEvent[] {
  return events.filter((e) => e.step === 'ml-job');
}

describe('ML job progress', () => {
  it('the LSTM example moves per refit and per epoch inside its first task, monotonically, same bytes', async () => {
    const study = join(repo, 'examples', 'lstm-allocation.yaml');
    const events: StudyProgressEvent[] = [];
    const r = await runStudyFile(study, { outDir: join(work, 'a'), clock, onProgress: (e) => events.push(e) });
    const ml = mlJobEvents(events);
    const total = ml.find((e) => e.total > 1)!.total;
    // The first task (the LSTM): every value strictly between 0 and 1 task is movement the old bar never showed.
    const inFirst = new Set(ml.filter((e) => e.done > 0 && e.done < 1).map((e) => e.done));
    expect(inFirst.size).toBeGreaterThanOrEqual(6); // 9 refits × up to 30 epochs (before: none)
    const notes = ml.map((e) => e.note ?? '');
    expect(notes.some((n) => /lstm refit \d{4}-\d\d-\d\d epoch \d+\/30: train loss/.test(n))).toBe(true);
    expect(notes.some((n) => /gradient-boosting refit \d{4}-\d\d-\d\d \d+\/100/.test(n))).toBe(true);
    const dones = ml.filter((e) => e.total === total).map((e) => e.done);
    for (let i = 1; i < dones.length; i++) expect(dones[i]!).toBeGreaterThanOrEqual(dones[i - 1]!);
    expect(dones.at(-1)).toBe(total);

    // Progress is display only: a run without it writes the same bytes.
    const quiet = await runStudyFile(study, { outDir: join(work, 'b'), clock });
    for (const f of ['report.json', 'weights.csv', 'trades.csv'])
      expect(readFileSync(join(quiet.path, f), 'utf8')).toBe(readFileSync(join(r.path, f), 'utf8'));
  }, 240_000); // the LSTM example twice, about 25 s each alone on the shared machine

  it('with worker threads, tasks in flight report their fraction too', async () => {
    const events: StudyProgressEvent[] = [];
    const tree = (name: string, universe: string[]) => ({
      kind: 'ml-forecast',
      name,
      universe,
      features: [{ kind: 'returns', lags: [0, 1, 2, 3, 4] }],
      target: { kind: 'forward-return', horizon: 1 },
      model: { kind: 'gradient-boosting' },
      trainWindow: 252,
      minTrainDates: 60,
      refitEvery: 126,
      stride: 2,
      portfolio: { method: 'forecast-proportional', targetVolatility: 0.1 },
    });
    await runStudy(
      {
        name: 'workers-progress',
        seed: 5,
        data: { source: 'synthetic', market: { start: '2019-01-01', years: 3, stocks: 0 } },
        backtest: { start: '2020-01-02', rebalance: 'weekly', costs: { kind: 'proportional', bps: 10 } },
        strategies: [tree('a', ['EQ_BROAD', 'BOND_LONG']), tree('b', ['EQ_TECH', 'GOLD'])],
        baselines: [],
        report: { html: false },
      },
      { outDir: join(work, 'c'), clock, workers: 2, onProgress: (e) => events.push(e) },
    );
    const ml = mlJobEvents(events);
    const total = ml.find((e) => e.total > 1)!.total;
    const fractional = ml.filter((e) => e.total === total && e.done > 0 && e.done < total && !Number.isInteger(e.done));
    expect(fractional.length).toBeGreaterThan(0);
    // Which round notes get through depends on speed (the worker sends at most one message per 200 ms), so only
    // their form is checked: the task's label, then the refit and the round.
    for (const e of fractional) expect(e.note ?? '').toMatch(/^(a|b)( refit \d{4}-\d\d-\d\d \d+\/100)?/);
    const dones = ml.filter((e) => e.total === total).map((e) => e.done);
    for (let i = 1; i < dones.length; i++) expect(dones[i]!).toBeGreaterThanOrEqual(dones[i - 1]!);
  }, 120_000);
});
