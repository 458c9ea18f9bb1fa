// Worker-thread entry: a new thread has no TypeScript loader, so register tsx's before importing the TS module
// named in workerData.entry (the same loader bin/keel.mjs uses; nothing is downloaded or built).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
