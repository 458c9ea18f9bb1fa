/** Names shared by producers and workers; one place so they can never drift apart. */
export const TRIAL_QUEUE = 'keel-trials';
export const SWEEP_TRIAL_JOB = 'sweep-trial';
export const TUNE_TRIAL_JOB = 'tune-trial';

/** BullMQ job ids may not contain ':'; a trial's id is its sweep id and number, so enqueuing twice adds nothing. */
export const trialJobId = (batchId: string, number: number): string => `${batchId}-${number}`;
