/**
 * THE ONE PLACE where the study runner calls into data-producing stages whose public doors are still being built.
 * Each function below is either wired to the real stage or is a PLACEHOLDER that fails with a clear one-line
 * message. To wire one, replace its body with the call shown beside it; no step or CLI code has to change.
 */
import { KeelError } from '../core/index.ts';
import type { DataSpec } from '../config/index.ts';
import type { PanelLike } from './context.ts';

/** What a data source hands the runner. */
export interface LoadedMarket {
  readonly panel: PanelLike;
  /** Point-in-time records (macro, headlines, fundamentals) when the source has them. */
  readonly records?: unknown;
  /** Exported ground truth of a synthetic market (regimes, planted signals), written to the run as truth.json. */
  readonly truth?: unknown;
}

type SyntheticSpec = Extract<DataSpec, { source: 'synthetic' }>;
type FileSpec = Extract<DataSpec, { source: 'csv' | 'parquet' }>;

const notYet = (what: string, where: string): KeelError =>
  new KeelError('data', `${what} is not available in this build yet (waiting for ${where}); use another data source`);

/**
 * The embedded synthetic market for `spec.market`, seeded with `seed`.
 * PLACEHOLDER → `const m = synthesizeMarket({ ...spec.market, seed }); return { panel: m.panel, records: m.records, truth: m.truth };`
 *   (from '../synth/index.ts')
 */
export function synthesizeMarketFor(spec: SyntheticSpec, seed: number): LoadedMarket {
  void spec;
  void seed;
  throw notYet('the synthetic market (data.source: synthetic)', 'src/synth/index.ts');
}

/**
 * A market-data file (`spec.path` already resolved against the study's folder), as a Panel.
 * PLACEHOLDER → `loadCsvPanel(path, { layout: spec.layout })` / `loadParquetPanel(...)` from '../io/index.ts'.
 */
export async function loadMarketFile(spec: FileSpec, path: string): Promise<LoadedMarket> {
  void path;
  throw notYet(`reading ${spec.source} files (data.source: ${spec.source})`, 'the io loaders');
}

/** Outcome of the missing-data policy: the fixed panel and one log line per fix. */
export interface MissingOutcome {
  readonly panel: PanelLike;
  readonly lines: readonly string[];
}

/**
 * Applies the study's missing-data policy.
 * PLACEHOLDER → `const r = applyMissingPolicy(panel as Panel, policy); return { panel: r.panel, lines: r.report.lines };`
 *   (from '../data/index.ts'). Until then: the default policy (error) is enforced here; other policies wait.
 */
export function applyMissingDataPolicy(panel: PanelLike, policy: { readonly policy: string }): MissingOutcome {
  for (const field of panel.fieldNames) {
    const values = panel.field(field);
    for (let a = 0; a < panel.nAssets; a++) {
      let listed = false;
      for (let t = 0; t < panel.nDates; t++) {
        const v = values[t * panel.nAssets + a]!;
        if (!Number.isNaN(v)) listed = true;
        else if (listed) {
          if (policy.policy !== 'error')
            throw notYet(`missing-data policy "${policy.policy}"`, 'applyMissingPolicy in src/data/');
          throw new KeelError(
            'data',
            `${panel.assets[a]} has no ${field} on ${panel.dates[t]} (missing-data policy: error); choose data.missing: { policy: forward-fill, limit: 5 } or drop-dates`,
          );
        }
      }
    }
  }
  return { panel, lines: [`missing data: policy ${policy.policy}, no holes found`] };
}

/**
 * Data-quality findings (stale prices, jumps, non-positive prices…), as error and warning lines.
 * PLACEHOLDER → `formatQualityReport(validatePanel(panel))` split by severity (from '../data/index.ts').
 * Until then only non-finite and non-positive prices are checked.
 */
export function qualityFindings(panel: PanelLike): { readonly errors: string[]; readonly warnings: string[] } {
  const errors: string[] = [];
  if (panel.fieldNames.includes('close')) {
    const close = panel.field('close');
    for (let i = 0; i < close.length && errors.length < 5; i++) {
      const v = close[i]!;
      if (!Number.isNaN(v) && (!Number.isFinite(v) || v <= 0)) {
        const t = Math.floor(i / panel.nAssets);
        errors.push(
          `${panel.assets[i % panel.nAssets]} close on ${panel.dates[t]} is ${v}; prices must be finite and > 0`,
        );
      }
    }
  }
  return { errors, warnings: [] };
}
