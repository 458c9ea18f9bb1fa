/** `keel tune STUDY`: search the study's `tune:` space on its validation period; write trials, best study, report. */
import { Command, InvalidArgumentError } from 'commander';
import { parseSeed } from './run.ts';
import { createProgress } from '../progress.ts';

function parseTrials(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 100_000)
    throw new InvalidArgumentError(`expected an integer from 1 to 100000, got "${value}"`);
  return Number(value);
}

function parseSampler(value: string): 'tpe' | 'random' | 'grid' {
  if (value !== 'tpe' && value !== 'random' && value !== 'grid')
    throw new InvalidArgumentError(`expected tpe, random or grid, got "${value}"`);
  return value;
}

const num = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

export function tuneCommand(): Command {
  return new Command('tune')
    .description("search the study's tune: space on its validation period (before backtest.start) → <out>/<id>/")
    .argument('<study>', 'study file with a tune: section')
    .option('--trials <n>', 'number of trials (default: tune.trials)', parseTrials)
    .option('--sampler <s>', 'tpe | random | grid (default: tune.sampler)', parseSampler)
    .option('--seed <n>', 'sampler seed (default: tune.seed, else the study seed)', parseSeed)
    .option('--out <dir>', 'parent folder for run folders', 'runs')
    .option('--json', 'print the result as JSON on stdout')
    .option('--strict', 'a trial whose run has a warning finding (or worse) fails and cannot be the best')
    .option('-v, --verbose', 'print a line per trial even when stderr is not a terminal')
    .option(
      '--batch <n>',
      'trials asked at once; the sampler sees only finished batches (default 1, or 4 with --queue)',
      parseTrials,
    )
    .option(
      '--queue <url>',
      'run each batch of trials on BullMQ workers (keel worker) via Redis, e.g. redis://127.0.0.1:6379',
    )
    .action(
      async (
        studyPath: string,
        opts: {
          trials?: number;
          sampler?: 'tpe' | 'random' | 'grid';
          seed?: number;
          out: string;
          json?: boolean;
          verbose?: boolean;
          strict?: boolean;
          batch?: number;
          queue?: string;
        },
      ) => {
        const { failedTuneTrial, tuneStudyFile } = await import('../../study/index.ts');
        // Like every long command: a bar with elapsed time and ETA (plain lines now and then in logs and pipes),
        // and one line per trial (and per queued batch) on a terminal or with --verbose.
        const show = process.stderr.isTTY === true || opts.verbose === true;
        const bar = createProgress('tune', { verbose: opts.verbose === true });
        const batch = opts.batch ?? (opts.queue ? 4 : 1);
        const executor = opts.queue
          ? (await import('../../queue/index.ts')).queueExecutors(opts.queue, {
              onQueued: (added: number, total: number) =>
                show && bar.log(`queued ${added} of ${total} trials of this batch on ${opts.queue}`),
            })('tune-trial', failedTuneTrial)
          : undefined;
        const r = await tuneStudyFile(studyPath, {
          outDir: opts.out,
          ...(opts.trials === undefined ? {} : { trials: opts.trials }),
          ...(opts.sampler === undefined ? {} : { sampler: opts.sampler }),
          ...(opts.seed === undefined ? {} : { seed: opts.seed }),
          ...(opts.strict ? { strict: true } : {}),
          batch,
          ...(executor ? { executor } : {}),
          onProgress: (done, total, note) => bar.update(done, total, note),
          onTrial: (t, best, total) => {
            if (show)
              bar.log(
                `trial ${t.number}/${total}: ${t.error === undefined ? num(t.value) : `failed (${t.error})`}, ${t.findings} findings; best so far ${best ? `${num(best.value)} (trial ${best.number})` : 'none'}`,
              );
          },
        });
        bar.done();
        const pbo = 'skipped' in r.pbo ? `PBO not computed: ${r.pbo.skipped}` : `PBO (CSCV) ${r.pbo.pbo.toFixed(3)}`;
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ runId: r.runId, path: r.path, seed: r.seed, folds: r.folds, seeds: r.seeds, best: r.best ?? null, pbo: r.pbo, trials: r.trials }, null, 2)}\n`,
          );
          return;
        }
        const lines = [
          `tune ${r.runId} written to ${r.path}`,
          `validation folds: ${r.folds.map((f) => `${f.start}…${f.end}`).join(', ')}${r.seeds.length > 1 ? ` on study seeds ${r.seeds[0]}…${r.seeds.at(-1)}` : ''}; ${r.trials.length} trials, seed ${r.seed}${batch > 1 ? `, batches of ${batch} (the same --batch reproduces these bytes anywhere)` : ''}`,
          r.best
            ? `best: ${num(r.best.value)} at trial ${r.best.number}: ${Object.entries(r.best.params)
                .map(([k, v]) => `${k} = ${String(v)}`)
                .join(', ')}`
            : 'best: none (every trial failed; see trials.csv)',
          pbo,
          `findings in trials: ${r.trials.reduce((a, t) => a + t.findings, 0)}`,
          r.best ? `run the tuned study on the backtest period: keel run ${r.path}/best.study.yaml` : '',
        ].filter((l) => l !== '');
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    );
}
