/** `keel sweep STUDY --grid PATH=V1,V2 …`: one run per grid point, here or on a Redis queue → <out>/<id>/sweep.csv. */
import { Command } from 'commander';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function sweepCommand(): Command {
  return new Command('sweep')
    .description('run the study once per point of a parameter grid and tabulate every strategy → <out>/<id>/sweep.csv')
    .argument('<study>', 'study file')
    .option('--grid <path=values>', 'a study path and comma-separated values; repeat for more axes', collect, [])
    .option('--queue <url>', 'run the trials on BullMQ workers (keel worker) via Redis, e.g. redis://127.0.0.1:6379')
    .option('--out <dir>', 'parent folder for run folders', 'runs')
    .option('-v, --verbose', 'print a line per trial even when stderr is not a terminal')
    .action(async (studyPath: string, opts: { grid: string[]; queue?: string; out: string; verbose?: boolean }) => {
      const { failedSweepTrial, parseGridAxis, sweepStudyFile } = await import('../../study/index.ts');
      const axes = opts.grid.map(parseGridAxis);
      const show = process.stderr.isTTY === true || opts.verbose === true;
      const started = Date.now();
      const executor = opts.queue
        ? (await import('../../queue/index.ts')).queueExecutors(opts.queue, {
            onQueued: (added: number, total: number) =>
              process.stderr.write(
                `queued ${added} of ${total} trials on ${opts.queue}${added < total ? ` (${total - added} already there)` : ''}; start workers with: keel worker --queue ${opts.queue}\n`,
              ),
          })('sweep-trial', failedSweepTrial)
        : undefined;
      const r = await sweepStudyFile(studyPath, axes, {
        outDir: opts.out,
        ...(executor ? { executor } : {}),
        onResult: (t, done, total) => {
          if (!show) return;
          const s = (Date.now() - started) / 1000;
          const eta = done < total ? `, ETA ${Math.round((s / done) * (total - done))} s` : '';
          process.stderr.write(
            `trial ${t.number} done (${done}/${total}, ${s.toFixed(0)} s elapsed${eta})${t.error ? `: failed (${t.error})` : ''}\n`,
          );
        },
      });
      const failed = r.results.filter((t) => t.error !== undefined).length;
      process.stdout.write(
        `sweep ${r.runId} written to ${r.path}\n${r.results.length} trials (${failed} failed); table: ${r.path}/sweep.csv\n`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}
