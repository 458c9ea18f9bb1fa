/**
 * trading: the crash-safe ledger (SQLite, hash-chained events, derived tables), guardrails, approval, the desk
 * operations behind `keel trade` and the `keel paper` loop, with execution's paper broker kept in its own file.
 */
export { TradeLedger, planHash, eventTypes } from './ledger.ts';
export type { EventType, LedgerEvent, OrderRow, PlanBody, PlanRow, PlannedOrder } from './ledger.ts';
export { createGuardrails, checkOrders } from './guardrails.ts';
export type { Denial, GuardContext, GuardOrder, Guardrails } from './guardrails.ts';
export { PaperBrokerFile } from './broker-file.ts';
export type { BrokerFileSetup } from './broker-file.ts';
export { sliceOrders } from './slicing.ts';
export { executionReport, slicedParents } from './execution-report.ts';
export type { ExecutionReport, ParentCost } from './execution-report.ts';
export { reconcile, approvePlan, rejectPlan, autoApprove, submitPlan, halt, resume, MAX_REASON } from './desk.ts';
export type { ReconcileReport, SubmitResult, MarketNow, ApproveResult, RejectResult } from './desk.ts';
export { makePlan, recordPlan, carriedCloses, holdings, navAt, lastTraded } from './plan.ts';
export { manualPlan } from './manual-plan.ts';
export { loadTradingStudy, withOrderSettings } from './study-source.ts';
export type { TradingStudy } from './study-source.ts';
export { runPaper, checkPaperSettings, marketAt } from './paper.ts';
export type { PaperDay, PaperResult } from './paper.ts';
export { openSession, openStudySession, brokerPathFor } from './session.ts';
export type { Session } from './session.ts';
export { checkInvariants } from './invariants.ts';
export type { Invariants } from './invariants.ts';
