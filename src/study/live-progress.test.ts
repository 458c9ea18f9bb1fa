import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIVE_PROGRESS_FILE, type LiveProgress } from './live-progress.ts';
import { runStudy } from './run-study.ts';

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
