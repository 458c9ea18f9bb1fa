/**
 * Sample weights at a refit are point in time: computed from the refit's training labels only, all of which ended
 * by the refit date minus the embargo (purge), so data or labels after the refit change no weight.
 */
import { describe, expect, it } from 'vitest';
import { uniquenessWeights } from '../../features/index.ts';
import { synthesizeMarket } from '../../synth/index.ts';
import { mlForecast } from '../ml-forecast.ts';
import { mlFeatureSet, mlForecastSchema, refitDataset, type RefitData } from './index.ts';

const panel = synthesizeMarket({ seed: 4, start: '2014-01-01', years: 3, stocks: 6 }).panel;
const stocks = panel.assets.filter((a) => a.startsWith('STK'));
const base = {
  universe: stocks,
  features: [
    { kind: 'momentum', windows: [21, 63] },
    { kind: 'volatility', windows: [21] },
  ],
  trainWindow: 300,
  minTrainDates: 30,
  refitEvery: 63,
  stride: 5,
  embargo: 5,
  model: { kind: 'ridge', alpha: 10 },
};
const spec = mlForecastSchema.parse({ ...base, sampleWeights: 'uniqueness' });
const set = mlFeatureSet(spec.features as never);
const dataAt = (view: typeof panel, anchor: number): RefitData => {
  const out = refitDataset(set, spec, view, anchor);
  if ('shortfall' in out) throw new Error(out.shortfall);
  return out.data;
};

describe('ml-forecast sample weights at a refit', () => {
  const T = panel.nDates - 40;
  const anchor = 504;
  const view = panel.upTo(panel.dates[T]!).selectAssets(stocks);
  const data = dataAt(view, anchor);

  it('every weighted label ended by the refit date minus the embargo, and the weights are its rows’ uniqueness', () => {
    const ds = data.dataset;
    const limit = view.dates[anchor - spec.embargo]!;
    expect(ds.n).toBeGreaterThan(100);
    expect(ds.sampleDates.every((d) => d <= limit)).toBe(true);
    const idx = new Map(data.view.dates.map((d, t) => [d, t]));
    const ends = ds.sampleDates.map((d) => idx.get(d)!);
    const expected = uniquenessWeights(
      ends.map((e) => e - 21),
      ends,
      ds.sampleAssets.map((a) => stocks.indexOf(a)),
    );
    expect([...ds.sampleWeights!]).toEqual([...expected]);
    // h = 21 bars sampled every 5 bars: interior labels overlap about 21 / 5 others, so uniqueness ≈ 5 / 21.
    expect(data.weights!.meanUniqueness).toBeGreaterThan(0.2);
    expect(data.weights!.meanUniqueness).toBeLessThan(0.35);
  });

  it('the weights do not change when the data after the refit are cut off or garbled (labels included)', () => {
    const cut = dataAt(panel.upTo(panel.dates[anchor]!).selectAssets(stocks), anchor);
    expect([...cut.dataset.sampleWeights!]).toEqual([...data.dataset.sampleWeights!]);
    const n = panel.nAssets;
    const close = panel.field('close').slice();
    for (let t = anchor + 1; t < panel.nDates; t++)
      for (let a = 0; a < n; a++) close[t * n + a] = close[t * n + a]! * (1 + 0.3 * Math.sin(t * a));
    const garbled = dataAt(panel.withField('close', close).upTo(panel.dates[T]!).selectAssets(stocks), anchor);
    expect([...garbled.dataset.sampleWeights!]).toEqual([...data.dataset.sampleWeights!]);
    expect([...garbled.dataset.y]).toEqual([...data.dataset.y]);
  });

  it('a model that cannot take weights is refused at creation in one line, naming those that can', () => {
    const boosting = mlForecastSchema.parse({
      ...base,
      model: { kind: 'gradient-boosting' },
      sampleWeights: 'uniqueness',
    });
    expect(() => mlForecast(boosting, { name: 'gb' })).toThrow(
      /^strategy gb: sampleWeights uniqueness needs a model that takes sample weights, but gradient-boosting does not; use ols, ridge, lasso, elastic-net, decision-tree, random-forest, or sampleWeights: none\.$/,
    );
    expect(() => mlForecast(mlForecastSchema.parse({ ...base, model: { kind: 'gradient-boosting' } }))).not.toThrow();
  });
});
