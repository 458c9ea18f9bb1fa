/** `keel worker --queue URL`: run study trials from a Redis queue until stopped (Ctrl-C, SIGTERM). */
import { Command, InvalidArgumentError } from 'commander';

function parseMs(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 100)
    throw new InvalidArgumentError(`expected milliseconds ≥ 100, got "${value}"`);
  return Number(value);
}

function parseConcurrency(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 64)
    throw new InvalidArgumentError(`expected an integer from 1 to 64, got "${value}"`);
  return Number(value);
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('process sweep trials from a Redis queue (BullMQ) until stopped; run one per core on any host')
    .requiredOption('--queue <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'trials at once in this worker (default 1)', parseConcurrency)
    .option('--lock-duration <ms>', 'how long a trial stays claimed without a heartbeat (default 30000)', parseMs)
    .option('--stalled-interval <ms>', 'how often to look for trials whose worker died (default 30000)', parseMs)
    .action(async (opts: { queue: string; concurrency?: number; lockDuration?: number; stalledInterval?: number }) => {
      const { startWorker } = await import('../../queue/index.ts');
      const out = (s: string): boolean => process.stdout.write(`${new Date().toISOString()} ${s}\n`);
      out(`keel worker: connecting to ${opts.queue}`);
      await startWorker(opts.queue, {
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        ...(opts.lockDuration !== undefined ? { lockDuration: opts.lockDuration } : {}),
        ...(opts.stalledInterval !== undefined ? { stalledInterval: opts.stalledInterval } : {}),
        onEvent: (e) =>
          out(
            e.kind === 'active'
              ? `started ${e.jobId}`
              : e.kind === 'completed'
                ? `finished ${e.jobId}`
                : e.kind === 'failed'
                  ? `failed ${e.jobId ?? ''}: ${e.message ?? ''}`
                  : `error: ${e.message ?? ''}`,
          ),
      });
      out(`waiting for trials on ${opts.queue} (stop with Ctrl-C; a trial cut short is retried by another worker)`);
      // Keep running until a signal ends the process (the CLI's handlers exit; the trial's lock then lapses).
      await new Promise<never>(() => {});
    });
}
