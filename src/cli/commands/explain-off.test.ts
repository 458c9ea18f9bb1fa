/**
 * `explain: false` on ml-forecast: the run skips SHAP records and distillation, and nothing else changes — the same
 * weights, trades and summary bytes as with explanations on — and `keel explain` says why it has nothing to show.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const study = (explain: boolean) => `
name: explain-off
seed: 9
data:
  source: synthetic
  market: { start: 2014-01-01, years: 3, stocks: 0 }
backtest:
  start: 2015-03-02
  periodsPerYear: 252
  rebalance: monthly
  costs: { kind: proportional, bps: 10 }
strategies:
${['ridge', 'gradient-boosting']
  .map(
    (model) => `  - kind: ml-forecast
    name: ${model}
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }, { kind: rsi }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: ${model} }
    portfolio: { method: mean-variance, maxWeight: 0.4, targetVolatility: 0.12, transactionCost: 0.02 }
    explain: ${explain}`,
  )
  .join('\n')}
baselines: []
report: { html: false }
`;

const dir = mkdtempSync(join(tmpdir(), 'keel-explain-off-'));
const runs: Record<'on' | 'off', string> = { on: '', off: '' };
beforeAll(async () => {
  for (const k of ['on', 'off'] as const) {
    const file = join(dir, `${k}.yaml`);
    writeFileSync(file, study(k === 'on'));
    const out = join(dir, k);
    const r = await runInProcess(['run', file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    runs[k] = join(out, readdirSync(out)[0]!);
  }
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ml-forecast explain: false', () => {
  it('writes the same weights, trades and summary as with explanations, and no SHAP or distillation records', () => {
    for (const f of ['weights.csv', 'trades.csv', 'summary.json'])
      expect(readFileSync(join(runs.off, f), 'utf8'), f).toBe(readFileSync(join(runs.on, f), 'utf8'));
    const read = (k: 'on' | 'off') => JSON.parse(readFileSync(join(runs[k], 'explanations.json'), 'utf8'));
    const [on, off] = [read('on'), read('off')];
    for (const name of ['ridge', 'gradient-boosting']) {
      const records = (a: typeof on) =>
        a.strategies[name].decisions.filter((d: { explain?: unknown; distill?: unknown }) => d.explain || d.distill);
      expect(records(on).length, name).toBeGreaterThan(0);
      expect(records(off), name).toEqual([]);
      expect(off.strategies[name].explained).toBe(false);
      expect(on.strategies[name].explained).toBeUndefined();
      expect(off.strategies[name].decisions.length).toBe(on.strategies[name].decisions.length);
    }
  });

  it('keel explain refuses in one line naming the option (exit 2); --why-weights still works', async () => {
    for (const args of [[], ['--distill']]) {
      const r = await runInProcess(['explain', runs.off, '--strategy', 'gradient-boosting', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/ran with explain: false.*rerun the study without explain: false/);
    }
    const w = await runInProcess(['explain', runs.off, '--strategy', 'ridge', '--why-weights']);
    expect(w.code, w.stderr).toBe(0);
  });
});
