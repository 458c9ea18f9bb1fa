/**
 * Cleanups to run when the process is interrupted (SIGINT, SIGTERM): io/ registers "remove this temporary folder"
 * while it writes one and unregisters when done; the CLI's signal handlers call `runCleanups()` before exiting.
 * Only callbacks live here (core does no I/O); the library never installs signal handlers itself.
 */

const pending = new Set<() => void>();

/** Registers `fn` to run on interruption; returns the function that unregisters it. */
export function registerCleanup(fn: () => void): () => void {
  pending.add(fn);
  return () => {
    pending.delete(fn);
  };
}

/** Runs (and forgets) every registered cleanup, newest first; a failing cleanup does not stop the others. */
export function runCleanups(): void {
  const fns = [...pending].reverse();
  pending.clear();
  for (const fn of fns) {
    try {
      fn();
    } catch {
      // Best effort while the process is going down; a leftover temp folder is swept by the next run.
    }
  }
}

/** How many cleanups are registered (tests). */
export function pendingCleanups(): number {
  return pending.size;
}
