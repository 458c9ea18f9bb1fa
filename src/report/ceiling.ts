/**
 * The ceiling of forecast quality on synthetic data: the planted expected return over the strategy's horizon, as
 * known at each decision (synth `plantedExpectation`), scored on exactly the cross sections the strategy was scored
 * on — same dates, same assets, same realised h-period returns. A model's IC over this ceiling IC says how much of
 * what was there it found.
 */
import { forecastQuality, type ForecastCrossSection } from '../metrics/index.ts';
import { plantedExpectation, syntheticRecordsOf, type PlantedExpectation } from '../synth/index.ts';

/** Planted expectations by horizon, computed once per records object and horizon. */
export function ceilingSource(records: unknown): ((horizon: number) => PlantedExpectation) | undefined {
  const s = syntheticRecordsOf(records);
  if (!s) return undefined;
  const byHorizon = new Map<number, PlantedExpectation>();
  return (h) => {
    let e = byHorizon.get(h);
    if (!e) byHorizon.set(h, (e = plantedExpectation(s.truth, s.truthAxes.dates, s.truthAxes.assets, { horizon: h })));
    return e;
  };
}

/** The ceiling forecasts on `sections` (each with its universe ids); undefined where a date or asset is unknown. */
export function ceilingSections(
  expectation: Pick<PlantedExpectation, 'dates' | 'assets' | 'total'>,
  sections: readonly (ForecastCrossSection & { readonly universe: readonly string[] })[],
): ForecastCrossSection[] | undefined {
  const row = new Map(expectation.dates.map((d, i) => [d, i]));
  const col = new Map(expectation.assets.map((a, i) => [a, i]));
  const n = expectation.assets.length;
  const out: ForecastCrossSection[] = [];
  for (const s of sections) {
    const t = row.get(s.date);
    if (t === undefined) return undefined;
    const predicted: number[] = [];
    for (const id of s.universe) {
      const a = col.get(id);
      if (a === undefined) return undefined;
      predicted.push(expectation.total[t * n + a]!);
    }
    out.push({ date: s.date, predicted, realized: s.realized });
  }
  return out;
}

/** Mean cross-sectional IC of the ceiling on `sections`, with its t-statistic and rank IC. */
export function ceilingQuality(
  expectation: Pick<PlantedExpectation, 'dates' | 'assets' | 'total'>,
  sections: readonly (ForecastCrossSection & { readonly universe: readonly string[] })[],
): { ic: number; icT: number; rankIc: number } | undefined {
  const xs = ceilingSections(expectation, sections);
  if (!xs || xs.length === 0) return undefined;
  const q = forecastQuality(xs);
  return { ic: q.ic, icT: q.icTStat, rankIc: q.rankIc };
}
