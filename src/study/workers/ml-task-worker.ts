/**
 * Worker thread for the ML job: rebuilds the job's shared inputs from `workerData` once, then runs each task index
 * the parent posts and posts back its backtest (or the error, as kind + one-line message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeelError } from '../../core/index.ts';
import { Panel } from '../../data/index.ts';
import { runMlTask } from '../../report/index.ts';
import type { MlJobPlan, MlTaskInputs } from '../../report/index.ts';
import type { MlWorkerData, MlWorkerReply } from './ml-tasks-parallel.ts';

const data = workerData as MlWorkerData;
const inputs: MlTaskInputs = {
  panel: new Panel(data.panel),
  ...(data.records ? { records: data.records } : {}),
  seed: data.seed,
  backtest: data.backtest,
};
const plan = data.plan as MlJobPlan;
const port = parentPort!;

port.on('message', (index: number) => {
  let reply: MlWorkerReply;
  try {
    // Progress for the parent's bar, at most ~5 messages a second (a forest reports every tree).
    let last = 0;
    const onProgress = (fraction: number, note: string): void => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      port.postMessage({ index, progress: fraction, note } satisfies MlWorkerReply);
    };
    reply = { index, result: runMlTask(inputs, plan, plan.tasks[index]!, onProgress) };
  } catch (e) {
    reply = {
      index,
      error:
        e instanceof KeelError
          ? { kind: e.kind, message: e.message }
          : { message: e instanceof Error ? (e.stack ?? e.message) : String(e) },
    };
  }
  port.postMessage(reply);
});
