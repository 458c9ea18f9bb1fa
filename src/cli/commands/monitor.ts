/**
 * `keel monitor STUDY --as-of DATE`: a health report of the study's ML models in force at DATE. Each ml-forecast
 * strategy is walked forward on the data up to DATE (nothing later is read) with the study's `monitor:` section (or
 * the defaults), and the latest value of every detector is printed: feature drift per feature (KS p-values with
 * Bonferroni, PSI), rolling-IC decay, CUSUM, the BOCPD change-point probability and the realised / ex-ante
 * volatility ratio. Exit 0 when no detector is in alert at DATE, 3 when one is (for cron or CI), 1/2 as usual.
 *
 *   keel monitor examples/explain-and-monitor.yaml --as-of 2019-06-28
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { Command } from 'commander';
import { monitorSchema, parseStudyText } from '../../config/index.ts';
import { configError, usageError } from '../../core/index.ts';
import { readStudyFile } from '../../io/index.ts';
import { runBacktest, inferPeriodsPerYear } from '../../backtest/index.ts';
import { detectorRegistry, type MonitorHealth, type MonitorSpec } from '../../monitor/index.ts';
import { backtestOptionsFrom, createStrategy, type StrategySpec } from '../../strategies/index.ts';
import { loadUnpreparedMarket } from '../../study/index.ts';

/** Exit code when a detector is in alert at --as-of (documented in docs/monitoring.md). */
export const MONITOR_ALERT_EXIT = 3;

export function monitorCommand(): Command {
  return new Command('monitor')
    .description('health report of the study ML models in force at a date; exit 3 when a drift detector is in alert')
    .argument('<study>', 'study file (.yaml, .yml or .json)')
    .requiredOption('--as-of <date>', 'report date YYYY-MM-DD (data after it is never read)')
    .option('--json', 'print the report as JSON')
    .action(async (studyPath: string, opts: { asOf: string; json?: boolean }) => {
      const d = opts.asOf;
      const real =
        /^\d{4}-\d{2}-\d{2}$/.test(d) &&
        !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
        new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
      if (!real) throw usageError(`--as-of expects a real date YYYY-MM-DD, got "${d}"; use e.g. --as-of 2019-06-28`);
      const { text } = readStudyFile(studyPath);
      const study = parseStudyText(text, studyPath);
      const section = study.monitor ?? monitorSchema.parse({});
      const ml = (study.strategies as unknown as StrategySpec[]).filter(
        (s) =>
          s.kind === 'ml-forecast' &&
          (section.strategies === undefined || section.strategies.includes(s.name ?? s.kind)),
      );
      if (ml.length === 0)
        throw configError(
          `${studyPath}: the study has no ml-forecast strategy to monitor; add one (kind: ml-forecast)`,
        );
      const baseDir = dirname(resolve(studyPath));
      const { panel, records } = await loadUnpreparedMarket(study.data, study.seed, (p) =>
        isAbsolute(p) ? p : resolve(baseDir, p),
      );
      const first = panel.dates[0]!;
      const last = panel.dates[panel.nDates - 1]!;
      if (d < first || d > last)
        throw usageError(`--as-of ${d} is outside the study's data (${first} … ${last}); use a date in that range`);
      const options = backtestOptionsFrom(study.backtest);
      const periodsPerYear = options.periodsPerYear ?? inferPeriodsPerYear(panel.dates);
      if (options.start !== undefined && d < options.start)
        throw usageError(
          `--as-of ${d} is before backtest.start ${options.start}: no model is in force yet; use a later date`,
        );
      const { strategies: _s, ...spec } = section;
      const view = panel.upTo(d);
      const reports = ml.map((s) => {
        const universe = (s as { universe?: string[] }).universe ?? view.assets;
        const strategy = createStrategy(s, {
          seed: study.seed,
          name: s.name ?? s.kind,
          ...(records === undefined ? {} : { records }),
          periodsPerYear,
          monitor: spec as MonitorSpec,
        } as never);
        const r = runBacktest(view.selectAssets(universe), strategy, { ...options, seed: study.seed });
        const lastDecision = r.decisions.at(-1);
        const diag = lastDecision?.diagnostics as
          { ml?: { fitDate: string; model: string }; monitor?: { health: MonitorHealth } } | undefined;
        const events = r.decisions.flatMap(
          (x) => (x.diagnostics?.['monitor'] as { events?: readonly { action: string }[] } | undefined)?.events ?? [],
        );
        const health = diag?.monitor?.health ?? {};
        return {
          strategy: s.name ?? s.kind,
          model: diag?.ml?.model ?? '',
          fitDate: diag?.ml?.fitDate ?? '',
          lastDecision: lastDecision ? r.dates[lastDecision.dateIndex]! : '',
          health,
          alerts: Object.entries(health)
            .filter(([, v]) => v?.drifted)
            .map(([k]) => k),
          eventsToDate: events.length,
        };
      });
      const alert = reports.some((r) => r.alerts.length > 0);
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ study: studyPath, asOf: d, alert, strategies: reports }, null, 2)}\n`);
      else for (const r of reports) process.stdout.write(formatReport(r));
      if (alert) process.exitCode = MONITOR_ALERT_EXIT;
    });
}

function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4);
}

function formatReport(r: {
  strategy: string;
  model: string;
  fitDate: string;
  lastDecision: string;
  health: MonitorHealth;
  alerts: string[];
  eventsToDate: number;
}): string {
  const lines = [
    `${r.strategy} (${r.model}, fitted ${r.fitDate || 'not yet'}; last decision ${r.lastDecision}; ${r.eventsToDate} monitor events to date)`,
  ];
  for (const [name, v] of Object.entries(r.health)) {
    if (!v) continue;
    const info = detectorRegistry[name as keyof typeof detectorRegistry];
    const cmp = v.kind === 'pValue' ? '≤' : '≥';
    lines.push(
      `  ${v.drifted ? 'ALERT' : 'ok   '} ${name.padEnd(10)} ${num(v.statistic).padStart(10)}  (alert ${cmp} ${num(v.threshold)}; ${info.displayName}; on ${v.date})`,
    );
    for (const f of v.features ?? [])
      lines.push(`          ${f.drifted ? '!' : ' '} ${f.name.padEnd(24)} ${num(f.statistic).padStart(10)}`);
  }
  lines.push(r.alerts.length > 0 ? `  alert: ${r.alerts.join(', ')}` : '  no alert');
  return `${lines.join('\n')}\n`;
}
