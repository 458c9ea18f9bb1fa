/**
 * `keel audit STUDY`: the perturb-the-future look-ahead audit of every strategy in a study. For each cutoff date t
 * it reruns the backtest with all data after t replaced by garbage, and again with it deleted, and checks that
 * every decision, fill and NAV value dated ≤ t is unchanged. Point-in-time records (macro releases, headlines,
 * reports) released after t are garbled or deleted the same way. Exit 0 when every strategy passes, 1 otherwise.
 *
 *   keel audit examples/fixed-mix-60-40.yaml
 *   keel audit examples/dynamic-trend.yaml --at 2016-06-30,2018-01-31 --json
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { parseStudyText } from '../../config/index.ts';
import { configError, usageError } from '../../core/index.ts';
import type { Panel } from '../../data/index.ts';
import { synthesizeMarket } from '../../synth/index.ts';
import { loadPricesSync, parseFrenchCsv, readInputBytes, readStudyFile } from '../../io/index.ts';
import { excessReturnsPanel, withPriceIndex } from '../../backtest/index.ts';
import { backtestOptionsFrom, createStrategy } from '../../strategies/index.ts';
import type { StrategySpec } from '../../strategies/index.ts';
import { auditBacktest } from '../../audit/index.ts';

interface RawStudy {
  readonly seed?: number;
  readonly data?: {
    source?: string;
    market?: Record<string, unknown>;
    path?: string;
    layout?: 'wide' | 'long';
    section?: string;
    factors?: { path: string; excessOver: string; include?: string[] };
    universe?: string[];
    start?: string;
    end?: string;
  };
  readonly backtest?: unknown;
  readonly strategies?: StrategySpec[];
  readonly baselines?: StrategySpec[];
}

/**
 * The study's panel (synthetic, CSV/Parquet prices, or Kenneth French returns), universe and dates applied, and
 * the point-in-time records the source has (the synthetic market's macro releases, headlines and reports).
 */
export function loadStudyData(study: RawStudy, baseDir: string): { panel: Panel; records?: unknown } {
  let records: unknown;
  const panel = loadStudyPanel(study, baseDir, (r) => (records = r));
  return records === undefined ? { panel } : { panel, records };
}

/** The study's panel only (see `loadStudyData`). */
export function loadStudyPanel(study: RawStudy, baseDir: string, onRecords?: (records: unknown) => void): Panel {
  const d = study.data;
  if (!d?.source) throw configError('the study has no data section (data: { source: synthetic } or a file).');
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  let panel: Panel;
  if (d.source === 'synthetic') {
    const m = synthesizeMarket({ ...(d.market ?? {}), seed: study.seed ?? 42 });
    panel = m.panel;
    onRecords?.({ macro: m.macro, headlines: m.headlines, fundamentals: m.fundamentals });
  } else if (d.source === 'csv' || d.source === 'parquet')
    panel = loadPricesSync(at(d.path ?? ''), { ...(d.layout ? { layout: d.layout } : {}) } as never);
  else if (d.source === 'french') {
    panel = parseFrenchCsv(readInputBytes(at(d.path ?? '')).toString('utf8'), {
      section: d.section ?? 'monthly',
      source: d.path ?? 'french',
    }).panel;
    if (d.factors) {
      const f = parseFrenchCsv(readInputBytes(at(d.factors.path)).toString('utf8'), {
        section: 'monthly',
        source: d.factors.path,
      }).panel;
      panel = excessReturnsPanel(panel, f, { excessOver: d.factors.excessOver, include: d.factors.include ?? [] });
    }
  } else
    throw configError(
      `data.source "${d.source}" is not supported by keel audit; use synthetic, csv, parquet or french.`,
    );
  if (d.universe) panel = panel.selectAssets(d.universe);
  if (d.start !== undefined || d.end !== undefined) {
    const i0 = panel.dates.findIndex((x) => d.start === undefined || x >= d.start);
    const i1 = d.end === undefined ? panel.nDates - 1 : panel.lastIndexOnOrBefore(d.end);
    if (i0 < 0 || i1 < i0)
      throw configError(
        `data.start/data.end select no dates; the data runs from ${panel.dates[0]} to ${panel.dates.at(-1)}.`,
      );
    panel = panel.sliceRows(i0, i1 + 1);
  }
  if (!panel.has('close') && panel.has('return')) panel = withPriceIndex(panel);
  return panel;
}

export function auditCommand(): Command {
  return new Command('audit')
    .description(
      'look-ahead audit: perturb all data after cutoff dates and check every decision and fill before them is unchanged',
    )
    .argument('<study>', 'study file (.yaml, .yml or .json)')
    .option(
      '--at <dates>',
      'comma-separated cutoff dates YYYY-MM-DD (default: 40 %, 65 % and 90 % through the backtest)',
    )
    .option('--seed <n>', 'seed of the garbage (default 1)', (v: string) => {
      if (!/^\d+$/.test(v)) throw usageError(`--seed expects a whole number, got "${v}"`);
      return Number(v);
    })
    .option('--json', 'print the audit as JSON')
    .action((studyPath: string, opts: { at?: string; seed?: number; json?: boolean }) => {
      // A missing file, a folder or an unreadable file: one usage line (exit 2), as for keel run.
      const { text } = readStudyFile(studyPath);
      // Validate exactly as `keel run` does (unknown keys, types, did-you-mean) before auditing anything.
      parseStudyText(text, studyPath);
      const study = parse(text) as RawStudy;
      const specs = [...(study.strategies ?? []), ...(study.baselines ?? [])];
      if (specs.length === 0) throw configError(`${studyPath}: the study lists no strategies to audit.`);
      const asOf = opts.at?.split(',').map((s) => s.trim());
      for (const d of asOf ?? []) {
        const ok =
          /^\d{4}-\d{2}-\d{2}$/.test(d) &&
          !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
          new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
        if (!ok) throw usageError(`--at expects real dates YYYY-MM-DD separated by commas, got "${d}"`);
      }
      const { panel, records } = loadStudyData(study, dirname(resolve(studyPath)));
      const options = backtestOptionsFrom(study.backtest);
      const rows = specs.map((spec) => {
        const make = (_p: Panel, recs?: unknown) =>
          createStrategy(spec, { seed: study.seed ?? 42, ...(recs === undefined ? {} : { records: recs }) } as never);
        const rep = auditBacktest(panel, make, options, {
          ...(asOf ? { asOf } : {}),
          ...(opts.seed === undefined ? {} : { seed: opts.seed }),
          ...(records === undefined ? {} : { records }),
        });
        return {
          strategy: spec.name ?? spec.kind,
          ok: rep.ok,
          checks: rep.checks,
          asOf: rep.asOf,
          violations: rep.violations,
        };
      });
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ study: studyPath, ok: rows.every((r) => r.ok), strategies: rows }, null, 2)}\n`,
        );
      else {
        for (const r of rows) {
          const v = r.violations[0];
          process.stdout.write(
            r.ok
              ? `ok    ${r.strategy}: ${r.checks} checks (cutoffs ${r.asOf.join(', ')}; garbage up, garbage down, delete)\n`
              : `FAIL  ${r.strategy}: ${r.violations.length} of ${r.checks} checks changed; first: after ${v!.asOf} (${v!.mode}) ${v!.path} went from ${String(v!.before)} to ${String(v!.after)}\n`,
          );
        }
      }
      if (!rows.every((r) => r.ok)) process.exitCode = 1;
    });
}
