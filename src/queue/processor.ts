/**
 * The sandboxed processor BullMQ forks for each worker (a separate process, so a CPU-bound trial cannot starve the
 * lock renewal of the worker that holds it). It runs a trial and returns its JSON result; anything but a known
 * job name is unrecoverable (retrying would not help).
 */
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { runSweepTrial, type SweepTrialPayload, type SweepTrialResult } from '../study/index.ts';
import { SWEEP_TRIAL_JOB } from './names.ts';

export default async function processTrial(job: SandboxedJob): Promise<SweepTrialResult> {
  if (job.name !== SWEEP_TRIAL_JOB)
    throw new UnrecoverableError(`unknown job "${job.name}"; this worker runs ${SWEEP_TRIAL_JOB}`);
  return runSweepTrial(job.data as SweepTrialPayload);
}
