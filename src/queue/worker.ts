/**
 * Consumer side: `startWorker(url)` takes trials off the queue and runs each in a forked processor
 * (processor.ts). Defaults follow BullMQ's (concurrency 1, lock 30 s renewed at half, stalled check every 30 s,
 * one stall allowed): a worker that dies mid-trial loses its lock, the next stalled check puts the trial back,
 * and another worker runs it. `close()` waits for the running trial; SIGINT/SIGTERM handling is the caller's.
 */
import { fileURLToPath } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { checkRedis, redisOptions } from './connection.ts';
import { TRIAL_QUEUE } from './names.ts';

export interface WorkerOptions {
  readonly concurrency?: number;
  /** ms a trial's lock lives without renewal (default 30 000). */
  readonly lockDuration?: number;
  /** ms between stalled-job checks (default 30 000). */
  readonly stalledInterval?: number;
  readonly onEvent?: (e: {
    kind: 'active' | 'completed' | 'failed' | 'error';
    jobId?: string;
    message?: string;
  }) => void;
}

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * The processor file to fork. From the TypeScript sources (tests, `keel` via tsx) the child needs tsx's loader,
 * given by absolute URL so it resolves from any working directory; compiled builds fork plain JavaScript.
 */
function processorFile(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(ts ? './processor.ts' : './processor.js', import.meta.url));
  return { file, execArgv: ts ? ['--import', import.meta.resolve('tsx')] : [] };
}

export async function startWorker(url: string, options: WorkerOptions = {}): Promise<RunningWorker> {
  const target = await checkRedis(url);
  const { file, execArgv } = processorFile();
  const worker = new Worker(TRIAL_QUEUE, file, {
    connection: redisOptions(target),
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: 1,
    workerForkOptions: { execArgv },
  });
  const on = options.onEvent;
  worker.on('active', (job: Job) => on?.({ kind: 'active', ...(job.id ? { jobId: job.id } : {}) }));
  worker.on('completed', (job: Job) => on?.({ kind: 'completed', ...(job.id ? { jobId: job.id } : {}) }));
  worker.on('failed', (job: Job | undefined, err: Error) =>
    on?.({ kind: 'failed', ...(job?.id ? { jobId: job.id } : {}), message: err.message }),
  );
  worker.on('error', (err: Error) => on?.({ kind: 'error', message: err.message }));
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
