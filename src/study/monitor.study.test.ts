/**
 * examples/explain-and-monitor.yaml through the study runner (the path users take): the planted break is found,
 * every firing is an event in events.json, a row of the report's monitor table and an info finding; and the
 * monitor section is validated with one-line errors. It passes `--strict` (its data.quality thresholds are info findings).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Finding } from '../core/index.ts';
import { validateStudy } from '../config/index.ts';
import { repoRoot } from '../../test/support/shared.ts';
import { runStudyFile } from './index.ts';

const outDir = mkdtempSync(join(tmpdir(), 'keel-monitor-study-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const example = join(repoRoot, 'examples', 'explain-and-monitor.yaml');

describe('examples/explain-and-monitor.yaml', () => {
  it('finds the planted flip, records every firing (events.json, report table, info findings), passes --strict', async () => {
    // strict: no warning at all; the example's data.quality thresholds are info findings, one per threshold.
    const r = await runStudyFile(example, { outDir, clock: () => new Date('2026-01-01T00:00:00Z'), strict: true });
    expect(r.findings.filter((f) => f.kind === 'data-quality-setting').map((f) => f.severity)).toEqual([
      'info',
      'info',
    ]);
    const read = (f: string) => readFileSync(join(r.path, f), 'utf8');
    const truth = JSON.parse(read('truth.json')) as { break: { date: string; index: number } };
    const events = JSON.parse(read('events.json')) as { date: string; detector: string; action: string }[];
    expect(truth.break.date).toBe('2018-10-19');
    const firstRetrain = events.find((e) => e.action.startsWith('retrain'))!;
    // Detected within 21 business days of the break (2018-10-19 + 21 business days = 2018-11-19).
    expect(firstRetrain.date >= truth.break.date && firstRetrain.date <= '2018-11-19').toBe(true);
    const findings = JSON.parse(read('findings.json')) as Finding[];
    const monitorFindings = findings.filter((f) => f.kind.startsWith('monitor-'));
    expect(monitorFindings.every((f) => f.severity === 'info')).toBe(true);
    // One finding per event, two for an event that both retrains and de-risks.
    const expected = events.reduce((n, e) => n + (e.action === 'retrain+derisk' ? 2 : 1), 0);
    expect(monitorFindings).toHaveLength(expected);
    const html = read('report.html');
    expect(html).toContain('data-table="monitor-events"');
    const table = html.slice(html.indexOf('data-table="monitor-events"'));
    const rows = table.slice(0, table.indexOf('</table>')).match(/<tr><th scope="row">ridge<\/th>/g) ?? [];
    expect(rows.length).toBe(events.length);
    const summary = JSON.parse(read('summary.json')) as { monitor: { events: number } };
    expect(summary.monitor.events).toBe(events.length);
  }, 600_000);

  it('refuses a monitor section that names detectors it does not run, a non-ML strategy, or an unknown target', () => {
    const study = parse(readFileSync(example, 'utf8')) as Record<string, unknown>;
    const bad = (monitor: object) => () => validateStudy({ ...study, monitor }, 'study');
    expect(
      bad({ detectors: ['cusum'], retrain: { drift: ['cusum'] }, derisk: { when: ['bocpd'], to: 'equal-weight' } }),
    ).toThrow(
      /derisk\.when names bocpd, which is not among monitor\.detectors \[cusum\]; add it there or drop it here/,
    );
    expect(bad({ detectors: ['cusum', 'page'] })).toThrow(/must be a detector name \(psi, ks, rolling-ic/);
    expect(bad({ derisk: { when: ['cusum'], to: '60/40' } })).toThrow(
      /derisk\.to must be equal-weight \(the 1\/N baseline\) or \{ cash: fraction in \(0, 1\] \}, got "60\/40"/,
    );
    expect(bad({ strategies: ['1/N'] })).toThrow(
      /names "1\/N", which is not an ml-forecast strategy of this study \(ridge\)/,
    );
    expect(bad({ retrain: { on: ['drift'], drift: [] } })).toThrow(/retrain\.drift names no detector/);
  });
});
