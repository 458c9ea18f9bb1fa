/**
 * Features from point-in-time records, each joined on the date the record became public:
 * macro series by RELEASE date (not the period they describe), headline sentiment by publication date with
 * exponential decay, fundamentals by REPORT date. A record dated on a non-trading day becomes usable at the next bar.
 */
import { dataError } from '../core/index.ts';
import { defineFeature, type Feature, type FeatureInput } from './feature.ts';
import { firstIndexOnOrAfter, type Headline, type PitRecords } from './records.ts';
import { scoreText } from './sentiment.ts';

function need<K extends keyof PitRecords>(input: FeatureInput, key: K, feature: string): NonNullable<PitRecords[K]> {
  const r = input.records?.[key];
  if (!r)
    throw dataError(
      `feature "${feature}" needs ${String(key)} records, but the study supplied none. Use a data source with ${String(key)} or drop the feature.`,
    );
  return r as NonNullable<PitRecords[K]>;
}

/**
 * Macro series, broadcast to every asset: `macro_<series>` = the value of the latest reference period released on
 * or before t (in its latest vintage released by t), and `macro_<series>_chg` = that minus the previous period's
 * value as known at t. A revision released at t changes the value from t on, never before.
 */
export function macroFeature(series: readonly string[]): Feature {
  return defineFeature(
    'macro',
    0,
    (input) => {
      const releases = need(input, 'macro', 'macro');
      const { dates, nDates, nAssets } = input.panel;
      const names: string[] = [];
      const values: Float64Array[] = [];
      for (const s of series) {
        const rs = releases.filter((r) => r.series === s);
        if (rs.length === 0)
          throw dataError(
            `feature "macro" asks for series "${s}", which has no releases (series present: ${[...new Set(releases.map((r) => r.series))].join(', ')}).`,
          );
        rs.sort((x, y) =>
          x.releaseDate < y.releaseDate ? -1 : x.releaseDate > y.releaseDate ? 1 : x.vintage - y.vintage,
        );
        const level = new Float64Array(nDates * nAssets).fill(NaN);
        const change = new Float64Array(nDates * nAssets).fill(NaN);
        const known = new Map<string, { value: number; vintage: number }>();
        let k = 0;
        let cur = NaN;
        let prev = NaN;
        for (let t = 0; t < nDates; t++) {
          let changed = false;
          while (k < rs.length && rs[k]!.releaseDate <= dates[t]!) {
            const r = rs[k]!;
            const old = known.get(r.refDate);
            if (!old || r.vintage >= old.vintage) known.set(r.refDate, { value: r.value, vintage: r.vintage });
            changed = true;
            k++;
          }
          if (changed) {
            const refs = [...known.keys()].sort();
            cur = known.get(refs[refs.length - 1]!)!.value;
            prev = refs.length > 1 ? known.get(refs[refs.length - 2]!)!.value : NaN;
          }
          for (let a = 0; a < nAssets; a++) {
            level[t * nAssets + a] = cur;
            change[t * nAssets + a] = cur - prev;
          }
        }
        names.push(`macro_${s}`, `macro_${s}_chg`);
        values.push(level, change);
      }
      return { names, values };
    },
    'macro',
  );
}

/** Headlines sorted by date with their scores, computed once per records array (scoring is the costly part). */
interface ScoredHeadlines {
  readonly dates: readonly string[];
  readonly assets: readonly string[];
  readonly scores: Float64Array;
}
const scoredCache = new WeakMap<readonly Headline[], ScoredHeadlines>();

function scored(headlines: readonly Headline[]): ScoredHeadlines {
  const hit = scoredCache.get(headlines);
  if (hit) return hit;
  const order = headlines
    .map((_, i) => i)
    .sort((i, j) =>
      headlines[i]!.date < headlines[j]!.date ? -1 : headlines[i]!.date > headlines[j]!.date ? 1 : i - j,
    );
  const memo = new Map<string, number>();
  const out: ScoredHeadlines = {
    dates: order.map((i) => headlines[i]!.date),
    assets: order.map((i) => headlines[i]!.asset),
    scores: Float64Array.from(order, (i) => {
      const text = headlines[i]!.text;
      let v = memo.get(text);
      if (v === undefined) memo.set(text, (v = scoreText(text)));
      return v;
    }),
  };
  scoredCache.set(headlines, out);
  return out;
}

