/**
 * The walk-forward monitor: detectors fed day by day from data ≤ the decision date, turned into retrain and de-risk
 * actions at the strategy's decisions. It knows nothing of models: the strategy hands it numbers.
 *
 * - `setReference` after every fit: the training window's last `referenceWindow` feature rows and in-sample daily ICs
 *   (mean, sd). Quality detectors restart from it.
 * - `observeDay` for each bar u since the previous decision (u ≤ T): the daily cross-sectional IC of the forecast in
 *   force against the return into u, and the portfolio's return and ex-ante σ; it updates CUSUM (on
 *   z = (IC − mean) / sd), BOCPD (on the same z), rolling-IC decay and the volatility ratio.
 * - `observeFeatures` at the decision: the last `featureWindow` feature rows against the reference (KS, PSI).
 * - `plan(T)`: the anchor of the model in force (the schedule's or a drift retrain's), the training window of a
 *   post-change fit, whether the portfolio is de-risked, and the events since the last decision.
 * A detector *fires* on its rising edge (not drifted → drifted). Between a drift firing and the first post-change
 * fit, the quality detectors pause (they would keep firing on the same change).
 */
import { normalQuantile } from '../allocation/index.ts';
import { bocpdUpdate, BOCPD_START, type BocpdState } from './bocpd.ts';
import { cusumUpdate, CUSUM_START, type CusumState } from './cusum.ts';
import { rollingIcDecay, volatilityRatio } from './decay.ts';
import { FeatureDriftDetector } from './feature-drift.ts';
import { longRunFactor } from './long-run.ts';
import type { DetectorName } from './registry.ts';
import type { MonitorSpec } from './spec.ts';
import type { DriftResult } from './types.ts';

/** Observed daily ICs behind the point-in-time scale of z (at least IC_SCALE_MIN of them), and the clip of z. */
const IC_SCALE_WINDOW = 63;
const IC_SCALE_MIN = 21;
const Z_CLIP = 2.5;

export type MonitorAction = 'retrain' | 'derisk' | 'retrain+derisk' | 'alert';

export interface MonitorEvent {
  /** Date of the bar on which the detector fired (≤ the decision that acted on it). */
  readonly date: string;
  /** Decision date at which the action took effect. */
  readonly actedOn: string;
  readonly detector: DetectorName;
  readonly value: number;
  readonly threshold: number;
  readonly kind: 'pValue' | 'distance';
  readonly action: MonitorAction;
  /** Estimated first bar of the change (quality detectors), when known. */
  readonly changeDate?: string;
}

export interface StrategyShape {
  readonly horizon: number;
  readonly embargo: number;
  readonly trainWindow: number | 'expanding';
  readonly refitEvery: number;
  /** Bars of returns behind the strategy's ex-ante σ (its covariance window). */
  readonly covarianceWindow?: number;
}

export interface MonitorPlan {
  /** Row index of the refit anchor of the model in force. */
  readonly anchor: number;
  /** Training rows of a fit at `anchor`: from `firstIndex` (post-change fits only), with their stride and minimum. */
  readonly window?: { readonly firstIndex: number; readonly stride: number; readonly minTrainDates: number };
  readonly derisk: boolean;
  readonly events: readonly MonitorEvent[];
  /** Why the anchor is what it is. */
  readonly reason: 'schedule' | 'drift';
}

/** The latest value of every running detector (for `keel monitor` and the report). */
export type MonitorHealth = Partial<
  Record<
    DetectorName,
    DriftResult & {
      readonly date: string;
      /** Per-feature statistics (KS p-values against the Bonferroni threshold, PSI values). */
      readonly features?: readonly { readonly name: string; readonly statistic: number; readonly drifted: boolean }[];
    }
  >
>;

export class WalkForwardMonitor {
  readonly spec: MonitorSpec;
  private readonly shape: StrategyShape;
  private featureTest: { ks?: FeatureDriftDetector; psi?: FeatureDriftDetector } = {};
  private icRef = { mean: NaN, sd: NaN };
  private cusum: CusumState = CUSUM_START;
  /** Row index of each quality observation since the last restart (CUSUM's change index → a day). */
  private icDays: number[] = [];
  private bocpd: BocpdState = BOCPD_START;
  private ics: number[] = [];
  private portfolio: number[] = [];
  private exAnte: number[] = [];
  private drifted = new Set<DetectorName>();
  private pending: MonitorEvent[] = [];
  private latest: MonitorHealth = {};
  /** Estimated change (row index) behind the last drift firing, and whether a post-change fit has happened. */
  private change: number | undefined;
  private paused = false;
  private firstQuality = true;
  private driftAnchor = -1;
  private nextDriftFit = -1;
  private firstAnchor = -1;
  private deriskUntil = -1;
  /** The vol-ratio threshold in force (≥ settings.volRatio.threshold; widened by the reference's own σ errors). */
  private volThreshold = NaN;

