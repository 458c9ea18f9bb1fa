/** Env wrappers for the agents' tests: record what an agent did, or break an env at a chosen step. */
import type { Env, StepResult } from './env.ts';

/** A wrapper that passes everything to `inner`; subclasses override what they watch or change. */
export class PassThroughEnv<E extends Env = Env> implements Env {
  constructor(protected readonly inner: E) {}
  get observationSpace(): Env['observationSpace'] {
    return this.inner.observationSpace;
  }
  get actionSpace(): Env['actionSpace'] {
    return this.inner.actionSpace;
  }
  reset(o?: Parameters<Env['reset']>[0]): ReturnType<Env['reset']> {
    return this.inner.reset(o);
  }
  step(action: Float64Array | number): StepResult<Float64Array> {
    return this.inner.step(action);
  }
}

/** Passes everything through and records every action and reward (for same-seed byte comparisons). */
export class RecordingEnv extends PassThroughEnv {
  readonly actions: number[] = [];
  readonly rewards: number[] = [];
  override step(action: Float64Array | number): StepResult<Float64Array> {
    if (typeof action === 'number') this.actions.push(action);
    else this.actions.push(...action);
    const r = this.inner.step(action);
    this.rewards.push(r.reward);
    return r;
  }
}

/** From step `from` on (1-based, counted over all episodes), the reward becomes `reward` (NaN, or huge). */
export class BreakingEnv extends PassThroughEnv {
  private steps = 0;
  constructor(
    inner: Env,
    private readonly from: number,
    private readonly reward: number,
  ) {
    super(inner);
  }
  override step(action: Float64Array | number): StepResult<Float64Array> {
    const r = this.inner.step(action);
    return ++this.steps >= this.from ? { ...r, reward: this.reward } : r;
  }
}
