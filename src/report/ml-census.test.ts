/**
 * Census: every model kind of the registry through `ml-forecast` in one small ML job (the study's own tasks, run as
 * the ml-job step runs them). A kind passes when the result is its own answer — its forecasts differ from every other
 * kind's and the weights built from them differ too — or when a finding names the substitution for its strategy.
 * Tiny market (4 assets, 2 years), 4 refits, neural kinds with 2 epochs: a few seconds in all.
 */
import { describe, expect, it } from 'vitest';
import { modelKinds } from '../models/index.ts';
import type { MlDiagnostics, StrategySpec } from '../strategies/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { planMlJob, runMlTask } from './ml-tasks.ts';

const market = synthesizeMarket({ seed: 4, start: '2014-01-01', years: 2, stocks: 0 });
const tiny = { epochs: 2, batchSize: 64, validationFraction: 0, patience: 0 };
const members = [{ kind: 'ridge' }, { kind: 'decision-tree', params: { maxDepth: 3, minSamplesLeaf: 10 } }];

/** Small params per kind, and what the kind needs around it (a classification target, a sequence of lags). */
function specFor(kind: string): StrategySpec {
  const tasks = modelKinds[kind]!.tasks;
  const classifier = !tasks.includes('regression');
  const sequence = kind === 'lstm' || kind === 'gru' || kind === 'cnn1d';
  const params: Record<string, Record<string, unknown>> = {
    'decision-tree': { maxDepth: 3, minSamplesLeaf: 10 },
    'random-forest': { nTrees: 8, maxDepth: 3, minSamplesLeaf: 10 },
    'gradient-boosting': { nRounds: 10, maxDepth: 2 },
    averaging: { members },
    stacking: { members, folds: 3 },
    fnn: { ...tiny, hidden: [4] },
    lstm: { ...tiny, units: [4], steps: 10 },
    gru: { ...tiny, units: [4], steps: 10 },
    cnn1d: { ...tiny, filters: [4], kernelSize: 3, hidden: [4], steps: 10 },
  };
  return {
    kind: 'ml-forecast',
    name: kind,
    universe: ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'],
    features: sequence
      ? [{ kind: 'returns', lags: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] }]
      : [{ kind: 'momentum', windows: [21, 63] }, { kind: 'volatility', windows: [21] }, { kind: 'rsi' }],
    target: classifier ? { kind: 'direction', horizon: 5 } : { kind: 'forward-return', horizon: 5 },
    model: { kind, ...(params[kind] ?? {}) },
    trainWindow: 250,
    minTrainDates: 20,
    refitEvery: 63,
    stride: 5,
    portfolio: { method: 'mean-variance', maxWeight: 0.6, targetVolatility: 0.1 },
  };
}

describe('census: every model kind through ml-forecast', () => {
  it("each kind's forecasts and weights are its own, or a finding names the substitution", () => {
    const kinds = Object.keys(modelKinds);
    expect(kinds.length).toBeGreaterThanOrEqual(17);
    const input = {
      panel: market.panel,
      seed: 7,
      backtest: { start: '2015-04-01', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
      strategies: kinds.map(specFor),
      baselines: [],
    };
    const plan = planMlJob(input);
    const runs = plan.tasks.map((task) => ({ kind: task.label, result: runMlTask(input, plan, task) }));
    const forecasts = new Map<string, string>();
    const weights = new Map<string, string>();
    const refits = new Map<string, number>();
    for (const { kind, result } of runs) {
      const ml = result.decisions.map((d) => d.diagnostics?.['ml'] as MlDiagnostics);
      forecasts.set(kind, JSON.stringify(ml.filter((m) => !m.warmingUp).map((m) => m.forecast)));
      weights.set(kind, JSON.stringify(result.decisions.map((d) => [...d.target])));
      refits.set(kind, ml.filter((m) => m.refit).length);
    }
    const ownAnswer: string[] = [];
    const substituted: string[] = [];
    for (const { kind, result } of runs) {
      expect(refits.get(kind), kind).toBeGreaterThanOrEqual(2);
      const f = forecasts.get(kind)!;
      expect(JSON.parse(f).flat().some(Number.isFinite), `${kind} has finite forecasts`).toBe(true);
      const others = runs.filter((r) => r.kind !== kind);
      const ownForecasts = others.every((o) => forecasts.get(o.kind) !== f);
      const ownWeights = others.every((o) => weights.get(o.kind) !== weights.get(kind));
      const named = result.findings.filter((x) => x.severity !== 'info' && x.strategy === kind);
      if (ownForecasts && ownWeights) ownAnswer.push(kind);
      else substituted.push(kind);
      expect(
        ownForecasts && ownWeights ? true : named.length > 0,
        `${kind}: same answer as another kind, unreported`,
      ).toBe(true);
    }
    console.info(
      `[keel] census: ${ownAnswer.length}/${kinds.length} model kinds give their own forecasts and weights${substituted.length > 0 ? `; substitutions named by findings: ${substituted.join(', ')}` : ''}`,
    );
  });
});
