/** io: everything that touches files (and, later, the network): loaders, caches, the run-directory writer. */
export { RunDir, withRunDir, runId, configHash, canonicalJson, sha256Hex } from './run-dir.ts';
export type { RunDirOptions } from './run-dir.ts';
export { readStudyFile } from './study-file.ts';
export type { StudyFileText } from './study-file.ts';
