/**
 * Forecast quality over out-of-sample cross-sections (one per forecast date, e.g. one per rebalance of a fold):
 * information coefficient (Pearson of forecast vs realised across assets), rank IC (Spearman), their mean, σ,
 * information ratio and t-statistic through time, hit rate (sign agreement), out-of-sample R² against the naive
 * zero forecast and against the naive historical-mean forecast, and the same figures for the historical-mean
 * forecast itself so a reader sees what "no skill" scores. Returns in fractions; NaN where undefined.
 */
import { correlation } from '../core/index.ts';

export interface ForecastCrossSection {
  readonly date: string;
  /** Forecast per asset (e.g. predicted next-h return). */
  readonly predicted: ArrayLike<number>;
  /** Realised value per asset over the same horizon. */
  readonly realized: ArrayLike<number>;
  /** Naive historical-mean forecast per asset (mean of the target over the training window), when known. */
  readonly historicalMean?: ArrayLike<number>;
}

export interface IcPoint {
  readonly date: string;
  readonly ic: number;
  readonly rankIc: number;
  readonly n: number;
}

export interface ForecastQuality {
  /** Cross-sections with ≥ 3 finite pairs (IC needs a spread). */
  readonly nDates: number;
  /** All finite (forecast, realised) pairs. */
  readonly nObs: number;
  readonly ic: number;
  readonly rankIc: number;
  readonly icStd: number;
  /** mean IC / σ(IC) per cross-section (not annualised). */
  readonly icIR: number;
  /** mean IC / (σ/√nDates): H0 "no skill" is ≈ N(0, 1) for independent cross-sections. */
  readonly icTStat: number;
  readonly rankIcTStat: number;
  /** Pearson correlation over all pooled pairs (time series and cross-section together). */
  readonly pooledIc: number;
  /** Share of pairs where sign(forecast) = sign(realised), zeros excluded. */
  readonly hitRate: number;
  /** 1 − SSE/Σ realised²: beats the zero forecast when > 0. */
  readonly r2VsZero: number;
  /** 1 − SSE/SSE(historical mean): beats the historical mean when > 0 (NaN without historical means). */
  readonly r2VsHistoricalMean: number;
  /** The historical-mean forecast scored the same way (the naive benchmark). */
  readonly naive: {
    readonly historicalMean: { readonly ic: number; readonly hitRate: number; readonly r2VsZero: number };
  };
  readonly series: readonly IcPoint[];
}

/** Pearson correlation (core's `correlation`); NaN when either side is constant. */
export const pearson = correlation;

/** Average ranks 1..n with ties averaged. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i]! - x[j]! || i - j);
  const out = new Float64Array(n);
  for (let k = 0; k < n;) {
    let e = k;
    while (e + 1 < n && x[idx[e + 1]!] === x[idx[k]!]) e++;
    for (let q = k; q <= e; q++) out[idx[q]!] = (k + e) / 2 + 1;
    k = e + 1;
  }
  return out;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

function meanStd(v: readonly number[]): [number, number] {
  const n = v.length;
  if (n === 0) return [NaN, NaN];
  let m = 0;
  for (const x of v) m += x;
  m /= n;
  let ss = 0;
  for (const x of v) ss += (x - m) ** 2;
  return [m, n > 1 ? Math.sqrt(ss / (n - 1)) : NaN];
}

/** Scores out-of-sample forecasts. Never mutates its input. */
export function forecastQuality(sections: readonly ForecastCrossSection[]): ForecastQuality {
  const series: IcPoint[] = [];
  const allP: number[] = [];
  const allY: number[] = [];
  const allH: number[] = [];
  let hasHist = true;
  let hits = 0;
  let signed = 0;
  let histHits = 0;
  let histSigned = 0;
  let sse = 0;
  let ssZero = 0;
  let sseHist = 0;
  for (const s of sections) {
    const p: number[] = [];
    const y: number[] = [];
    for (let a = 0; a < s.predicted.length; a++) {
      const pv = s.predicted[a]!;
      const yv = s.realized[a]!;
      const hv = s.historicalMean ? s.historicalMean[a]! : NaN;
      if (!Number.isFinite(pv) || !Number.isFinite(yv)) continue;
      p.push(pv);
      y.push(yv);
      allP.push(pv);
      allY.push(yv);
      sse += (yv - pv) ** 2;
      ssZero += yv * yv;
      if (pv !== 0 && yv !== 0) {
        signed++;
        if (Math.sign(pv) === Math.sign(yv)) hits++;
      }
      if (Number.isFinite(hv)) {
        allH.push(hv);
        sseHist += (yv - hv) ** 2;
        if (hv !== 0 && yv !== 0) {
          histSigned++;
          if (Math.sign(hv) === Math.sign(yv)) histHits++;
        }
      } else hasHist = false;
    }
    if (p.length >= 3) {
      const ic = pearson(p, y);
      const rankIc = spearman(p, y);
      if (Number.isFinite(ic) && Number.isFinite(rankIc)) series.push({ date: s.date, ic, rankIc, n: p.length });
    }
  }
  const [ic, icStd] = meanStd(series.map((d) => d.ic));
  const [rankIc, rankStd] = meanStd(series.map((d) => d.rankIc));
  const sqrtN = Math.sqrt(series.length);
  const histOk = hasHist && allH.length === allY.length && allY.length > 0;
  return {
    nDates: series.length,
    nObs: allY.length,
    ic,
    rankIc,
    icStd,
    icIR: ic / icStd,
    icTStat: (ic / icStd) * sqrtN,
    rankIcTStat: (rankIc / rankStd) * sqrtN,
    pooledIc: allY.length >= 3 ? pearson(allP, allY) : NaN,
    hitRate: signed > 0 ? hits / signed : NaN,
    r2VsZero: ssZero > 0 ? 1 - sse / ssZero : NaN,
    r2VsHistoricalMean: histOk && sseHist > 0 ? 1 - sse / sseHist : NaN,
    naive: {
      historicalMean: {
        ic: histOk && allH.length >= 3 ? pearson(allH, allY) : NaN,
        hitRate: histOk && histSigned > 0 ? histHits / histSigned : NaN,
        r2VsZero: histOk && ssZero > 0 ? 1 - sseHist / ssZero : NaN,
      },
    },
    series,
  };
}
