/** A trial: one proposed point and what became of it. */
import type { Params } from './space.ts';

export type Direction = 'minimize' | 'maximize';
export type TrialState = 'running' | 'complete' | 'failed';

export interface Trial {
  /** 0-based order of `ask`. */
  readonly number: number;
  readonly params: Params;
  readonly state: TrialState;
  /** The objective value (complete trials only). */
  readonly value?: number;
  /** Why a failed trial failed. */
  readonly error?: string;
}
