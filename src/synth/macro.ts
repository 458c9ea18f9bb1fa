/**
 * Macro series of the synthetic economy and their publication. The economy moves monthly (inflation, unemployment,
 * policy rate) and quarterly (GDP growth) with means that depend on the market regime. Statistics are published with
 * a release lag; the first release carries measurement noise and is replaced one month later by the revised value
 * (vintage 2). The policy rate is published on its decision day and never revised.
 *
 * Each first release has a standardised *surprise* (first release − consensus) / sd, where the consensus is an AR(1)
 * forecast from the previous published value. The planted macro signal of an asset is a fixed mix of the latest
 * surprises released strictly before the day it moves (see `MACRO_LOADINGS`).
 */
import type { Rng } from '../core/index.ts';
import type { IsoDate, MacroObservation } from '../data/index.ts';

/** Series that carry surprises, in the column order of `MACRO_LOADINGS`. */
export const SURPRISE_SERIES = ['gdp_growth', 'inflation', 'unemployment'] as const;

/**
 * Loading of each asset class (rows: equity, bond, gold) on the latest surprises (columns: GDP, inflation,
 * unemployment), each row scaled to unit length so the mix of independent unit surprises has unit variance.
 * Equities like growth and dislike inflation and unemployment; bonds like weak growth and low inflation; gold likes
 * inflation.
 */
export const MACRO_LOADINGS: readonly (readonly number[])[] = normalizeRows([
  [0.6, -0.5, -0.6],
  [-0.5, -0.7, 0.5],
  [-0.3, 0.9, 0.3],
]);

interface SeriesSpec {
  /** Regime means: calm, bear, crisis. */
  readonly mean: readonly [number, number, number];
  readonly phi: number;
  readonly shock: number;
  /** First-release measurement noise (sd). */
  readonly noise: number;
  /** Business days from the end of the reference period to the first release. */
  readonly lag: number;
  readonly start: number;
}

const SPEC: Record<'inflation' | 'unemployment' | 'gdp_growth', SeriesSpec> = {
  inflation: { mean: [2.0, 4.0, 1.0], phi: 0.9, shock: 0.25, noise: 0.1, lag: 10, start: 2.0 },
  unemployment: { mean: [4.5, 6.0, 8.5], phi: 0.95, shock: 0.1, noise: 0.05, lag: 5, start: 5.0 },
  gdp_growth: { mean: [2.8, 0.5, -4.0], phi: 0.5, shock: 1.0, noise: 0.5, lag: 20, start: 2.5 },
};

/** Business days between a first release and its revision. */
export const REVISION_LAG_DAYS = 22;

export interface MacroSimulation {
  /** Every published value, sorted by release date, then series, refDate and vintage. */
  readonly observations: MacroObservation[];
  /** (nDates × 3) row-major: macro signal of each asset class usable on day t (built from releases dated ≤ t-1). */
  readonly classSignal: Float64Array;
  /** Each first release's standardised surprise, sorted by release date then series. */
  readonly surprises: { series: string; refDate: IsoDate; releaseDate: IsoDate; surprise: number }[];
}

/**
 * Simulates the economy over the calendar. `regimes` is the regime of every business day; `year`/`month` come from
 * `businessDays` (with `monthAfterLast`). Uses `shares` (long-run regime shares) to set the consensus' long-run means.
 */
