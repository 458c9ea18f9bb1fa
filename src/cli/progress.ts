/**
 * Progress bars for long work, TTY-aware. On a terminal: one bar redrawn in place on stderr (throttled to ~20
 * redraws/s), erased when done. Not a terminal (CI logs, pipes): silent, or with `verbose` a sparse plain line at
 * each 25 % step, so logs stay readable. Never writes to stdout (stdout is for results and --json).
 *
 * The `update(done, total, note)` signature matches `FitContext.onProgress`, so a bar can be handed straight to a fit.
 */

export interface ProgressStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Print sparse lines when the stream is not a terminal. */
  readonly verbose?: boolean;
  /** Override terminal detection (tests). */
  readonly tty?: boolean;
  /** Clock in ms for throttling (tests). */
  readonly now?: () => number;
}

export interface Progress {
  /** `done` of `total` units finished; `note` is a short status ("fold 3/5"). */
  update(done: number, total: number, note?: string): void;
  /** Finishes the bar (erases it on a TTY; prints a final line when verbose). */
  done(note?: string): void;
}

const BAR_WIDTH = 24;

/** `[##########--------------]  42% label note` */
export function renderBar(label: string, done: number, total: number, note = '', columns = 100): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(frac * BAR_WIDTH);
  const pct = `${Math.floor(frac * 100)}`.padStart(3, ' ');
  const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${pct}% ${label}${note ? ` ${note}` : ''}`;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 2)) + '…' : line;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const verbose = options.verbose ?? false;
  const now = options.now ?? (() => Date.now());
  let lastDraw = -Infinity;
  let lastStep = -1;
  let drawn = false;
  let finished = false;

  return {
    update(done, total, note) {
      if (finished) return;
      if (tty) {
        const t = now();
        if (t - lastDraw < 50 && done < total) return;
        lastDraw = t;
        stream.write(
          `\r\x1b[2K${renderBar(label, done, total, note, (stream.columns ?? 0) >= 20 ? stream.columns! : 100)}`,
        );
        drawn = true;
      } else if (verbose && total > 0) {
        const step = Math.floor((Math.min(done, total) / total) * 4); // 0, 25, 50, 75, 100 %
        if (step !== lastStep) {
          lastStep = step;
          stream.write(`${label}: ${step * 25}%${note ? ` (${note})` : ''}\n`);
        }
      }
    },
    done(note) {
      if (finished) return;
      finished = true;
      if (tty && drawn) stream.write('\r\x1b[2K');
      else if (!tty && verbose) stream.write(`${label}: done${note ? ` (${note})` : ''}\n`);
    },
  };
}
