/**
 * The per-decision hook of `ml-forecast` (env.observe): explanations and monitoring attach here instead of reaching
 * into the strategy. The record is what the decision was made from — read it, never write into it: the weights are
 * already decided. What the observer returns is attached to the decision: its findings (stamped with strategy and
 * date like the strategy's own) and its diagnostics under `Decision.diagnostics.observed`.
 *
 * The hook runs in the thread that runs the strategy: with `keel run --workers N` that is a worker thread, so an
 * observer must be created where the strategy is (a function does not cross threads).
 */
import type { FindingDraft, Matrix } from '../../core/index.ts';
import type { IsoDate } from '../../data/index.ts';
import type { ForecastModel, Forecasts } from './forecast.ts';

export interface MlDecisionRecord {
  readonly strategy: string;
  /** Decision date (close of T): every input below is dated ≤ it. */
  readonly date: IsoDate;
  /** Asset ids of the strategy's universe; every per-asset array below is in this order. */
  readonly universe: readonly string[];
  /** Column names of the feature rows (the model's features). */
  readonly featureNames: readonly string[];
  /** True when the model in force was fitted at this decision. */
  readonly refit: boolean;
  /** The model in force (fitted model, scaler, training rows of its refit), absent while warming up. */
  readonly model?: ForecastModel;
  /** The rows predicted from (scaled as the model saw them) and the forecasts; absent while warming up. */
  readonly forecasts?: Forecasts;
  /** Annualised μ handed to the optimiser (0 where no forecast), Σ, and the decided weights (cash = 1 − Σw). */
  readonly mu: Float64Array;
  readonly cov: Matrix;
  readonly weights: Float64Array;
}

export interface MlObservation {
  readonly findings?: readonly FindingDraft[];
  /** JSON-serialisable values (they travel with the decision into reports and across worker threads). */
  readonly diagnostics?: Readonly<Record<string, unknown>>;
}

export type MlDecisionObserver = (record: MlDecisionRecord) => MlObservation | void;
