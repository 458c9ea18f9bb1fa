/**
 * The one place where the study runner calls the data-producing stages (synth, io loaders, data policy and
 * validation), adapted to what the steps need. Steps never import those stages directly, so a stage's API change
 * is absorbed here.
 */
import {
  applyMissingPolicy,
  missingDataFindings,
  validatePanel,
  type QualityFinding,
  type Panel,
} from '../data/index.ts';
import { loadFrench, loadPricesWithReport, readTable, tableToPanel } from '../io/index.ts';
import { configError, type Finding } from '../core/index.ts';
import { excessReturnsPanel, withPriceIndex } from '../backtest/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import type { DataSpec } from '../config/index.ts';
import type { PanelLike } from './context.ts';

/** What a data source hands the runner. */
export interface LoadedMarket {
  readonly panel: PanelLike;
  /** Point-in-time records (macro, headlines, fundamentals) when the source has them. */
  readonly records?: unknown;
  /** Exported ground truth of a synthetic market (regimes, planted signals), written to the run as truth.json. */
  readonly truth?: unknown;
  /** Set when the source already applied universe, date range and missing-data policy (file loaders do). */
  readonly prepared?: { readonly lines: readonly string[]; readonly findings: readonly Finding[] };
}

type SyntheticSpec = Extract<DataSpec, { source: 'synthetic' }>;
type FileSpec = Extract<DataSpec, { source: 'csv' | 'parquet' }>;
type FrenchSpec = Extract<DataSpec, { source: 'french' }>;

/**
 * The embedded synthetic market for `spec.market`, seeded with `seed`. Its point-in-time records (macro releases,
 * headlines, company reports) go to later steps; a compact ground truth (regime path and shares) to truth.json.
 */
export function synthesizeMarketFor(spec: SyntheticSpec, seed: number): LoadedMarket {
  const m = synthesizeMarket({ ...spec.market, seed });
  const regimeDays = m.truth.regimeNames.map((_, k) => m.truth.regimes.reduce((n, r) => n + (r === k ? 1 : 0), 0));
  return {
    panel: m.panel,
    records: {
      macro: m.macro,
      headlines: m.headlines,
      fundamentals: m.fundamentals,
      truth: m.truth,
      // The axes of `truth` (the study may select fewer assets and dates): the report computes the planted
      // expected return from them, the ceiling that forecast quality is reported against.
      truthAxes: { dates: m.panel.dates, assets: m.panel.assets },
    },
    truth: {
      seed,
      regimeNames: m.truth.regimeNames,
      regimeShares: m.truth.regimeShares,
      regimeDays,
      // The planted break (date, signals, flip or vanish), when the market has one: monitoring is judged against it.
      ...(m.truth.break ? { break: m.truth.break } : {}),
    },
  };
}

/**
 * A market-data file (`spec.path` already resolved against the study's folder) through io's loader, which also
 * applies the universe, the date range and the missing-data policy and reports every fix.
 */
export async function loadMarketFile(spec: FileSpec, path: string): Promise<LoadedMarket> {
  const { panel, report } = await loadPricesWithReport(path, {
    layout: spec.layout,
    missing: spec.missing,
    ...(spec.universe === undefined ? {} : { assets: spec.universe }),
    ...(spec.start === undefined ? {} : { start: spec.start }),
    ...(spec.end === undefined ? {} : { end: spec.end }),
  });
  return { panel, prepared: { lines: report.lines, findings: missingDataFindings(report.missing) } };
}

/**
 * Kenneth French data-library returns (percent units, -99.99 missing markers handled by io), optionally in excess
 * of a risk-free factor column, cut to the study's universe and dates, with a price index `close` = Π(1 + r) built
 * for the backtest engine and the missing-data policy applied. `resolve` maps a study-relative path to an absolute
 * one.
 */
export function loadFrenchReturns(spec: FrenchSpec, resolvePath: (p: string) => string): LoadedMarket {
  const fixed = applyMissingDataPolicy(frenchPriceIndex(spec, resolvePath), spec.missing);
  return { panel: fixed.panel, prepared: { lines: fixed.lines, findings: fixed.findings } };
}

/**
 * The French returns of `loadFrenchReturns` with their price index, before the missing-data policy. The cut to
 * universe and dates comes BEFORE the index so that the index's base row (1, one period before the first kept
 * return; backtest/prices.ts) survives it: cut after, the first return of the range would have no earlier price
 * and be lost.
 */
export function frenchPriceIndex(spec: FrenchSpec, resolvePath: (p: string) => string): Panel {
  let panel: Panel = loadFrench(resolvePath(spec.path), { section: spec.section, source: spec.path }).panel;
  if (spec.factors) {
    const factors = loadFrench(resolvePath(spec.factors.path), { section: 'monthly', source: spec.factors.path }).panel;
    panel = excessReturnsPanel(panel, factors, { excessOver: spec.factors.excessOver, include: spec.factors.include });
  }
  panel = selectUniverseAndDates(panel, spec);
  return !panel.has('close') && panel.has('return') ? withPriceIndex(panel) : panel;
}