  constructor(spec: MonitorSpec, shape: StrategyShape) {
    this.spec = spec;
    this.shape = shape;
  }

  private runs(d: DetectorName): boolean {
    return this.spec.detectors.includes(d);
  }

  /** A fit happened at `anchor`: fix the references and restart the quality detectors. */
  setReference(ref: {
    readonly anchor: number;
    readonly featureRows: Float64Array;
    readonly nRows: number;
    readonly featureNames: readonly string[];
    /** Rows of each reference date (the drift tests' effective sample size); without it rows count as independent. */
    readonly rowsPerDate?: readonly number[];
    readonly dailyIc: ArrayLike<number>;
    /**
     * The ex-ante σ's own errors in the training window: log(realised σ of the next `volRatio.window` bars / σ of the
     * `covarianceWindow` bars before) of a proxy portfolio, one per bar. Sets the vol-ratio band (volBand).
     */
    readonly volErrors?: ArrayLike<number>;
  }): void {
    if (this.firstAnchor < 0) this.firstAnchor = ref.anchor;
    const s = this.spec.settings;
    this.featureTest = {};
    if (ref.nRows >= s.psi.bins) {
      const dates = ref.rowsPerDate ? { rowsPerDate: ref.rowsPerDate, window: s.featureWindow } : {};
      if (this.runs('ks'))
        this.featureTest.ks = new FeatureDriftDetector(ref.featureRows, ref.nRows, ref.featureNames, {
          test: 'ks',
          threshold: s.ks.threshold,
          ...dates,
        });
      if (this.runs('psi'))
        this.featureTest.psi = new FeatureDriftDetector(ref.featureRows, ref.nRows, ref.featureNames, {
          test: 'psi',
          threshold: s.psi.threshold,
          bins: s.psi.bins,
          ...dates,
        });
    }
    let n = 0;
    let m = 0;
    let m2 = 0;
    for (let i = 0; i < ref.dailyIc.length; i++) {
      const v = ref.dailyIc[i]!;
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - m;
      m += d / n;
      m2 += d * (v - m);
    }
    // Daily ICs of overlapping-window signals are autocorrelated: CUSUM, BOCPD and the rolling-IC standard error
    // assume independent observations, so the sd is the long-run one (Bartlett weights over 10 lags, never below the
    // plain sd). Without it the in-control false-alarm rate was ~4 per 5 years instead of the nominal ~1.
    this.icRef = { mean: m, sd: n > 1 ? Math.sqrt((m2 / (n - 1)) * longRunFactor(ref.dailyIc, m, 10)) : NaN };
    // The quality detectors restart only for a new kind of model: the first fit and each fit on post-change data. A
    // scheduled refit on (mostly) the same window gets the new reference but keeps the evidence gathered so far: a
    // restart there threw away days of a change in progress (seed 2: a refit 8 days after the break, found at 21).
    const first = this.firstQuality;
    const unpause = this.paused && this.change !== undefined && ref.anchor >= this.postChangeFloor();
    if (first || unpause || ref.anchor === this.driftAnchor) {
      this.firstQuality = false;
      this.restartQuality();
      for (const d of ['rolling-ic', 'cusum', 'bocpd'] as const) this.drifted.delete(d);
    }
    if (unpause) this.paused = false;
    for (const d of ['ks', 'psi'] as const) this.drifted.delete(d);
    this.volThreshold = volBand(ref.volErrors, s.volRatio.threshold);
  }

  private restartQuality(): void {
    this.cusum = CUSUM_START;
    this.bocpd = BOCPD_START;
    this.ics = [];
    this.icDays = [];
  }

