import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/shared.ts';
import { runInProcess } from '../in-process.ts';

const example = join(repoRoot, 'examples', 'explain-and-monitor.yaml');

describe('keel monitor STUDY --as-of DATE', () => {
  it('prints the health of the model in force and exits 3 when a detector is in alert (after the planted flip)', async () => {
    const r = await runInProcess(['monitor', example, '--as-of', '2018-10-31', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      alert: boolean;
      strategies: {
        strategy: string;
        fitDate: string;
        alerts: string[];
        health: Record<string, { features?: unknown[] }>;
      }[];
    };
    const s = out.strategies[0]!;
    expect(s.strategy).toBe('ridge');
    expect(Object.keys(s.health).sort()).toEqual(['bocpd', 'cusum', 'ks', 'psi', 'rolling-ic', 'vol-ratio']);
    expect(s.health['ks']!.features).toHaveLength(2);
    expect(out.alert).toBe(s.alerts.length > 0);
    expect(r.code).toBe(out.alert ? 3 : 0);
    expect(s.alerts.length).toBeGreaterThan(0);
  }, 600_000);

  it('exits 0 on the example at a date with no change (2018-08-31, before the planted flip): no detector cries wolf', async () => {
    // Before feature drift counted dependent rows by their effective sample size, KS (p ≈ 1e-162) and PSI (0.48 ≥ 0.1)
    // were in alert here on a market whose features had only wandered, so a weekly cron job exited 3 most weeks.
    const r = await runInProcess(['monitor', example, '--as-of', '2018-08-31', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { alert: boolean; strategies: { alerts: string[]; lastDecision: string }[] };
    expect(out.strategies[0]!.lastDecision).toBe('2018-08-27');
    expect(out.strategies[0]!.alerts).toEqual([]);
    expect(out.alert).toBe(false);
    expect(r.code).toBe(0);
  }, 600_000);

  it('refuses a date outside the data with one line and exit 2', async () => {
    const r = await runInProcess(['monitor', example, '--as-of', '2031-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --as-of 2031-01-01 is outside the study's data \(2014-01-01 … 2021-12-31\); use a date in that range\n$/,
    );
  });
});
