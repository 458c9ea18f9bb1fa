/**
 * Runs the ML job's tasks (one walk-forward backtest per strategy and universe) on worker threads. Tasks that
 * share a universe and a feature list form one unit and run on the same thread, in order, so they share its feature
 * cache (features are most of an ML backtest's cost; splitting such a group recomputes them on every thread). Each
 * worker rebuilds the shared inputs once and takes the next unit when it finishes one. Results come back in task
 * order whatever finished first: the job's bytes do not depend on how many threads ran it (a test checks it). The
 * first failure stops every worker and rejects with that task's error.
 */
import { Worker } from 'node:worker_threads';
import { KeelError, type KeelErrorKind } from '../../core/index.ts';
import type { Panel, PanelInit } from '../../data/index.ts';
import type { PitRecords } from '../../features/index.ts';
import type { MlJobPlan, MlTaskInputs } from '../../report/index.ts';
import type { BacktestResult } from '../../backtest/index.ts';

/**
 * Run from the TypeScript sources (tsx: tests, `npm run bench`) or from the compiled package (dist/*.js)? A new
 * thread has no TypeScript loader, so from the sources it starts in boot.mjs, which registers tsx (a
 * devDependency) first; compiled, it starts straight in ml-task-worker.js.
 */
const fromSource = import.meta.url.endsWith('.ts');
const ownExtension = fromSource ? '.ts' : '.js';

/** What each worker receives once (structured clone). */
export interface MlWorkerData {
  readonly entry: string;
  readonly panel: PanelInit;
  readonly records?: PitRecords;
  readonly seed: number;
  readonly backtest: unknown;
  readonly plan: MlJobPlan;
}

export type MlWorkerReply =
  | { readonly index: number; readonly result: BacktestResult }
  | { readonly index: number; readonly progress: number; readonly note: string }
  | { readonly index: number; readonly error: { readonly kind?: KeelErrorKind; readonly message: string } };

/**
 * Threads to use: `requested` (default 1 = the main thread, no worker), never more than the job has units; an
 * explicit count is honoured even above the core count. Not on by default: each thread loads the modules and warms
 * the JIT again (about 1.5 s of CPU here), so on a machine with about one core of throughput workers made
 * `npm start` slower; with free cores and several universes or feature sets they help (see the CHANGELOG).
 */
export function workerCount(requested: number | undefined, plan: MlJobPlan): number {
  return Math.max(1, Math.min(requested ?? 1, workUnits(plan).length));
}

/** Task indices grouped into units that share a feature cache (same universe and features), in plan order. */
export function workUnits(plan: MlJobPlan): number[][] {
  const units = new Map<string, number[]>();
  plan.tasks.forEach((task, i) => {
    const features = (task.spec as { features?: unknown }).features;
    const key = task.baseline ? `baseline:${i}` : `${task.section}|${JSON.stringify(features ?? null)}`;
    const unit = units.get(key);
    if (unit) unit.push(i);
    else units.set(key, [i]);
  });
  return [...units.values()];
}

function panelInit(panel: Panel): PanelInit {
  return {
    dates: panel.dates,
    assets: panel.assets,
    fields: Object.fromEntries(panel.fieldNames.map((f) => [f, panel.field(f)])),
    meta: panel.meta,
  };
}

export function runMlTasksInWorkers(
  inputs: MlTaskInputs,
  plan: MlJobPlan,
  workers: number,
  onDone?: (done: number, total: number, label: string) => void,
  /** Tasks in flight as they go: (finished + fractions of those running, total, note) — for a progress bar. */
  onProgress?: (done: number, total: number, note: string) => void,
): Promise<BacktestResult[]> {
  const n = plan.tasks.length;
  const units = workUnits(plan);
  const data: MlWorkerData = {
    entry: new URL(`./ml-task-worker${ownExtension}`, import.meta.url).href,
    panel: panelInit(inputs.panel),
    ...(inputs.records ? { records: inputs.records } : {}),
    seed: inputs.seed,
    backtest: inputs.backtest,
    plan,
  };
  const results: BacktestResult[] = new Array<BacktestResult>(n);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    const retired = new Set<Worker>();
    const pendingIn = new Map<Worker, number>(); // tasks of its current unit not yet back
    let next = 0;
    let done = 0;
    const partial = new Map<number, number>(); // task index → fraction done, while it runs
    let settled = false;
    const stopAll = (): void => {
      for (const w of pool) {
        retired.add(w);
        void w.terminate();
      }
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(error);
    };
    const feed = (w: Worker): void => {
      const unit = units[next++];
      if (unit) {
        pendingIn.set(w, unit.length);
        for (const i of unit) w.postMessage(i);
      } else {
        retired.add(w);
        void w.terminate();
      }
    };
    for (let k = 0; k < Math.min(workers, units.length); k++) {
      const w = new Worker(new URL(fromSource ? './boot.mjs' : data.entry, import.meta.url), { workerData: data });
      pool.push(w);
      w.on('message', (m: MlWorkerReply) => {
        if (settled) return;
        const task = plan.tasks[m.index]!;
        // Tasks in flight count by the fraction of their walk-forward done (refits, epochs).
        const inFlight = (): number => {
          let sum = 0;
          for (const f of partial.values()) sum += f;
          return sum;
        };
        if ('progress' in m) {
          partial.set(m.index, m.progress);
          onProgress?.(done + inFlight(), n, m.note === task.label ? task.label : `${task.label} ${m.note}`);
          return;
        }
        partial.delete(m.index);
        if ('error' in m) {
          fail(
            m.error.kind
              ? new KeelError(m.error.kind, m.error.message)
              : new Error(`strategy ${task.label} failed on a worker thread: ${m.error.message}`),
          );
          return;
        }
        results[m.index] = m.result;
        done++;
        onDone?.(done, n, task.label);
        onProgress?.(done + inFlight(), n, task.label);
        if (done === n) {
          settled = true;
          stopAll();
          resolve(results);
        } else {
          const left = pendingIn.get(w)! - 1;
          pendingIn.set(w, left);
          if (left === 0) feed(w);
        }
      });
      w.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!retired.has(w)) fail(new Error(`an ML worker thread stopped unexpectedly (exit code ${code}).`));
      });
      feed(w);
    }
  });
}
