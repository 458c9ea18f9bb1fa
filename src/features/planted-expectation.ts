/**
 * `planted-expectation` (synthetic data only): the planted expected log return over the next `horizon` days as
 * known at the close of each day (synth `plantedExpectation`) — what a perfect forecaster of the synthetic market
 * could know, and the forecast the ceiling IC scores. It is a diagnostic, not a forecast: a strategy built on it
 * measures what the rest of the pipeline (portfolio, constraints, costs) makes of the best possible forecasts,
 * i.e. how far better modelling alone could go. It includes the latent regime's drift, which no user feature can
 * see (an upper bound). Near the end of the data, where fewer than `horizon` days are left, a row holds the
 * expectation over the days that are left, so a last decision still has a forecast.
 */
import { configError } from '../core/index.ts';
import { plantedExpectation, syntheticRecordsOf, type PlantedComponent } from '../synth/index.ts';
import { defineFeature, type Feature, type FeatureInput } from './feature.ts';

export function plantedExpectationFeature(horizon: number, component: PlantedComponent | 'total'): Feature {
  const name = component === 'total' ? `planted_${horizon}` : `planted_${component}_${horizon}`;
  return defineFeature(
    name,
    0,
    (input: FeatureInput) => {
      const s = syntheticRecordsOf(input.records);
      if (!s)
        throw configError(
          "feature planted-expectation needs the synthetic market's ground truth (data.source: synthetic); it is a diagnostic of the pipeline, not a forecast: remove it for file data.",
        );
      const { panel } = input;
      const n = panel.nAssets;
      const row = new Map(s.truthAxes.dates.map((d, i) => [d, i]));
      const col = panel.assets.map((a) => s.truthAxes.assets.indexOf(a));
      const missing = panel.assets.filter((_, a) => col[a]! < 0);
      if (missing.length > 0)
        throw configError(`feature planted-expectation: the synthetic truth has no asset ${missing.join(', ')}.`);
      const T = s.truthAxes.dates.length;
      const N = s.truthAxes.assets.length;
      // Full-horizon rows from one pass; each of the last `horizon` rows from the expectation over the days left.
      const full = plantedExpectation(s.truth, s.truthAxes.dates, s.truthAxes.assets, { horizon });
      const pick = (e: typeof full) => (component === 'total' ? e.total : e.components[component]);
      const tails = new Map<number, Float64Array>();
      const valueAt = (t: number, a: number): number => {
        const left = T - 1 - t;
        if (left >= horizon) return pick(full)[t * N + a]!;
        if (left < 1) return NaN;
        let tail = tails.get(left);
        if (!tail)
          tails.set(
            left,
            (tail = pick(plantedExpectation(s.truth, s.truthAxes.dates, s.truthAxes.assets, { horizon: left }))),
          );
        return tail[t * N + a]!;
      };
      const out = new Float64Array(panel.nDates * n).fill(NaN);
      for (let t = 0; t < panel.nDates; t++) {
        const ti = row.get(panel.dates[t]!);
        if (ti === undefined) continue;
        for (let a = 0; a < n; a++) out[t * n + a] = valueAt(ti, col[a]!);
      }
      return { names: [name], values: [out] };
    },
    'planted-expectation',
  );
}
