/**
 * `macro-surprise`: macro news as point-in-time surprises times each asset's own, trailing exposure to them.
 * A macro level broadcast to every asset (the `macro` kind) is the same number for every asset on a date, so it
 * cannot rank assets; what moves one asset against another is how each reacts to *news*. Built only from the release
 * records a user has (series, refDate, releaseDate, value, vintage) and the panel's closes:
 *
 *   first release   x_k = the value of reference period k in its earliest-published record (later vintages are
 *                   revisions, not news), usable from the bar r_k = first panel date ≥ its release date.
 *   surprise        s_k = x_k − x_{k−1}                          (vs: previous)
 *                   s_k = x_k − mean(x_{k−L} … x_{k−1})          (vs: trailing-mean, L = lookback)
 *                   releases ordered by release date; k needs its comparison releases, else no surprise.
 *   standardised    z_k = s_k / √(mean of s_j² over the `scaleWindow` surprises before k), ≥ `minReleases` of them
 *                   (the s.d. about zero: a surprise's expected value is zero by construction).
 *   exposure        β_{a}(t) = OLS slope (with intercept) of R_{a,j} on z_j over the releases j whose post-release
 *                   return R_{a,j} = close[r_j + horizon] / close[r_j] − 1 lies in the last `window` bars
 *                   (t − window < r_j, r_j + horizon ≤ t), ≥ `minReleases` of them: each asset's own reaction per
 *                   unit surprise. A window in bars (not releases) makes the value exact on `window + horizon`
 *                   bars of history whatever the release frequency (`warmup`), which the ML strategy relies on.
 *   feature         per series z_k(t) · β_a(t), k(t) = the latest release with r_k ≤ t: the return over `horizon`
 *                   bars that the series' latest surprise implies for the asset (a fraction).
 *                   `macro_surprise` = the sum over the series with a finite value at (t, a), so the column starts
 *                   when the first series is ready (a quarterly series needs years of releases; one NaN column would
 *                   hold every training row back until then). `perSeries: true` adds `macro_surprise_<series>`;
 *                   `raw: true` adds `macro_surprise_<series>_z` = z_k(t), the same for every asset.
 * Everything at t reads releases dated ≤ t and closes dated ≤ t, so the feature is causal by construction (and
 * audited like every kind by `checkFeaturePointInTime` / `assertPointInTime`). Surprises read only the records, so
 * releases before the panel's first date count for z (they were public) but never for β (no closes). NaN until a
 * series has enough releases.
 */
import { configError, dataError, olsFit } from '../core/index.ts';
import { defineFeature, type Feature, type FeatureInput } from './feature.ts';
import { firstIndexOnOrAfter, type MacroObservation } from './records.ts';

export interface MacroSurpriseParams {
  /** Macro series to read (names as in the records). */
  readonly series: readonly string[];
  /** What a release is compared with: the previous release, or the mean of the `lookback` releases before it. */
  readonly vs: 'previous' | 'trailing-mean';
  /** Releases in the trailing mean (vs: trailing-mean). */
  readonly lookback: number;
  /** Past surprises whose root mean square standardises a surprise. */
  readonly scaleWindow: number;
  /** Bars after a release over which an asset's reaction is measured. */
  readonly horizon: number;
  /** Bars of history the exposure regression reads: releases whose reaction window lies in the last `window` bars. */
  readonly window: number;
  /** Fewest past surprises (for the scale) and pairs (for the exposure) before a value is given. */
  readonly minReleases: number;
  /** Also output each series' product (`macro_surprise_<series>`), besides their sum. */
  readonly perSeries: boolean;
  /** Also output each series' standardised surprise itself. */
  readonly raw: boolean;
}

interface Release {
  /** Panel bar at whose close the release is first usable (may be nDates: after the panel). */
  readonly bar: number;
  /** Standardised surprise (NaN while too few comparisons or past surprises). */
  readonly z: number;
}

/** First releases of one series in release order, with their standardised surprises. */
function releasesOf(
  obs: readonly MacroObservation[],
  series: string,
  p: MacroSurpriseParams,
  dates: readonly string[],
) {
  // The earliest-published record of each reference period is its first release; later ones are revisions.
  const first = new Map<string, MacroObservation>();
  for (const o of obs) {
    if (o.series !== series) continue;
    const f = first.get(o.refDate);
    if (!f || o.releaseDate < f.releaseDate || (o.releaseDate === f.releaseDate && o.vintage < f.vintage))
      first.set(o.refDate, o);
  }
  const rs = [...first.values()].sort((x, y) =>
    x.releaseDate !== y.releaseDate ? (x.releaseDate < y.releaseDate ? -1 : 1) : x.refDate < y.refDate ? -1 : 1,
  );
  const x = rs.map((r) => r.value);
  const s = new Float64Array(rs.length).fill(NaN);
  for (let k = 0; k < rs.length; k++) {
    if (p.vs === 'previous') {
      if (k >= 1) s[k] = x[k]! - x[k - 1]!;
    } else if (k >= p.lookback) {
      let m = 0;
      for (let j = k - p.lookback; j < k; j++) m += x[j]!;
      s[k] = x[k]! - m / p.lookback;
    }
  }
  const out: Release[] = [];
  for (let k = 0; k < rs.length; k++) {
    let ss = 0;
    let n = 0;
    for (let j = k - 1; j >= 0 && n < p.scaleWindow; j--) {
      if (!Number.isFinite(s[j]!)) continue;
      ss += s[j]! * s[j]!;
      n++;
    }
    const z = n >= p.minReleases && ss > 0 ? s[k]! / Math.sqrt(ss / n) : NaN;
    out.push({ bar: firstIndexOnOrAfter(dates, rs[k]!.releaseDate), z });
  }
  return out;
}

