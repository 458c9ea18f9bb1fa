/** `keel run STUDY`: validate a study file, run it, write `runs/<id>/`, print a summary (or JSON with --json). */
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { MeanSe, RunResult, SeedsResult, StudyProgressEvent } from '../../study/index.ts';
import { createProgress, formatTiming, type Progress } from '../progress.ts';
import { formatFindingGroup, groupFindings, type Finding } from '../../core/index.ts';

/** `--seed N`: an integer 0 … 2³²−1. */
export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 2 ** 32 - 1) {
    throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got "${value}"`);
  }
  return Number(value);
}

/** `--seeds K`: an integer 1 … 1000. */
export function parseSeedCount(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 1000)
    throw new InvalidArgumentError(`expected an integer from 1 to 1000, got "${value}"`);
  return Number(value);
}

/** `--seeds K`: one line per run, then mean ± standard error per strategy over the seeds. */
export function formatSeedsSummary(r: SeedsResult): string {
  const ms = (x: MeanSe | undefined, d: number): string =>
    x === undefined || !Number.isFinite(x.mean)
      ? 'n/a'
      : `${x.mean.toFixed(d)} ± ${Number.isFinite(x.se) ? x.se.toFixed(d) : 'n/a'}`;
  const lines = r.runs.map((run, i) => `seed ${r.seeds[i]}: run ${run.runId} (${run.findings.length} findings)`);
  const hasIc = r.rows.some((x) => x.ic !== undefined);
  const hasCeiling = r.rows.some((x) => x.ceilingIc !== undefined);
  const hasVs = r.rows.some((x) => x.deflatedSharpeVsEqualWeight !== undefined);
  const hasL1 = r.rows.some((x) => x.l1FromEqualWeight !== undefined);
  const w = Math.max(
    8,
    ...r.rows.map(
      (x) => x.strategy.length + (x.baseline || x.memberOf ? 2 : 0) + (x.section ? x.section.length + 1 : 0),
    ),
  );
  const cols = [
    'Sharpe',
    'DSR',
    ...(hasVs ? ['DSR vs 1/N'] : []),
    ...(hasL1 ? ['L1 from 1/N'] : []),
    ...(hasIc ? ['IC', 'rank IC'] : []),
    ...(hasCeiling ? ['ceiling IC', 'IC/ceiling'] : []),
  ];
  lines.push(`over ${r.seeds.length} seeds (${r.seeds[0]}…${r.seeds.at(-1)}): mean ± standard error`);
  lines.push(`${'strategy'.padEnd(w)}  ${cols.map((c) => c.padStart(15)).join('  ')}`);
  for (const x of r.rows) {
    // an ensemble's agents alone (`ppo#1`) are indented under it
    const name = `${x.memberOf ? '  ' : ''}${x.section ? `${x.section}/` : ''}${x.baseline ? `(${x.strategy})` : x.strategy}`;
    const cells = [
      ms(x.sharpe, 2),
      ms(x.deflatedSharpe, 2),
      ...(hasVs ? [ms(x.deflatedSharpeVsEqualWeight, 2)] : []),
      ...(hasL1 ? [ms(x.l1FromEqualWeight, 2)] : []),
      ...(hasIc ? [ms(x.ic, 3), ms(x.rankIc, 3)] : []),
      ...(hasCeiling ? [ms(x.ceilingIc, 3), ms(x.shareOfCeiling, 2)] : []),
    ];
    lines.push(`${name.padEnd(w)}  ${cells.map((c) => c.padStart(15)).join('  ')}`);
  }
  lines.push(`seeds summary written to ${r.path}/seeds-summary.json`);
  return `${lines.join('\n')}\n`;
}

/** `--workers N`: an integer 1 … 64 (1 = everything on the main thread). */
export function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 64)
    throw new InvalidArgumentError(`expected an integer from 1 to 64, got "${value}"`);
  return Number(value);
}

const pct = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');

/** The findings part of the terminal summary: a count, then one line per group (at most `max`). */
export function formatFindingsBlock(findings: readonly Finding[], max = 12): string[] {
  if (findings.length === 0) return ['findings: none (every strategy ran the methods the study names)'];
  const groups = groupFindings(findings);
  const bySev = (s: string) => findings.filter((f) => f.severity === s).length;
  const lines = [
    `findings: ${findings.length} (${bySev('error')} error, ${bySev('warning')} warning, ${bySev('info')} info) — details in findings.json and the report`,
    ...groups.slice(0, max).map((g) => `  ${formatFindingGroup(g)}`),
  ];
  if (groups.length > max) lines.push(`  … and ${groups.length - max} more groups (findings.json)`);
  return lines;
}

