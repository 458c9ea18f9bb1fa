/**
 * execution: target weights → orders (rebalance calculator, client order ids), the order state machine, execution
 * algorithms (TWAP, VWAP, POV, Almgren–Chriss) with an execution-quality report on the backtest's impact model,
 * and brokers (paper, Alpaca-style REST) behind one interface.
 */
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
export { backtestOrders, checkOrderStyle, clientOrderId, planOrders } from './orders.ts';
export type { OrderStyle, PlannedOrders } from './orders.ts';
export {
  ORDER_TRANSITIONS,
  CLOSED_STATES,
  applyOrderEvent,
  isOpen,
  newTrackedOrder,
  orderEventKinds,
  orderStates,
} from './order-state.ts';
export type { ApplyResult, OrderEvent, OrderEventError, OrderEventKind, TrackedOrder } from './order-state.ts';
export {
  almgrenChriss,
  almgrenChrissKappa,
  childOrders,
  linearEtaFromSqrt,
  pov,
  twap,
  volumeProfile,
  vwap,
} from './algorithms.ts';
export type { AlmgrenChrissParams } from './algorithms.ts';
export { blockSchedule, executionQuality, modelledCost } from './quality.ts';
export type { ExecutionQualityReport, ImpactInputs, ModelledCost, OrderQuality, ParentExecution } from './quality.ts';
export { intradayPath, uShapedProfile } from './intraday.ts';
export { PaperBroker } from './paper-broker.ts';
export type { PaperBrokerOptions, PaperBrokerState } from './paper-broker.ts';
export { AlpacaBroker, fromAlpacaOrder, toAlpacaOrder } from './alpaca-broker.ts';
export type { AlpacaBrokerOptions } from './alpaca-broker.ts';
