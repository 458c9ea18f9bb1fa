/**
 * Producer side: a `TrialExecutor` that puts a sweep's trials on the Redis queue and collects their results.
 * Each trial is one job with a deterministic id (enqueue twice → added once), three attempts with a fixed back-off,
 * and results kept in Redis until collected, so a worker killed mid-trial costs a retry, never a lost or doubled
 * row. Results come back in completion order; the sweep sorts them by trial number, so the output does not depend
 * on how many workers ran or where.
 */
import { Queue } from 'bullmq';
import type { SweepTrialResult, TrialExecutor } from '../study/index.ts';
import { checkRedis, redisOptions } from './connection.ts';
import { SWEEP_TRIAL_JOB, TRIAL_QUEUE, trialJobId } from './names.ts';

export interface QueueExecutorOptions {
  /** Attempts per trial before it is recorded as failed (default 3). */
  readonly attempts?: number;
  /** How often to look for finished trials, ms (default 250). */
  readonly pollMs?: number;
  /** Called once when the jobs are queued (how many were new). */
  readonly onQueued?: (added: number, total: number) => void;
}

export function queueExecutor(url: string, options: QueueExecutorOptions = {}): TrialExecutor {
  return async (payloads, onResult) => {
    const target = await checkRedis(url);
    const queue = new Queue(TRIAL_QUEUE, { connection: redisOptions(target) });
    try {
      let added = 0;
      for (const p of payloads) {
        const id = trialJobId(p.sweepId, p.number);
        if (await queue.getJob(id)) continue;
        await queue.add(SWEEP_TRIAL_JOB, p, {
          jobId: id,
          attempts: options.attempts ?? 3,
          backoff: { type: 'fixed', delay: 500 },
          removeOnComplete: false,
          removeOnFail: false,
        });
        added++;
      }
      options.onQueued?.(added, payloads.length);
      const pending = new Map(payloads.map((p) => [trialJobId(p.sweepId, p.number), p]));
      const results: SweepTrialResult[] = [];
      while (pending.size > 0) {
        for (const [id, p] of [...pending]) {
          const job = await queue.getJob(id);
          const state = job ? await job.getState() : 'unknown';
          let r: SweepTrialResult | undefined;
          if (state === 'completed') r = job!.returnvalue as SweepTrialResult;
          else if (state === 'failed')
            r = {
              number: p.number,
              params: p.params,
              metrics: {},
              findings: 0,
              error: `failed after ${job!.attemptsMade} attempts: ${String(job!.failedReason).replace(/\s*\n\s*/g, '; ')}`,
            };
          else if (state === 'unknown') {
            // Removed from Redis behind our back (an admin cleaning the queue): put it back rather than wait forever.
            await queue.add(SWEEP_TRIAL_JOB, p, {
              jobId: id,
              attempts: options.attempts ?? 3,
              removeOnComplete: false,
            });
            continue;
          }
          if (r) {
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
