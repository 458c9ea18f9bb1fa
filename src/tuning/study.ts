/**
 * The ask/tell optimiser: `ask()` proposes a point, `tell(params, value)` records its objective value. A trial whose
 * objective throws, or returns NaN or ±Infinity, is recorded as failed with the reason — never dropped — and the TPE
 * sampler counts it among the bad trials. `optimize(objective, n)` runs the loop.
 */
import { usageError } from '../core/index.ts';
import { createSampler } from './samplers.ts';
import type { SamplerSpec } from './samplers.ts';
import { validateSpace } from './space.ts';
import type { Params, SearchSpace } from './space.ts';
import type { Direction, Trial } from './trial.ts';

export interface StudyOptions {
  readonly space: SearchSpace;
  /** Default 'tpe'. */
  readonly sampler?: SamplerSpec;
  /** Default 0. */
  readonly seed?: number;
  /** Default 'minimize'. */
  readonly direction?: Direction;
}

export type Objective = (params: Params, trialNumber: number) => number;

export interface TuningStudy {
  readonly space: SearchSpace;
  readonly direction: Direction;
  /** Every trial asked so far, in ask order (running ones included). */
  readonly trials: readonly Trial[];
  /** The best complete trial (earliest on ties), or undefined before any. */
  readonly best: Trial | undefined;
  ask(): Params;
  /** Record the value of a point from `ask`; NaN or ±Infinity records the trial as failed. */
  tell(params: Params, value: number): Trial;
  /** Record that a point from `ask` could not be evaluated. */
  fail(params: Params, reason: string): Trial;
  /** Ask, evaluate and tell `nTrials` times; returns the best trial. */
  optimize(objective: Objective, nTrials: number): Trial | undefined;
  /** As `optimize`, awaiting an asynchronous objective. */
  optimizeAsync(
    objective: (params: Params, trialNumber: number) => Promise<number>,
    nTrials: number,
  ): Promise<Trial | undefined>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createStudy(options: StudyOptions): TuningStudy {
  const space = validateSpace(options.space);
  const direction = options.direction ?? 'minimize';
  if (direction !== 'minimize' && direction !== 'maximize')
    throw usageError(`direction must be minimize or maximize, got ${JSON.stringify(direction)}`);
  const sampler = createSampler(options.sampler ?? 'tpe', space, options.seed ?? 0, direction);
  const trials: Trial[] = [];
  const numberOf = new Map<Params, number>();
  let best: Trial | undefined;

  const record = (params: Params, done: Omit<Trial, 'number' | 'params'>): Trial => {
    const n = numberOf.get(params);
    if (n === undefined)
      throw usageError('tell/fail got parameters that ask() did not return; pass the object ask() gave you');
    if (trials[n]!.state !== 'running')
      throw usageError(`trial ${n} was already told (${trials[n]!.state}); ask() for a new trial`);
    const t: Trial = Object.freeze({ number: n, params, ...done });
    trials[n] = t;
    if (t.state === 'complete') {
      const better =
        direction === 'minimize' ? t.value! < (best?.value ?? Infinity) : t.value! > (best?.value ?? -Infinity);
      if (better) best = t;
    }
    return t;
  };

  const study: TuningStudy = {
    space,
    direction,
    get trials() {
      return trials;
    },
    get best() {
      return best;
    },
    ask() {
      const params = sampler.sample(trials);
      numberOf.set(params, trials.length);
      trials.push(Object.freeze({ number: trials.length, params, state: 'running' }));
      return params;
    },
    tell(params, value) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return record(params, { state: 'failed', error: `objective returned ${String(value)}, not a finite number` });
      return record(params, { state: 'complete', value });
    },
    fail(params, reason) {
      return record(params, { state: 'failed', error: reason });
    },
    optimize(objective, nTrials) {
      checkTrials(nTrials);
      for (let i = 0; i < nTrials; i++) {
        const p = study.ask();
        let v: number;
        try {
          v = objective(p, trials.length - 1);
        } catch (e) {
          study.fail(p, `objective threw: ${message(e)}`);
          continue;
        }
        study.tell(p, v);
      }
      return best;
    },
    async optimizeAsync(objective, nTrials) {
      checkTrials(nTrials);
      for (let i = 0; i < nTrials; i++) {
        const p = study.ask();
        let v: number;
        try {
          v = await objective(p, trials.length - 1);
        } catch (e) {
          study.fail(p, `objective threw: ${message(e)}`);
          continue;
        }
        study.tell(p, v);
      }
      return best;
    },
  };
  return study;
}

function checkTrials(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw usageError(`nTrials must be an integer ≥ 1, got ${n}; use e.g. 50`);
}
