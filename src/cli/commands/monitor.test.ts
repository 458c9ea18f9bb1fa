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

  it('refuses a date outside the data with one line and exit 2', async () => {
    const r = await runInProcess(['monitor', example, '--as-of', '2031-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --as-of 2031-01-01 is outside the study's data \(2014-01-01 … 2021-12-31\); use a date in that range\n$/,
    );
  });
});
