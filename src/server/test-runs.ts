/** Test support: a runs folder with two small study runs (different seeds), made once per test file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStudy } from '../study/index.ts';

export const smallStudy = (seed: number): Record<string, unknown> => ({
  name: 'dash',
  seed,
  data: { source: 'synthetic', market: { start: '2015-01-01', years: 3, stocks: 3 } },
  backtest: {
    periodsPerYear: 252,
    start: '2016-01-04',
    rebalance: 'monthly',
    costs: { kind: 'proportional', bps: 10 },
  },
  strategies: [{ kind: 'allocator', name: 'min-var', allocator: { kind: 'min-variance' }, window: 126 }],
  baselines: [{ kind: 'equal-weight' }],
});

export async function makeRuns(): Promise<{ dir: string; ids: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-dash-'));
  const ids: string[] = [];
  for (const seed of [1, 2]) ids.push((await runStudy(smallStudy(seed), { outDir: dir })).runId);
  return { dir, ids };
}

/**
 * A small ML study with a `monitor:` section (2.5 years of the core assets): its run writes events.json with a few
 * alert and de-risk events (~3 s).
 */
export const monitoredStudy = (seed: number): Record<string, unknown> => ({
  name: 'dash-monitor',
  seed,
  data: { source: 'synthetic', market: { start: '2014-01-01', years: 2.5, stocks: 0 } },
  backtest: { periodsPerYear: 252, start: '2015-06-01', rebalance: 'monthly', costs: { kind: 'none' } },
  strategies: [
    {
      kind: 'ml-forecast',
      name: 'ridge',
      features: [{ kind: 'momentum', windows: [21] }],
      trainWindow: 200,
      minTrainDates: 30,
    },
  ],
  baselines: [],
  monitor: { derisk: { when: ['vol-ratio'], to: 'equal-weight' } },
});
