/** agents: reinforcement-learning environments (PortfolioEnv on the backtest engine) and agents that allocate. */
export type { Env, Space, ResetResult, StepResult } from './env.ts';