export function macroSurpriseFeature(params: MacroSurpriseParams): Feature {
  if (params.window <= params.horizon)
    throw configError(
      `feature "macro-surprise": window (${params.window} bars) must be longer than horizon (${params.horizon} bars), or no release's reaction fits in it; use e.g. window: 756 with horizon: 21.`,
    );
  // Bars of history that make a value exact (the ML strategy computes prediction features on a tail this long).
  const warmup = params.window + params.horizon;
  return defineFeature(
    'macro-surprise',
    warmup,
    (input: FeatureInput) => {
      const obs = input.records?.macro;
      if (!obs)
        throw dataError(
          'feature "macro-surprise" needs macro records, but the study supplied none. Use a data source with macro releases or drop the feature.',
        );
      const { dates, nDates, nAssets } = input.panel;
      const close = input.panel.field('close');
      const names: string[] = [];
      const values: Float64Array[] = [];
      const perSeries: Float64Array[] = [];
      const zCols: Float64Array[] = [];
      const H = params.horizon;
      for (const series of params.series) {
        const rel = releasesOf(obs, series, params, dates);
        if (rel.length === 0)
          throw dataError(
            `feature "macro-surprise" asks for series "${series}", which has no releases (series present: ${[...new Set(obs.map((r) => r.series))].join(', ')}).`,
          );
        const col = new Float64Array(nDates * nAssets).fill(NaN);
        const zCol = new Float64Array(nDates * nAssets).fill(NaN);
        const beta = new Float64Array(nAssets).fill(NaN);
        let k = -1; // latest release usable at t
        // Releases in the exposure fit at t: rel[lo .. m-1], those whose reaction window [r, r + H] ended by t and
        // began inside the last `window` bars (r > t − window) and after the panel's first bar (r ≥ 1: a release
        // mapped to bar 0 may predate the panel and have no close). Release bars never decrease, so it is a range.
        let lo = 0;
        let m = 0;
        for (let t = 0; t < nDates; t++) {
          while (k + 1 < rel.length && rel[k + 1]!.bar <= t) k++;
          const lo0 = lo;
          const m0 = m;
          while (m < rel.length && rel[m]!.bar + H <= t) m++;
          while (lo < rel.length && (rel[lo]!.bar < 1 || rel[lo]!.bar <= t - params.window)) lo++;
          if (lo !== lo0 || m !== m0) {
            for (let a = 0; a < nAssets; a++) {
              const zs: number[] = [];
              const rs: number[] = [];
              for (let j = lo; j < m; j++) {
                const r = rel[j]!;
                if (!Number.isFinite(r.z)) continue;
                const c0 = close[r.bar * nAssets + a]!;
                const c1 = close[(r.bar + H) * nAssets + a]!;
                if (!(c0 > 0) || !Number.isFinite(c1)) continue;
                zs.push(r.z);
                rs.push(c1 / c0 - 1);
              }
              beta[a] = zs.length >= params.minReleases ? olsFit(zs, rs).slope : NaN;
            }
          }
          const z = k >= 0 ? rel[k]!.z : NaN;
          for (let a = 0; a < nAssets; a++) {
            col[t * nAssets + a] = z * beta[a]!;
            zCol[t * nAssets + a] = z;
          }
        }
        perSeries.push(col);
        zCols.push(zCol);
      }
      const total = new Float64Array(nDates * nAssets).fill(NaN);
      for (let i = 0; i < total.length; i++) {
        let sum = 0;
        let any = false;
        for (const v of perSeries)
          if (Number.isFinite(v[i]!)) {
            sum = any ? sum + v[i]! : v[i]!; // one series: its value bit for bit (−0 stays −0)
            any = true;
          }
        if (any) total[i] = sum;
      }
      names.push('macro_surprise');
      values.push(total);
      if (params.perSeries)
        params.series.forEach((s, j) => {
          names.push(`macro_surprise_${s}`);
          values.push(perSeries[j]!);
        });
      if (params.raw)
        params.series.forEach((s, j) => {
          names.push(`macro_surprise_${s}_z`);
          values.push(zCols[j]!);
        });
      return { names, values };
    },
    'macro-surprise',
  );
}
