/**
 * Writing a panel field as a wide CSV (`date,A,B,…`, empty cell = missing), atomically: the text goes to a
 * temporary file in the same folder, renamed into place only when complete. Numbers are written with
 * JavaScript's shortest round-trip form, so reading the file back gives identical doubles.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ioError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';

const quoteCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The CSV text of one field of a panel. */
export function panelToCsv(panel: Panel, field = 'close'): string {
  const x = panel.field(field);
  const n = panel.nAssets;
  const out: string[] = [['date', ...panel.assets].map(quoteCell).join(',')];
  for (let t = 0; t < panel.nDates; t++) {
    let line = panel.dates[t]!;
    for (let a = 0; a < n; a++) {
      const v = x[t * n + a]!;
      line += Number.isNaN(v) ? ',' : `,${v}`;
    }
    out.push(line);
  }
  return out.join('\n') + '\n';
}

/** Writes text to `path` atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the write's own error is the one to report
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw ioError(
      `${path}: cannot write (${code ?? (e as Error).message}). ${code === 'ENOENT' ? 'Create the folder first.' : code === 'EISDIR' ? 'The path is a directory; name a file.' : 'Check permissions and free space.'}`,
      e,
    );
  }
}

export function writeWideCsv(panel: Panel, path: string, field = 'close'): void {
  writeFileAtomic(path, panelToCsv(panel, field));
}