/** A short human summary of a finished run (stdout). */
export function formatRunSummary(result: RunResult): string {
  const lines = [`run ${result.runId} written to ${result.path}`];
  const data = result.summary['data'] as
    { source?: string; dates?: number; assets?: number; first?: string; last?: string } | undefined;
  if (data)
    lines.push(`data: ${data.source}, ${data.assets} assets × ${data.dates} dates (${data.first} to ${data.last})`);
  const market = result.summary['market'] as
    { asset: string; annualReturn: number; annualVolatility: number; maxDrawdown: number }[] | undefined;
  // The per-asset table only when there is nothing bigger to show (a backtest or ML table follows otherwise).
  const hasStrategies = result.summary['backtest'] !== undefined || result.summary['ml'] !== undefined;
  if (market && market.length > 0 && !hasStrategies) {
    const shown = market.slice(0, 12);
    const w = Math.max(5, ...shown.map((m) => m.asset.length));
    lines.push(`${'asset'.padEnd(w)}  ${'return/yr'.padStart(9)}  ${'vol/yr'.padStart(7)}  ${'max DD'.padStart(7)}`);
    for (const m of shown) {
      lines.push(
        `${m.asset.padEnd(w)}  ${pct(m.annualReturn).padStart(9)}  ${pct(m.annualVolatility).padStart(7)}  ${pct(m.maxDrawdown).padStart(7)}`,
      );
    }
    if (market.length > shown.length)
      lines.push(`… and ${market.length - shown.length} more assets (market-summary.csv)`);
  }
  const backtests = result.summary['backtest'] as
    { name: string; baseline: boolean; metrics?: Record<string, number> }[] | undefined;
  if (backtests && backtests.length > 0) {
    const w = Math.max(8, ...backtests.map((b) => b.name.length + (b.baseline ? 11 : 0)));
    lines.push(
      `${'strategy'.padEnd(w)}  ${'return/yr'.padStart(9)}  ${'vol/yr'.padStart(7)}  ${'Sharpe'.padStart(6)}  ${'max DD'.padStart(7)}  ${'DSR'.padStart(5)}`,
    );
    for (const b of backtests) {
      const m = b.metrics ?? {};
      const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
      lines.push(
        `${(b.baseline ? `${b.name} (baseline)` : b.name).padEnd(w)}  ${pct(m['annualizedReturn']).padStart(9)}  ${pct(m['annualizedVolatility']).padStart(7)}  ${num(m['sharpe'], 2).padStart(6)}  ${pct(m['maxDrawdown']).padStart(7)}  ${num(m['deflatedSharpe'], 2).padStart(5)}`,
      );
    }
    lines.push('(after costs, out of sample; per-strategy files in <name>/, all figures in metrics.json)');
  }
  const ml = result.summary['ml'] as { table?: string[] } | undefined;
  if (ml?.table) lines.push(...ml.table);
  // rl-agent ensembles beside each of their agents acting alone (summary.json `agents.table`, from either step)
  const agents = result.summary['agents'] as { table?: string[] } | undefined;
  if (agents?.table) lines.push(...agents.table);
  lines.push(...formatFindingsBlock(result.findings));
  lines.push(`files: ${result.artefacts.join(', ')}`);
  // Last, where the eye lands after a long run: the page to open.
  if (result.artefacts.includes('report.html')) lines.push(`report: ${join(result.path, 'report.html')}`);
  return `${lines.join('\n')}\n`;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a study file and write its results to <out>/<id>/')
    .argument('<study>', 'study file (.yaml, .yml or .json)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--out <dir>', 'parent folder for run folders', 'runs')
    .option('--seed <n>', 'override the study seed (integer 0 … 4294967295)', parseSeed)
    .option(
      '--workers <n>',
      'worker threads for independent backtests (default 1 = main thread; same results whatever the count)',
      parseWorkers,
    )
    .option(
      '--seeds <k>',
      'run on K consecutive seeds (from the study seed or --seed) and report means ± standard errors',
      parseSeedCount,
    )
    .option('--strict', 'fail (exit 1, no run folder) on any finding of severity warning or worse')
    .option('-v, --verbose', 'echo log lines, and print progress lines when stderr is not a terminal')
    .action(
      async (
        studyPath: string,
        opts: {
          json?: boolean;
          out: string;
          seed?: number;
          seeds?: number;
          workers?: number;
          verbose?: boolean;
          strict?: boolean;
        },
      ) => {
        let bar: Progress | undefined;
        let barStep = '';
        // Loaded here, not at startup: `keel --help` and usage errors stay fast.
        const { runStudyFile, runStudyFileSeeds } = await import('../../study/index.ts');
        const onProgress = (e: StudyProgressEvent): void => {
          if (e.step !== barStep) {
            bar?.done();
            barStep = e.step;
            bar = createProgress(`[${e.index}/${e.count}] ${e.step}`, { verbose: opts.verbose === true });
          }
          bar?.update(e.done, e.total, e.note);
        };
        if (opts.seeds !== undefined) {
          const seedsStarted = Date.now();
          const r = await runStudyFileSeeds(studyPath, {
            seeds: opts.seeds,
            outDir: opts.out,
            ...(opts.seed === undefined ? {} : { seed: opts.seed }),
            ...(opts.workers === undefined ? {} : { workers: opts.workers }),
            ...(opts.strict ? { strict: true } : {}),
            onSeed: (seed, i, k) => {
              bar?.done();
              barStep = '';
              // Seeds take about the same time each: elapsed and ETA over the seeds so far.
              const timing = i > 0 ? `, ${formatTiming(Date.now() - seedsStarted, i, k)}` : '';
              process.stderr.write(`seed ${seed} (${i + 1}/${k})${timing}\n`);
            },
            onProgress,
          });
          bar?.done();
          if (opts.json) {
            const { seeds, rows, path } = r;
            process.stdout.write(
              `${JSON.stringify({ seeds, runs: r.runs.map((x) => x.runId), rows, path }, null, 2)}\n`,
            );
          } else process.stdout.write(formatSeedsSummary(r));
          return;
        }
        const result = await runStudyFile(studyPath, {
          outDir: opts.out,
          ...(opts.seed === undefined ? {} : { seed: opts.seed }),
          ...(opts.workers === undefined ? {} : { workers: opts.workers }),
          ...(opts.strict ? { strict: true } : {}),
          onProgress,
          ...(opts.verbose ? { onLog: (line: string) => process.stderr.write(`${line}\n`) } : {}),
        });
        bar?.done();
        if (opts.json) {
          const { runId, path, artefacts, summary, findings } = result;
          process.stdout.write(`${JSON.stringify({ runId, path, artefacts, summary, findings }, null, 2)}\n`);
        } else {
          process.stdout.write(formatRunSummary(result));
        }
      },
    );
}
