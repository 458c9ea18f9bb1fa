/**
 * Dynamic (tactical) allocation: a signal computed from data ≤ asOf switches between a risk-on mix and a
 * risk-off mix (e.g. equities ↔ bonds/cash). Signals:
 *
 * - `trend`: risk-on when the last close of `asset` is above its simple moving average over `lookback` periods.
 * - `volatility`: risk-on when the annualised sd (ddof 1) of the last `window` returns of `asset` is below
 *   `threshold` (volatility regime).
 * - `field`: risk-on when the latest finite value of panel field `field` (column `asset`, default the first) is above
 *   `above` — for any series already joined to the panel at its RELEASE date.
 * - `macro`: risk-on when the latest value of macro `series` RELEASED by the decision date (latest vintage; from the
 *   point-in-time records the study's data source provides) is above `above` (or below `below`) — macro regime.
 *
 * Until the signal has enough history the strategy holds the risk-off mix. Rebalances when the signal flips
 * (rule `signal`) unless told otherwise.
 */
import * as z from 'zod';
import { configError } from '../core/index.ts';
import { latestMacroValue } from '../data/index.ts';
import type { MacroObservation, Panel } from '../data/index.ts';
import { inferPeriodsPerYear, type RebalanceSpec, type Strategy } from '../backtest/index.ts';
import { resolveWeights, trailingReturns, weightsByIdSchema } from './weights.ts';

export const signalSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('trend'),
    asset: z.string().min(1),
    lookback: z.int().min(2).default(200),
    field: z.string().default('close'),
  }),
  z.strictObject({
    kind: z.literal('volatility'),
    asset: z.string().min(1),
    window: z.int().min(2).default(21),
    threshold: z.number().gt(0).describe('annualised volatility below which risk is on, fraction'),
    periodsPerYear: z
      .int()
      .min(1)
      .optional()
      .describe("annualisation of the volatility (default: the study's periods per year, from the data's calendar)"),
  }),
  z.strictObject({
    kind: z.literal('field'),
    field: z.string().min(1),
    asset: z.string().optional(),
    above: z.number().default(0),
  }),
  z.strictObject({
    kind: z.literal('macro'),
    series: z.string().min(1).describe('macro series, e.g. gdp_growth, inflation, unemployment, policy_rate'),
    above: z.number().optional().describe('risk on while the released value is above this (give above or below)'),
    below: z.number().optional().describe('risk on while the released value is below this'),
  }),
]);
export type SignalSpec = z.input<typeof signalSchema>;

export interface DynamicParams {
  readonly signal: SignalSpec;
  /** Point-in-time records (macro releases) for the `macro` signal; the runner passes the data source's. */
  readonly records?: { readonly macro?: readonly MacroObservation[] };
  readonly riskOn: Readonly<Record<string, number>>;
  readonly riskOff: Readonly<Record<string, number>>;
  readonly rebalance?: RebalanceSpec;
  /** Annualisation for the volatility signal when it gives none (the study passes the data's calendar). */
  readonly periodsPerYear?: number;
}

export const dynamicSchema = z.strictObject({
  signal: signalSchema,
  riskOn: weightsByIdSchema.describe('weights when the signal is on'),
  riskOff: weightsByIdSchema.describe('weights when the signal is off (the rest is cash)'),
});

function assetIndex(strategy: string, view: Panel, id: string): number {
  const a = view.assets.indexOf(id);
  if (a < 0)
    throw configError(
      `strategy ${strategy}: signal asset "${id}" is not in the data (assets: ${view.assets.slice(0, 12).join(', ')}).`,
    );
  return a;
}

/**
 * +1 risk on, 0 risk off, NaN not enough history. Reads only `view` (data ≤ asOf) and, for `macro`, the records
 * released on or before the view's last date.
 */
export function evaluateSignal(
  spec: z.output<typeof signalSchema>,
  view: Panel,
  strategy = 'dynamic',
  records?: { readonly macro?: readonly MacroObservation[] },
  periodsPerYear?: number,
): number {
  const T = view.nDates;
  const n = view.nAssets;
  switch (spec.kind) {
    case 'trend': {
      const a = assetIndex(strategy, view, spec.asset);
      if (T < spec.lookback) return NaN;
      const f = view.field(spec.field);
      let s = 0;
      for (let t = T - spec.lookback; t < T; t++) s += f[t * n + a]!;
      const last = f[(T - 1) * n + a]!;
      const sma = s / spec.lookback;
      return Number.isFinite(sma) && Number.isFinite(last) ? (last > sma ? 1 : 0) : NaN;
    }
    case 'volatility': {
      const a = assetIndex(strategy, view, spec.asset);
      const { values, rows } = trailingReturns(view, spec.window);
      if (rows < spec.window) return NaN;
      let m = 0;
      for (let i = 0; i < rows; i++) m += values[i * n + a]!;
      m /= rows;
      let ss = 0;
      for (let i = 0; i < rows; i++) ss += (values[i * n + a]! - m) ** 2;
      const vol = Math.sqrt(
        (ss / (rows - 1)) * (spec.periodsPerYear ?? periodsPerYear ?? inferPeriodsPerYear(view.dates)),
      );
      return Number.isFinite(vol) ? (vol < spec.threshold ? 1 : 0) : NaN;
    }
    case 'macro': {
      if (!records?.macro) {
        throw configError(
          `strategy ${strategy}: signal macro needs macro release records, and the data source has none. Use data: { source: synthetic }, or a trend/volatility/field signal.`,
        );
      }
      if (T === 0) return NaN;
      const o = latestMacroValue(records.macro, spec.series, view.dates[T - 1]!);
      if (o === undefined) return NaN;
      return spec.above !== undefined ? (o.value > spec.above ? 1 : 0) : o.value < spec.below! ? 1 : 0;
    }
    case 'field': {
      const a = spec.asset === undefined ? 0 : assetIndex(strategy, view, spec.asset);
      if (!view.has(spec.field))
        throw configError(
          `strategy ${strategy}: signal field "${spec.field}" is not in the data (fields: ${view.fieldNames.join(', ')}).`,
        );
      const f = view.field(spec.field);
      for (let t = T - 1; t >= 0; t--) {
        const v = f[t * n + a]!;
        if (Number.isFinite(v)) return v > spec.above ? 1 : 0;
      }
      return NaN;
    }
  }
}

export function dynamicAllocation(p: DynamicParams, name = 'dynamic'): Strategy {
  const signal = signalSchema.parse(p.signal);
  if (signal.kind === 'macro' && (signal.above === undefined) === (signal.below === undefined)) {
    throw configError(
      `strategy ${name}: signal macro needs exactly one of above or below, e.g. { kind: macro, series: gdp_growth, above: 0 }.`,
    );
  }
  let cache: { assets: readonly string[]; on: Float64Array; off: Float64Array } | null = null;
  return {
    name,
    rebalance: p.rebalance ?? { kind: 'signal' },
    decide(view) {
      if (!cache || cache.assets !== view.assets) {
        cache = {
          assets: view.assets,
          on: resolveWeights(name, p.riskOn, view.assets),
          off: resolveWeights(name, p.riskOff, view.assets),
        };
      }
      const s = evaluateSignal(signal, view, name, p.records, p.periodsPerYear);
      return {
        weights: (s === 1 ? cache.on : cache.off).slice(),
        diagnostics: { signal: Number.isNaN(s) ? 'warm-up' : s === 1 ? 'risk-on' : 'risk-off' },
      };
    },
  };
}
