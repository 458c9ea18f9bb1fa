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