export function simulateMacro(
  dates: readonly IsoDate[],
  year: Int32Array,
  month: Int32Array,
  monthAfterLast: number,
  regimes: Uint8Array,
  shares: readonly number[],
  rng: Rng,
): MacroSimulation {
  const nDates = dates.length;
  const obs: MacroObservation[] = [];
  const surprises: MacroSimulation['surprises'] = [];
  // Surprise released on day index d, per surprise series (NaN = none that day).
  const released = new Float64Array(nDates * 3).fill(Number.NaN);

  const state = {
    inflation: SPEC.inflation.start,
    unemployment: SPEC.unemployment.start,
    gdp_growth: SPEC.gdp_growth.start,
  };
  const prevFirst = {
    inflation: SPEC.inflation.start,
    unemployment: SPEC.unemployment.start,
    gdp_growth: SPEC.gdp_growth.start,
  };
  let rate = 1.0;
  const longRun = (s: SeriesSpec) => s.mean[0] * shares[0]! + s.mean[1] * shares[1]! + s.mean[2] * shares[2]!;

  const publish = (series: keyof typeof SPEC, refDate: IsoDate, endIdx: number, trueValue: number): void => {
    const spec = SPEC[series];
    const first = round2(trueValue + spec.noise * rng.normal());
    const releaseIdx = endIdx + spec.lag;
    const reviseIdx = releaseIdx + REVISION_LAG_DAYS;
    const mu = longRun(spec);
    const consensus = mu + spec.phi * (prevFirst[series] - mu);
    const sd = Math.sqrt(spec.shock * spec.shock + 2 * spec.noise * spec.noise);
    const surprise = (first - consensus) / sd;
    prevFirst[series] = first;
    if (releaseIdx >= nDates) return;
    const k = SURPRISE_SERIES.indexOf(series);
    released[releaseIdx * 3 + k] = surprise;
    obs.push({ series, refDate, releaseDate: dates[releaseIdx]!, value: first, vintage: 1 });
    surprises.push({ series, refDate, releaseDate: dates[releaseIdx]!, surprise });
    if (reviseIdx < nDates)
      obs.push({ series, refDate, releaseDate: dates[reviseIdx]!, value: round2(trueValue), vintage: 2 });
  };

  for (let t = 0; t < nDates; t++) {
    const monthEnds = (t + 1 < nDates ? month[t + 1]! : monthAfterLast) !== month[t];
    if (!monthEnds) continue;
    const r = regimes[t]!;
    const m = month[t]!;
    const refMonth = `${year[t]}-${String(m).padStart(2, '0')}-01`;
    for (const series of ['inflation', 'unemployment'] as const) {
      const s = SPEC[series];
      state[series] = s.mean[r]! + s.phi * (state[series] - s.mean[r]!) + s.shock * rng.normal();
      publish(series, refMonth, t, state[series]);
    }
    if (m % 3 === 0) {
      const s = SPEC.gdp_growth;
      state.gdp_growth = s.mean[r]! + s.phi * (state.gdp_growth - s.mean[r]!) + s.shock * rng.normal();
      const refQuarter = `${year[t]}-${String(m - 2).padStart(2, '0')}-01`;
      publish('gdp_growth', refQuarter, t, state.gdp_growth);
    }
    // A Taylor-type rule, smoothed and set in quarter-point steps, decided on the month's last business day.
    const target = Math.max(0, 2 + 1.5 * (state.inflation - 2) + 0.5 * (state.gdp_growth - 2));
    rate = Math.max(0, Math.round((0.85 * rate + 0.15 * target) * 4) / 4);
    obs.push({ series: 'policy_rate', refDate: refMonth, releaseDate: dates[t]!, value: rate, vintage: 1 });
  }

  // Hold each series' latest surprise; the signal for day t uses releases dated ≤ t-1.
  const classSignal = new Float64Array(nDates * 3);
  const last = [0, 0, 0];
  for (let t = 1; t < nDates; t++) {
    for (let k = 0; k < 3; k++) {
      const s = released[(t - 1) * 3 + k]!;
      if (!Number.isNaN(s)) last[k] = s;
    }
    for (let c = 0; c < 3; c++) {
      const w = MACRO_LOADINGS[c]!;
      classSignal[t * 3 + c] = w[0]! * last[0]! + w[1]! * last[1]! + w[2]! * last[2]!;
    }
  }

  obs.sort((a, b) =>
    a.releaseDate !== b.releaseDate
      ? cmp(a.releaseDate, b.releaseDate)
      : a.series !== b.series
        ? cmp(a.series, b.series)
        : a.refDate !== b.refDate
          ? cmp(a.refDate, b.refDate)
          : a.vintage - b.vintage,
  );
  surprises.sort((a, b) => cmp(a.releaseDate, b.releaseDate) || cmp(a.series, b.series));
  return { observations: obs, classSignal, surprises };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function normalizeRows(rows: number[][]): number[][] {
  return rows.map((r) => {
    const norm = Math.sqrt(r.reduce((s, x) => s + x * x, 0));
    return r.map((x) => x / norm);
  });
}
