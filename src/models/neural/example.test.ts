/**
 * examples/lstm-allocation.yaml (seed 002's worked example) runs end to end through the study runner: the LSTM
 * strategy, the gradient-boosting strategy and the 1/N, volatility-matched 1/N and 60/40 baselines each get metrics,
 * under identical costs, and the LSTM is not mostly cash (the old example's sat in cash on 95 % of decisions).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateStudy, withStudyPaths } from '../../config/index.ts';
import { runStudyFile } from '../../study/index.ts';
import { repoRoot } from '../../../test/support/shared.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-lstm-example-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('examples/lstm-allocation.yaml', () => {
  it('runs: LSTM walk-forward vs gradient boosting, 1/N and 60/40, same costs; the LSTM is mostly invested', async () => {
    const r = await runStudyFile(join(repoRoot, 'examples', 'lstm-allocation.yaml'), {
      outDir: work,
      clock: () => new Date(Date.UTC(2026, 10, 20, 12, 0, 0)),
    });
    expect(r.artefacts).toContain('study.resolved.json');
    const summary = readFileSync(join(r.path, 'summary.json'), 'utf8');
    for (const name of ['lstm', 'gradient-boosting', '1/N', '1/N @ 15% vol', '60/40']) expect(summary).toContain(name);
    const fq = (JSON.parse(summary) as { forecastQuality: Record<string, { ic: number }> }).forecastQuality;
    expect(fq['lstm']!.ic).toBeGreaterThan(0);

    // Invested share per decision: most decisions hold at least half the book in assets.
    const sums = new Map<string, number>();
    for (const line of readFileSync(join(r.path, 'weights.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [, strategy, date, , w] = line.split(',');
      if (strategy === 'lstm') sums.set(date!, (sums.get(date!) ?? 0) + Number(w));
    }
    const invested = [...sums.values()];
    expect(invested.length).toBeGreaterThan(40);
    expect(invested.filter((s) => s >= 0.5).length).toBeGreaterThan(invested.length / 2);

    // The report carries the LSTM's training curves (train and validation loss per epoch, one per refit) and draws them.
    const report = JSON.parse(readFileSync(join(r.path, 'report.json'), 'utf8')) as {
      sections: {
        trainingCurves?: {
          model: string;
          fitDate: string;
          trainLoss: number[];
          validationLoss: number[];
          constantLoss?: { train: number; validation: number };
        }[];
      }[];
    };
    const curves = report.sections.flatMap((s) => s.trainingCurves ?? []);
    expect(curves.length).toBeGreaterThan(0);
    expect(curves.every((c) => c.model.includes('lstm'))).toBe(true);
    for (const c of curves) {
      expect(c.trainLoss.length).toBeGreaterThan(0);
      expect(c.trainLoss.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(c.validationLoss.length).toBe(c.trainLoss.length);
      expect(Number.isFinite(c.constantLoss?.validation)).toBe(true);
    }
    expect(new Set(curves.map((c) => c.fitDate)).size).toBe(curves.length);
    expect(readFileSync(join(r.path, 'report.html'), 'utf8')).toContain('constant forecast dotted');
  }, 240_000); // about 25 s alone on the shared machine, 9 refits of the LSTM and of the trees

  it('is tune-lstm.yaml at a point of its search space, tuned on dates before its backtest', () => {
    const read = (f: string) => parse(readFileSync(join(repoRoot, 'examples', f), 'utf8')) as Record<string, any>;
    const example = read('lstm-allocation.yaml');
    const tune = read('tune-lstm.yaml');
    validateStudy(example, 'lstm-allocation.yaml');
    validateStudy(tune, 'tune-lstm.yaml');
    // the search never saw the backtest period
    expect(String(tune['tune'].validation.end) < String(example['backtest'].start)).toBe(true);
    expect(tune['tune'].objective.strategy).toBe('lstm');
    expect(tune['data']).toEqual(example['data']);
    expect(tune['seed']).toBe(example['seed']);
    expect({ ...example['backtest'], nTrials: undefined }).toEqual({ ...tune['backtest'], nTrials: undefined });
    expect(example['backtest'].nTrials).toBe(tune['tune'].trials); // the deflated Sharpe counts the search
    // the example's value of every searched parameter lies in the space; with them the tune's LSTM is the example's
    const lstm = (s: Record<string, any>) => (s['strategies'] as { name: string }[]).find((x) => x.name === 'lstm');
    const values: Record<string, unknown> = {};
    for (const [path, dim] of Object.entries(tune['tune'].space as Record<string, any>)) {
      const v = pick(example, path);
      if (dim.kind === 'categorical') expect(dim.choices, path).toContain(v);
      else {
        expect(v as number, path).toBeGreaterThanOrEqual(dim.low);
        expect(v as number, path).toBeLessThanOrEqual(dim.high);
      }
      values[path] = v;
    }
    expect(lstm(withStudyPaths(tune, values))).toEqual(lstm(example));
  });
});

/** The value at a tune path such as `strategies.lstm.model.units[0]` (a strategy by name, then keys and indices). */
function pick(study: Record<string, any>, path: string): unknown {
  const [, name, ...rest] = path.split('.');
  let node: any = (study['strategies'] as { name: string }[]).find((s) => s.name === name);
  for (const part of rest) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(part)!;
    node = node[m[1]!];
    if (m[2] !== undefined) node = node[Number(m[2])];
  }
  return node;
}
