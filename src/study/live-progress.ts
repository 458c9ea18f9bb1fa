/**
 * Live progress of a running study for other processes (the `keel serve` dashboard): a small JSON file,
 * `.progress.json`, inside the run's temporary folder, rewritten at most twice a second and on every step change,
 * and removed before the folder is committed — so a finished run never contains it and a failed run's temporary
 * folder (with it) is removed as usual. Writes are atomic (temp file + rename) so a reader never sees half a file.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { StudyProgressEvent } from './context.ts';

export const LIVE_PROGRESS_FILE = '.progress.json';

export interface LiveProgress {
  readonly study: string;
  readonly pid: number;
  readonly host: string;
  /** ISO time the run started. */
  readonly started: string;
  readonly elapsedMs: number;
  readonly step: string;
  readonly index: number;
  readonly count: number;
  readonly done: number;
  readonly total: number;
  readonly note?: string;
}

export function liveProgressWriter(
  tmpPath: string,
  study: string,
  now: () => number = Date.now,
  /** Updates of the same step closer than this are skipped (0 for slow steps such as whole trials). */
  minIntervalMs = 500,
): { update(e: StudyProgressEvent): void; remove(): void } {
  const started = now();
  let last = 0;
  let lastStep = '';
  const file = join(tmpPath, LIVE_PROGRESS_FILE);
  return {
    update(e) {
      const t = now();
      if (e.step === lastStep && t - last < minIntervalMs && e.done < e.total) return;
      last = t;
      lastStep = e.step;
      const body: LiveProgress = {
        study,
        pid: process.pid,
        host: hostname(),
        started: new Date(started).toISOString(),
        elapsedMs: t - started,
        ...e,
      };
      try {
        writeFileSync(`${file}.tmp`, JSON.stringify(body));
        renameSync(`${file}.tmp`, file);
      } catch {
        // Progress is a courtesy to watchers: a full disk here must not fail the run (the run's own writes will).
      }
    },
    remove() {
      rmSync(file, { force: true });
      rmSync(`${file}.tmp`, { force: true });
    },
  };
}
