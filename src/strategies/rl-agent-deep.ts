/**
 * DQN, A2C and PPO (src/agents) as `rl-agent` algorithms. PPO and A2C act on the simplex: their softmax-Gaussian
 * hands PortfolioEnv the raw scores (`boxAction: 'scores'`; the env's `simplex` action applies the softmax once,
 * cash included); DQN picks one of the declared allocations. A training run stopped by bad input (a NaN reward, a
 * diverging loss) becomes a warning finding and the agent keeps the policy of its last good update.
 */
import * as z from 'zod';
import { isKeelError, type FindingDraft } from '../core/index.ts';
import { A2c, Dqn, Ppo, type Agent } from '../agents/index.ts';
import type { RlAlgorithm, RlPolicy, RlTrainInput } from './rl-agent-registry.ts';

const hidden = z
  .array(z.int().min(1).max(1024))
  .max(4)
  .default([64, 64])
  .describe('hidden layer sizes ([]: linear, e.g. for policy: per-asset)');
const onPolicy = {
  learningRate: z.number().gt(0).max(1).default(3e-4).describe('Adam learning rate'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount γ'),
  gaeLambda: z.number().min(0).max(1).default(0.95).describe('GAE λ'),
  entCoef: z.number().min(0).max(1).default(0).describe('entropy bonus coefficient'),
  vfCoef: z.number().min(0).default(0.5).describe('value loss coefficient'),
  maxGradNorm: z.number().gt(0).default(0.5).describe('gradient-norm clip'),
  logStdInit: z.number().min(-5).max(2).default(0).describe('initial log σ of the Gaussian over scores'),
  hidden,
};

export const ppoAgentSchema = z.strictObject({
  ...onPolicy,
  nSteps: z.int().min(2).default(256).describe('env steps per rollout'),
  batchSize: z.int().min(1).default(64).describe('minibatch size'),
  nEpochs: z.int().min(1).default(10).describe('passes over each rollout'),
  clipRange: z.number().gt(0).default(0.2).describe('ε of the clipped ratio'),
  clipRangeVf: z
    .number()
    .gt(0)
    .nullable()
    .default(null)
    .describe('value clipping around the rollout values (null: off)'),
  targetKl: z.number().gt(0).nullable().default(0.02).describe('stop an update once approx-KL > 1.5 × targetKl'),
});

export const a2cAgentSchema = z.strictObject({
  ...onPolicy,
  learningRate: z.number().gt(0).max(1).default(7e-4).describe('Adam learning rate'),
  gaeLambda: z.number().min(0).max(1).default(1).describe('GAE λ'),
  nSteps: z.int().min(2).default(16).describe('env steps per update'),
});

export const dqnAgentSchema = z.strictObject({
  learningRate: z.number().gt(0).max(1).default(1e-3).describe('Adam learning rate'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount γ'),
  bufferSize: z.int().min(1).default(50_000).describe('replay capacity (transitions)'),
  learningStarts: z.int().min(0).default(200).describe('random-ish steps before the first gradient step'),
  batchSize: z.int().min(1).default(32).describe('minibatch size'),
  trainFreq: z.int().min(1).default(1).describe('env steps per gradient step'),
  targetUpdateInterval: z.int().min(1).default(500).describe('env steps between target-network copies'),
  explorationFraction: z.number().gt(0).max(1).default(0.3).describe('fraction of training over which ε falls'),
  explorationFinal: z.number().min(0).max(1).default(0.05).describe('final ε'),
  maxGradNorm: z.number().gt(0).default(10).describe('gradient-norm clip'),
  hidden,
  doubleQ: z.boolean().default(true).describe('double-DQN target'),
  allActions: z
    .boolean()
    .default(false)
    .describe("store every allocation's transition at each step (counterfactual rewards from the same prices)"),
  l2: z.number().min(0).max(1000).default(0).describe('L2 penalty on the Q-network parameters (0: none)'),
});

function stepsOf(input: RlTrainInput): number {
  const env = input.env;
  const perEpisode = Math.max(1, Math.floor((env.to - env.from) / env.stepBars));
  return input.budget.steps ?? (input.budget.episodes ?? 40) * perEpisode;
}

function trainAgent(agent: Agent, input: RlTrainInput): RlPolicy {
  const findings: FindingDraft[] = [];
  try {
    agent.learn(input.env, stepsOf(input));
  } catch (e) {
    if (!isKeelError(e) || (e.kind !== 'data' && e.kind !== 'numeric')) throw e;
    findings.push({
      severity: 'warning',
      kind: 'rl-training-stopped',
      message: `${e.message} (${agent.curve.length} updates completed)`,
      fix: 'check the features for missing values, or lower the learning rate',
    });
  }
  const policy = agent.policy();
  return {
    act: (obs) => policy.act(obs),
    episodeReturns: agent.episodes.map((x) => x.return),
    findings,
    toJSON: () => agent.toJSON(),
  };
}

export const ppoAlgorithm: RlAlgorithm = {
  actions: 'continuous',
  paramsSchema: ppoAgentSchema,
  train: (input) =>
    trainAgent(
      new Ppo({
        ...ppoAgentSchema.parse(input.params),
        seed: input.seed,
        boxAction: 'scores',
        perAsset: input.perAsset ?? null,
      }),
      input,
    ),
};

export const a2cAlgorithm: RlAlgorithm = {
  actions: 'continuous',
  paramsSchema: a2cAgentSchema,
  train: (input) =>
    trainAgent(
      new A2c({
        ...a2cAgentSchema.parse(input.params),
        seed: input.seed,
        boxAction: 'scores',
        perAsset: input.perAsset ?? null,
      }),
      input,
    ),
};

export const dqnAlgorithm: RlAlgorithm = {
  actions: 'discrete',
  paramsSchema: dqnAgentSchema,
  train: (input) =>
    trainAgent(
      new Dqn({ ...dqnAgentSchema.parse(input.params), seed: input.seed, perAsset: input.perAsset ?? null }),
      input,
    ),
};
