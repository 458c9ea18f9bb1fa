/**
 * Signal recovery on the synthetic market: with strong planted predictability (momentum and short-term reversal,
 * strength 0.1 ≈ the daily IC each plants) the best model's out-of-sample IC is significantly above 0 and its
 * after-cost Sharpe beats 1/N; with every planted signal switched off no model shows an edge that survives
 * deflation. Small universes and few refits keep both under ~15 s.
 */
import { describe, expect, it } from 'vitest';
import { deflatedSharpeRatio } from '../metrics/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { runMlJob, type MlJobOutput } from './ml-job.ts';

function job(strength: number): MlJobOutput {
  const m = synthesizeMarket({
    seed: 7,
    start: '2014-01-01',
    years: 4,
    stocks: 12,
    predictability: { momentum: strength, meanReversion: strength, macro: 0, sentiment: 0, regimeDrift: 0 },
  });
  const universe = m.panel.assets.filter((a) => a.startsWith('STK'));
  const common = {
    kind: 'ml-forecast',
    universe,
    target: { kind: 'forward-return', horizon: 5 },
    features: [
      { kind: 'returns', lags: [0, 1, 2, 3, 4] },
      { kind: 'momentum', windows: [60], skip: 5 },
      { kind: 'momentum', windows: [5, 20] },
      { kind: 'volatility', windows: [21] },
    ],
    trainWindow: 500,
    minTrainDates: 40,
    refitEvery: 126,
    stride: 2,
    embargo: 2,
    portfolio: { method: 'top-k', topK: 4, targetVolatility: 0.5 },
  };
  return runMlJob({
    panel: m.panel,
    name: 'signal-recovery',
    seed: 1,
    backtest: { start: '2015-06-01', rebalance: 'weekly', costs: { kind: 'proportional', bps: 5 } },
    strategies: [
      { ...common, name: 'linear', model: { kind: 'ridge', alpha: 10 } },
      { ...common, name: 'forest', model: { kind: 'random-forest', nTrees: 30, maxDepth: 4, minSamplesLeaf: 30 } },
    ],
    baselines: [{ kind: 'equal-weight', name: '1/N' }],
  });
}

/** Daily returns of the strategy minus 1/N (same dates), from the report's NAV paths. */
function activeReturns(out: MlJobOutput, name: string): Float64Array {
  const s = out.model.sections[0]!.strategies;
  const a = s.find((x) => x.name === name)!.nav;
  const b = s.find((x) => x.name === '1/N')!.nav;
  const r = new Float64Array(a.length - 1);
  for (let t = 1; t < a.length; t++) r[t - 1] = a[t]! / a[t - 1]! - b[t]! / b[t - 1]!;
  return r;
}

describe('signal recovery', () => {
  it('planted predictability: best model IC t-stat > 3 and after-cost Sharpe above 1/N, edge survives deflation', () => {
    const out = job(0.1);
    const fq = out.model.sections[0]!.forecastQuality!.filter((q) => !q.model.startsWith('naive'));
    const best = [...fq].sort((a, b) => b.ic - a.ic)[0]!;
    expect(best.icTStat).toBeGreaterThan(3);
    expect(best.ic).toBeGreaterThan(0.05);
    const sharpe = (name: string) => out.summary.find((r) => r.strategy === name)!.sharpe;
    expect(sharpe(best.model)).toBeGreaterThan(sharpe('1/N'));
    expect(deflatedSharpeRatio(activeReturns(out, best.model), fq.length).dsr).toBeGreaterThan(0.95);
  });

  it('no predictability: no model has a significant IC or an active Sharpe that survives deflation', () => {
    const out = job(0);
    const fq = out.model.sections[0]!.forecastQuality!.filter((q) => !q.model.startsWith('naive'));
    expect(fq).toHaveLength(2);
    for (const q of fq) {
      // Two models tried: Bonferroni at 5 % two-sided puts the bar at |t| ≈ 2.24.
      expect(Math.abs(q.icTStat)).toBeLessThan(2.24);
      expect(deflatedSharpeRatio(activeReturns(out, q.model), fq.length).dsr).toBeLessThan(0.95);
    }
  });
});
