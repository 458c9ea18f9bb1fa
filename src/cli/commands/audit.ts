/**
 * `keel audit STUDY`: the perturb-the-future look-ahead audit of every strategy AND baseline a study runs (its
 * `baselines:`, or the default 1/N and 60/40 the run adds). For each cutoff date t it reruns the backtest with all
 * data after t replaced by garbage, and again with it deleted, and checks that the asset universe and every
 * decision, fill and NAV value dated ≤ t are unchanged. Point-in-time records (macro releases, headlines, reports)
 * released after t are garbled or deleted the same way; the study's missing-data policy runs inside every perturbed
 * run (so drop-assets deciding the universe from later gaps is caught); with `fill: same-close` the bar each
 * decision fills at is garbled too. Exit 0 when everything passes, 1 otherwise, 2 for a cutoff that would pass
 * vacuously (outside the backtest, or on/after the data's last date).
 *
 *   keel audit examples/fixed-mix-60-40.yaml
 *   keel audit examples/dynamic-trend.yaml --at 2016-06-30,2018-01-31 --json
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { Command } from 'commander';
import { parseStudyText } from '../../config/index.ts';
import { configError, usageError } from '../../core/index.ts';
import { readStudyFile } from '../../io/index.ts';
import { backtestOptionsFrom } from '../../strategies/index.ts';
import type { StrategySpec } from '../../strategies/index.ts';
import { auditStudy, describeViolation } from '../../audit/index.ts';
import { loadUnpreparedMarket } from '../../study/index.ts';

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
    .action(async (studyPath: string, opts: { at?: string; seed?: number; json?: boolean }) => {
      // A missing file, a folder or an unreadable file: one usage line (exit 2), as for keel run.
      const { text } = readStudyFile(studyPath);
      // Validated exactly as `keel run` does (unknown keys, types, did-you-mean) before auditing anything.
      const study = parseStudyText(text, studyPath);
      const strategies = study.strategies as unknown as StrategySpec[];
      if (strategies.length === 0 && (study.baselines ?? []).length === 0)
        throw configError(`${studyPath}: the study lists no strategies to audit.`);
      const asOf = opts.at?.split(',').map((s) => s.trim());
      for (const d of asOf ?? []) {
        const ok =
          /^\d{4}-\d{2}-\d{2}$/.test(d) &&
          !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
          new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
        if (!ok) throw usageError(`--at expects real dates YYYY-MM-DD separated by commas, got "${d}"`);
      }
      const baseDir = dirname(resolve(studyPath));
      const { panel, records } = await loadUnpreparedMarket(study.data, study.seed, (p) =>
        isAbsolute(p) ? p : resolve(baseDir, p),
      );
      const report = auditStudy(
        {
          panel,
          ...(records === undefined ? {} : { records }),
          missing: study.data.missing,
          options: backtestOptionsFrom(study.backtest),
          strategies,
          ...(study.baselines === undefined ? {} : { baselines: study.baselines as unknown as StrategySpec[] }),
          seed: study.seed,
        },
        { ...(asOf ? { asOf } : {}), ...(opts.seed === undefined ? {} : { seed: opts.seed }) },
      );
      const rows = report.strategies;
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ study: studyPath, ok: report.ok, strategies: rows, findings: report.findings }, null, 2)}\n`,
        );
      else {
        const sameBar = study.backtest?.fill === 'same-close' ? ', same bar' : '';
        for (const r of rows) {
          const v = r.violations[0];
          const name = r.baseline ? `${r.strategy} (baseline)` : r.strategy;
          process.stdout.write(
            r.ok
              ? `ok    ${name}: ${r.checks} checks (cutoffs ${r.asOf.join(', ')}; garbage up, garbage down, delete${sameBar})\n`
              : `FAIL  ${name}: ${r.violations.length} of ${r.checks} checks changed; first: ${describeViolation(v!)}\n`,
          );
        }
        for (const f of report.findings) process.stdout.write(`note  ${f.message}; ${f.fix ?? ''}\n`);
      }
      if (!report.ok) process.exitCode = 1;
    });
}