  /**
   * Bar `u` (row index, date `date`): `ic` = cross-sectional IC of the forecast made at u−1 against the return into
   * u; `portfolioReturn` the strategy's return into u and `exAnteDaily` the σ per bar its risk model promised.
   */
  observeDay(u: number, date: string, obs: { ic?: number; portfolioReturn?: number; exAnteDaily?: number }): void {
    const s = this.spec.settings;
    if (obs.portfolioReturn !== undefined && Number.isFinite(obs.portfolioReturn) && this.runs('vol-ratio')) {
      this.portfolio.push(obs.portfolioReturn);
      this.exAnte.push(obs.exAnteDaily ?? NaN);
      if (this.portfolio.length > s.volRatio.window) {
        this.portfolio.shift();
        this.exAnte.shift();
      }
      if (this.portfolio.length >= s.volRatio.window) {
        const ea = this.exAnte.filter(Number.isFinite);
        const mean = ea.reduce((a, b) => a + b, 0) / Math.max(1, ea.length);
        const threshold = Number.isFinite(this.volThreshold) ? this.volThreshold : s.volRatio.threshold;
        this.record('vol-ratio', date, volatilityRatio(this.portfolio, mean, { ...s.volRatio, threshold }));
      }
    }
    const ic = obs.ic;
    if (ic === undefined || !Number.isFinite(ic) || !(this.icRef.sd > 0) || this.paused) return;
    const z = this.standardise(ic);
    this.ics.push(ic);
    this.icDays.push(u);
    if (this.runs('cusum')) {
      const r = cusumUpdate(this.cusum, z, { ...s.cusum, sides: 'down' });
      this.cusum = r.state;
      this.record('cusum', date, r, r.drifted ? (this.icDays[r.changeIndex] ?? u) : undefined);
    }
    if (this.runs('bocpd')) {
      const r = bocpdUpdate(this.bocpd, z, { ...s.bocpd, mu0: 0, tau: 1, sigma: 1, direction: 'down' });
      this.bocpd = r.state;
      this.record('bocpd', date, r, r.drifted ? u - r.mapRunLength : undefined);
    }
    if (this.runs('rolling-ic') && this.ics.length >= s.rollingIc.window) {
      // The same point-in-time scale as z: the window's own long-run sd when larger than the reference's (in a
      // volatile regime daily ICs swing wider, and a calm reference's standard error reads that as decay).
      const w = this.ics.slice(-s.rollingIc.window);
      const sd = Math.max(this.icRef.sd, longRunSd(w));
      const r = rollingIcDecay(w, { mean: this.icRef.mean, sd }, s.rollingIc);
      this.record('rolling-ic', date, r, r.drifted ? u - s.rollingIc.window + 1 : undefined);
    }
  }

  /**
   * z of a daily IC for CUSUM and BOCPD: (IC − reference mean) / scale, clipped to ±Z_CLIP. The scale is the
   * reference's long-run sd or, when larger, the sd of the last IC_SCALE_WINDOW observed ICs: in volatile regimes the
   * cross-section is noisier and daily ICs swing wider, which a calm-period sd reads as a change. Clipping (Huber)
   * stops one or two extreme days from moving the sums by more than a plain bad day (daily ICs are fat-tailed).
   */
  private standardise(ic: number): number {
    let sd = this.icRef.sd;
    const n = Math.min(this.ics.length, IC_SCALE_WINDOW);
    if (n >= IC_SCALE_MIN) {
      let m = 0;
      for (let i = this.ics.length - n; i < this.ics.length; i++) m += this.ics[i]!;
      m /= n;
      let v = 0;
      for (let i = this.ics.length - n; i < this.ics.length; i++) v += (this.ics[i]! - m) ** 2;
      sd = Math.max(sd, Math.sqrt(v / (n - 1)));
    }
    return Math.max(-Z_CLIP, Math.min(Z_CLIP, (ic - this.icRef.mean) / sd));
  }

  /** The last `featureWindow` feature rows (pooled over assets, row-major) at the decision dated `date`. */
  observeFeatures(date: string, rows: Float64Array, nRows: number): void {
    for (const test of ['ks', 'psi'] as const) {
      const det = this.featureTest[test];
      if (det && nRows > 0) this.record(test, date, det.predict(rows, nRows));
    }
  }

  private changeAt = new Map<DetectorName, number>();

  private record(d: DetectorName, date: string, r: DriftResult, change?: number): void {
    const features = (r as { features?: readonly (DriftResult & { name: string })[] }).features;
    this.latest = {
      ...this.latest,
      [d]: {
        statistic: r.statistic,
        kind: r.kind,
        threshold: r.threshold,
        drifted: r.drifted,
        date,
        ...(features
          ? { features: features.map((f) => ({ name: f.name, statistic: f.statistic, drifted: f.drifted })) }
          : {}),
      },
    };
    const was = this.drifted.has(d);
    if (r.drifted) this.drifted.add(d);
    else this.drifted.delete(d);
    if (!r.drifted || was) return;
    if (change !== undefined) this.changeAt.set(d, change);
    this.pending.push({
      date,
      actedOn: '',
      detector: d,
      value: r.statistic,
      threshold: r.threshold,
      kind: r.kind,
      action: 'alert',
      ...(change !== undefined ? { changeDate: String(change) } : {}),
    });
  }