/**
 * Headline sentiment per asset and day: Σ score·2^(−age/halfLife) over the asset's headlines published on or
 * before t (age in bars; a headline on a non-trading day counts from the next bar). Headlines dated before the
 * panel's first date are ignored. Zero where an asset has had no news.
 */
export function sentimentFeature(halfLife: number): Feature {
  return defineFeature(
    'sentiment',
    0,
    (input) => {
      const h = scored(need(input, 'headlines', 'sentiment'));
      const { dates, nDates, nAssets, assets } = input.panel;
      const daily = new Float64Array(nDates * nAssets);
      const assetIndex = new Map(assets.map((a, i) => [a, i]));
      // First headline on or after the first bar; walk forward while headlines fall inside the panel.
      let k = firstIndexOnOrAfter(h.dates, dates[0] ?? '');
      let t = 0;
      for (; k < h.dates.length; k++) {
        const d = h.dates[k]!;
        while (t < nDates && dates[t]! < d) t++;
        if (t >= nDates) break;
        const a = assetIndex.get(h.assets[k]!);
        if (a !== undefined) daily[t * nAssets + a]! += h.scores[k]!;
      }
      const decay = Math.pow(0.5, 1 / halfLife);
      const out = new Float64Array(nDates * nAssets);
      for (let a = 0; a < nAssets; a++) {
        let s = 0;
        for (let u = 0; u < nDates; u++) {
          s = s * decay + daily[u * nAssets + a]!;
          out[u * nAssets + a] = s;
        }
      }
      return { names: [`sentiment_hl${halfLife}`], values: [out] };
    },
    'sentiment',
  );
}

/**
 * Fundamentals by report date. The latest report public at t gives P/E and P/B at its period end; they are
 * carried to t with the price move since the period end (P/E_t = pe · close_t / close_periodEnd, the earnings and
 * book value being unchanged until the next report), and `eps_growth` is the report's year-on-year growth.
 * Before an asset's first report the columns are NaN.
 */
export function fundamentalsFeature(): Feature {
  return defineFeature(
    'fundamentals',
    0,
    (input) => {
      const reports = need(input, 'fundamentals', 'fundamentals');
      const { dates, nDates, nAssets, assets } = input.panel;
      const close = input.panel.field('close');
      const pe = new Float64Array(nDates * nAssets).fill(NaN);
      const pb = new Float64Array(nDates * nAssets).fill(NaN);
      const growth = new Float64Array(nDates * nAssets).fill(NaN);
      for (let a = 0; a < nAssets; a++) {
        const rs = reports.filter((r) => r.asset === assets[a]);
        rs.sort((x, y) =>
          x.reportDate < y.reportDate ? -1 : x.reportDate > y.reportDate ? 1 : x.periodEnd < y.periodEnd ? -1 : 1,
        );
        let k = 0;
        let best: (typeof rs)[number] | undefined;
        let anchor = NaN;
        for (let t = 0; t < nDates; t++) {
          while (k < rs.length && rs[k]!.reportDate <= dates[t]!) {
            const r = rs[k]!;
            if (!best || r.periodEnd >= best.periodEnd) {
              best = r;
              // Price at period end from the panel when it covers it (bars ≤ t only: periodEnd < reportDate ≤ dates[t]).
              let e = t;
              while (e >= 0 && dates[e]! > r.periodEnd) e--;
              anchor = e >= 0 ? close[e * nAssets + a]! : NaN;
            }
            k++;
          }
          if (!best) continue;
          const c = close[t * nAssets + a]!;
          const move = Number.isFinite(anchor) && anchor > 0 ? c / anchor : 1;
          pe[t * nAssets + a] = best.pe * move;
          pb[t * nAssets + a] = best.pb * move;
          growth[t * nAssets + a] = best.earningsGrowth;
        }
      }
      return { names: ['pe', 'pb', 'eps_growth'], values: [pe, pb, growth] };
    },
    'fundamentals',
  );
}
