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
