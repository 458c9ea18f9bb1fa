/**
 * Tabular Q-learning as an `rl-agent` algorithm. State = the quantile bins (fitted on the training observations
 * only) of the feature columns of the newest observation row × the declared allocation nearest (L1) to the drifted
 * book, so the agent knows what it holds and what a switch costs. Actions = the declared allocations.
 */
import * as z from 'zod';
import { configError, type FindingDraft } from '../core/index.ts';
import { nearestAllocation, QuantileBins, trainQLearning, type QTable } from '../agents/index.ts';
import type { RlAlgorithm, RlTrainInput } from './rl-agent-registry.ts';

const MAX_STATES = 100_000;

export const qAgentSchema = z.strictObject({
  alpha: z.number().gt(0).max(1).default(0.1).describe('learning rate α'),
  gamma: z.number().min(0).max(1).default(0.95).describe('discount γ'),
  epsilonStart: z.number().min(0).max(1).default(1).describe('exploration rate of the first episode'),
  epsilonEnd: z.number().min(0).max(1).default(0.05).describe('exploration rate of the last episode'),
  bins: z.int().min(2).max(10).default(3).describe('quantile bins per feature column (fitted on the training window)'),
});

export const qLearningAlgorithm: RlAlgorithm = {
  actions: 'discrete',
  paramsSchema: qAgentSchema,
  train(input: RlTrainInput) {
    const p = qAgentSchema.parse(input.params);
    const env = input.env;
    const allocs = env.actions.allocations!;
    const n = env.nAssets;
    const featureLen = env.features.columns.length * n;
    const head = (env.window - 1) * featureLen; // the newest row of the window
    const columns = Array.from({ length: featureLen }, (_, j) => head + j);
    const states = Math.pow(p.bins, columns.length) * allocs.length;
    if (states > MAX_STATES)
      throw configError(
        `rl-agent q-learning: ${p.bins} bins ^ ${columns.length} feature columns × ${allocs.length} allocations = ${states} states > ${MAX_STATES}; use fewer features or bins (e.g. features: [{ kind: momentum, windows: [63] }], agent: { bins: 2 }).`,
      );
    const bins = QuantileBins.fit(input.trainObservations, columns, p.bins);
    const wAt = env.window * featureLen; // the drifted weights follow the feature block
    const stateOf = (obs: Float64Array): number =>
      bins.state(obs) * allocs.length + nearestAllocation(obs.subarray(wAt, wAt + n), allocs);
    const stepsPerEpisode = Math.floor((env.to - env.from) / env.stepBars);
    const episodes = input.budget.episodes ?? Math.max(1, Math.ceil((input.budget.steps ?? 0) / stepsPerEpisode));
    const { table, findings } = trainQLearning(
      env,
      stateOf,
      states,
      { alpha: p.alpha, gamma: p.gamma, epsilonStart: p.epsilonStart, epsilonEnd: p.epsilonEnd, episodes },
      input.seed,
    );
    return policy(table, bins, stateOf, findings);
  },
};

function policy(
  table: QTable,
  bins: QuantileBins,
  stateOf: (obs: Float64Array) => number,
  findings: readonly FindingDraft[],
) {
  return {
    act: (obs: Float64Array) => table.act(stateOf(obs)),
    episodeReturns: table.episodeReturns,
    findings,
    toJSON: () => ({ algorithm: 'q-learning', bins: bins.toJSON(), table: table.toJSON() }),
  };
}
