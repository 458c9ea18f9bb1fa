/**
 * Forecast-as-state for `rl-agent` (`forecast:`): the observation carries a supervised forecast per asset, made by
 * the same stages `ml-forecast` uses (./ml: refitDataset → fitForecastModel → predictForecasts), so the agent
 * learns how hard to tilt on a signal a ridge already extracts instead of extracting it from raw features with a few
 * hundred noisy rewards. The forecast at row t comes from the model fitted at the forecast's own anchor
 * B = t − (t mod refitEvery), on training rows whose labels ended by B − embargo: a point-in-time feature like any
 * other (it depends on data ≤ t only), so the agent's training observations are out-of-sample forecasts too — an
 * in-sample forecast would look better in training than it ever is when the agent acts.
 * The column holds the forecast minus its cross-sectional mean (the view across assets: which asset the model
 * prefers, and by how much); NaN before the first model or where features are incomplete (the observation reads 0).
 */
import type { FeatureMatrix, FeatureSpec, PitRecords } from '../features/index.ts';
import { computeFeatures } from '../features/index.ts';
import type { Panel } from '../data/index.ts';
import {
  fitForecastModel,
  mlFeatureSet,
  mlForecastSchema,
  normaliseAcrossAssets,
  predictForecasts,
  refitDataset,
  type ForecastModel,
  type MlFeatureSet,
  type MlForecastParams,
} from './ml/index.ts';

export const rlForecastSchema = mlForecastSchema
  .pick({
    features: true,
    target: true,
    model: true,
    scaler: true,
    trainWindow: true,
    crossSectional: true,
    minTrainDates: true,
    refitEvery: true,
    embargo: true,
    stride: true,
  })
  .describe(
    'forecast-as-state: a supervised forecast per asset (ml-forecast settings: features, target, model, …), walk-forward, as the first observation column',
  );
export type RlForecastParams = MlForecastParams; // the picked keys are read through the ml stages' own spec types

export interface ForecastColumn {
  /** The forecast column over `panel`'s rows [from, panel's last row] (NaN elsewhere). */
  column(panel: Panel, from: number): FeatureMatrix;
}

/**
 * A forecast column source for one strategy. Models are memoised by their anchor row: a model at B depends on the
 * panel's rows ≤ B only, and every panel handed to `column` is the same history cut at a later row.
 */
export function forecastColumn(
  spec: Pick<
    MlForecastParams,
    | 'features'
    | 'target'
    | 'model'
    | 'scaler'
    | 'trainWindow'
    | 'crossSectional'
    | 'minTrainDates'
    | 'refitEvery'
    | 'embargo'
    | 'stride'
  >,
  seed: number,
  periodsPerYear: number,
  records?: PitRecords,
): ForecastColumn {
  const set: MlFeatureSet = mlFeatureSet(spec.features as FeatureSpec[], records);
  const models = new Map<number, ForecastModel | null>();
  const full = { ...spec, sampleWeights: undefined } as unknown as MlForecastParams;
  const modelAt = (panel: Panel, B: number): ForecastModel | null => {
    if (models.has(B)) return models.get(B)!;
    const out = refitDataset(set, full, panel.sliceRows(0, B + 1), B);
    const m = 'data' in out ? fitForecastModel(out.data, full, (seed + B) >>> 0) : null;
    models.set(B, m);
    return m;
  };
  const h = spec.target.horizon;
  return {
    column(panel, from) {
      const T = panel.nDates - 1;
      const n = panel.nAssets;
      const col = new Float64Array(panel.nDates * n).fill(NaN);
      const raw = computeFeatures(set.features, records ? { panel, records } : { panel });
      const R = spec.refitEvery;
      for (let B = Math.max(0, from) - (Math.max(0, from) % R); B <= T; B += R) {
        const m = modelAt(panel, B);
        if (!m) continue;
        const fm = normaliseAcrossAssets(raw, spec.crossSectional, m.marketWide);
        for (let t = Math.max(B, from); t <= Math.min(T, B + R - 1); t++) {
          const f = predictForecasts(m, fm, t, panel, h, periodsPerYear).forecast;
          let s = 0;
          let k = 0;
          for (const v of f)
            if (Number.isFinite(v)) {
              s += v;
              k++;
            }
          for (let a = 0; a < n; a++) col[t * n + a] = Number.isFinite(f[a]!) ? f[a]! - s / k : NaN;
        }
      }
      return {
        names: ['forecast'],
        owners: ['forecast'],
        columns: [col],
        dates: panel.dates,
        assets: panel.assets,
        warmup: set.warmup,
      };
    },
  };
}
