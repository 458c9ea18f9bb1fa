/** execution: turn target weights into orders (rebalance calculator); brokers and guardrails come later. */
export { rebalance } from './rebalance.ts';
export type { RebalanceInput, RebalanceOptions, RebalancePlan, Trade } from './rebalance.ts';
export type {
  Account,
  Broker,
  BrokerOrder,
  Fill,
  OrderRequest,
  OrderSide,
  OrderState,
  OrderType,
  Position,
  RejectCode,
  SubmitResult,
  TimeInForce,
} from './broker-types.ts';
