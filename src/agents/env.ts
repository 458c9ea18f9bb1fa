/**
 * The environment contract every Keel agent trains against (Gymnasium's, typed): `reset` starts an episode and is
 * the only place an environment's randomness is seeded; `step` before `reset` throws. Running out of data is
 * truncation (bootstrap the value of the final observation); ruin or a drawdown stop is termination (do not).
 */
export interface Space {
  /** 'box': continuous vector of `shape` within [low, high]; 'discrete': an integer in [0, n). */
  readonly kind: 'box' | 'discrete';
  readonly shape: readonly number[];
  readonly low?: Float64Array;
  readonly high?: Float64Array;
  readonly n?: number;
}

export interface ResetResult<Obs> {
  readonly obs: Obs;
  readonly info: Readonly<Record<string, unknown>>;
}

export interface StepResult<Obs> {
  readonly obs: Obs;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Readonly<Record<string, unknown>>;
}

export interface Env<Obs = Float64Array, Action = Float64Array | number> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  reset(options?: { seed?: number; options?: Readonly<Record<string, unknown>> }): ResetResult<Obs>;
  step(action: Action): StepResult<Obs>;
  /** Optional: what `step(action)` would return from the current state, without taking it (PortfolioEnv has it). */
  peek?(action: Action): StepResult<Obs>;
}
