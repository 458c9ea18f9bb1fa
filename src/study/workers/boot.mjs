// Worker-thread entry when Keel runs from its TypeScript sources (tests, benchmarks; the compiled package starts
// ml-task-worker.js directly): a new thread has no TypeScript loader, so register tsx's (a devDependency) before
// importing the TS module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
