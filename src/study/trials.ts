/**
 * Trials that can run anywhere: a payload carries everything a trial needs (the resolved study with its parameters
 * applied), a trial is a pure function of it, and its result is plain JSON. An executor runs a batch of payloads —
 * here, one after another (`localExecutor`), or on queue workers (src/queue) — and returns one result per payload in
 * any order; callers sort by trial number, so output bytes never depend on where or how trials ran.
 */

/** What identifies a trial across processes: its batch (a sweep or a tune, by content hash) and its number. */
export interface QueuedTrial {
  readonly batchId: string;
  readonly number: number;
}

export type TrialExecutor<P extends QueuedTrial, R> = (
  payloads: readonly P[],
  onResult?: (r: R) => void,
) => Promise<R[]>;

/** Runs the payloads one after another in this process with `run`. */
export function localExecutor<P extends QueuedTrial, R>(run: (p: P) => Promise<R>): TrialExecutor<P, R> {
  return async (payloads, onResult) => {
    const out: R[] = [];
    for (const p of payloads) {
      const r = await run(p);
      onResult?.(r);
      out.push(r);
    }
    return out;
  };
}

/** An executor factory a queue provides: the job name says which trial function a worker runs. */
export type RemoteExecutorFactory = <P extends QueuedTrial, R>(
  jobName: 'sweep-trial' | 'tune-trial',
  failed: (p: P, reason: string) => R,
) => TrialExecutor<P, R>;
