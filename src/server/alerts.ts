/**
 * Monitoring alerts across a runs folder: every firing a run's `monitor:` section recorded in its events.json
 * (docs/monitoring.md), one row per event, newest run first and in date order within a run. `keel monitor` prints
 * its health report and writes nothing, so runs are the only persistent source. An events.json that cannot be read
 * as a list of events is not skipped silently: it is named in `problems`.
 */
import { DETECTOR_NAMES, type MonitorEvent } from '../monitor/index.ts';
import type { RunStore } from './run-store.ts';

export interface AlertRow extends MonitorEvent {
  readonly run: string;
  readonly section: string;
  readonly strategy: string;
}

export interface AlertList {
  /** The rows that pass the filters. */
  readonly alerts: readonly AlertRow[];
  /** Every run with monitor events and every detector that fired (before filtering), for the filter menus. */
  readonly runs: readonly string[];
  readonly detectors: readonly string[];
  readonly total: number;
  readonly problems: readonly string[];
}

const isEvent = (e: unknown): e is Omit<AlertRow, 'run'> => {
  const x = e as Record<string, unknown> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x['date'] === 'string' &&
    typeof x['detector'] === 'string' &&
    typeof x['action'] === 'string' &&
    typeof x['value'] === 'number' &&
    typeof x['threshold'] === 'number'
  );
};

export function listAlerts(store: RunStore, filter: { run?: string; detector?: string } = {}): AlertList {
  const all: AlertRow[] = [];
  const problems: string[] = [];
  // Only events.json is read (not each run's report.json): the run page asks for its count on every visit.
  for (const id of store.ids()) {
    const text = store.readText(id, 'events.json');
    if (text === null) continue;
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch {
      problems.push(`${id}/events.json is not valid JSON; its alerts are not shown`);
      continue;
    }
    if (!Array.isArray(events) || !events.every(isEvent)) {
      problems.push(`${id}/events.json is not a list of monitor events; its alerts are not shown`);
      continue;
    }
    const rows = events.map((e) => ({ ...e, run: id }));
    all.push(...rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)));
  }
  const alerts = all.filter(
    (a) =>
      (filter.run === undefined || a.run === filter.run) &&
      (filter.detector === undefined || a.detector === filter.detector),
  );
  return {
    alerts,
    runs: [...new Set(all.map((a) => a.run))],
    detectors: DETECTOR_NAMES.filter((d) => all.some((a) => a.detector === d)),
    total: all.length,
    problems,
  };
}