/** The study's universe and date range applied to a panel (same rules and messages as step `data`). */
export function selectUniverseAndDates(panel: Panel, spec: Pick<DataSpec, 'universe' | 'start' | 'end'>): Panel {
  let out = panel;
  if (spec.universe !== undefined) {
    const missing = spec.universe.filter((id) => !out.assets.includes(id));
    if (missing.length > 0)
      throw configError(
        `data.universe names ${missing.map((m) => `"${m}"`).join(', ')}, not in the data; available: ${out.assets.slice(0, 12).join(', ')}${out.nAssets > 12 ? ', …' : ''}`,
      );
    out = out.selectAssets(spec.universe);
  }
  const lo = out.dates.findIndex((d) => spec.start === undefined || d >= spec.start);
  const hi = spec.end === undefined ? out.nDates - 1 : out.lastIndexOnOrBefore(spec.end);
  if (lo < 0 || hi < lo)
    throw configError(
      `data.start/data.end (${spec.start ?? '…'} to ${spec.end ?? '…'}) select no dates; the data runs from ${out.dates[0]} to ${out.dates[out.nDates - 1]}`,
    );
  return lo === 0 && hi === out.nDates - 1 ? out : out.sliceRows(lo, hi + 1);
}

/**
 * The study's data as `keel run` loads it — same source, checks, universe and dates — but BEFORE the missing-data
 * policy, with the source's point-in-time records. `keel audit` applies the policy inside each perturbed run, so a
 * policy that decides earlier rows or the universe from later data shows up as a look-ahead. A file is loaded
 * through the run's door first, so it fails exactly as `keel run` would.
 */
export async function loadUnpreparedMarket(
  spec: DataSpec,
  seed: number,
  resolvePath: (p: string) => string,
): Promise<{ readonly panel: Panel; readonly records?: unknown }> {
  if (spec.source === 'synthetic') {
    const m = synthesizeMarketFor(spec, seed);
    return { panel: selectUniverseAndDates(m.panel as Panel, spec), records: m.records };
  }
  if (spec.source === 'french') return { panel: frenchPriceIndex(spec, resolvePath) };
  const path = resolvePath(spec.path);
  await loadMarketFile(spec, path);
  const raw = tableToPanel(await readTable(path, { layout: spec.layout })).panel;
  return { panel: selectUniverseAndDates(raw, spec) };
}

/** Outcome of the missing-data policy: the fixed panel and one log line per fix. */
export interface MissingOutcome {
  readonly panel: PanelLike;
  readonly lines: readonly string[];
  readonly findings: readonly Finding[];
}

/** Applies the study's missing-data policy (data/missing.ts): never back-fills; every fix becomes a log line. */
export function applyMissingDataPolicy(panel: PanelLike, policy: DataSpec['missing']): MissingOutcome {
  const { panel: fixed, report } = applyMissingPolicy(panel as Panel, policy);
  return { panel: fixed, lines: report.lines, findings: missingDataFindings(report) };
}

/**
 * Data-quality findings (data/validate.ts: stale prices, jumps, non-positive prices…): errors as lines (they stop
 * the run) and warnings as run findings of kind `data-quality`.
 */
export function qualityFindings(
  panel: PanelLike,
  thresholds: DataSpec['quality'] = {},
): { readonly errors: string[]; readonly warnings: Finding[]; readonly settings: Finding[] } {
  const { maxMove, outlierMads } = thresholds ?? {};
  const report = validatePanel(panel as Panel, {
    source: 'market',
    ...(maxMove === undefined ? {} : { maxMove }),
    ...(outlierMads === undefined ? {} : { outlierMads }),
  });
  // The study asked for these thresholds: say so once, with the default they replace (info, not a warning).
  const settings: Finding[] = [];
  if (maxMove !== undefined)
    settings.push({
      severity: 'info',
      kind: 'data-quality-setting',
      message: `large-move threshold is ±${maxMove * 100} % (data.quality.maxMove; default ±50 % on daily data): one-period moves within it are not reported`,
    });
  if (outlierMads !== undefined)
    settings.push({
      severity: 'info',
      kind: 'data-quality-setting',
      message: `outlier threshold is ${outlierMads} scaled MADs from the rolling median (data.quality.outlierMads; default 10): isolated prices within it are not reported`,
    });
  const line = (f: QualityFinding): string =>
    `${f.rule}${f.asset ? ` ${f.asset}` : ''}${f.date ? ` ${f.date}` : ''}: ${f.message}`;
  return {
    errors: report.findings.filter((f: QualityFinding) => f.severity === 'error').map(line),
    warnings: report.findings
      .filter((f: QualityFinding) => f.severity === 'warning')
      .map((f) => ({
        severity: 'warning',
        kind: 'data-quality',
        ...(f.date === undefined ? {} : { date: f.date }),
        ...(f.asset === undefined ? {} : { asset: f.asset }),
        message: `${f.rule}: ${f.message}`,
        fix: 'check the data (keel data validate FILE) and correct the source; if the values are real, widen data.quality (maxMove, outlierMads) in the study',
      })),
    settings,
  };
}
