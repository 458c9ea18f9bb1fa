/**
 * Progress bars for long work, TTY-aware, with elapsed time and an ETA. On a terminal: one bar redrawn in place on
 * stderr (throttled to ~20 redraws/s), erased when done. Not a terminal (CI logs, pipes): no carriage returns, only
 * occasional plain lines — one every `heartbeatMs` (15 s) while a step runs longer than that, plus with `verbose`
 * one at each 25 % step — so a log shows a long run moving and a short one stays quiet. Never writes to stdout
 * (stdout is for results and --json).
 *
 * The `update(done, total, note)` signature matches `FitContext.onProgress`; `done` may be fractional (a task
 * part-way through its refits).
 */

export interface ProgressStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Also print a plain line at each 25 % step when the stream is not a terminal. */
  readonly verbose?: boolean;
  /** Override terminal detection (tests). */
  readonly tty?: boolean;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** Not a terminal: at most one line per this many ms, the first after as long (default 15 000). */
  readonly heartbeatMs?: number;
}

export interface Progress {
  /** `done` of `total` units finished; `note` is a short status ("refit 2019-12-31 epoch 2/3"). */
  update(done: number, total: number, note?: string): void;
  /** Prints a line of its own (on a terminal above the bar, which is redrawn at the next update). */
  log(text: string): void;
  /** Finishes the bar (erases it on a TTY; a final line when lines were printed or verbose). */
  done(note?: string): void;
}

const BAR_WIDTH = 24;

/** `42s`, `3m05s`, `1h02m`: whole seconds, rounded down. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Time left at the rate so far: elapsed × (total − done) / done, in ms. Undefined until there is a rate to go by
 * (under 1 % done, or under a second elapsed: the first units often include one-off work, and a rate from a sliver
 * of progress is noise).
 */
export function estimateRemaining(elapsedMs: number, done: number, total: number): number | undefined {
  if (!(total > 0) || !(done / total >= 0.01) || elapsedMs < 1000) return undefined;
  const left = Math.max(0, total - Math.min(done, total));
  return (elapsedMs * left) / Math.min(done, total);
}

/** `1m02s elapsed, ETA 1m20s` (or `ETA …` while there is no rate yet). */
export function formatTiming(elapsedMs: number, done: number, total: number): string {
  const eta = estimateRemaining(elapsedMs, done, total);
  return `${formatDuration(elapsedMs)} elapsed, ETA ${eta === undefined ? '…' : formatDuration(eta)}`;
}

/** `[##########--------------]  42% label note` (with `timing`, `· 1m02s elapsed, ETA 1m20s` after the percentage). */
export function renderBar(label: string, done: number, total: number, note = '', columns = 100, timing = ''): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(frac * BAR_WIDTH);
  const pct = `${Math.floor(frac * 100)}`.padStart(3, ' ');
  const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${pct}%${timing ? ` ${timing} ·` : ''} ${label}${note ? ` ${note}` : ''}`;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 2)) + '…' : line;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const verbose = options.verbose ?? false;
  const now = options.now ?? (() => Date.now());
  const heartbeat = options.heartbeatMs ?? 15_000;
  const started = now();
  let lastDraw = -Infinity;
  let lastLine = started;
  let lastStep = -1;
  let lines = 0;
  let drawn = false;
  let finished = false;

  const line = (text: string): void => {
    stream.write(`${text}\n`);
    lines++;
  };

  return {
    update(done, total, note) {
      if (finished) return;
      const t = now();
      const elapsed = t - started;
      if (tty) {
        if (t - lastDraw < 50 && done < total) return;
        lastDraw = t;
        const columns = (stream.columns ?? 0) >= 20 ? stream.columns! : 100;
        // The timing appears once the step has run a second: short steps keep the plain bar.
        const timing = elapsed >= 1000 ? formatTiming(elapsed, done, total) : '';
        stream.write(`\r\x1b[2K${renderBar(label, done, total, note, columns, timing)}`);
        drawn = true;
        return;
      }
      if (!(total > 0)) return;
      const pct = Math.floor((Math.min(done, total) / total) * 100);
      const step = Math.floor(pct / 25); // 0, 25, 50, 75, 100 %
      const due = t - lastLine >= heartbeat;
      if ((verbose && step !== lastStep) || due) {
        lastStep = step;
        lastLine = t;
        const timing = elapsed >= 1000 ? `, ${formatTiming(elapsed, done, total)}` : '';
        line(`${label}: ${verbose && !due ? step * 25 : pct}%${note ? ` (${note})` : ''}${timing}`);
      }
    },
    log(text) {
      if (tty && drawn) {
        stream.write('\r\x1b[2K');
        drawn = false;
        lastDraw = -Infinity;
      }
      line(text);
    },
    done(note) {
      if (finished) return;
      finished = true;
      if (tty && drawn) stream.write('\r\x1b[2K');
      else if (!tty && (verbose || lines > 0))
        line(`${label}: done${note ? ` (${note})` : ''} in ${formatDuration(now() - started)}`);
    },
  };
}
