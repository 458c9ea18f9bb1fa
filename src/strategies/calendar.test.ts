/**
 * Strategies annualise with the study's calendar (item 5 of "Nothing silent"): on monthly data the allocator
 * strategy's estimators, its parametric VaR cap and the dynamic strategy's volatility signal use 12 periods a year,
 * not a hard-coded 252.
 */
import { describe, expect, it } from 'vitest';
import { portfolioPerformance } from '../allocation/index.ts';
import { sampleCov, returnsFromPrices } from '../risk/index.ts';
import { createRng } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import { strategyKinds } from './index.ts';

const months = Array.from({ length: 80 }, (_, i) => {
  const d = new Date(Date.UTC(2010, i + 1, 0));
  return d.toISOString().slice(0, 10);
});
const rng = createRng(9);
const close = new Float64Array(80 * 3);
for (let a = 0; a < 3; a++) {
  let p = 100;
  for (let t = 0; t < 80; t++) close[t * 3 + a] = p *= 1 + 0.01 * (a + 1) * rng.normal();
}
const panel = new Panel({ dates: months, assets: ['A', 'B', 'C'], fields: { close } });
const ctx = { asOf: months[79]!, t: 79, previousWeights: new Float64Array(3), seed: 1 };

describe('strategies use the study calendar', () => {
  it('kind: allocator annualises μ and Σ with the periods per year it is given (12 on monthly data)', () => {
    const s = strategyKinds.allocator.create(
      { allocator: { kind: 'min-variance' }, window: 36 },
      { name: 'mv', periodsPerYear: 12 },
    );
    const d = s.decide(panel, ctx);
    const prices = panel.field('close').slice((79 - 36) * 3, 80 * 3);
    const cov = sampleCov(returnsFromPrices(prices, 37, panel.assets), { frequency: 12 });
    const w = d.allocation!.weights;
    const expected = portfolioPerformance(w, new Float64Array(3), cov, 0).volatility;
    expect(d.allocation!.diagnostics['volatility']).toBeCloseTo(expected, 12);
    // With 252 the same weights would report a volatility √(252/12) ≈ 4.6× larger.
    const daily = strategyKinds.allocator.create({ allocator: { kind: 'min-variance' }, window: 36 }, { name: 'mv' });
    const v252 = daily.decide(panel, ctx).allocation!.diagnostics['volatility'] as number;
    expect(v252 / expected).toBeCloseTo(Math.sqrt(252 / 12), 6);
  });

  it('a frequency the study gives wins over the calendar', () => {
    const s = strategyKinds.allocator.create(
      { allocator: { kind: 'min-variance' }, window: 36, covariance: { kind: 'sample', frequency: 52 } },
      { name: 'mv', periodsPerYear: 12 },
    );
    const prices = panel.field('close').slice((79 - 36) * 3, 80 * 3);
    const cov = sampleCov(returnsFromPrices(prices, 37, panel.assets), { frequency: 52 });
    const d = s.decide(panel, ctx);
    const expected = portfolioPerformance(d.allocation!.weights, new Float64Array(3), cov, 0).volatility;
    expect(d.allocation!.diagnostics['volatility']).toBeCloseTo(expected, 12);
  });

  it('the dynamic volatility signal annualises with the calendar unless it states periodsPerYear', () => {
    // A threshold between the σ annualised with 12 and with 252: σ_month · √50.
    const c = panel.series('close', 'A');
    const r = Array.from({ length: 24 }, (_, k) => c[56 + k]! / c[55 + k]! - 1);
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1));
    const threshold = sd * Math.sqrt(50);
    const make = (periodsPerYear: number | undefined, signalPpy?: number) =>
      strategyKinds.dynamic.create(
        {
          signal: {
            kind: 'volatility',
            asset: 'A',
            window: 24,
            threshold,
            ...(signalPpy === undefined ? {} : { periodsPerYear: signalPpy }),
          },
          riskOn: { A: 1 },
          riskOff: { B: 1 },
        },
        periodsPerYear === undefined ? { name: 'd' } : { name: 'd', periodsPerYear },
      );
    // Annualised with 12 the σ is under the threshold (risk on); with 252 it is above (risk off).
    const on = make(12).decide(panel, ctx).weights;
    const off = make(12, 252).decide(panel, ctx).weights;
    expect(Array.from(on)).not.toEqual(Array.from(off));
    // Without any calendar given, the strategy infers it from the dates (monthly → 12).
    expect(Array.from(make(undefined).decide(panel, ctx).weights)).toEqual(Array.from(on));
  });
});