  /**
   * The decision at row T (dates: the view's dates, ≤ T): resolve the events since the last decision into actions
   * and say which model is in force.
   */
  plan(T: number, dates: readonly string[]): MonitorPlan {
    const r = this.spec.retrain;
    const h = this.shape;
    const events: MonitorEvent[] = [];
    let deriskNow = false;
    for (const e of this.pending) {
      const retrain = r.on.includes('drift') && r.drift.includes(e.detector) && !this.paused;
      const derisk = this.spec.derisk?.when.includes(e.detector) ?? false;
      if (retrain) {
        this.change = this.changeAt.get(e.detector) ?? T;
        this.paused = true;
        // A fit on post-change data needs minTrainDates labelled dates after c: labels of h bars, the embargo.
        this.nextDriftFit = this.postChangeFloor();
        for (const d of ['rolling-ic', 'cusum', 'bocpd'] as const) this.drifted.delete(d);
      }
      if (derisk) deriskNow = true;
      const action: MonitorAction =
        retrain && derisk ? 'retrain+derisk' : retrain ? 'retrain' : derisk ? 'derisk' : 'alert';
      const changeDate = e.changeDate !== undefined ? dates[Number(e.changeDate)] : undefined;
      events.push({ ...e, actedOn: dates[T]!, action, ...(changeDate !== undefined ? { changeDate } : {}) });
    }
    this.pending = [];
    if (deriskNow && this.spec.derisk) this.deriskUntil = T + this.spec.derisk.for;

    let scheduled = T - (T % h.refitEvery);
    if (!r.on.includes('schedule') && this.firstAnchor >= 0) scheduled = this.firstAnchor;
    let reason: MonitorPlan['reason'] = 'schedule';
    if (this.nextDriftFit >= 0 && T >= this.nextDriftFit) {
      this.driftAnchor = T;
      const win = h.trainWindow === 'expanding' ? Infinity : h.trainWindow;
      // Keep refitting every `every` bars while the change is still young relative to the training window.
      this.nextDriftFit = T - this.change! < win ? T + r.every : -1;
      if (this.deriskUntil > T) this.deriskUntil = T; // the post-change model takes over from the de-risked portfolio
    }
    let anchor = scheduled;
    if (this.driftAnchor > scheduled) {
      anchor = this.driftAnchor;
      reason = 'drift';
    }
    let window: MonitorPlan['window'];
    if (this.change !== undefined && anchor >= this.postChangeFloor()) {
      const first = h.trainWindow === 'expanding' ? 0 : anchor - h.trainWindow;
      if (this.change > first) window = { firstIndex: this.change, stride: r.stride, minTrainDates: r.minTrainDates };
    }
    return { anchor, ...(window ? { window } : {}), derisk: T < this.deriskUntil, events, reason };
  }

  /** First anchor with minTrainDates labelled dates after the change (labels of h bars, then the embargo). */
  private postChangeFloor(): number {
    const r = this.spec.retrain;
    return this.change! + this.shape.horizon + this.shape.embargo + r.minTrainDates * r.stride;
  }

  health(): MonitorHealth {
    return this.latest;
  }
}

/** Two-sided level of the vol-ratio band, and the fewest reference errors it is estimated from. */
const VOL_BAND_ALPHA = 0.01;
const VOL_BAND_MIN = 63;

/**
 * The vol-ratio threshold: the larger of the study's (1.5) and exp(z·rms) of the reference's log σ errors, z the
 * two-sided 1 % normal quantile (2.58). A 252-bar sample σ forecasting the next 63 bars of a market with volatility
 * regimes misses by more than 1.5× in ordinary times; the band is what this market's own misses make ordinary.
 */
export function volBand(errors: ArrayLike<number> | undefined, floor: number): number {
  if (!errors) return floor;
  let n = 0;
  let ss = 0;
  for (let i = 0; i < errors.length; i++)
    if (Number.isFinite(errors[i]!)) {
      n++;
      ss += errors[i]! ** 2;
    }
  if (n < VOL_BAND_MIN) return floor;
  return Math.max(floor, Math.exp(normalQuantile(1 - VOL_BAND_ALPHA / 2) * Math.sqrt(ss / n)));
}

/** Long-run sd of a window of daily ICs (plain sd × √(Bartlett factor over 10 lags), as the reference's). */
function longRunSd(x: readonly number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
  return Math.sqrt(v * longRunFactor(x, m, 10));
}
