/**
 * Read-only access to a runs folder for the dashboard. A run is a folder directly inside it holding report.json or
 * summary.json; ids are folder names of a safe form, and every path is checked to stay inside the folder after
 * resolving symlinks, so `..`, absolute paths and links out of the runs folder are refused.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { ReportModel } from '../report/index.ts';
import { LIVE_PROGRESS_FILE, type LiveProgress } from '../study/index.ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export interface RunListing {
  readonly id: string;
  readonly study: string;
  /** Per strategy: its headline metrics (null where undefined). */
  readonly strategies: readonly { name: string; baseline: boolean; metrics: Record<string, number | null> }[];
  readonly findings: { readonly error: number; readonly warning: number; readonly info: number };
  /** What kind of folder: a study run, a tune or a sweep. */
  readonly kind: 'run' | 'tune' | 'sweep';
}

export class RunStore {
  readonly root: string;

  constructor(runsDir: string) {
    this.root = realpathSync(resolve(runsDir));
  }

  /** The folder of run `id`, or null when the id is malformed, missing or resolves outside the runs folder. */
  dir(id: string): string | null {
    if (!ID.test(id) || id.includes('..')) return null;
    const p = join(this.root, id);
    if (!existsSync(p)) return null;
    const real = realpathSync(p);
    if (!real.startsWith(this.root + sep) || !statSync(real).isDirectory()) return null;
    return real;
  }

  /** A file of run `id` by name (no sub-paths), or null. */
  readText(id: string, file: string): string | null {
    const d = this.dir(id);
    if (d === null || !/^[A-Za-z0-9._-]+$/.test(file)) return null;
    const p = join(d, file);
    if (!existsSync(p)) return null;
    const real = realpathSync(p);
    return real.startsWith(d + sep) ? readFileSync(real, 'utf8') : null;
  }

  report(id: string): ReportModel | null {
    const t = this.readText(id, 'report.json');
    return t === null ? null : (JSON.parse(t) as ReportModel);
  }

  /**
   * Studies running now into this folder: the progress file in each temporary run folder, kept only while its
   * process is alive (checked on this host; a file from another host is shown as long as it is fresh).
   */
  live(now = Date.now()): (LiveProgress & { readonly tmp: string; readonly stale: boolean })[] {
    const out: (LiveProgress & { tmp: string; stale: boolean })[] = [];
    for (const name of readdirSync(this.root).sort()) {
      if (!name.startsWith('.tmp-')) continue;
      const file = join(this.root, name, LIVE_PROGRESS_FILE);
      let p: LiveProgress;
      try {
        p = JSON.parse(readFileSync(file, 'utf8')) as LiveProgress;
      } catch {
        continue; // not there yet, or gone between the listing and the read
      }
      const age = now - statSync(file).mtimeMs;
      let alive = true;
      if (p.host === hostname()) {
        try {
          process.kill(p.pid, 0);
        } catch (e) {
          alive = (e as NodeJS.ErrnoException).code === 'EPERM';
        }
      } else alive = age < 60_000;
      if (alive) out.push({ ...p, tmp: name, stale: age > 30_000 });
    }
    return out;
  }

  /** The folders of the runs folder that pass `dir` (not yet checked for a report), newest name first. */
  ids(): string[] {
    return readdirSync(this.root)
      .sort()
      .reverse()
      .filter((name) => this.dir(name) !== null);
  }

  list(): RunListing[] {
    const out: RunListing[] = [];
    for (const name of this.ids()) {
      const kind = this.readText(name, 'sweep.json') ? 'sweep' : this.readText(name, 'tune.json') ? 'tune' : 'run';
      const report = kind === 'run' ? this.report(name) : null;
      const summaryText = this.readText(name, 'summary.json');
      if (kind === 'run' && report === null && summaryText === null) continue;
      const summary = summaryText
        ? (JSON.parse(summaryText) as { findings?: { bySeverity?: Record<string, number> } })
        : {};
      const sev = summary.findings?.bySeverity ?? {};
      out.push({
        id: name,
        kind,
        study: report?.study ?? name.replace(/^\d{8}-\d{6}-/, '').replace(/-[0-9a-f]{8}$/, ''),
        strategies: (report?.sections ?? []).flatMap((s) =>
          s.strategies.map((x) => ({
            name: report!.sections.length > 1 ? `${s.id}/${x.name}` : x.name,
            baseline: x.baseline,
            metrics: x.metrics as Record<string, number | null>,
          })),
        ),
        findings: { error: sev['error'] ?? 0, warning: sev['warning'] ?? 0, info: sev['info'] ?? 0 },
      });
    }
    return out;
  }
}
