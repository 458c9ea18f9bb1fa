/**
 * The sandboxed processor BullMQ forks for each worker (a separate process, so a CPU-bound trial cannot starve the
 * lock renewal of the worker that holds it). It runs a trial and returns its JSON result; anything but a known
 * job name is unrecoverable (retrying would not help).
 */
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { runSweepTrial, runTuneTrial, type SweepTrialPayload, type TuneTrialPayload } from '../study/index.ts';
import { SWEEP_TRIAL_JOB, TUNE_TRIAL_JOB } from './names.ts';

export default async function processTrial(job: SandboxedJob): Promise<unknown> {
  if (job.name === SWEEP_TRIAL_JOB) return runSweepTrial(job.data as SweepTrialPayload);
  if (job.name === TUNE_TRIAL_JOB) return runTuneTrial(job.data as TuneTrialPayload);
  throw new UnrecoverableError(`unknown job "${job.name}"; this worker runs ${SWEEP_TRIAL_JOB} and ${TUNE_TRIAL_JOB}`);
}
