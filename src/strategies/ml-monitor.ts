/**
 * The ml-forecast strategy's monitoring hook (study `monitor:` section → `env.monitor`). One object per strategy; the
 * strategy calls it once per decision, before choosing the model in force, and once after its weights:
 *   const plan = hook.beforeDecision(view, T, tools)   // feeds the detectors every bar since the last decision
 *   weights = hook.afterDecision(T, weights, exAnteVol) // de-risk, remember the portfolio for the next bars
 * Point in time: at decision T it reads closes and features dated ≤ T only, and scores the forecast made at u
 * against the return u → u+1 with u + 1 ≤ T.
 */
import type { FindingDraft } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import { spearman } from '../metrics/index.ts';
import {
  WalkForwardMonitor,
  type MonitorEvent,
  type MonitorHealth,
  type MonitorPlan,
  type MonitorSpec,
  type DeriskTarget,
  type StrategyShape,
} from '../monitor/index.ts';

/** What the strategy lends the hook: forecasts of the model in force, and raw feature rows, for bars ≤ T. */
export interface MonitorTools {
  /** Forecast per universe asset made at the close of row u (NaN where features are incomplete), u ≤ T. */
  forecastAt(u: number): Float64Array;
  /**
   * Feature rows of dates [from, to] pooled over assets (complete rows only), row-major, the feature names, and how
   * many rows each date has (in order: the date structure the drift tests' effective sample size needs).
   */
  featureRows(
    from: number,
    to: number,
  ): { rows: Float64Array; nRows: number; names: readonly string[]; rowsPerDate: readonly number[] };
}

export interface MonitorDiagnostics {
  readonly events: readonly MonitorEvent[];
  readonly derisked: boolean;
  readonly anchorReason: 'schedule' | 'drift';
  readonly health: MonitorHealth;
}

export class MlMonitorHook {
  readonly monitor: WalkForwardMonitor;
  private readonly spec: MonitorSpec;
  private lastT = -1;
  /** Row index of the previous decision (−1 before the first). */
  get lastDecision(): number {
    return this.lastT;
  }
  private lastWeights: Float64Array | undefined;
  private lastExAnteDaily = NaN;
  private plan: MonitorPlan | undefined;
  private readonly periodsPerYear: () => number;
  private readonly covarianceWindow: number;

  constructor(spec: MonitorSpec, shape: StrategyShape, periodsPerYear: () => number) {
    this.spec = spec;
    this.covarianceWindow = shape.covarianceWindow ?? 252;
    this.monitor = new WalkForwardMonitor(spec, shape);
    this.periodsPerYear = periodsPerYear;
  }

  /** Feed every bar since the last decision (model in force = the one before this decision's refit); plan T. */
  beforeDecision(view: Panel, T: number, tools: MonitorTools | undefined): MonitorPlan {
    const close = view.field('close');
    const nA = view.nAssets;
    const from = this.lastT < 0 ? T : this.lastT;
    for (let u = from; u < T; u++) {
      const ret = new Float64Array(nA);
      for (let a = 0; a < nA; a++) ret[a] = close[(u + 1) * nA + a]! / close[u * nA + a]! - 1;
      let ic: number | undefined;
      if (tools) ic = crossSectionalIc(tools.forecastAt(u), ret);
      let portfolioReturn: number | undefined;
      if (this.lastWeights) {
        portfolioReturn = 0;
        for (let a = 0; a < nA; a++) portfolioReturn += this.lastWeights[a]! * ret[a]!;
      }
      this.monitor.observeDay(u + 1, view.dates[u + 1]!, {
        ...(ic === undefined ? {} : { ic }),
        ...(portfolioReturn === undefined ? {} : { portfolioReturn, exAnteDaily: this.lastExAnteDaily }),
      });
    }
    if (tools && (this.spec.detectors.includes('ks') || this.spec.detectors.includes('psi'))) {
      const f = tools.featureRows(Math.max(0, T - this.spec.settings.featureWindow + 1), T);
      this.monitor.observeFeatures(view.dates[T]!, f.rows, f.nRows);
    }
    this.plan = this.monitor.plan(T, view.dates);
    return this.plan;
  }

