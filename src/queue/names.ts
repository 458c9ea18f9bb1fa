/** Names shared by producers and workers; one place so they can never drift apart. */
export const TRIAL_QUEUE = 'keel-trials';
export const SWEEP_TRIAL_JOB = 'sweep-trial';

/** BullMQ job ids may not contain ':'; a trial's id is its sweep id and number, so enqueuing twice adds nothing. */
export const trialJobId = (sweepId: string, number: number): string => `${sweepId}-${number}`;
