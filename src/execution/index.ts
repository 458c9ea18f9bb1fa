/** execution: turn target weights into orders (rebalance calculator); brokers and guardrails come later. */
export { rebalance } from './rebalance.ts';
export type { RebalanceInput, RebalanceOptions, RebalancePlan, Trade } from './rebalance.ts';
