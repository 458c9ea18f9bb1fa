/** agents: reinforcement-learning environments (PortfolioEnv on the backtest engine) and agents that allocate. */
export type { Env, Space, ResetResult, StepResult } from './env.ts';
export { PortfolioEnv, observationAt } from './portfolio-env.ts';
export type { PortfolioEnvOptions } from './portfolio-env.ts';
export { actionSchema, createActionMap, projectSimplex, softmax, scaleIntoLimits } from './portfolio-env-actions.ts';
export type { ActionSpec, ActionMap, Limits } from './portfolio-env-actions.ts';
export { rewardSchema, rewardKinds, createReward } from './rewards.ts';
export type { Reward, RewardSpec } from './rewards.ts';
export { checkEnv, sampleAction } from './check-env.ts';
export type { EnvCheckReport } from './check-env.ts';
export { QuantileBins, nearestAllocation } from './discretise.ts';
export type { QuantileBinsJSON } from './discretise.ts';
export { QTable, qLearningSchema, trainQLearning } from './q-learning.ts';
export type { QLearningParams, QLearningResult, QTableJSON } from './q-learning.ts';
// deep agents (DQN, A2C, PPO) on Keel's neural kit
export { Dqn, dqnDefaults } from './dqn.ts';
export type { DqnParams } from './dqn.ts';
export { A2c, a2cDefaults } from './a2c.ts';
export type { A2cParams } from './a2c.ts';
export { Ppo, ppoDefaults } from './ppo.ts';
export type { PpoParams } from './ppo.ts';
export { onPolicyDefaults, explainedVariance } from './on-policy.ts';
export type { OnPolicyParams } from './on-policy.ts';
export { createAgent, agentFromJSON, deepAlgorithms } from './agent-registry.ts';
export type { DeepAlgorithm, DeepAgentParams } from './agent-registry.ts';
export type {
  Agent,
  AgentAlgorithm,
  AgentCallback,
  AgentJSON,
  CallbackContext,
  EpisodeStat,
  FrozenPolicy,
  LearnResult,
  UpdateStats,
} from './agent.ts';
export { computeGae } from './gae.ts';
export type { GaeInput } from './gae.ts';
export { ReplayBuffer, RolloutBuffer } from './buffers.ts';
export { constantSchedule, linearSchedule, toSchedule } from './schedules.ts';
export type { Schedule } from './schedules.ts';
export { ActionDistribution, distributionFor } from './policy.ts';
export { SharedAssetNet, buildAgentNet, cloneAgentNet } from './shared-net.ts';
export type { AgentNet, PerAssetSpec } from './shared-net.ts';
export type { DistributionKind } from './policy.ts';
export { IdentityEnv, PlantedRegimeEnv, plantedOracle, plantedAllocations, evaluatePolicy } from './agent-test-envs.ts';
export type { PlantedRegimeOptions } from './agent-test-envs.ts';
