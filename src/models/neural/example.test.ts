/**
 * examples/lstm-allocation.yaml (seed 002's worked example) runs end to end through the study runner: the LSTM
 * strategy, the gradient-boosting strategy and the 1/N and 60/40 baselines each get metrics, under identical costs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudyFile } from '../../study/index.ts';
import { repoRoot } from '../../../test/support/shared.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-lstm-example-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('examples/lstm-allocation.yaml', () => {
  it('runs: LSTM 2×64 walk-forward vs gradient boosting, 1/N and 60/40, same costs', async () => {
    const r = await runStudyFile(join(repoRoot, 'examples', 'lstm-allocation.yaml'), {
      outDir: work,
      clock: () => new Date(Date.UTC(2026, 10, 20, 12, 0, 0)),
    });
    expect(r.artefacts).toContain('study.resolved.json');
    const summary = readFileSync(join(r.path, 'summary.json'), 'utf8');
    for (const name of ['lstm-2x64', 'gradient-boosting', '1/N', '60/40']) expect(summary).toContain(name);

    // The report carries the LSTM's training curves (train and validation loss per epoch, one per refit) and draws them.
    const report = JSON.parse(readFileSync(join(r.path, 'report.json'), 'utf8')) as {
      sections: {
        trainingCurves?: { model: string; fitDate: string; trainLoss: number[]; validationLoss: number[] }[];
      }[];
    };
    const curves = report.sections.flatMap((s) => s.trainingCurves ?? []);
    expect(curves.length).toBeGreaterThan(0);
    expect(curves.every((c) => c.model.includes('lstm'))).toBe(true);
    for (const c of curves) {
      expect(c.trainLoss.length).toBeGreaterThan(0);
      expect(c.trainLoss.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(c.validationLoss.length).toBe(c.trainLoss.length);
    }
    expect(new Set(curves.map((c) => c.fitDate)).size).toBe(curves.length);
    expect(readFileSync(join(r.path, 'report.html'), 'utf8')).toContain('Training curves: loss per epoch');
  });
});
