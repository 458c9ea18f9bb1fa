/**
 * Producer side: executors that put a batch of trials on the Redis queue and collect their results. Each trial is
 * one job with a deterministic id (its batch id and number: enqueue twice → added once), three attempts with a fixed
 * back-off, and results kept in Redis until collected, so a worker killed mid-trial costs a retry, never a lost or
 * doubled result. Results come back in completion order; callers sort by trial number, so the output does not
 * depend on how many workers ran or where.
 */
import { Queue } from 'bullmq';
import type { QueuedTrial, RemoteExecutorFactory, TrialExecutor } from '../study/index.ts';
import { checkRedis, redisOptions } from './connection.ts';
import { TRIAL_QUEUE, trialJobId } from './names.ts';

export interface QueueExecutorOptions {
  /** Attempts per trial before it is recorded as failed (default 3). */
  readonly attempts?: number;
  /** How often to look for finished trials, ms (default 250). */
  readonly pollMs?: number;
  /** Called once per batch when its jobs are queued (how many were new). */
  readonly onQueued?: (added: number, total: number) => void;
}

/** `remote(jobName, failed)` → an executor running that kind of trial on the queue at `url`. */
export function queueExecutors(url: string, options: QueueExecutorOptions = {}): RemoteExecutorFactory {
  return <P extends QueuedTrial, R>(jobName: 'sweep-trial' | 'tune-trial', failed: (p: P, reason: string) => R) =>
    queueExecutor<P, R>(url, jobName, failed, options);
}

export function queueExecutor<P extends QueuedTrial, R>(
  url: string,
  jobName: 'sweep-trial' | 'tune-trial',
  failed: (p: P, reason: string) => R,
  options: QueueExecutorOptions = {},
): TrialExecutor<P, R> {
  return async (payloads, onResult) => {
    const target = await checkRedis(url);
    const queue = new Queue(TRIAL_QUEUE, { connection: redisOptions(target) });
    const jobOptions = (id: string) => ({
      jobId: id,
      attempts: options.attempts ?? 3,
      backoff: { type: 'fixed' as const, delay: 500 },
      removeOnComplete: false,
      removeOnFail: false,
    });
    try {
      let added = 0;
      for (const p of payloads) {
        const id = trialJobId(p.batchId, p.number);
        if (await queue.getJob(id)) continue;
        await queue.add(jobName, p, jobOptions(id));
        added++;
      }
      options.onQueued?.(added, payloads.length);
      const pending = new Map(payloads.map((p) => [trialJobId(p.batchId, p.number), p]));
      const results: R[] = [];
      while (pending.size > 0) {
        for (const [id, p] of [...pending]) {
          const job = await queue.getJob(id);
          if (!job) {
            // Removed from Redis behind our back (someone cleaned the queue): put it back rather than wait forever.
            await queue.add(jobName, p, jobOptions(id));
            continue;
          }
          const state = await job.getState();
          let r: R | undefined;
          // The job object is a snapshot taken before getState: read the finished job again for its result.
          const done = state === 'completed' || state === 'failed' ? await queue.getJob(id) : undefined;
          if (state === 'completed' && done && done.returnvalue !== null && done.returnvalue !== undefined)
            r = done.returnvalue as R;
          else if (state === 'failed' && done)
            r = failed(
              p,
              `failed after ${done.attemptsMade} attempts: ${String(done.failedReason).replace(/\s*\n\s*/g, '; ')}`,
            );
          if (r !== undefined) {
            pending.delete(id);
            results.push(r);
            onResult?.(r);
          }
        }
        if (pending.size > 0) await new Promise((res) => setTimeout(res, options.pollMs ?? 250));
      }
      return results;
    } finally {
      await queue.close();
    }
  };
}