  /**
   * After a fit at row `anchor` of the panel: the reference is the last `referenceWindow` bars of its training view,
   * which starts at row `offset` (tools index that view).
   */
  onFit(globalAnchor: number, offset: number, view: Panel, tools: MonitorTools): void {
    const anchor = globalAnchor - offset;
    const w = this.spec.settings.referenceWindow;
    const start = Math.max(0, anchor - w);
    const close = view.field('close');
    const nA = view.nAssets;
    const ics: number[] = [];
    for (let u = start; u < anchor; u++) {
      const ret = new Float64Array(nA);
      for (let a = 0; a < nA; a++) ret[a] = close[(u + 1) * nA + a]! / close[u * nA + a]! - 1;
      ics.push(crossSectionalIc(tools.forecastAt(u), ret));
    }
    const f = tools.featureRows(start, anchor);
    this.monitor.setReference({
      anchor: globalAnchor,
      featureRows: f.rows,
      nRows: f.nRows,
      featureNames: f.names,
      rowsPerDate: f.rowsPerDate,
      dailyIc: ics,
      ...(this.spec.detectors.includes('vol-ratio')
        ? {
            volErrors: volForecastErrors(
              close,
              view.nDates,
              nA,
              this.covarianceWindow,
              this.spec.settings.volRatio.window,
            ),
          }
        : {}),
    });
  }

  /** De-risk the decision's weights when a trigger says so; remember them for the bars until the next decision. */
  afterDecision(
    T: number,
    weights: Float64Array,
    exAnteVolatility: number,
  ): { weights: Float64Array; findings: FindingDraft[]; diagnostics: MonitorDiagnostics } {
    const plan = this.plan!;
    let w = weights;
    const d = this.spec.derisk;
    if (plan.derisk && d) {
      w =
        d.to === 'equal-weight'
          ? new Float64Array(weights.length).fill(1 / weights.length)
          : weights.map((v) => v * (1 - (d.to as { cash: number }).cash));
    }
    this.lastT = T;
    this.lastWeights = w;
    this.lastExAnteDaily = exAnteVolatility / Math.sqrt(this.periodsPerYear());
    const findings: FindingDraft[] = [];
    for (const e of plan.events) {
      const cmp = e.kind === 'pValue' ? '≤' : '≥';
      const what =
        e.action === 'alert'
          ? 'an alert only (no trigger names this detector)'
          : e.action === 'retrain'
            ? `retrain on data since ${e.changeDate ?? e.date}`
            : e.action === 'derisk'
              ? `de-risk to ${describeTarget(d?.to)} for up to ${d?.for} bars`
              : `retrain on data since ${e.changeDate ?? e.date} and de-risk to ${describeTarget(d?.to)} until then`;
      for (const kind of e.action === 'retrain+derisk'
        ? ['monitor-retrain', 'monitor-derisk']
        : [`monitor-${e.action}`])
        findings.push({
          severity: 'info',
          kind,
          date: e.actedOn,
          message: `${e.detector} fired on ${e.date} (${round(e.value)} ${cmp} ${round(e.threshold)}): ${what}, as the study's monitor section asks`,
        });
    }
    return {
      weights: w,
      findings,
      diagnostics: {
        events: plan.events,
        derisked: plan.derisk && d !== undefined,
        anchorReason: plan.reason,
        health: this.monitor.health(),
      },
    };
  }
}

function describeTarget(to: DeriskTarget | undefined): string {
  if (to === undefined) return 'nothing';
  return to === 'equal-weight' ? '1/N' : `${Math.round(to.cash * 100)} % cash`;
}

function round(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : String(v);
}

/** Spearman IC over the assets with a finite forecast and return (NaN with fewer than 3). */
function crossSectionalIc(forecast: Float64Array, ret: Float64Array): number {
  const f: number[] = [];
  const r: number[] = [];
  for (let a = 0; a < forecast.length; a++)
    if (Number.isFinite(forecast[a]!) && Number.isFinite(ret[a]!)) {
      f.push(forecast[a]!);
      r.push(ret[a]!);
    }
  return f.length >= 3 ? spearman(f, r) : NaN;
}

/**
 * The ex-ante σ's errors on the training view, for the 1/N portfolio of its assets (whose sample-covariance σ is the
 * plain sd of its returns): log(sd of returns u … u+w−1 / sd of the `cw` returns before u), for every u with both
 * windows inside the view (closes dated ≤ the fit's anchor only).
 */
function volForecastErrors(close: ArrayLike<number>, nDates: number, nA: number, cw: number, w: number): number[] {
  const r: number[] = [];
  for (let t = 1; t < nDates; t++) {
    let s = 0;
    let n = 0;
    for (let a = 0; a < nA; a++) {
      const v = close[t * nA + a]! / close[(t - 1) * nA + a]! - 1;
      if (Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    r.push(n > 0 ? s / n : NaN);
  }
  const sd = (from: number, to: number): number => {
    let n = 0;
    let m = 0;
    let m2 = 0;
    for (let i = from; i < to; i++) {
      const v = r[i]!;
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - m;
      m += d / n;
      m2 += d * (v - m);
    }
    return n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  };
  const out: number[] = [];
  for (let u = cw; u + w <= r.length; u++) out.push(Math.log(sd(u, u + w) / sd(u - cw, u)));
  return out;
}
