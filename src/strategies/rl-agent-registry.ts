/**
 * The algorithms an `rl-agent` strategy can name. A study naming one that is not registered fails validation with
 * one line (never silently runs another). To plug in an agent from src/agents, add one entry below, e.g.
 *   dqn: dqnAlgorithm,   // import { dqnAlgorithm } from '../agents/index.ts'
 * The entry trains on a `PortfolioEnv` built on data up to the refit date only and returns a policy.
 */
import type * as z from 'zod';
import type { FindingDraft } from '../core/index.ts';
import { qLearningAlgorithm } from './rl-agent-q.ts';
import { a2cAlgorithm, dqnAlgorithm, ppoAlgorithm } from './rl-agent-deep.ts';
import type { PerAssetSpec, PortfolioEnv } from '../agents/index.ts';

/** Every algorithm a study may name (the schema's enum); only the registered ones run. */
export const RL_ALGORITHM_NAMES = ['q-learning', 'dqn', 'a2c', 'ppo'] as const;
export type RlAlgorithmName = (typeof RL_ALGORITHM_NAMES)[number];

export interface RlTrainInput {
  /** The training environment: data ≤ the refit date, its last reward ending by then. */
  readonly env: PortfolioEnv;
  /** Observations (book all cash) at every training decision row: for discretisers and normalisers. */
  readonly trainObservations: readonly Float64Array[];
  readonly seed: number;
  /** The strategy's `agent:` block, already validated by `paramsSchema`. */
  readonly params: Record<string, unknown>;
  /** Training budget: episodes, or env steps (converted by the algorithm). */
  readonly budget: { readonly episodes?: number; readonly steps?: number };
  /** The strategy's `policy: per-asset` (null: a network over the joint observation). */
  readonly perAsset?: PerAssetSpec | null;
}

export interface RlPolicy {
  /** Action (in the env's action space) for an observation. */
  act(obs: Float64Array): Float64Array | number;
  /** Return of each training episode (the training curve). */
  readonly episodeReturns: readonly number[];
  /** What went differently from what was asked (training stopped on bad input, …). */
  readonly findings: readonly FindingDraft[];
  toJSON(): unknown;
}

export interface RlAlgorithm {
  /** 'discrete' needs the strategy's `actions`; 'continuous' acts on the simplex. */
  readonly actions: 'discrete' | 'continuous';
  /** Parameters of the strategy's `agent:` block. */
  readonly paramsSchema: z.ZodType;
  train(input: RlTrainInput): RlPolicy;
}

export const rlAlgorithms: Partial<Record<RlAlgorithmName, RlAlgorithm>> = {
  'q-learning': qLearningAlgorithm,
  dqn: dqnAlgorithm,
  a2c: a2cAlgorithm,
  ppo: ppoAlgorithm,
};

/** One line for a study naming an algorithm that is not registered in this build. */
export function missingAlgorithm(name: string): string {
  const have = Object.keys(rlAlgorithms).join(', ');
  return `algorithm ${name} is not available in this build yet (available: ${have}); use algorithm: q-learning`;
}
