/**
 * queue: study trials on BullMQ/Redis. `queueExecutor(url)` sends a sweep's trials to the queue and collects the
 * results; `startWorker(url)` runs them on any host that can reach Redis. See docs/scale-out.md.
 */
export { checkRedis, parseRedisUrl } from './connection.ts';
export type { RedisTarget } from './connection.ts';
export { queueExecutor, queueExecutors } from './trial-queue.ts';
export type { QueueExecutorOptions } from './trial-queue.ts';
export { startWorker } from './worker.ts';
export type { RunningWorker, WorkerOptions } from './worker.ts';
export { TRIAL_QUEUE } from './names.ts';
